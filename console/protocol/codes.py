"""What the provider's numeric codes mean, in words an operator can act on.

Two families: the ``result_code`` answered to an MT request, and the ``message_state``
carried by delivery receipts. A receipt's own ``result_code`` is in ``receipt_codes``.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ResultCode:
    """One ``result_code`` value and how the console treats it."""

    code: int
    name: str
    meaning: str
    action: str
    retryable: bool
    known: bool = True


@dataclass(frozen=True)
class MessageState:
    """One ``message_state`` value of a delivery receipt."""

    code: int
    name: str
    meaning: str
    final: bool
    delivered: bool = False
    known: bool = True


ACCEPTED = 0
DUPLICATE = 7

_RESULT_CODES = (
    ResultCode(0, "Queued", "The provider accepted the message.", "Nothing to do.", False),
    ResultCode(
        1,
        "Request invalid",
        "The provider says a required field was missing.",
        "Check the number, sender and text, then send again.",
        False,
    ),
    ResultCode(
        2,
        "Authentication failed",
        "The login or password was refused.",
        "Check the profile's credentials.",
        False,
    ),
    ResultCode(
        3,
        "Carrier invalid",
        "The carrier ID is not a number the provider knows.",
        "Correct or clear the carrier field.",
        False,
    ),
    ResultCode(
        4,
        "Sender not allowed",
        "This sender is not provisioned on the account, or not allowed on this carrier.",
        "Choose another sender or ask the account manager to enable it.",
        False,
    ),
    ResultCode(
        5,
        "Sender denied",
        "This sender is not registered for the account.",
        "Choose a sender registered for this account.",
        False,
    ),
    ResultCode(
        6,
        "Throttled",
        "We sent faster than the account allows.",
        "Retried automatically; lower the profile's messages per second if it persists.",
        True,
    ),
    ResultCode(
        7,
        "Duplicate message",
        "The provider already accepted a message with this message_id.",
        "If this was a resend after a lost answer, the first attempt went through.",
        False,
    ),
    ResultCode(
        8,
        "Message too long",
        "The text is longer than the account allows.",
        "Shorten the message.",
        False,
    ),
    ResultCode(
        98,
        "Provider internal error",
        "The provider had an internal problem.",
        "Retried automatically; contact the account manager if it persists.",
        True,
    ),
    ResultCode(
        99,
        "Other error",
        "The provider refused the message for a reason it does not name.",
        "Contact the account manager for details.",
        False,
    ),
)

RESULT_CODES: dict[int, ResultCode] = {c.code: c for c in _RESULT_CODES}

# Each meaning adds to its name (what it implies), so the two can stand side by side.
_MESSAGE_STATES = (
    MessageState(1, "En route", "Still travelling; not on the phone yet.", final=False),
    MessageState(2, "Delivered", "The customer's phone has it.", final=True, delivered=True),
    MessageState(
        3,
        "Expired",
        "The phone could not be reached in time (off or out of coverage for too long).",
        final=True,
    ),
    MessageState(4, "Deleted", "An aggregator dropped it before it reached the phone.", final=True),
    MessageState(
        5, "Undeliverable", "The number cannot receive it (not in service, or barred).", final=True
    ),
    MessageState(
        6,
        "Accepted by aggregator",
        "Handed on to a network that takes it to the customer's carrier; not on the phone yet.",
        final=False,
    ),
    MessageState(7, "Unknown", "The network cannot say where it is.", final=False),
    MessageState(8, "Rejected", "The network refused to carry it.", final=True),
)

MESSAGE_STATES: dict[int, MessageState] = {s.code: s for s in _MESSAGE_STATES}


def result_code(code: int) -> ResultCode:
    """Describe ``code``; codes the provider has not documented are reported as unknown."""
    found = RESULT_CODES.get(code)
    if found is not None:
        return found
    return ResultCode(
        code,
        f"Unknown code {code}",
        f"The provider answered result code {code}, which is not documented.",
        "Contact the account manager with this code.",
        retryable=False,
        known=False,
    )


def message_state(code: int) -> MessageState:
    """Describe ``code``; undocumented states are treated as not final."""
    found = MESSAGE_STATES.get(code)
    if found is not None:
        return found
    return MessageState(
        code, f"Unknown state {code}", "Undocumented state.", final=False, known=False
    )
