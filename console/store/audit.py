"""The audit trail's records: who did what, when, and from which computer.

An entry names an action and, where there is one, the message it was about. Its detail
says what else was done in a few words (which settings changed, how many rows were
exported); it never holds a message's text, a password or any other secret's value.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class AuditAction(StrEnum):
    SEND = "send"  # a new message stored to be sent
    RETRY = "retry"  # a stored message attempted again with its own message_id
    RESEND = "resend"  # a copy of a message sent as a new one ("Send again")
    EXPORT = "export"  # the log written to a file
    SETTINGS = "settings"  # settings saved with changes
    CANNED = "canned"  # canned replies imported from a file
    # Reserved for the suppression list: a number added to it or taken off it.
    SUPPRESSION = "suppression"


@dataclass(frozen=True)
class AuditEntry:
    """One thing an operator did, as it is recorded."""

    at: float
    operator: str
    host: str
    action: AuditAction
    message_id: str | None = None
    detail: str = ""


@dataclass(frozen=True)
class AuditRecord:
    """An entry of the audit trail as stored: ``id`` orders entries of the same time."""

    id: int
    at: float
    operator: str
    host: str
    action: str  # an AuditAction's value, or one a newer program wrote
    message_id: str | None
    detail: str


# Statements selecting these, in this order, feed audit_record.
AUDIT_COLUMNS = "id, at, operator, host, action, message_id, detail"


def audit_record(
    row_id: int,
    at: float,
    operator: str,
    host: str,
    action: str,
    message_id: str | None,
    detail: str,
) -> AuditRecord:
    return AuditRecord(row_id, at, operator, host, action, message_id, detail)


def entry_values(entry: AuditEntry) -> tuple[object, ...]:
    """The values of an INSERT of ``(at, operator, host, action, message_id, detail)``."""
    return (
        entry.at,
        entry.operator,
        entry.host,
        entry.action.value,
        entry.message_id,
        entry.detail,
    )
