"""Conversations: a thread per customer number and our sender, and what is in one.

A thread is kept by the schema's triggers as messages are stored and replies arrive. Each
operator has a read mark on each thread: the number of its replies they have seen.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, NamedTuple, Protocol

from console.store.models import ReplyRecord, StoredMessage

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


class ThreadRecords(Protocol):
    """The threads part of :class:`console.store.interface.MessageStore`."""
