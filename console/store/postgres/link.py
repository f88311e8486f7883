"""The shared store's connection for one store object: its transactions, a stop asked
from another thread, and a new connection in place of one the server dropped (see
:class:`console.store.postgres.live_connection.LiveConnection`)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from typing import Any

import psycopg
from psycopg.pq import TransactionStatus

from console.store.postgres.connection import (
    Connection,
    NoAnswer,
    Redactor,
    Synchronous,
    translated,
)
from console.store.postgres.live_connection import LiveConnection

Cursor = psycopg.Cursor[tuple[Any, ...]]

# How long interrupt() waits for the server to take the cancel request.
_CANCEL_TIMEOUT = 5.0


class Link:
    """A connection to the database at ``url``, in a transaction only inside
    :meth:`transaction`; ``prepare`` runs on each new one (the schema check).

    Raises (on opening):
        StoreError: the database could not be reached (the text never holds the password).
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
        self.redact = Redactor(url)
        self.live = LiveConnection(
            url, prepare, busy_timeout=busy_timeout, synchronous=synchronous, deadline=deadline
        )

    @property
    def conn(self) -> Connection:
        """The connection as it is (for the statements of a transaction under way)."""
        return self.live.current

    def get(self) -> Connection:
        """The connection, opened again first if the server dropped it.

        Raises:
            StoreError: the server cannot be reached.
        """
        return self.live.get()

    def close(self) -> None:
        self.live.close()

    def reconnect(self) -> None:
        """Open a new connection in place of this one, which a restarted server may have
        lost unseen.

        Raises:
            StoreError: the server is out of reach (the text never holds the password).
        """
        self.live.reopen()

    def interrupt(self) -> None:
        """Stop the statement another thread runs on this connection, if one runs."""
        # A cancel request takes a connection of its own to the server, and one that
        # arrived as the next statement began would stop that one: it is sent only while
        # a statement runs (a closed connection runs none).
        conn = self.live.current
        if conn.info.transaction_status is not TransactionStatus.ACTIVE:
            return
        with suppress(psycopg.Error):
            conn.cancel_safe(timeout=_CANCEL_TIMEOUT)

    @contextmanager
    def transaction(self, doing: str, *, snapshot: bool = False) -> Iterator[Cursor]:
        """A transaction committed at the end of the block (rolled back on an error);
        ``snapshot``: reading one snapshot throughout, writing nothing."""
        with translated(self.redact, doing):
            conn = self.live.get()
            try:
                with conn.transaction():
                    cur = conn.cursor()
                    if snapshot:
                        cur.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                    yield cur
            except NoAnswer as exc:
                self.live.lost(str(exc))
                raise
