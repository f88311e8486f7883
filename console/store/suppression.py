"""The opt-out list: numbers that must not be sent to, and every change to it.

A number goes on the list when the customer sends an opt-out keyword (the reply's own
transaction adds it), or by hand with a reason; it comes off by an opt-in keyword, or by
hand with a reason. The list is checked in the transaction that stores an outgoing
message, so an opt-out committed first always wins a race with a send. It is checked
again as each attempt begins, so a message waiting to be sent (queued, waiting to retry,
or resumed after a restart) to a number that opted out meanwhile is not sent either.

Numbers are kept as :func:`console.protocol.phone.number_key` has them.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Protocol

from console.protocol.keywords import KeywordAction, KeywordMatch
from console.store.audit import AuditAction, AuditEntry
from console.store.errors import ReasonRequired


class SuppressionChange(StrEnum):
    """What a change to the list did: put the number on it, or take it off."""

    ADDED = "added"
    REMOVED = "removed"


def when(at: float, now: float | None = None) -> str:
    """A moment as people say it, in local time: ``2 Dec at 14:03`` (with the year when
    it is not this one)."""
    moment = datetime.fromtimestamp(at)
    this_year = datetime.fromtimestamp(time.time() if now is None else now).year
    day = f"{moment.day} {moment:%b}" + ("" if moment.year == this_year else f" {moment.year}")
    return f"{day} at {moment:%H:%M}"


@dataclass(frozen=True)
class Suppression:
    """A number on the list: since when, and either the keyword and the reply that put it
    there, or the operator (and computer) who did by hand and why."""

    phone_number: str
    at: float
    keyword: str | None = None
    reply_message_id: str | None = None
    operator: str | None = None
    host: str | None = None
    reason: str | None = None

    def describe(self, now: float | None = None) -> str:
        """Why nothing is sent to the number, in plain words."""
        if self.keyword is not None:
            return f"This customer opted out on {when(self.at, now)} ({self.keyword})"
        return (
            f"This number was put on the opt-out list by {self.operator or 'an operator'}"
            f" on {when(self.at, now)}: {self.reason or 'no reason given'}"
        )


@dataclass(frozen=True)
class SuppressionEvent:
    """One change to the list, by a keyword (with the reply) or by hand (with the
    operator, computer and reason)."""

    id: int
    phone_number: str
    change: SuppressionChange
    at: float
    keyword: str | None
    reply_message_id: str | None
    operator: str | None
    host: str | None
    reason: str | None


@dataclass(frozen=True)
class ManualChange:
    """Who changes the list by hand, from which computer, and why (never blank)."""

    operator: str
    host: str
    reason: str


# Statements selecting these, in this order, feed ``suppression`` and ``event``.
SUPPRESSION_COLUMNS = "phone_number, at, keyword, reply_message_id, operator, host, reason"
EVENT_COLUMNS = "id, phone_number, action, at, keyword, reply_message_id, operator, host, reason"


def suppression(row: tuple[object, ...]) -> Suppression:
    number, at, keyword, reply_id, operator, host, reason = row
    return Suppression(
        str(number),
        float(at),  # type: ignore[arg-type]
        _text(keyword),
        _text(reply_id),
        _text(operator),
        _text(host),
        _text(reason),
    )


def event(row: tuple[object, ...]) -> SuppressionEvent:
    ref, number, action, at, keyword, reply_id, operator, host, reason = row
    return SuppressionEvent(
        int(ref),  # type: ignore[call-overload]
        str(number),
        SuppressionChange(str(action)),
        float(at),  # type: ignore[arg-type]
        _text(keyword),
        _text(reply_id),
        _text(operator),
        _text(host),
        _text(reason),
    )


def _text(value: object) -> str | None:
    return None if value is None else str(value)


def list_change(match: KeywordMatch | None) -> SuppressionChange | None:
    """What a reply's keyword does to the list (HELP, or no keyword: nothing)."""
    if match is None:
        return None
    if match.action is KeywordAction.OPT_OUT:
        return SuppressionChange.ADDED
    if match.action is KeywordAction.OPT_IN:
        return SuppressionChange.REMOVED
    return None


def checked_reason(change: ManualChange) -> ManualChange:
    """``change`` with its reason trimmed.

    Raises:
        ReasonRequired: the reason or the operator is blank.
    """
    reason = change.reason.strip()
    if not reason:
        raise ReasonRequired("a change to the opt-out list made by hand needs a reason")
    if not change.operator.strip():
        raise ReasonRequired("a change to the opt-out list made by hand needs an operator")
    return ManualChange(change.operator, change.host, reason)


def audit_entry(
    number: str, done: SuppressionChange, change: ManualChange, at: float
) -> AuditEntry:
    """The audit trail's entry of a change made by hand, stored with it."""
    where = "to" if done is SuppressionChange.ADDED else "from"
    return AuditEntry(
        at,
        change.operator,
        change.host,
        AuditAction.SUPPRESSION,
        None,
        f"{number} {done.value} {where} the opt-out list: {change.reason}",
    )


class SuppressionRecords(Protocol):
    """The opt-out part of :class:`console.store.interface.MessageStore`."""

    def suppression(self, phone_number: str) -> Suppression | None:
        """The number's entry on the list, or None when it is not on it."""

    def suppressions(self, limit: int | None = None) -> list[Suppression]:
        """The numbers on the list, the latest put there first."""

    def suppression_history(
        self, phone_number: str | None = None, limit: int | None = None
    ) -> list[SuppressionEvent]:
        """The changes to the list (to one number's entry, if given), newest first."""

    def opt_out_changes(self, after: int | None) -> tuple[int, frozenset[str]]:
        """The latest change to the list (a number that only grows) and the numbers changed
        after ``after`` (None: none asked). How a console follows changes made elsewhere to
        a store with no change feed (another process on a SQLite file)."""

    def suppress(
        self, phone_number: str, change: ManualChange, at: float | None = None
    ) -> Suppression:
        """Put a number on the list by hand, recorded with the audit trail's entry.

        Raises:
            ReasonRequired: the reason is blank.
            AlreadySuppressed: the number is on the list already (nothing changed).
        """

    def unsuppress(
        self, phone_number: str, change: ManualChange, at: float | None = None
    ) -> Suppression:
        """Take a number off the list by hand; returns the entry it had.

        Raises:
            ReasonRequired: the reason is blank.
            NotSuppressed: the number is not on the list.
        """
