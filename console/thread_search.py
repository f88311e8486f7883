"""The conversations' thread searches, read in a worker thread so the window never waits.

Searches run one at a time on a store connection of their own; a search asked for while
another runs stops it (the store's reads are interrupted), and only the newest one asked
for is answered.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Callable

from console.store.errors import StoreError
from console.store.interface import MessageStore
from console.store.threads import THREAD_PAGE, ThreadQuery, ThreadRow


class ThreadSearcher:
    """Reads the first page of thread queries off the event loop's thread.

    ``open_reader`` opens the store the searches read; it is called in a worker thread,
    and the store it returns is used from worker threads, one at a time.
    """

    def __init__(self, open_reader: Callable[[], MessageStore], limit: int = THREAD_PAGE) -> None:
        self._open_reader = open_reader
        self._limit = limit
        self._reader: MessageStore | None = None
        self._lock = asyncio.Lock()
        self._latest = 0
        self._closed = False

    async def first_page(self, query: ThreadQuery, operator: str) -> list[ThreadRow] | None:
        """The newest threads of ``query`` for ``operator``; None when a newer search was
        asked for meanwhile, or the searcher was closed.

        Raises:
            StoreError: the threads could not be read, and no newer search was asked for.
        """
        self._latest += 1
        number = self._latest
        if self._lock.locked() and self._reader is not None:
            self._reader.interrupt()  # what it reads now is for an older search
        async with self._lock:
            if number != self._latest or self._closed:
                return None
            try:
                found = await asyncio.to_thread(self._read, query, operator)
            except StoreError:
                if number != self._latest or self._closed:
                    return None
                raise
            finally:
                if self._closed:
                    self._close_reader()
        return found if number == self._latest and not self._closed else None

    def close(self) -> None:
        """Close the searches' store, at once or when the search running ends."""
        self._closed = True
        if not self._lock.locked():
            self._close_reader()

    def _read(self, query: ThreadQuery, operator: str) -> list[ThreadRow]:
        try:
            if self._reader is None:
                self._reader = self._open_reader()
            return self._reader.threads(query, operator, limit=self._limit)
        except StoreError:
            # Its connection may be the one that failed (a server restarted): the next
            # search opens another.
            self._close_reader()
            raise
        except (OSError, sqlite3.Error) as exc:
            self._close_reader()
            raise StoreError(f"the conversations could not be read: {exc}") from exc

    def _close_reader(self) -> None:
        reader, self._reader = self._reader, None
        if reader is not None:
            reader.close()
