"""A message as an operator fills it in: what stops it, in plain words, and its NewMessage.

The compose pane and ``sms-console send`` both build their messages here, so a message
typed in either gets the same number normalisation, the same ``message_id`` scheme and the
same checks, which are the MT request's own.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass

import phonenumbers

from console.attachments import AttachmentError, check_limits
from console.protocol.mt_request import (
    Attachment,
    FieldError,
    InvalidRequest,
    MtRequest,
    Priority,
    parse_carrier,
)
from console.protocol.phone import InvalidPhoneNumber, normalise_number
from console.protocol.segments import count_segments
from console.settings import Profile
from console.store.models import NewMessage

# Stand-ins for what a draft does not have yet; they pass the protocol's checks and never
# leave this module.
_CHECK_LOGIN = "check-only"
_CHECK_MESSAGE_ID = "0" * 32

RECIPIENT = "recipient"
SENDER = "sender"
CARRIER = "carrier"
APP_ID = "app_id"
CONVERSATION_ID = "conversation_id"
MESSAGE = "message"
ATTACHMENTS = "attachments"
FIELD_ORDER = (RECIPIENT, SENDER, CARRIER, APP_ID, CONVERSATION_ID, MESSAGE, ATTACHMENTS)
"""The form's fields, top to bottom; problems are listed in this order."""


def new_message_id() -> str:
    """A fresh ``message_id``: 32 hex digits, unique without asking anyone."""
    return uuid.uuid4().hex


@dataclass(frozen=True)
class Draft:
    """The fields as the operator typed them; optional ones may be empty or None."""

    recipient: str
    sender: str
    body: str
    priority: Priority | None = None
    carrier: str | None = None
    receipt: bool = True
    app_id: str | None = None
    conversation_id: str | None = None
    attachments: tuple[Attachment, ...] = ()


@dataclass(frozen=True)
class Recipient:
    """A recipient in the provider's digits and as people write it (``+44 7700 900123``)."""

    digits: str
    display: str
    region: str | None
    warning: str | None = None


@dataclass(frozen=True)
class Problem:
    """One thing that stops a draft from being sent: which field, and what to do."""

    field: str
    text: str


@dataclass(frozen=True)
class Composed:
    message: NewMessage
    number_warning: str | None = None


def check_recipient(text: str, default_region: str | None) -> Recipient:
    """Normalise a typed recipient and say how it was read.

    Raises:
        InvalidPhoneNumber: the text cannot be a number.
    """
    number = normalise_number(text, default_region)
    parsed = phonenumbers.parse("+" + number.digits)
    # A number outside every assigned range still belongs to its country code's region.
    region = phonenumbers.region_code_for_number(parsed) or (
        phonenumbers.region_code_for_country_code(parsed.country_code or 0)
    )
    display = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    return Recipient(
        digits=number.digits,
        display=display,
        # Global numbers (+800, +882…) have no region.
        region=region if region in phonenumbers.SUPPORTED_REGIONS else None,
        warning=number.warning,
    )


def _optional(text: str | None) -> str | None:
    stripped = (text or "").strip()
    return stripped or None


_ATTACHMENT_FIELD = re.compile(r"mms_attachment\[(\d+)\]\.(content_type|content)")
_REQUIRED = {
    "phone_number": Problem(RECIPIENT, "Enter a recipient number"),
    "sender": Problem(SENDER, "Sender is required"),
    "message": Problem(MESSAGE, "Message is empty"),
}
_FIELDS = {"phone_number": RECIPIENT, "sender": SENDER, "message": MESSAGE, "carrier": CARRIER}
_LABELS = {RECIPIENT: "Recipient number", SENDER: "Sender", MESSAGE: "Message", CARRIER: "Carrier"}


def _plain(error: FieldError, attachments: tuple[Attachment, ...]) -> Problem:
    """A protocol field error in the words of the form."""
    if error.message == "is required" and error.field in _REQUIRED:
        if error.field == "message" and attachments:
            # The provider takes no MMS without text: a picture alone is refused there.
            return Problem(MESSAGE, "Message is empty: an MMS needs text too")
        return _REQUIRED[error.field]
    part = _ATTACHMENT_FIELD.fullmatch(error.field)
    if part:
        index = int(part.group(1))
        name = attachments[index].filename or f"number {index + 1}"
        return Problem(ATTACHMENTS, f"Attachment {name}: {error.message}")
    form_field = _FIELDS.get(error.field, error.field)
    return Problem(form_field, f"{_LABELS.get(form_field, error.field)} {error.message}")


