"""From a received request to what is stored and what is answered.

No I/O here: the batch writer calls this for each request just before its commit.
"""

from __future__ import annotations

from typing import NamedTuple
from urllib.parse import urlencode

from console.listener.form import FORM, UnreadableBody, decode_fields
from console.protocol.callbacks import (
    InvalidCallback,
    ReceiptFields,
    ReplyFields,
    parse_callback,
)
from console.store.models import (
    CallbackItem,
    IncomingReceipt,
    IncomingReply,
    QuarantinedCallback,
)

Change = tuple[str, str]  # (kind, message_id): kind is "receipt", "reply" or "quarantine"


class Delivery(NamedTuple):
    """One callback request as the server received it (a tuple: cheap to pass on)."""

    received_at: float
    source: str
    method: str
    target: str  # path and query, with the path token masked
    query: bytes
    content_type: bytes
    body: bytes
    headers: dict[bytes, bytes]  # only the few kept with a quarantined request


class Verdict(NamedTuple):
    """The answer to give once the callback is stored, and what changed for the screen."""

    status: int
    text: str
    note: str
    change: Change | None


def _raw(fields: list[tuple[str, str]], delivery: Delivery) -> str:
    if not delivery.query and delivery.content_type.startswith(FORM):
        return delivery.body.decode("utf-8")  # decoded once already, so known to be UTF-8
    return urlencode(fields)


def _item(
    fields: list[tuple[str, str]], parsed: ReceiptFields | ReplyFields, delivery: Delivery
) -> IncomingReceipt | IncomingReply:
    if isinstance(parsed, ReceiptFields):
        return IncomingReceipt(
            message_id=parsed.message_id,
            message_state=parsed.message_state,
            result_code=parsed.result_code,
            received_at=delivery.received_at,
            source_address=delivery.source,
            raw=_raw(fields, delivery),
            app_id=parsed.app_id,
            conversation_id=parsed.conversation_id,
        )
    if parsed.attachments:
        # Attachment bodies are kept decoded in their own table, not twice in the raw copy.
        raw = urlencode(
            [(k, f"<{len(v)} base64 chars>" if k.endswith(".content") else v) for k, v in fields]
        )
    else:
        raw = _raw(fields, delivery)
    return IncomingReply(
        message_id=parsed.message_id,
        shortcode=parsed.shortcode,
        phone_number=parsed.phone_number,
        carrier=parsed.carrier,
        body=parsed.message,
        received_at=delivery.received_at,
        source_address=delivery.source,
        raw=raw,
        attachments=parsed.attachments,
    )


def interpret(delivery: Delivery) -> CallbackItem:
    """What to store for ``delivery``: a receipt, a reply, or the request in quarantine."""
    try:
        fields = decode_fields(delivery.query, delivery.content_type, delivery.body)
        return _item(fields, parse_callback(fields), delivery)
    except (UnreadableBody, InvalidCallback) as exc:
        return QuarantinedCallback(
            received_at=delivery.received_at,
            source_address=delivery.source,
            method=delivery.method,
            target=delivery.target,
            headers=tuple(
                (k.decode("latin-1"), v.decode("latin-1")) for k, v in delivery.headers.items()
            ),
            body=delivery.body,
            reason=str(exc),
        )


def verdict(item: CallbackItem, new: bool) -> Verdict:
    """The answer for a stored item (``new`` is False for a redelivery)."""
    if isinstance(item, QuarantinedCallback):
        return Verdict(400, f"bad request: {item.reason}", item.reason, ("quarantine", ""))
    kind = "receipt" if isinstance(item, IncomingReceipt) else "reply"
    note = f"{kind} {item.message_id}" + ("" if new else " (redelivery)")
    return Verdict(200, "OK", note, (kind, item.message_id) if new else None)
