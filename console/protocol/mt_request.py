"""The MT (mobile terminated) request: its fields, their validation, and its wire encoding."""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass, field
from enum import StrEnum
from urllib.parse import urlencode


class Priority(StrEnum):
    """The provider's priority values; omitting the field means the account default."""

    BULK_LOW = "BULK_LOW"
    BULK = "BULK"
    INTERACTIVE_LOW = "INTERACTIVE_LOW"
    INTERACTIVE = "INTERACTIVE"


class HttpMethod(StrEnum):
    POST = "POST"
    GET = "GET"


@dataclass(frozen=True)
class Attachment:
    """One MMS part: its MIME type and raw bytes (base64 is applied on the wire).

    A received part has no file name, and may have a ``problem``: what was wrong with it
    as it came (kept all the same, never dropped).
    """

    content_type: str
    content: bytes = field(repr=False)
    filename: str | None = None
    problem: str | None = None


@dataclass(frozen=True)
class FieldError:
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.field}: {self.message}"


class InvalidRequest(ValueError):
    """One or more fields of an MT request are not acceptable."""

    def __init__(self, errors: list[FieldError]) -> None:
        super().__init__("; ".join(str(e) for e in errors))
        self.errors = errors


MAX_MESSAGE_ID_LENGTH = 64
_MIME_TYPE = re.compile(r"[\w.+-]+/[\w.+-]+(\s*;[^\r\n]*)?", re.ASCII)
_MESSAGE_ID = re.compile(r"[\x21-\x7e]+")


@dataclass(frozen=True)
class MtRequest:
    """Every parameter of the provider's MT table. ``password`` is kept out of ``repr``."""

    login: str
    password: str = field(repr=False)
    phone_number: str
    sender: str
    message: str
    message_id: str
    carrier: int | None = None
    receipt: bool = True
    app_id: str | None = None
    conversation_id: str | None = None
    priority: Priority | None = None
    attachments: tuple[Attachment, ...] = ()

    def errors(self) -> list[FieldError]:
        """Everything wrong with this request, one entry per field."""
        found: list[FieldError] = []

        def require(name: str, value: str) -> bool:
            if not value or not value.strip():
                found.append(FieldError(name, "is required"))
                return False
            return True

        require("login", self.login)
        require("password", self.password)
        if require("phone_number", self.phone_number):
            if not (self.phone_number.isascii() and self.phone_number.isdigit()):
                found.append(
                    FieldError("phone_number", "must be digits only in international form, no +")
                )
            elif not 7 <= len(self.phone_number) <= 15:
                found.append(FieldError("phone_number", "must have between 7 and 15 digits"))
        require("sender", self.sender)
        require("message", self.message)
        if require("message_id", self.message_id):
            if len(self.message_id) > MAX_MESSAGE_ID_LENGTH:
                found.append(
                    FieldError("message_id", f"must be at most {MAX_MESSAGE_ID_LENGTH} characters")
                )
            elif not _MESSAGE_ID.fullmatch(self.message_id):
                found.append(FieldError("message_id", "must be printable ASCII without spaces"))
        if self.carrier is not None and self.carrier < 0:
            found.append(FieldError("carrier", "must be a non-negative integer"))
        for index, part in enumerate(self.attachments):
            name = f"mms_attachment[{index}]"
            if not _MIME_TYPE.fullmatch(part.content_type):
                found.append(
                    FieldError(f"{name}.content_type", f"{part.content_type!r} is not a MIME type")
                )
            if not part.content:
                found.append(FieldError(f"{name}.content", "is empty"))
        return found

    def validated(self) -> MtRequest:
        """Return self, or raise :class:`InvalidRequest` listing every problem."""
        problems = self.errors()
        if problems:
            raise InvalidRequest(problems)
        return self

    def params(self) -> list[tuple[str, str]]:
        """The request as ordered (name, value) pairs with the spec's exact names."""
        pairs = [
            ("login", self.login),
            ("password", self.password),
            ("phone_number", self.phone_number),
            ("sender", self.sender),
            ("message", self.message),
            ("message_id", self.message_id),
            ("receipt", "TRUE" if self.receipt else "FALSE"),
        ]
        if self.carrier is not None:
            pairs.append(("carrier", str(self.carrier)))
        if self.priority is not None:
            pairs.append(("priority", self.priority.value))
        if self.app_id:
            pairs.append(("app_id", self.app_id))
        if self.conversation_id:
            pairs.append(("conversation_id", self.conversation_id))
        for index, part in enumerate(self.attachments):
            pairs.append((f"mms_attachment[{index}].content_type", part.content_type))
            pairs.append(
                (f"mms_attachment[{index}].content", base64.b64encode(part.content).decode("ascii"))
            )
        return pairs

    def form_body(self) -> bytes:
        """``application/x-www-form-urlencoded`` UTF-8 body for a POST."""
        return urlencode(self.params(), encoding="utf-8").encode("ascii")

    def query_string(self) -> str:
        """The same parameters as a URL query, for profiles set to GET."""
        return urlencode(self.params(), encoding="utf-8")


FORM_CONTENT_TYPE = "application/x-www-form-urlencoded"


# Carrier IDs are small numbers; a longer paste is a mistake, not an ID.
MAX_CARRIER_DIGITS = 9


def parse_carrier(text: str | None) -> int | None:
    """Read an optional carrier ID typed by an operator.

    Raises:
        InvalidRequest: the text is not a whole number.
    """
    if text is None or not text.strip():
        return None
    stripped = text.strip()
    if not stripped.isascii() or not stripped.isdigit():
        raise InvalidRequest([FieldError("carrier", f"{text!r} is not a whole number")])
    if len(stripped) > MAX_CARRIER_DIGITS:
        raise InvalidRequest(
            [FieldError("carrier", f"a carrier ID has at most {MAX_CARRIER_DIGITS} digits")]
        )
    return int(stripped)


def parse_priority(text: str | None) -> Priority | None:
    """Read an optional priority; empty means the account default.

    Raises:
        InvalidRequest: not one of the provider's values.
    """
    if text is None or not text.strip():
        return None
    try:
        return Priority(text.strip().upper())
    except ValueError:
        allowed = ", ".join(p.value for p in Priority)
        raise InvalidRequest(
            [FieldError("priority", f"{text!r} is not one of {allowed}")]
        ) from None
