"""The message log's searches, read in a worker thread so the window never waits on them.

A search of a million rows can take a few hundred milliseconds. Searches run one at a
time on a store connection of their own; a search asked for while another runs waits for
it, and only the newest one asked for is read and answered.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Callable

from console.log_pages import Head, read_head
from console.store.errors import StoreError
from console.store.interface import MessageStore
from console.store.models import LogQuery


class LogSearcher:
    """Reads the head of log queries (see :func:`read_head`) off the event loop's thread.

    ``open_reader`` opens the store the searches read; it is called in a worker thread,
    and the store it returns is used from worker threads, one at a time.
    """

    def __init__(self, open_reader: Callable[[], MessageStore], page_size: int) -> None:
        self._open_reader = open_reader
        self._page_size = page_size
        self._reader: MessageStore | None = None
        self._lock = asyncio.Lock()
        self._latest = 0
        self._closed = False

    async def head(self, query: LogQuery) -> Head | None:
        """The head of ``query``; None when a newer search was asked for meanwhile (its
        answer is the one to show) or the searcher was closed.

        Raises:
            StoreError: the rows could not be read, and no newer search was asked for.
        """
        self._latest += 1
        number = self._latest
        async with self._lock:
            if number != self._latest or self._closed:
                return None
            try:
                head = await asyncio.to_thread(self._read, query)
            except StoreError:
                if number != self._latest or self._closed:
                    return None
                raise
            finally:
                if self._closed:
                    self._close_reader()
        return head if number == self._latest and not self._closed else None

    def close(self) -> None:
        """Close the searches' store, at once or when the search running ends."""
        self._closed = True
        if not self._lock.locked():
            self._close_reader()

    def _read(self, query: LogQuery) -> Head:
        try:
            if self._reader is None:
                self._reader = self._open_reader()
            return read_head(self._reader, query, self._page_size)
        except (OSError, sqlite3.Error) as exc:
            raise StoreError(f"the log could not be read: {exc}") from exc

    def _close_reader(self) -> None:
        reader, self._reader = self._reader, None
        if reader is not None:
            reader.close()
