"""The message log's searches made slow, or held until the test lets them go.

Every search of the log, from any connection or thread, reads its first rows and count
through ``console.store.log.head``; this wraps it. A search is read first and held after,
so what it returns (or the error it raises) is what the store had when it started, as with
a search that is slow.
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

    def _head(
        self, conn: sqlite3.Connection, cache: log.LogCache, query: LogQuery, limit: int
    ) -> tuple[list[LogRow], int]:
        try:
            return self._real(conn, cache, query, limit)
        finally:  # a failed search is held as well
            self.started.append(query.text)
            gate = self._gates.get(query.text)
            if gate is not None:
                self._reached[query.text].set()
                gate.wait(HOLD_LIMIT)
            time.sleep(self._delay)
