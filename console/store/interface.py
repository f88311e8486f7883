"""The narrow interface every store backend provides."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Protocol, TypeAlias

from console.store.audit import AuditEntry, AuditRecord
from console.store.canned import CannedRecords
from console.store.models import (
    AttemptRecord,
    AttemptResult,
    CallbackItem,
    Claim,
    Decision,
    IncomingReceipt,
    IncomingReply,
    LogKey,
    LogQuery,
    LogRow,
    NewMessage,
    QuarantinedCallback,
    QuarantineRecord,
    QuarantineSummary,
    ReceiptRecord,
    ReplyRecord,
    StoredMessage,
)
from console.store.receivers import ReceiverBeat
from console.store.suppression import SuppressionRecords
from console.store.threads import ThreadRecords


class MessageStore(ThreadRecords, SuppressionRecords, CannedRecords, Protocol):
    # Whether each statement waits for a server across the network (PostgreSQL): the
    # listener then writes its batches off its event loop.
    remote: bool

    def close(self) -> None: ...

    def interrupt(self) -> None:
        """Stop what another thread is reading from this store: the read raises
        StoreError there. Safe to call from any thread, and harmless when nothing runs."""

    def __enter__(self) -> MessageStore: ...

    def __exit__(self, *exc: object) -> None: ...

    def create_message(
        self,
        new: NewMessage,
        now: float | None = None,
        claim: Claim | None = None,
        audit: AuditEntry | None = None,
    ) -> StoredMessage: ...

    def get_message(self, message_id: str) -> StoredMessage | None: ...

    def messages(
        self, limit: int = 100, before_id: int | None = None, operator: str | None = None
    ) -> list[StoredMessage]: ...

    def undecided(self) -> list[StoredMessage]: ...

    def count_messages(self) -> int: ...

    # Claims: a console holds a message while it sends it. Another console may take a
    # message only when no hold is on or the hold ran out; holds are renewed while a send
    # goes on and released once the message is decided.

    def claim_undecided(
        self, claim: Claim, limit: int = 100, since: float | None = None
    ) -> list[StoredMessage]: ...

    def claim_message(self, message_id: str, claim: Claim) -> bool: ...

    def renew_claims(self, claim: Claim, message_ids: Sequence[str]) -> set[str]: ...

    def release_claim(self, claim: Claim, message_id: str) -> None: ...

    def begin_attempt(self, message_id: str, started_at: float) -> int: ...

    def finish_attempt(
        self, message_id: str, number: int, result: AttemptResult, decision: Decision
    ) -> None: ...

    def attempts(self, message_id: str) -> list[AttemptRecord]: ...

    def add_receipt(self, receipt: IncomingReceipt) -> bool: ...

    def record_callbacks(self, items: list[CallbackItem]) -> list[bool]: ...

    def stage_callbacks(self, items: list[CallbackItem]) -> list[bool]: ...

    def commit_staged(self) -> None: ...

    def receipts(self, message_id: str, newest: int | None = None) -> list[ReceiptRecord]: ...

    def orphan_receipts(self) -> list[ReceiptRecord]: ...

    def add_reply(self, reply: IncomingReply) -> bool: ...

    def replies(self, phone_number: str | None = None, limit: int = 100) -> list[ReplyRecord]: ...

    def reply(self, message_id: str) -> ReplyRecord | None: ...

    def reopen_for_retry(self, message_id: str, now: float | None = None) -> bool: ...

    def quarantine(self, callback: QuarantinedCallback) -> int: ...

    def quarantined(self, limit: int = 100) -> list[QuarantineRecord]: ...

    def quarantine_summary(self) -> QuarantineSummary: ...

    def add_audit(self, entry: AuditEntry) -> int: ...

    def audit(self, limit: int = 100, since: float | None = None) -> list[AuditRecord]: ...

    def receiver_beat(self, beat: ReceiverBeat) -> None:
        """Register a receiver, or move its times on (see console.store.receivers)."""

    def receiver_gone(self, receiver_id: str) -> None: ...

    def receivers(self) -> list[ReceiverBeat]: ...

    def forget_old(self, now: float) -> int:
        """Delete what receivers leave behind that is a day old; how many rows."""

    def log_head(
        self, query: LogQuery, limit: int = 100, count_limit: int | None = None
    ) -> tuple[list[LogRow], int]: ...

    def log_page(
        self, query: LogQuery, before: LogKey | None = None, limit: int = 100, skip: int = 0
    ) -> list[LogRow]: ...

    def log_page_oldest(
        self, query: LogQuery, after: LogKey | None = None, limit: int = 100, skip: int = 0
    ) -> list[LogRow]: ...

    def log_count(
        self, query: LogQuery, before: LogKey | None = None, after: LogKey | None = None
    ) -> int: ...

    def log_rows(self, query: LogQuery, message_ids: Iterable[str]) -> list[LogRow]: ...


# Opens a store of its own on the calling thread (the listener calls it on its thread).
StoreOpener: TypeAlias = Callable[[], MessageStore]
