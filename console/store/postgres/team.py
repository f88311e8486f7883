"""Team mode's records in the shared store: the outbox's claims, the audit trail and the
receivers' heartbeats (a part of :class:`console.store.postgres.PostgresStore`)."""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import AbstractContextManager
from typing import Any

import psycopg

from console.store.audit import AuditEntry, AuditRecord
from console.store.models import Claim, StoredMessage
from console.store.postgres import audit_sql, claims_sql, outbox_sql, receivers_sql
from console.store.postgres.connection import Connection, Redactor, translated
from console.store.postgres.link import Link
from console.store.receivers import ReceiverBeat, beat_params

Cursor = psycopg.Cursor[tuple[Any, ...]]


class PostgresTeamRecords:
    """What :class:`PostgresStore` provides these methods with."""

    _redact: Redactor
    _link: Link

    @property
    def _conn(self) -> Connection:
        raise NotImplementedError

    def _transaction(self, doing: str, *, snapshot: bool = False) -> AbstractContextManager[Cursor]:
        raise NotImplementedError

    # Claims ------------------------------------------------------------------------------

    def claim_undecided(
        self, claim: Claim, limit: int = 100, since: float | None = None
    ) -> list[StoredMessage]:
        """Hold up to ``limit`` undecided messages that no console holds, oldest
        first (a hold that ran out is taken over); returns them."""
        with self._transaction("the messages could not be claimed") as cur:
            refs = claims_sql.claim_undecided(cur, claim, limit, since)
            where = "WHERE id = ANY(%s) ORDER BY id"
            return outbox_sql.read_messages(cur, where, (refs,), attachments=True)

    def claim_message(self, message_id: str, claim: Claim) -> bool:
        """Hold (or keep holding) one message; False while another console holds it."""
        with self._transaction("the message could not be claimed") as cur:
            return claims_sql.claim_message(cur, message_id, claim)

    def renew_claims(self, claim: Claim, message_ids: Sequence[str]) -> set[str]:
        """Extend the hold on these messages; returns those ``claim`` still holds."""
        with self._transaction("the claims could not be renewed") as cur:
            return claims_sql.renew(cur, claim, message_ids)

    def release_claim(self, claim: Claim, message_id: str) -> None:
        """Let go of a message (if ``claim`` holds it): another console may take it."""
        with self._transaction("the message could not be released") as cur:
            claims_sql.release(cur, claim, message_id)

    # Audit trail -------------------------------------------------------------------------

    def add_audit(self, entry: AuditEntry) -> int:
        """Append ``entry`` to the audit trail; returns its id."""
        with self._transaction("the audit entry could not be stored") as cur:
            return audit_sql.add(cur, entry)

    def audit(self, limit: int = 100, since: float | None = None) -> list[AuditRecord]:
        """The newest ``limit`` audit entries, newest first; with ``since``, none older."""
        with self._transaction("the audit trail could not be read") as cur:
            return audit_sql.listed(cur, limit, since)

    # Receivers' heartbeats (see console.store.receivers) ---------------------------------

    def receiver_beat(self, beat: ReceiverBeat) -> None:
        with self._transaction("the heartbeat could not be stored") as cur:
            cur.execute(receivers_sql.BEAT, beat_params(beat))

    def receiver_gone(self, receiver_id: str) -> None:
        with self._transaction("the heartbeat could not be removed") as cur:
            cur.execute(receivers_sql.GONE, (receiver_id,))

    def receivers(self) -> list[ReceiverBeat]:
        with self._transaction("the receivers could not be read"):
            return receivers_sql.listed(self._conn)

    def forget_old(self, now: float) -> int:
        """Delete the rows of receivers gone for long and the change feed's old rows."""
        with translated(self._redact, "old rows could not be deleted"):
            return receivers_sql.forget_old(self._link.get(), now)
