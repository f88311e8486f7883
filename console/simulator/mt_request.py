"""Reading an MT request's parameters into a checked structure.

Only the shape is checked here (presence, digits, attachment numbering, base64); what
depends on the account and the carrier table is decided in :mod:`mt_handler`.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Iterable
from dataclasses import dataclass

from console.simulator.carriers import is_digits

REQUIRED = ("login", "password", "phone_number", "sender", "message", "message_id")

_ATTACHMENT_KEY = re.compile(r"mms_attachment\[(0|[1-9][0-9]*)\]\.(content_type|content)")


class InvalidRequest(Exception):
    """The request is malformed (result code 1); the message says why."""


@dataclass(frozen=True)
class Attachment:
    content_type: str
    content: bytes


@dataclass(frozen=True)
class MtRequest:
    """An MT request whose parameters are present and well formed.

    Optional parameters sent empty are treated as not sent.
    """

    login: str
    password: str
    phone_number: str
    sender: str
    message: str
    message_id: str
    carrier: str | None = None
    receipt: str | None = None
    priority: str | None = None
    app_id: str | None = None
    conversation_id: str | None = None
    attachments: tuple[Attachment, ...] = ()


def unique_parameters(pairs: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Collect parameters, refusing one given twice: which value counts would be a guess."""
    params: dict[str, str] = {}
    for key, value in pairs:
        if key in params:
            raise InvalidRequest(f"parameter {key} given more than once")
        params[key] = value
    return params


def parse_mt_request(params: dict[str, str]) -> MtRequest:
    missing = [name for name in REQUIRED if not params.get(name)]
    if missing:
        raise InvalidRequest(f"missing or empty: {', '.join(missing)}")
    if not is_digits(params["phone_number"]):
        raise InvalidRequest("phone_number must contain digits only")
    return MtRequest(
        login=params["login"],
        password=params["password"],
        phone_number=params["phone_number"],
        sender=params["sender"],
        message=params["message"],
        message_id=params["message_id"],
        carrier=params.get("carrier") or None,
        receipt=params.get("receipt") or None,
        priority=params.get("priority") or None,
        app_id=params.get("app_id") or None,
        conversation_id=params.get("conversation_id") or None,
        attachments=_attachments(params),
    )


def _attachments(params: dict[str, str]) -> tuple[Attachment, ...]:
    parts: dict[int, dict[str, str]] = {}
    for key, value in params.items():
        if not key.startswith("mms_attachment"):
            continue
        match = _ATTACHMENT_KEY.fullmatch(key)
        if match is None:
            raise InvalidRequest(f"malformed attachment parameter {key}")
        parts.setdefault(int(match.group(1)), {})[match.group(2)] = value
    if sorted(parts) != list(range(len(parts))):
        raise InvalidRequest("attachments must be numbered consecutively from 0")
    attachments = []
    for index in range(len(parts)):
        part = parts[index]
        content_type = part.get("content_type")
        content = part.get("content")
        if not content_type or not content:
            raise InvalidRequest(f"attachment {index} needs both content_type and content")
        try:
            data = base64.b64decode(content, validate=True)
        except (binascii.Error, ValueError):
            raise InvalidRequest(f"attachment {index} content is not valid base64") from None
        attachments.append(Attachment(content_type=content_type, content=data))
    return tuple(attachments)
