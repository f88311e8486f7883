"""Records the store keeps and returns."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum, StrEnum
from typing import NamedTuple

from console.protocol.keywords import KeywordMatch
from console.protocol.mt_request import Attachment, HttpMethod, Priority


class MessageStatus(StrEnum):
    """Where a message stands with the provider (acceptance, not delivery)."""

    QUEUED = "queued"
    SENDING = "sending"
    RETRY_WAIT = "retry_wait"
    ACCEPTED = "accepted"
    FAILED = "failed"
    NEEDS_OPERATOR = "needs_operator"

    @property
    def undecided(self) -> bool:
        return self in _UNDECIDED


_UNDECIDED = frozenset({MessageStatus.QUEUED, MessageStatus.SENDING, MessageStatus.RETRY_WAIT})


@dataclass(frozen=True)
class NewMessage:
    """A message as composed, before it is stored. No credentials belong here."""

    message_id: str
    profile: str
    phone_number: str
    sender: str
    body: str
    endpoint: str
    method: HttpMethod = HttpMethod.POST
    priority: Priority | None = None
    carrier: int | None = None
    receipt: bool = True
    app_id: str | None = None
    conversation_id: str | None = None
    attachments: tuple[Attachment, ...] = ()
    # Who sent it, from which computer (team mode's "who did what").
    operator: str | None = None
    host: str | None = None


@dataclass(frozen=True)
class StoredMessage:
    id: int
    message_id: str
    profile: str
    phone_number: str
    sender: str
    body: str
    endpoint: str
    method: HttpMethod
    priority: Priority | None
    carrier: int | None
    receipt: bool
    app_id: str | None
    conversation_id: str | None
    status: MessageStatus
    result_code: int | None
    status_detail: str | None
    attempt_count: int
    next_attempt_at: float | None
    state: int | None
    state_result_code: int | None
    state_at: float | None
    created_at: float
    updated_at: float
    attachment_count: int = 0
    # Which console holds the message while sending it, and until when (see Claim).
    lease_owner: str | None = None
    lease_until: float | None = None
    # Loaded only for a single message (get_message), not for listings.
    attachments: tuple[Attachment, ...] = field(default=(), repr=False)
    operator: str | None = None
    host: str | None = None


@dataclass(frozen=True)
class Claim:
    """A console's hold on the messages it sends: ``owner`` names the running console (its
    host, process and a random part), ``seconds`` how long a hold lasts unless renewed.
    Another console may take over a message only once its hold has run out."""

    owner: str
    seconds: float


@dataclass(frozen=True)
class AttemptResult:
    """What one attempt produced, as recorded once it is over."""

    finished_at: float
    http_status: int | None = None
    result_code: int | None = None
    transport_error: str | None = None
    raw_response: str | None = None
    outcome_known: bool = True


@dataclass(frozen=True)
class Decision:
    """What the console decided after an attempt."""

    status: MessageStatus
    detail: str
    retry_at: float | None = None


@dataclass(frozen=True)
class AttemptRecord:
    number: int
    started_at: float
    finished_at: float | None
    http_status: int | None
    result_code: int | None
    transport_error: str | None
    raw_response: str | None
    outcome_known: bool
    decision: MessageStatus | None
    detail: str | None
    retry_at: float | None

    def result(self) -> AttemptResult | None:
        """What the attempt produced, or None while it is still running."""
        if self.finished_at is None:
            return None
        return AttemptResult(
            finished_at=self.finished_at,
            http_status=self.http_status,
            result_code=self.result_code,
            transport_error=self.transport_error,
            raw_response=self.raw_response,
            outcome_known=self.outcome_known,
        )


class IncomingReceipt(NamedTuple):
    """A delivery receipt as it reached us.

    ``raw`` is every field it carried, as form text (``type=receipt&message_id=…``).
    A named tuple, not a frozen dataclass: the listener makes thousands a second.
    """

    message_id: str
    message_state: int
    result_code: int | None
    received_at: float
    source_address: str
    raw: str
    app_id: str | None = None
    conversation_id: str | None = None


@dataclass(frozen=True)
class ReceiptRecord:
    id: int
    message_id: str
    message_state: int
    result_code: int | None
    app_id: str | None
    conversation_id: str | None
    received_at: float
    source_address: str
    raw: str
    redeliveries: int


@dataclass(frozen=True)
class IncomingReply:
    """A customer's reply (MO) as it reached us."""

    message_id: str
    shortcode: str
    phone_number: str
    carrier: str | None
    body: str
    received_at: float
    source_address: str
    raw: str
    attachments: tuple[Attachment, ...] = ()
    # The keyword the whole text is, as the listener found it with the settings of the
    # shortcode's profile: an opt-out or opt-in changes the opt-out list as it is stored.
    keyword: KeywordMatch | None = None


@dataclass(frozen=True)
class ReplyRecord:
    id: int
    message_id: str
    shortcode: str
    phone_number: str
    carrier: str | None
    body: str
    received_at: float
    source_address: str
    raw: str
    redeliveries: int
    attachments: tuple[Attachment, ...] = field(default=(), repr=False)


