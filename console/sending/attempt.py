"""One HTTP attempt of an MT request, with every failure turned into a recorded result."""

from __future__ import annotations

import re
import time

import httpx

from console.protocol.mt_request import FORM_CONTENT_TYPE, HttpMethod, MtRequest
from console.protocol.mt_response import parse_answer
from console.redaction import redact
from console.store.models import AttemptResult

# Failures that happen before any byte of the request can have reached the provider.
_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)


async def attempt(
    client: httpx.AsyncClient, endpoint: str, method: HttpMethod, request: MtRequest
) -> AttemptResult:
    """Send ``request`` once. Never raises for network or HTTP trouble.

    Error texts are built here, not taken from httpx as they are, because httpx puts the
    full URL (and with GET, the password) into its messages.
    """
    try:
        if method is HttpMethod.POST:
            response = await client.post(
                endpoint, content=request.form_body(), headers={"Content-Type": FORM_CONTENT_TYPE}
            )
        else:
            url = httpx.URL(endpoint).copy_with(query=request.query_string().encode("ascii"))
            response = await client.get(url)
    except httpx.HTTPError as exc:
        return AttemptResult(
            finished_at=time.time(),
            transport_error=_describe(exc),
            outcome_known=isinstance(exc, _NOT_SENT),
        )
    # The answer may echo the request, password included, in any encoding.
    answer = parse_answer(response.content, clean=redact)
    return AttemptResult(
        finished_at=time.time(),
        http_status=response.status_code,
        result_code=answer.result_code if response.status_code == 200 else None,
        raw_response=answer.raw,
        # Only a readable code, or a plain client error, tells us what became of it.
        outcome_known=answer.parseable or 400 <= response.status_code < 500,
    )


_DESCRIPTIONS: tuple[tuple[type[httpx.HTTPError], str], ...] = (
    (httpx.ConnectTimeout, "timed out connecting to the endpoint"),
    (httpx.ConnectError, "could not connect to the endpoint"),
    (httpx.PoolTimeout, "no free connection to the endpoint in time"),
    (httpx.ReadTimeout, "no answer in time (the message may have been accepted)"),
    (httpx.WriteTimeout, "timed out sending the request (it may have arrived)"),
    (httpx.RemoteProtocolError, "the connection dropped before the answer was read"),
    (httpx.ReadError, "the connection failed while reading the answer"),
    (httpx.WriteError, "the connection failed while sending the request"),
)


def _describe(exc: httpx.HTTPError) -> str:
    for kind, text in _DESCRIPTIONS:
        if isinstance(exc, kind):
            if isinstance(exc, httpx.TimeoutException):
                # Its cause is the I/O library's cancellation ("cancel scope 7fd7…"): noise.
                return text
            detail = _reason(exc)
            return f"{text} ({detail})" if detail else text
    return f"{type(exc).__name__}: {_reason(exc)}"


_QUERY = re.compile(r"(https?://[^\s'\"?]*)\?[^\s'\"]*")


def _reason(exc: BaseException) -> str:
    # The innermost cause names the socket-level problem; should a URL still appear, its
    # query (where a GET request carries the password) is cut off.
    while exc.__cause__ is not None or exc.__context__ is not None:
        exc = exc.__cause__ or exc.__context__  # type: ignore[assignment]
    return redact(_QUERY.sub(r"\1?…", str(exc))) or type(exc).__name__
