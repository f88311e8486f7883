"""What a delivery receipt's ``result_code`` means: the detail behind its ``message_state``.

A family of its own: the answer to a send uses the same numbers for other things (there,
0 means queued; here, that nothing went wrong), so a receipt is never described from the
send's catalogue.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ReceiptCode:
    """One receipt ``result_code``: a short ``name``, ``meaning`` in plain words, and
    ``action``, what the operator can do about it, or None when the receipt's state is the
    better guide."""

    code: int
    name: str
    meaning: str
    action: str | None
    known: bool = True


SUCCESS = 0

_RECEIPT_CODES = (
    ReceiptCode(SUCCESS, "Success", "Nothing went wrong.", None),
    ReceiptCode(
        1,
        "Rejected upstream",
        "A network further along the way refused it.",
        "Check the number and the carrier with the customer, then send again.",
    ),
    ReceiptCode(
        2,
        "Authentication failure",
        "A network further along the way did not accept the account's credentials.",
        "Ask the account manager, with the message_id: the account's access needs fixing.",
    ),
    ReceiptCode(
        3,
        "Invalid carrier",
        "The carrier it was sent for is not a valid one.",
        "Clear the carrier field (or correct it), then send again.",
    ),
    ReceiptCode(
        4,
        "Letters not allowed as sender",
        "This carrier does not take a sender made of letters.",
        "Send again from a sender made of digits (a number or shortcode).",
    ),
    ReceiptCode(
        5,
        "Sender not allowed",
        "This sender may not send to this carrier.",
        "Send again from another sender, or ask the account manager to allow this one.",
    ),
    ReceiptCode(
        6,
        "Throttled",
        "Too many messages went to the network too quickly.",
        "Send again in a while; if it happens often, lower the profile's messages per second.",
    ),
    ReceiptCode(
        7,
        "Duplicate",
        "The network saw it as a copy of a message it already had.",
        "Ask the customer whether the first one arrived before sending again.",
    ),
    ReceiptCode(
        8,
        "Text too long",
        "The text is longer than the network takes.",
        "Shorten the text, then send again.",
    ),
    ReceiptCode(
        98,
        "Provider error",
        "The provider had a problem of its own.",
        "Send again; if it keeps happening, ask the account manager with the message_id.",
    ),
    # The provider names no reason: what the state says is the better guide.
    ReceiptCode(99, "Unnamed error", "An error the provider does not name.", None),
)

RECEIPT_CODES: dict[int, ReceiptCode] = {c.code: c for c in _RECEIPT_CODES}


def receipt_code(code: int) -> ReceiptCode:
    """Describe a receipt's ``code``; codes the provider has not documented are unknown."""
    found = RECEIPT_CODES.get(code)
    if found is not None:
        return found
    return ReceiptCode(
        code,
        f"Unknown code {code}",
        "A code the provider does not document.",
        "Ask the account manager what it means, with the message_id.",
        known=False,
    )


def receipt_reason(code: int | None) -> ReceiptCode | None:
    """What a receipt's ``code`` adds to its state; None when it adds nothing (0, or none)."""
    return None if code is None or code == SUCCESS else receipt_code(code)