@dataclass(frozen=True)
class QuarantinedCallback:
    """A callback we could not understand: its body, or the head of a large one.

    ``body_length`` and ``body_sha256`` describe the whole body; None when ``body`` is whole.
    """

    received_at: float
    source_address: str
    method: str
    target: str
    headers: tuple[tuple[str, str], ...]
    body: bytes
    reason: str
    body_length: int | None = None
    body_sha256: str | None = None


@dataclass(frozen=True)
class QuarantineRecord:
    id: int
    received_at: float
    source_address: str
    method: str
    target: str
    headers: tuple[tuple[str, str], ...]
    body: bytes  # the head only, when body_length is larger
    reason: str
    body_length: int
    body_sha256: str

    @property
    def truncated(self) -> bool:
        return self.body_length > len(self.body)


@dataclass(frozen=True)
class QuarantineSummary:
    """What the quarantine holds, its caps, and how many older entries made room."""

    entries: int
    stored_bytes: int
    dropped: int
    max_entries: int
    max_bytes: int


@dataclass(frozen=True)
class QuarantineCap:
    """The quarantine's size: past either cap, the oldest entries are dropped."""

    max_entries: int = 10_000
    max_bytes: int = 64 * 1024 * 1024


CallbackItem = IncomingReceipt | IncomingReply | QuarantinedCallback


class LogKind(IntEnum):
    """What a log row is; the value breaks ties between rows of the same time and id."""

    MESSAGE = 0
    REPLY = 1
    ORPHAN_RECEIPT = 2  # receipts for a message_id never sent from here


class Direction(StrEnum):
    OUT = "out"
    IN = "in"


class LogState(StrEnum):
    """Where an outbound message ended up, from acceptance and delivery together.

    A final delivery state decides; until there is one, acceptance does.
    """

    PENDING = "pending"  # not answered yet, or waiting to retry
    ACCEPTED = "accepted"  # accepted by the provider, not known to be delivered yet
    DELIVERED = "delivered"
    UNDELIVERED = "undelivered"  # expired, deleted, undeliverable or rejected
    FAILED = "failed"  # refused by the provider
    ATTENTION = "attention"  # the console stopped and the operator must decide


class LogKey(NamedTuple):
    """A log row's place in the log: rows are ordered by this tuple, newest greatest."""

    time: float
    id: int
    kind: LogKind


@dataclass(frozen=True)
class LogQuery:
    """Which rows the message log shows.

    ``text`` made only of digits and phone punctuation is a number. With its country code
    (``+44 7700``, ``0044 7700``) it finds numbers starting with it; without
    (``(202) 555-0100``, ``07700 900123``, ``0100``) numbers containing its digits, less the
    national trunk ``0`` of a whole number. Any other text finds messages and replies whose
    text contains it, ignoring ASCII case. Text of six characters or more also finds the
    message_ids starting with it (the only way text finds an orphan receipt).

    ``direction`` IN keeps replies and orphan receipts: both came in as callbacks, and an
    orphan receipt's message was not sent from here. ``state`` keeps outbound messages and
    orphan receipts in that state (an orphan receipt's state is its delivery: not final yet
    counts as accepted), never replies. ``operator`` keeps the messages that operator sent
    (the window's *Mine*): replies and orphan receipts have no operator, so it leaves them
    out. ``up_to`` leaves out rows newer than that key: a snapshot whose positions stay
    still while new rows arrive.
    """

    text: str = ""
    direction: Direction | None = None
    state: LogState | None = None
    up_to: LogKey | None = None
    operator: str | None = None


# A log row shows the start of its text: this many characters.
PREVIEW_CHARS = 80


@dataclass(frozen=True)
class LogRow:
    """One row of the message log: an outbound message, an inbound reply, or the receipts
    for a message_id never sent from here (an orphan receipt).

    For a reply, ``sender`` is the shortcode it was sent to and the acceptance and delivery
    fields are empty. An orphan receipt has its delivery fields only; its time is its latest
    receipt's, so its key moves when another receipt arrives.
    """

    key: LogKey
    message_id: str
    phone_number: str
    sender: str
    priority: Priority | None
    attachments: int
    receipt: bool
    status: MessageStatus | None
    result_code: int | None
    status_detail: str | None
    state: int | None
    state_result_code: int | None
    log_state: LogState | None
    updated_at: float
    preview: str
    preview_cut: bool = False  # the text goes on past ``preview``
    # Who sent a message and from which computer; None for replies, orphan receipts and
    # messages stored before they were recorded.
    operator: str | None = None
    host: str | None = None

    @property
    def kind(self) -> LogKind:
        return self.key.kind

    @property
    def time(self) -> float:
        return self.key.time

    @property
    def direction(self) -> Direction:
        return Direction.OUT if self.key.kind is LogKind.MESSAGE else Direction.IN

    @property
    def is_mms(self) -> bool:
        return self.attachments > 0
