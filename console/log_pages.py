"""The message log's rows, read from the store a page at a time, for any view to show.

The log shows a snapshot of its query (every row up to its newest row when the query was
shown, paged by :mod:`console.log_snapshot`) plus the rows that arrived since, which
callers report with ``refresh_ids``. Every row inserted, removed or changed is told to a
:class:`RowsListener` as it happens, so a view over the rows follows them without a reset.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from typing import Protocol

from console.log_snapshot import SnapshotPages, position
from console.store.interface import MessageStore
from console.store.models import LogKey, LogQuery, LogRow

Head = tuple[list[LogRow], int]
"""A query's newest rows and how many rows it has, read together."""


class RowsListener(Protocol):
    """Told of every change to the rows, by position (the newest row is 0).

    Insertions, removals and resets come in pairs around the change itself, as a Qt model
    tells its views; the rows are read between the pairs, not within one.
    """

    def inserting(self, first: int, last: int) -> None: ...

    def inserted(self) -> None: ...

    def removing(self, first: int, last: int) -> None: ...

    def removed(self) -> None: ...

    def changed(self, first: int, last: int) -> None:
        """What rows ``first`` to ``last`` hold may have changed: read them again."""

    def resetting(self) -> None: ...

    def reset(self) -> None: ...

    def drifted(self) -> None:
        """Rows left the query unreported: call ``resync`` once nothing is reading rows."""


def read_head(
    store: MessageStore, query: LogQuery, page_size: int, count_limit: int | None = None
) -> Head:
    """What :meth:`LogPages.show` needs to show ``query``, read from ``store`` (which may
    be another thread's); with ``count_limit``, a count that reaches it is a lower bound,
    which :func:`read_count` completes.

    Raises:
        StoreError: the rows could not be read.
    """
    return store.log_head(replace(query, up_to=None), page_size, count_limit)


def read_count(store: MessageStore, snapshot: LogQuery) -> int:
    """How many rows the shown ``snapshot`` (:attr:`LogPages.snapshot`) has, for
    :meth:`LogPages.counted`.

    Raises:
        StoreError: the rows could not be counted.
    """
    return store.log_count(snapshot)


class _BelowFresh:
    """Passes on the snapshot's changes, placed below the rows newer than it."""

    def __init__(self, listener: RowsListener, fresh: list[LogRow]) -> None:
        self._listener = listener
        self._fresh = fresh

    def inserting(self, first: int, last: int) -> None:
        self._listener.inserting(first + len(self._fresh), last + len(self._fresh))

    def inserted(self) -> None:
        self._listener.inserted()

    def removing(self, first: int, last: int) -> None:
        self._listener.removing(first + len(self._fresh), last + len(self._fresh))

    def removed(self) -> None:
        self._listener.removed()

    def changed(self, first: int, last: int) -> None:
        self._listener.changed(first + len(self._fresh), last + len(self._fresh))

    def resetting(self) -> None:
        self._listener.resetting()

    def reset(self) -> None:
        self._listener.reset()

    def drifted(self) -> None:
        self._listener.drifted()


