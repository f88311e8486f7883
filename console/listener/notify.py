"""Handing listener changes to the GUI's loop in batches, a few times a second at most.

A storm of receipts must not become a storm of repaints: changes from any thread are
merged into one set, delivered on the target loop no more often than ``interval``.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Iterable

from console.listener.intake import Change


class Coalescer:
    def __init__(
        self,
        loop: asyncio.AbstractEventLoop,
        deliver: Callable[[frozenset[Change]], None],
        interval: float = 0.05,
    ) -> None:
        self._loop = loop
        self._deliver = deliver
        self._interval = interval
        self._lock = threading.Lock()
        self._pending: set[Change] = set()
        self._armed = False
        self._last = float("-inf")

    def add(self, changes: Iterable[Change]) -> None:
        """Queue changes; safe to call from any thread."""
        with self._lock:
            self._pending.update(changes)
            if self._armed or not self._pending:
                return
            self._armed = True
        self._loop.call_soon_threadsafe(self._arm)

    def _arm(self) -> None:
        delay = max(0.0, self._last + self._interval - self._loop.time())
        self._loop.call_later(delay, self._flush)

    def _flush(self) -> None:
        with self._lock:
            batch = frozenset(self._pending)
            self._pending.clear()
            self._armed = False
        self._last = self._loop.time()
        if batch:
            self._deliver(batch)
