"""The message log's searches, read in a worker thread so the window never waits on them.

A search of a million rows can take a few hundred milliseconds. Searches run one at a
time on a store connection of their own; a search asked for while another runs stops it
(the store's reads are interrupted), and only the newest one asked for is read and answered. A
search matching many rows is answered with its first rows and a count that stops early;
the whole count follows (:meth:`LogSearcher.count`).
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Callable
from typing import TypeVar

from console.log_pages import Head, read_count, read_head
from console.store.errors import StoreError
from console.store.interface import MessageStore
from console.store.models import LogQuery

# A head counts this many rows at most: counting the rest of a big search could take as
# long again as finding its first rows.
COUNT_FIRST = 10_000

_T = TypeVar("_T")


class LogSearcher:
    """Reads the head of log queries (see :func:`read_head`) off the event loop's thread.

    ``open_reader`` opens the store the searches read; it is called in a worker thread,
    and the store it returns is used from worker threads, one at a time.
    """

    def __init__(self, open_reader: Callable[[], MessageStore], page_size: int) -> None:
        self._open_reader = open_reader
        self._page_size = page_size
        # A head whose count is below this is exact; from it on, a lower bound.
        self.count_first = COUNT_FIRST
        self._reader: MessageStore | None = None
        self._lock = asyncio.Lock()
        self._latest = 0
        self._closed = False

    async def head(self, query: LogQuery) -> Head | None:
        """The head of ``query``, a text search counted up to ``count_first``; None when a newer
        search was asked for meanwhile (its answer is the one to show) or the searcher
        was closed.

        Raises:
            StoreError: the rows could not be read, and no newer search was asked for.
        """
        self._latest += 1
        number = self._latest
        # Whatever the store reads until this search's turn is for an older one.
        stopping = asyncio.create_task(self._stop_reads()) if self._lock.locked() else None
        try:
            return await self._run(
                number,
                lambda reader: read_head(reader, query, self._page_size, self._count_limit(query)),
                stopping,
            )
        finally:
            if stopping is not None:
                stopping.cancel()

    def is_exact(self, query: LogQuery, head: Head) -> bool:
        """Whether the count of ``head``, the head of ``query``, is exact (or a lower
        bound, for :meth:`count` to complete)."""
        limit = self._count_limit(query)
        return limit is None or head[1] < limit

    def _count_limit(self, query: LogQuery) -> int | None:
        # Without text, a query is counted in an index of its own as fast as its rows come.
        return self.count_first if query.text.strip() else None

    async def count(self, snapshot: LogQuery) -> int | None:
        """The whole count of the snapshot of the newest search (see :func:`read_count`);
        None when a newer search was asked for meanwhile or the searcher was closed.

        Raises:
            StoreError: the rows could not be counted, and no newer search was asked for.
        """
        return await self._run(self._latest, lambda reader: read_count(reader, snapshot))

    def close(self) -> None:
        """Close the searches' store, at once or when the search running ends."""
        self._closed = True
        if not self._lock.locked():
            self._close_reader()

    async def _stop_reads(self) -> None:
        # Again and again: an interrupt stops only the statement running, and a search
        # reads with several.
        while True:
            if self._reader is not None:
                self._reader.interrupt()
            await asyncio.sleep(0.01)

    async def _run(
        self,
        number: int,
        read: Callable[[MessageStore], _T],
        stopping: asyncio.Task[None] | None = None,
    ) -> _T | None:
        async with self._lock:
            if stopping is not None:
                stopping.cancel()  # before this search reads
            if number != self._latest or self._closed:
                return None
            try:
                found = await asyncio.to_thread(self._read, read)
            except StoreError:
                if number != self._latest or self._closed:
                    return None
                raise
            finally:
                if self._closed:
                    self._close_reader()
        return found if number == self._latest and not self._closed else None

    def _read(self, read: Callable[[MessageStore], _T]) -> _T:
        try:
            if self._reader is None:
                self._reader = self._open_reader()
            return read(self._reader)
        except (OSError, sqlite3.Error) as exc:
            raise StoreError(f"the log could not be read: {exc}") from exc

    def _close_reader(self) -> None:
        reader, self._reader = self._reader, None
        if reader is not None:
            reader.close()
