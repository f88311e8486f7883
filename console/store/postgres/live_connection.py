"""A store's connection that outlives a server restart or a lost network: opened again by
itself (a receiver's, a reader's), or left closed until its owner opens it again (a
window's, whose calls run on the window's thread and must not wait to connect)."""

from __future__ import annotations

import select
import time
from collections.abc import Callable

from psycopg.pq import TransactionStatus

from console.store.errors import StoreError, StoreOutOfReach
from console.store.postgres.connection import Connection, Synchronous, connect

# While the server is unreachable, a store tries to connect again at most this often; in
# between, its calls fail at once.
RECONNECT_INTERVAL = 1.0


class LiveConnection:
    """A store's connection, opened again when the server dropped it (it restarted, or the
    network failed): the first call after that tries, then at most one call a second
    until the server answers. Meanwhile every call fails at once with :class:`StoreError`,
    so that a receiver answers 503 quickly and a console says the store is unreachable.

    After :meth:`hold_when_lost`, a lost connection is not opened again by a call: the
    connection is held (every call fails at once with :class:`StoreOutOfReach`) and
    ``on_lost(reason)`` told, until the owner calls :meth:`reopen` and :meth:`hold` None.
    :meth:`hold` also holds it while the owner knows the server to be out of reach.

    ``prepare`` runs on each new connection, in a transaction (the schema check);
    ``deadline`` bounds every exchange with the server (see ``DeadlineConnection``).
    """

    def __init__(
        self,
        url: str,
        prepare: Callable[[Connection], None],
        *,
        busy_timeout: float,
        synchronous: Synchronous,
        deadline: float | None = None,
    ) -> None:
        """Raises:
        StoreError: the first connection could not be opened; the text never holds the
            password.
        """
        self._url = url
        self._prepare = prepare
        self._busy_timeout = busy_timeout
        self._synchronous: Synchronous = synchronous
        self._deadline = deadline
        self._retry_at = 0.0
        self._lost = ""
        self._on_lost: Callable[[str], None] | None = None
        self.held: str | None = None
        self.current = self._open()

    def hold_when_lost(self, on_lost: Callable[[str], None]) -> None:
        self._on_lost = on_lost

    def hold(self, reason: str | None) -> None:
        """Fail every call at once saying ``reason`` (None: use the connection again)."""
        self.held = reason

    def lost(self, reason: str) -> None:
        """The connection was found lost (its server did not answer in time, say)."""
        if self._on_lost is not None and self.held is None:
            self.held = reason
            self._on_lost(reason)

    def get(self) -> Connection:
        """The connection, opened again first if the server dropped it.

        Raises:
            StoreOutOfReach: it is held, or lost and held from now on.
            StoreError: the server cannot be reached (now or on the last try, under a
                second ago).
        """
        held = self.held
        if held is not None:
            raise StoreOutOfReach(f"the shared store is out of reach: {held}", held)
        if not self.current.closed and not _dropped(self.current):
            return self.current
        self.current.close()
        if self._on_lost is not None:
            reason = "the connection to the shared store was lost"
            self.lost(reason)
            raise StoreOutOfReach(f"the shared store is out of reach: {reason}", reason)
        now = time.monotonic()
        if now < self._retry_at:
            raise StoreError(f"{self._lost}; trying again")
        self._retry_at = now + RECONNECT_INTERVAL
        try:
            self.current = self._open()
        except StoreError as exc:
            self._lost = str(exc)
            raise
        return self.current

    def reopen(self) -> None:
        """A new connection in place of the current one, which may be lost unseen (a
        server restarted while it was idle). While held, this may run on another thread
        than the calls': they do not touch the connection.

        Raises:
            StoreError: the server cannot be reached.
        """
        old, self.current = self.current, self._open()
        old.close()

    def close(self) -> None:
        self.current.close()

    def _open(self) -> Connection:
        conn = connect(
            self._url,
            busy_timeout=self._busy_timeout,
            synchronous=self._synchronous,
            deadline=self._deadline,
        )
        try:
            self._prepare(conn)
        except BaseException:
            conn.close()
            raise
        return conn


def _dropped(conn: Connection) -> bool:
    """Whether the server has ended ``conn`` (restarted, or stopped its process) and said
    so: an idle connection is sent nothing else. Found now, the next statement need not
    fail to find it."""
    if conn.info.transaction_status is not TransactionStatus.IDLE:
        return False
    readable, _, _ = select.select([conn.fileno()], [], [], 0)
    return bool(readable)
