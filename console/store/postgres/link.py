"""The shared store's one connection per store object: its transactions, a stop asked from
another thread, and a new connection in place of one a restarted server lost."""

from __future__ import annotations

import functools
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from typing import Any

import psycopg
from psycopg.pq import TransactionStatus

from console.store.errors import StoreError
from console.store.postgres.connection import (
    Connection,
    Redactor,
    Synchronous,
    connect,
    translated,
)

Cursor = psycopg.Cursor[tuple[Any, ...]]

# How long interrupt() waits for the server to take the cancel request.
_CANCEL_TIMEOUT = 5.0
# After a failed reconnect, how long uses fail at once before one tries again.
_RETRY_AFTER = 2.0
OUT_OF_REACH = "the shared store is out of reach"


class Link:
    """A connection to the database at ``url``, in a transaction only inside
    :meth:`transaction`; one found lost is replaced before the next begins.

    Raises (on opening):
        StoreError: the database could not be reached (the text never holds the password).
    """

    def __init__(self, url: str, *, busy_timeout: float, synchronous: Synchronous) -> None:
        self.redact = Redactor(url)
        self._retry_at = 0.0
        self._reopen = functools.partial(
            connect, url, busy_timeout=busy_timeout, synchronous=synchronous
        )
        self.conn: Connection = self._reopen()

    def close(self) -> None:
        self.conn.close()

    def reconnect(self) -> None:
        """Open a new connection in place of this one, which a restarted server may have
        lost unseen.

        Raises:
            StoreError: the server is out of reach (the text never holds the password).
        """
        old, self.conn = self.conn, self._reopen()
        old.close()

    def interrupt(self) -> None:
        """Stop the statement another thread runs on this connection, if one runs."""
        # A cancel request takes a connection of its own to the server, and one that
        # arrived as the next statement began would stop that one: it is sent only while
        # a statement runs (a closed connection runs none).
        if self.conn.info.transaction_status is not TransactionStatus.ACTIVE:
            return
        with suppress(psycopg.Error):
            self.conn.cancel_safe(timeout=_CANCEL_TIMEOUT)

    @contextmanager
    def transaction(self, doing: str, *, snapshot: bool = False) -> Iterator[Cursor]:
        """A transaction committed at the end of the block (rolled back on an error);
        ``snapshot``: reading one snapshot throughout, writing nothing."""
        if self.conn.broken:
            # Out of reach a moment ago: told at once rather than waited on again (a
            # window reads on its own thread); the change feed says when it is back.
            if time.monotonic() < self._retry_at:
                raise StoreError(f"{doing}: {OUT_OF_REACH}")
            try:
                self.reconnect()
            except StoreError:
                self._retry_at = time.monotonic() + _RETRY_AFTER
                raise
        with translated(self.redact, doing), self.conn.transaction():
            cur = self.conn.cursor()
            if snapshot:
                cur.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            yield cur
