"""Reading the provider's callbacks: delivery receipts (``type=receipt``) and replies (``MO``).

Pure: turns received form fields into checked values, or says precisely what is wrong.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import NamedTuple

from console.protocol.content_kinds import check_declared, kind_of
from console.protocol.mt_request import Attachment

MAX_ID_LENGTH = 128
MAX_FIELD_LENGTH = 1024
_PRINTABLE_ID = re.compile(r"[\x21-\x7e]+")
_INTEGER = re.compile(r"-?[0-9]{1,9}")
_ATTACHMENT_FIELD = re.compile(r"mms_attachment\[(\d{1,3})\]\.(content_type|content)")
# The fields that carry an attachment's base64 content: the only long ones.
ATTACHMENT_CONTENT = re.compile(r"mms_attachment\[\d{1,3}\]\.content")
NOT_BASE64 = "could not be decoded: not base64; kept as received"


class InvalidCallback(ValueError):
    """The callback cannot be accepted; the message is the reason given back to the sender."""


class ReceiptFields(NamedTuple):  # a named tuple: cheap to make on the listener's hot path
    message_id: str
    message_state: int
    result_code: int | None
    app_id: str | None
    conversation_id: str | None


@dataclass(frozen=True)
class ReplyFields:
    message_id: str
    shortcode: str
    phone_number: str
    carrier: str | None
    message: str
    attachments: tuple[Attachment, ...]


def _single(fields: list[tuple[str, str]]) -> dict[str, str]:
    values: dict[str, str] = {}
    for name, value in fields:
        if name in values and values[name] != value:
            raise InvalidCallback(f"field {name} is given twice with different values")
        values[name] = value
    return values


def _message_id(values: dict[str, str]) -> str:
    message_id = values.get("message_id", "").strip()
    if not message_id:
        raise InvalidCallback("message_id is missing")
    if len(message_id) > MAX_ID_LENGTH:
        raise InvalidCallback(f"message_id is longer than {MAX_ID_LENGTH} characters")
    if not _PRINTABLE_ID.fullmatch(message_id):
        raise InvalidCallback("message_id must be printable ASCII without spaces")
    return message_id


def _optional_text(values: dict[str, str], name: str) -> str | None:
    value = values.get(name)
    if value is None or value == "":
        return None
    if len(value) > MAX_FIELD_LENGTH:
        raise InvalidCallback(f"{name} is longer than {MAX_FIELD_LENGTH} characters")
    return value


def _integer(values: dict[str, str], name: str) -> int | None:
    raw = values.get(name, "").strip()
    if not raw:
        return None
    if not _INTEGER.fullmatch(raw):
        raise InvalidCallback(f"{name} must be an integer, not {raw[:20]!r}")
    return int(raw)


def parse_receipt(values: dict[str, str]) -> ReceiptFields:
    state = _integer(values, "message_state")
    if state is None:
        raise InvalidCallback("message_state is missing")
    if not 1 <= state <= 8:
        raise InvalidCallback(f"message_state must be 1 to 8, not {state}")
    return ReceiptFields(
        message_id=_message_id(values),
        message_state=state,
        result_code=_integer(values, "result_code"),
        app_id=_optional_text(values, "app_id"),
        conversation_id=_optional_text(values, "conversation_id"),
    )


def _attachments(values: dict[str, str], decoded: Mapping[str, bytes]) -> tuple[Attachment, ...]:
    """Every attachment given, in the order of its number; one that is not what it says,
    or cannot be decoded, is kept with its problem told."""
    parts: dict[int, dict[str, str]] = {}
    for name, value in values.items():
        match = _ATTACHMENT_FIELD.fullmatch(name)
        if match:
            parts.setdefault(int(match[1]), {})[match[2]] = value
    return tuple(
        _attachment(number, parts[number], decoded.get(f"mms_attachment[{number}].content"), place)
        for place, number in enumerate(sorted(parts))
    )


def _attachment(number: int, part: dict[str, str], content: bytes | None, place: int) -> Attachment:
    problems = [] if number == place else [f"numbered {number}, though only {place} came before"]
    declared = part.get("content_type", "").strip()
    said = declared[:MAX_ID_LENGTH] or "no content type"
    if content is None:
        text = part.get("content")
        if text is None:
            content = b""
            problems.append("no content was given")
        else:
            try:
                content = base64.b64decode(text, validate=True)
            except (binascii.Error, ValueError):
                # The text as it came, bytes that were not UTF-8 included.
                raw = text.encode("utf-8", "surrogateescape")
                problems.append(f"{NOT_BASE64} (said {said})")
                return Attachment(kind_of(raw).mime, raw, problem="; ".join(problems))
    if not declared:
        problems.append("no content type was given")
        kept = kind_of(content).mime
    else:
        kept, mismatch = check_declared(declared, content)
        if mismatch:
            problems.append(mismatch)
    return Attachment(kept, content, problem="; ".join(problems) or None)


def parse_reply(values: dict[str, str], decoded: Mapping[str, bytes]) -> ReplyFields:
    shortcode = values.get("shortcode", "").strip()
    phone_number = values.get("phone_number", "").strip()
    if not shortcode:
        raise InvalidCallback("shortcode is missing")
    if not phone_number:
        raise InvalidCallback("phone_number is missing")
    if len(shortcode) > MAX_ID_LENGTH or len(phone_number) > MAX_ID_LENGTH:
        raise InvalidCallback("shortcode or phone_number is too long")
    attachments = _attachments(values, decoded)
    message = values.get("message", "")
    if "message" not in values and not attachments:
        raise InvalidCallback("message is missing")
    return ReplyFields(
        message_id=_message_id(values),
        shortcode=shortcode,
        phone_number=phone_number,
        carrier=_optional_text(values, "carrier"),
        message=message,
        attachments=attachments,
    )


def parse_callback(
    fields: list[tuple[str, str]], decoded: Mapping[str, bytes] | None = None
) -> ReceiptFields | ReplyFields:
    """Check a callback's fields.

    ``decoded`` holds attachment contents already decoded from base64, by field name
    (a large one is decoded a piece at a time, by whoever read it).

    Raises:
        InvalidCallback: with a short reason fit to send back.
    """
    values = _single(fields)
    kind = values.get("type", "").strip()
    if kind.lower() == "receipt":
        return parse_receipt(values)
    if kind.upper() == "MO":
        return parse_reply(values, decoded or {})
    if not kind:
        raise InvalidCallback("type is missing (expected receipt or MO)")
    raise InvalidCallback(f"type must be receipt or MO, not {kind[:20]!r}")
