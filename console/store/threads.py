"""Conversations: a thread per customer number and our sender, and what is in one.

A thread is kept by the schema's triggers as messages are stored and replies arrive. Each
operator has a read mark on each thread: the number of its replies they have seen.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal, NamedTuple, Protocol

from console.store.models import MessageStatus, ReplyRecord, StoredMessage

Direction = Literal["in", "out"]


class ThreadKey(NamedTuple):
    """A thread's place in the list, newest activity first (keyset paging)."""

    last_at: float
    id: int


@dataclass(frozen=True)
class ThreadQuery:
    """Which threads to list: ``text`` is digits of the customer's number, or words in
    any of the thread's messages; empty lists them all."""

    text: str = ""


class Outcome(NamedTuple):
    """Where a message we sent stands: accepted or not, and its delivery."""

    status: MessageStatus
    state: int | None  # the last delivery state reported
    receipt: bool  # a receipt was asked for
    result_code: int | None


@dataclass(frozen=True)
class ThreadRow:
    id: int
    phone_number: str  # the customer's, international digits
    sender: str  # ours: the shortcode the customer wrote to, or we sent from
    last_at: float
    last_direction: Direction
    last_message_id: str
    last_body: str  # the start of the newest message's text
    unread: int  # of the customer's replies, not yet seen by the operator asking
    claimed_by: str | None  # an operator handling it; None when none, or the claim ran out
    claimed_until: float | None
    opted_out_at: float | None  # the number is on the opt-out list since then
    # Where the newest message stands when it is ours (None for the customer's).
    last_outcome: Outcome | None = None
    # The customer's keyword that put the number on the list; None when put there by hand.
    opted_out_keyword: str | None = None

    @property
    def key(self) -> ThreadKey:
        return ThreadKey(self.last_at, self.id)


class ItemKey(NamedTuple):
    """An item's place in its thread, oldest first."""

    at: float
    message_id: str


@dataclass(frozen=True)
class ThreadItem:
    """One message of a thread: ours (``message``) or the customer's (``reply``)."""

    message: StoredMessage | None = None
    reply: ReplyRecord | None = None

    @property
    def direction(self) -> Direction:
        return "out" if self.message is not None else "in"

    @property
    def at(self) -> float:
        if self.message is not None:
            return self.message.created_at
        assert self.reply is not None
        return self.reply.received_at

    @property
    def message_id(self) -> str:
        if self.message is not None:
            return self.message.message_id
        assert self.reply is not None
        return self.reply.message_id

    @property
    def key(self) -> ItemKey:
        return ItemKey(self.at, self.message_id)


# A thread's list and its items are read this many at a time unless asked otherwise.
THREAD_PAGE = 100
ITEM_PAGE = 200


def thread_row(values: Sequence[Any], outcome: Outcome | None = None) -> ThreadRow:
    """A thread from the columns each backend selects: its own, the operator's unread count,
    the claim (if it has not run out), when and how the number went on the opt-out list;
    with ``outcome``, where its newest message (ours) stands."""
    (id_, number, sender, last_at, direction, message_id, body, unread, by, until, out, keyword) = (
        values
    )
    return ThreadRow(
        id=int(id_),
        phone_number=number,
        sender=sender,
        last_at=last_at,
        last_direction="in" if direction == "in" else "out",
        last_message_id=message_id,
        last_body=body,
        unread=int(unread),
        claimed_by=by,
        claimed_until=until,
        opted_out_at=out,
        last_outcome=outcome,
        opted_out_keyword=keyword,
    )


def outcome(values: Sequence[Any]) -> tuple[str, Outcome]:
    """A message's id and where it stands, from ``message_id, status, state, receipt,
    result_code``."""
    message_id, status, state, receipt, code = values
    return str(message_id), Outcome(MessageStatus(status), state, bool(receipt), code)


def newest_first(items: Iterable[ThreadItem], limit: int) -> list[ThreadItem]:
    """The newest ``limit`` of ``items``, oldest first (ties by message_id, as ItemKey)."""
    return sorted(sorted(items, key=lambda i: i.key, reverse=True)[:limit], key=lambda i: i.key)


class ThreadRecords(Protocol):
    """The threads part of :class:`console.store.interface.MessageStore`.

    Every thread is read for one ``operator`` (``unread`` is theirs). A claim that has run
    out reads as none (``claimed_by`` and ``claimed_until`` None).
    """

    def threads(
        self,
        query: ThreadQuery,
        operator: str,
        before: ThreadKey | None = None,
        limit: int = THREAD_PAGE,
    ) -> list[ThreadRow]:
        """Threads newest activity first (ties: higher id first), those after ``before``
        (the key of the last one of the page before). ``query.text``: a number or part of
        one (digits, with ``+``, spaces, dashes, brackets as people type them) finds the
        threads whose customer's number holds those digits (from ``+``: starting with
        them); other text finds the threads with a message or reply containing it, ignoring
        ASCII case, as the log's search finds messages.

        Raises:
            StoreError: the store could not be read.
        """

    def thread(self, thread_id: int, operator: str) -> ThreadRow | None:
        """The thread with this id; None when there is none."""

    def thread_for(self, phone_number: str, sender: str, operator: str) -> ThreadRow | None:
        """The thread of a customer's number and our sender; None before any message."""

    def thread_items(
        self, thread_id: int, before: ItemKey | None = None, limit: int = ITEM_PAGE
    ) -> list[ThreadItem]:
        """The newest ``limit`` messages and replies of a thread older than ``before``,
        returned oldest first: messages as the log reads them (status, delivery state, with
        their attachments), replies with their attachments. Empty for an unknown thread."""

    def threads_for(self, message_ids: Iterable[str], operator: str) -> list[ThreadRow]:
        """The threads holding messages or replies with these message_ids (the ids of a
        batch of changes), newest activity first."""

    def mark_read(self, thread_id: int, operator: str) -> None:
        """The operator has seen every reply the thread has now."""

    def mark_unread(self, thread_id: int, operator: str) -> None:
        """The thread's last reply is unread again for the operator (the ones before stay
        seen); a thread without replies stays without unread ones."""

    def unread_total(self, operator: str) -> int:
        """How many replies of all threads the operator has not seen."""

    def claim_thread(self, thread_id: int, operator: str, until: float, now: float) -> str | None:
        """Claim a thread for the operator until ``until``, unless another operator's claim
        runs past ``now``; renews the operator's own claim. Returns who holds it after the
        call: ``operator`` when it got (or kept) it, the other operator when not; None for
        an unknown thread. Two operators claiming at once: one of them gets it."""

    def release_thread(self, thread_id: int, operator: str) -> None:
        """Let go of the operator's claim on a thread (nothing when another holds it)."""
