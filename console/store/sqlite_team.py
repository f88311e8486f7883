"""Team mode's records in a SQLite store: the outbox's claims, the audit trail and the
receivers' heartbeats (a part of :class:`console.store.sqlite.SqliteStore`)."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Sequence
from contextlib import AbstractContextManager

from console.store import audit_sql, claims_sql, receivers
from console.store.audit import AuditEntry, AuditRecord
from console.store.models import Claim, StoredMessage
from console.store.receivers import ReceiverBeat


class SqliteTeamRecords:
    """What :class:`SqliteStore` provides these methods with."""

    _conn: sqlite3.Connection

    def _write(self) -> AbstractContextManager[sqlite3.Connection]:
        raise NotImplementedError

    def get_message(self, message_id: str) -> StoredMessage | None:
        raise NotImplementedError

    # Claims ------------------------------------------------------------------------------

    def claim_undecided(
        self, claim: Claim, limit: int = 100, since: float | None = None
    ) -> list[StoredMessage]:
        """Hold up to ``limit`` undecided messages that no console holds, oldest
        first (a hold that ran out is taken over); returns them."""
        with self._write() as conn:
            ids = claims_sql.claim_undecided(conn, claim, time.time(), limit, since)
        found = [self.get_message(i) for i in ids]
        return [m for m in found if m is not None]

    def claim_message(self, message_id: str, claim: Claim) -> bool:
        """Hold (or keep holding) one message; False while another console holds it."""
        with self._write() as conn:
            return claims_sql.claim_message(conn, message_id, claim, time.time())

    def renew_claims(self, claim: Claim, message_ids: Sequence[str]) -> set[str]:
        """Extend the hold on these messages; returns those ``claim`` still holds."""
        with self._write() as conn:
            return claims_sql.renew(conn, claim, message_ids, time.time())

    def release_claim(self, claim: Claim, message_id: str) -> None:
        """Let go of a message (if ``claim`` holds it): another console may take it."""
        with self._write() as conn:
            claims_sql.release(conn, claim, message_id)

    # Audit trail -------------------------------------------------------------------------

    def add_audit(self, entry: AuditEntry) -> int:
        """Append ``entry`` to the audit trail; returns its id."""
        with self._write() as conn:
            return audit_sql.add(conn, entry)

    def audit(self, limit: int = 100, since: float | None = None) -> list[AuditRecord]:
        """The newest ``limit`` audit entries, newest first; with ``since``, none older."""
        return audit_sql.listed(self._conn, limit, since)

    # Receivers' heartbeats (see console.store.receivers) ---------------------------------

    def receiver_beat(self, beat: ReceiverBeat) -> None:
        with self._write() as conn:
            conn.execute(receivers.BEAT, receivers.beat_params(beat))

    def receiver_gone(self, receiver_id: str) -> None:
        with self._write() as conn:
            conn.execute(receivers.GONE, (receiver_id,))

    def receivers(self) -> list[ReceiverBeat]:
        return [receivers.beat_row(r) for r in self._conn.execute(receivers.LISTED)]

    def forget_old(self, now: float) -> int:
        """Delete the rows of receivers gone for long; how many."""
        cutoff = (now - receivers.FORGET_AFTER,)
        if not self._conn.execute(receivers.ANY_TO_FORGET, cutoff).fetchone()[0]:
            return 0
        with self._write() as conn:
            return conn.execute(receivers.FORGET, cutoff).rowcount
