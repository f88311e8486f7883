"""The message log's searches made slow, held until the test lets them go, or endless.

Every search of the log, from any connection or thread, reads its first rows and count
through ``console.store.log.head``; this wraps it. A search is read first and held after,
so what it returns (or the error it raises) is what the store had when it started, as with
a search that is slow. An endless search runs a statement in SQLite that only an interrupt
(or ``HOLD_LIMIT``) ends.
"""

from __future__ import annotations

import sqlite3
import threading
import time

import pytest

from console.store import log
from console.store.models import LogQuery, LogRow

# A held search that is never let go ends after this, so that a test cannot hang.
HOLD_LIMIT = 5.0


class HeldSearches:
    """Slows every search down by ``delay`` seconds; holds those whose text is ``hold``-ed."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, delay: float = 0.0) -> None:
        self._real = log.head
        self._delay = delay
        self._gates: dict[str, threading.Event] = {}
        self._reached: dict[str, threading.Event] = {}
        self._endless: set[str] = set()
        self.started: list[str] = []  # the texts searched for, as each search was read
        monkeypatch.setattr(log, "head", self._head)

    def hold(self, text: str) -> None:
        self._gates[text] = threading.Event()
        self._reached[text] = threading.Event()

    def reached(self, text: str) -> threading.Event:
        """Set once the held search for ``text`` has read the store and waits."""
        return self._reached[text]

    def release(self, text: str) -> None:
        self._gates[text].set()

    def endless(self, text: str) -> None:
        """Searches for ``text`` read SQLite until interrupted; ``reached`` is set as they
        start."""
        self._endless.add(text)
        self._reached[text] = threading.Event()

    def _head(
        self,
        conn: sqlite3.Connection,
        cache: log.LogCache,
        query: LogQuery,
        limit: int,
        count_limit: int | None = None,
    ) -> tuple[list[LogRow], int]:
        if query.text in self._endless:
            self._reached[query.text].set()
            deadline = time.monotonic() + HOLD_LIMIT
            conn.set_progress_handler(lambda: time.monotonic() > deadline, 10_000)
            try:
                conn.execute(
                    "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n)"
                    " SELECT COUNT(*) FROM n"
                ).fetchone()
            finally:
                conn.set_progress_handler(None, 0)
        try:
            return self._real(conn, cache, query, limit, count_limit)
        finally:  # a failed search is held as well
            self.started.append(query.text)
            gate = self._gates.get(query.text)
            if gate is not None:
                self._reached[query.text].set()
                gate.wait(HOLD_LIMIT)
            time.sleep(self._delay)