def problems(draft: Draft, profile: Profile) -> list[Problem]:
    """Everything that stops ``draft`` from being sent, in the form's order.

    The checks are the MT request's own (run with stand-in credentials and id), plus the
    number normalisation and the attachment limits.
    """
    found: list[Problem] = []
    digits = ""
    if draft.recipient.strip():
        try:
            digits = normalise_number(draft.recipient, profile.default_region).digits
        except InvalidPhoneNumber as exc:
            found.append(Problem(RECIPIENT, f"Check the recipient number: {exc.reason}"))
    carrier = None
    try:
        carrier = parse_carrier(draft.carrier)
    except InvalidRequest:
        found.append(Problem(CARRIER, "The carrier ID must be a whole number"))
    request = MtRequest(
        login=_CHECK_LOGIN,
        password=_CHECK_LOGIN,
        phone_number=digits,
        sender=draft.sender,
        message=draft.body,
        message_id=_CHECK_MESSAGE_ID,
        carrier=carrier,
        receipt=draft.receipt,
        app_id=_optional(draft.app_id),
        conversation_id=_optional(draft.conversation_id),
        priority=draft.priority,
        attachments=draft.attachments,
    )
    reported = {p.field for p in found}
    for error in request.errors():
        problem = _plain(error, draft.attachments)
        if problem.field not in reported:
            found.append(problem)
    too_long = length_problem(draft.body, bool(draft.attachments), profile)
    if too_long and MESSAGE not in {p.field for p in found}:
        found.append(Problem(MESSAGE, f"Too long: {too_long}"))
    try:
        check_limits(draft.attachments)
    except AttachmentError as exc:
        text = str(exc)
        found.append(Problem(ATTACHMENTS, text[:1].upper() + text[1:]))
    return sorted(found, key=lambda p: _position(p.field))


def length_problem(body: str, mms: bool, profile: Profile) -> str | None:
    """By how much ``body`` is longer than ``profile`` allows, if it is (an MMS is not
    split, so only its characters count)."""
    if profile.max_characters is not None and len(body) > profile.max_characters:
        return f"{len(body):,} characters, this profile allows {profile.max_characters:,}"
    if mms or profile.max_segments is None:
        return None
    segments = count_segments(body).segments
    if segments > profile.max_segments:
        return f"{segments} segments, this profile allows {profile.max_segments}"
    return None


def _position(field: str) -> int:
    return FIELD_ORDER.index(field) if field in FIELD_ORDER else len(FIELD_ORDER)


def compose(draft: Draft, profile: Profile, *, endpoint: str | None = None) -> Composed:
    """The :class:`NewMessage` for ``draft``, with a fresh ``message_id``.

    ``endpoint`` overrides the profile's. The request itself is validated again when it
    is submitted to the sending engine.

    Raises:
        InvalidPhoneNumber: the recipient cannot be a number.
        InvalidRequest: the carrier is not a whole number, or the text is longer than the
            profile allows.
        AttachmentError: too many attachments, or too large together.
    """
    number = normalise_number(draft.recipient, profile.default_region)
    check_limits(draft.attachments)
    too_long = length_problem(draft.body, bool(draft.attachments), profile)
    if too_long:
        raise InvalidRequest([FieldError("message", f"is too long: {too_long}")])
    message = NewMessage(
        message_id=new_message_id(),
        profile=profile.name,
        phone_number=number.digits,
        sender=draft.sender.strip(),
        body=draft.body,
        endpoint=endpoint or profile.endpoint,
        method=profile.method,
        priority=draft.priority,
        carrier=parse_carrier(draft.carrier),
        receipt=draft.receipt,
        app_id=_optional(draft.app_id),
        conversation_id=_optional(draft.conversation_id),
        attachments=draft.attachments,
    )
    return Composed(message=message, number_warning=number.warning)