class LogPages:
    """Every message and reply matching a :class:`LogQuery`, newest first.

    ``count`` is the query's full count; rows are read from ``store`` only when asked for,
    ``page_size`` at a time, keeping at most ``max_pages`` pages. ``store`` is used on the
    thread that made this object only.
    """

    def __init__(
        self,
        store: MessageStore,
        listener: RowsListener,
        *,
        page_size: int = 200,
        max_pages: int = 40,
    ) -> None:
        self._store = store
        self._listener = listener
        self.page_size = page_size
        self._query = LogQuery()
        self._snapshot = LogQuery()
        self._ceiling: LogKey | None = None  # the snapshot's newest row; None: empty
        self._fresh: list[LogRow] = []  # rows newer than the snapshot, newest first
        self._pages = SnapshotPages(store, _BelowFresh(listener, self._fresh), page_size, max_pages)
        self._noted: set[str] | None = None  # reported while a search is out
        self._load(LogQuery(), read_head(store, LogQuery(), page_size))

    # Queries ------------------------------------------------------------------------------

    @property
    def query(self) -> LogQuery:
        """The query whose rows are shown."""
        return self._query

    def begin_search(self) -> None:
        """A search is out: note what is reported until its rows are shown."""
        if self._noted is None:
            self._noted = set()

    def cancel_search(self) -> None:
        """No search is out any more, and none will be shown."""
        self._noted = None

    @property
    def snapshot(self) -> LogQuery:
        """The query of the rows shown, up to the newest one when it was shown."""
        return self._snapshot

    def show(self, query: LogQuery, head: Head, *, exact: bool = True) -> None:
        """Show the rows of ``query`` from the top, ``head`` being :func:`read_head`'s;
        unless ``exact``, its count is a lower bound until :meth:`counted`.

        What was reported since :meth:`begin_search` is applied again afterwards, as
        ``head`` may have been read before it.
        """
        noted, self._noted = self._noted, None
        self._listener.resetting()
        self._load(query, head, exact)
        self._listener.reset()
        if noted:
            self.refresh_ids(noted)

    def counted(self, snapshot: LogQuery, total: int) -> None:
        """``snapshot`` has ``total`` rows (see :func:`read_count`): if it is still the one
        shown, the rows past its first count are added at the bottom."""
        if snapshot == self._snapshot:
            self._pages.counted(total)

    @property
    def counting(self) -> bool:
        """Whether :attr:`count` is still a lower bound."""
        return self._pages.counting

    def _load(self, query: LogQuery, head: Head, exact: bool = True) -> None:
        rows, total = head
        self._query = replace(query, up_to=None)
        self._ceiling = rows[0].key if rows else None
        self._snapshot = replace(query, up_to=self._ceiling)
        self._fresh.clear()
        self._pages.load(self._snapshot, rows, total, exact=exact)

    # Reading ------------------------------------------------------------------------------

    @property
    def count(self) -> int:
        return len(self._fresh) + self._pages.total

    def row_at(self, position: int) -> LogRow | None:
        """The row at ``position``, read from the store if it is not loaded yet."""
        if position < len(self._fresh):
            return self._fresh[position] if position >= 0 else None
        return self._pages.row_at(position - len(self._fresh))

    def position_of(self, message_id: str) -> int | None:
        """Where ``message_id`` is shown (its newest row), or None if it is not shown."""
        for number, row in enumerate(self._fresh):
            if row.message_id == message_id:
                return number
        loaded = self._pages.loaded_position(message_id)
        if loaded is not None:
            return len(self._fresh) + loaded
        if self._ceiling is None:
            return None
        found = self._store.log_rows(self._snapshot, [message_id])
        if not found:
            return None
        return len(self._fresh) + self._store.log_count(self._snapshot, after=found[0].key)

    # Live changes -------------------------------------------------------------------------

    def refresh_ids(self, message_ids: Iterable[str]) -> None:
        """Show what changed for these message_ids: rows appear, change, leave or go.

        Rows move by insertion and removal, never by a reset, so a view keeps its
        selection and scroll position. A row gone from the store that is not loaded is
        taken out once a read comes to where it was (see :meth:`RowsListener.drifted`).
        """
        ids = list(dict.fromkeys(message_ids))
        if not ids:
            return
        if self._noted is not None:
            self._noted.update(ids)
        rows = self._store.log_rows(LogQuery(), ids)
        self._drop_gone(set(ids), {row.key for row in rows})
        if self._query == LogQuery():
            matching = {row.key for row in rows}
        else:
            matching = {row.key for row in self._store.log_rows(self._query, ids)}
        unsure: list[LogKey] = []
        for row in rows:
            if self._ceiling is None or row.key > self._ceiling:
                self._refresh_fresh(row, row.key in matching)
            elif not self._pages.refresh(row, row.key in matching):
                unsure.append(row.key)
        for key in unsure:
            self._pages.reconcile_around(key)

    def resync(self) -> None:
        """Count again every stretch of rows not loaded (see :meth:`RowsListener.drifted`)."""
        self._pages.resync()

    def _drop_gone(self, ids: set[str], kept: set[LogKey]) -> None:
        """Remove loaded rows of ``ids`` that the store no longer has."""
        number = 0
        while number < len(self._fresh):
            row = self._fresh[number]
            if row.message_id in ids and row.key not in kept:
                self._remove_fresh(number)
            else:
                number += 1
        self._pages.drop(ids, kept)

    def _refresh_fresh(self, row: LogRow, matches: bool) -> None:
        number = position(self._fresh, row.key)
        present = number < len(self._fresh) and self._fresh[number].key == row.key
        if present and matches:
            self._fresh[number] = row
            self._listener.changed(number, number)
        elif present:
            self._remove_fresh(number)
        elif matches:
            self._listener.inserting(number, number)
            self._fresh.insert(number, row)
            self._listener.inserted()

    def _remove_fresh(self, number: int) -> None:
        self._listener.removing(number, number)
        del self._fresh[number]
        self._listener.removed()
