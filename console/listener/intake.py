"""From a received request to what is stored and what is answered.

No I/O here: the batch writer calls this for each request just before its commit.
"""

from __future__ import annotations

import asyncio
import hashlib
import itertools
from typing import Literal, NamedTuple
from urllib.parse import urlencode

from console.listener.config import LARGE_BODY
from console.listener.form import DEFAULT_LIMITS, FORM, FieldLimits, UnreadableBody, decode_fields
from console.listener.large_form import CHUNK, decode_large
from console.protocol.callbacks import (
    ATTACHMENT_CONTENT,
    InvalidCallback,
    ReceiptFields,
    ReplyFields,
    parse_callback,
)
from console.protocol.keywords import KeywordRules
from console.store.models import (
    CallbackItem,
    IncomingReceipt,
    IncomingReply,
    QuarantinedCallback,
)

# What changed for the screen: a receipt or reply stored, a callback quarantined, (from
# the sending side) a message's own row, (from a shared store's change feed) a thread's
# claim, a number's opt-out or the canned replies, or (from that feed, back after too
# long to tell) anything at all.
ChangeKind = Literal[
    "receipt", "reply", "quarantine", "message", "thread", "suppression", "canned", "everything"
]
# (kind, what changed): a message_id; a thread's id; a number; nothing for the others.
Change = tuple[ChangeKind, str]

# Numbers the refused callbacks' changes in this process.
_REFUSED = itertools.count(1)

QUARANTINE_HEAD = 64 * 1024


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
    body_sha256: str = ""  # worked out as a large body arrived; else when needed


class Verdict(NamedTuple):
    """The answer to give once the callback is stored, and what changed for the screen."""

    status: int
    text: str
    note: str
    change: Change | None


def _raw(fields: list[tuple[str, str]], delivery: Delivery, *, reply: bool = False) -> str:
    """The fields as they came, less what is stored elsewhere or is no receipt's business:
    a reply's text (its body) and attachment content (decoded in a table of its own)."""
    if (
        not reply
        and not delivery.query
        and len(delivery.body) <= LARGE_BODY
        and delivery.content_type.startswith(FORM)
    ):
        return delivery.body.decode("utf-8")  # decoded once already, so known to be UTF-8
    return urlencode([(name, _kept(name, value, reply)) for name, value in fields])


def _kept(name: str, value: str, reply: bool) -> str:
    if reply and name == "message":
        return ""  # it is the reply's body
    if ATTACHMENT_CONTENT.fullmatch(name):
        return f"<{len(value)} chars of content>"
    return value


# Without settings, the default keywords apply to every reply.
DEFAULT_KEYWORDS = KeywordRules()


def _item(
    fields: list[tuple[str, str]],
    parsed: ReceiptFields | ReplyFields,
    delivery: Delivery,
    keywords: KeywordRules,
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
    return IncomingReply(
        message_id=parsed.message_id,
        shortcode=parsed.shortcode,
        phone_number=parsed.phone_number,
        carrier=parsed.carrier,
        body=parsed.message,
        received_at=delivery.received_at,
        source_address=delivery.source,
        raw=_raw(fields, delivery, reply=True),
        attachments=parsed.attachments,
        keyword=keywords.match(parsed.shortcode, parsed.message),
    )


def interpret(
    delivery: Delivery,
    limits: FieldLimits = DEFAULT_LIMITS,
    keywords: KeywordRules = DEFAULT_KEYWORDS,
) -> CallbackItem:
    """What to store for ``delivery``: a receipt, a reply (with the keyword its text is,
    if any, by ``keywords``), or the request in quarantine."""
    try:
        fields = decode_fields(delivery.query, delivery.content_type, delivery.body, limits)
        return _item(fields, parse_callback(fields), delivery, keywords)
    except (UnreadableBody, InvalidCallback) as exc:
        return _quarantined(delivery, exc)


async def interpret_large(
    delivery: Delivery,
    limits: FieldLimits = DEFAULT_LIMITS,
    keywords: KeywordRules = DEFAULT_KEYWORDS,
) -> CallbackItem:
    """:func:`interpret` for a large body, decoded a piece at a time between other work."""
    try:
        fields, decoded = await decode_large(
            delivery.query, delivery.content_type, delivery.body, limits
        )
        return _item(fields, parse_callback(fields, decoded), delivery, keywords)
    except (UnreadableBody, InvalidCallback) as exc:
        if not delivery.body_sha256:
            delivery = delivery._replace(body_sha256=await _digest(delivery.body))
        return _quarantined(delivery, exc)


async def _digest(body: bytes) -> str:
    """The body's SHA-256, worked out a piece at a time between other work."""
    digest = hashlib.sha256()
    whole = memoryview(body)
    for start in range(0, len(body), CHUNK):
        digest.update(whole[start : start + CHUNK])
        await asyncio.sleep(0)
    return digest.hexdigest()


def _quarantined(delivery: Delivery, reason: Exception) -> QuarantinedCallback:
    return QuarantinedCallback(
        received_at=delivery.received_at,
        source_address=delivery.source,
        method=delivery.method,
        target=delivery.target,
        headers=tuple(
            (k.decode("latin-1"), v.decode("latin-1")) for k, v in delivery.headers.items()
        ),
        # The head is enough to see what it was; length and hash tell the rest.
        body=delivery.body[:QUARANTINE_HEAD],
        reason=str(reason),
        body_length=len(delivery.body),
        body_sha256=delivery.body_sha256 or hashlib.sha256(delivery.body).hexdigest(),
    )


def verdict(item: CallbackItem, new: bool) -> Verdict:
    """The answer for a stored item (``new`` is False for a redelivery)."""
    if isinstance(item, QuarantinedCallback):
        # A change of its own (a batch's changes are a set): the console counts each one.
        change: Change = ("quarantine", str(next(_REFUSED)))
        return Verdict(400, f"bad request: {item.reason}", item.reason, change)
    kind: ChangeKind = "receipt" if isinstance(item, IncomingReceipt) else "reply"
    note = f"{kind} {item.message_id}" + ("" if new else " (redelivery)")
    return Verdict(200, "OK", note, (kind, item.message_id) if new else None)
