"""The conversations' thread list as a Qt model: newest activity first, read from the store
page by page, searched in a worker thread, and kept up to date row by row."""

from __future__ import annotations

import asyncio
import bisect
from collections.abc import Callable, Iterable
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)

from console.store.errors import StoreError
from console.store.interface import MessageStore
from console.store.threads import THREAD_PAGE, ThreadKey, ThreadQuery, ThreadRow
from console.thread_search import ThreadSearcher
from console.ui.thread_words import thread_description

_ROOT = QModelIndex()

THREAD_ROLE = Qt.ItemDataRole.UserRole + 1
"""Data role whose value is the row's :class:`ThreadRow`."""


def _order(key: ThreadKey) -> tuple[float, int]:
    # Ascending in this order is newest first.
    return (-key.last_at, -key.id)


class ThreadListModel(QAbstractListModel):
    """Threads matching a search, newest activity first, for one operator.

    The first page of each search is read in a worker thread from the store
    ``open_reader`` opens; further pages come from ``store`` as a view scrolls to them
    (``fetchMore``). ``searching(bool)``: a search started, or the last one ended;
    ``queryApplied()``: its rows are shown; ``queryFailed(str)``: they could not be read,
    and the rows shown stay.
    """

    searching = Signal(bool)
    queryApplied = Signal()
    queryFailed = Signal(str)

    def __init__(
        self,
        store: MessageStore,
        operator: Callable[[], str],
        parent: QObject | None = None,
        *,
        open_reader: Callable[[], MessageStore],
        page_size: int = THREAD_PAGE,
    ) -> None:
        super().__init__(parent)
        self._store = store
        self._operator = operator
        self._page_size = page_size
        self._searcher = ThreadSearcher(open_reader, page_size)
        self._rows: list[ThreadRow] = []
        self._more = False
        self.query = ThreadQuery()
        self._pending = 0
        self._tasks: set[asyncio.Task[None]] = set()
        self._closed = False

    # Searches ----------------------------------------------------------------------------

    @property
    def is_searching(self) -> bool:
        return self._pending > 0

    def set_query(self, query: ThreadQuery) -> None:
        """Show the threads of ``query`` once a worker thread has read them; a later call
        supersedes this one."""
        self._pending += 1
        if self._pending == 1:
            self.searching.emit(True)
        task = asyncio.get_event_loop().create_task(self._search(query))
        self._tasks.add(task)  # the loop keeps only a weak reference
        task.add_done_callback(self._tasks.discard)

    def close(self) -> None:
        self._closed = True
        self._searcher.close()

    async def _search(self, query: ThreadQuery) -> None:
        try:
            rows = await self._searcher.first_page(query, self._operator())
        except StoreError as exc:
            if not self._closed:
                self.queryFailed.emit(str(exc))
            rows = None
        finally:
            if not self._closed:
                self._pending -= 1
                if not self._pending:
                    self.searching.emit(False)
        if rows is None or self._closed:
            return
        self.beginResetModel()
        self.query = query
        self._rows = rows
        self._more = len(rows) >= self._page_size
        self.endResetModel()
        self.queryApplied.emit()

    # Qt model ----------------------------------------------------------------------------

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = _ROOT) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        if role == THREAD_ROLE:
            return row
        if role in (
            Qt.ItemDataRole.DisplayRole,
            Qt.ItemDataRole.ToolTipRole,
            Qt.ItemDataRole.AccessibleTextRole,
        ):
            return thread_description(row, self._operator())
        return None

    def canFetchMore(self, parent: QModelIndex | QPersistentModelIndex = _ROOT) -> bool:
        return not parent.isValid() and self._more and not self.is_searching

    def fetchMore(self, parent: QModelIndex | QPersistentModelIndex = _ROOT) -> None:
        if not self.canFetchMore(parent):
            return
        before = self._rows[-1].key if self._rows else None
        try:
            page = self._store.threads(self.query, self._operator(), before, self._page_size)
        except StoreError as exc:
            self._more = False  # the next search or change reads again
            self.queryFailed.emit(str(exc))
            return
        self._more = len(page) >= self._page_size
        known = {r.id for r in self._rows}
        page = [r for r in page if r.id not in known]
        if page:
            first = len(self._rows)
            self.beginInsertRows(_ROOT, first, first + len(page) - 1)
            self._rows.extend(page)
            self.endInsertRows()

    # What the pane asks ------------------------------------------------------------------

    def thread_at(self, row: int) -> ThreadRow | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def row_of(self, thread_id: int) -> int | None:
        return next((i for i, r in enumerate(self._rows) if r.id == thread_id), None)

    def refresh(self, rows: Iterable[ThreadRow]) -> None:
        """Show these threads as they are now: a changed one updates and moves to its place
        (a move keeps the view's selection), a new one appears where it belongs. Under a
        search, only the threads it shows are updated: whether a new one matches is the
        search's to say."""
        for row in rows:
            at = self.row_of(row.id)
            if at is None:
                if not self.query.text.strip():
                    self._insert(row)
                continue
            self._update(at, row)

    def _place(self, key: ThreadKey, without: int | None = None) -> int:
        keys = [_order(r.key) for i, r in enumerate(self._rows) if i != without]
        return bisect.bisect_left(keys, _order(key))

    def _insert(self, row: ThreadRow) -> None:
        place = self._place(row.key)
        if place == len(self._rows) and self._more:
            return  # older than every row read yet: it comes with its page
        self.beginInsertRows(_ROOT, place, place)
        self._rows.insert(place, row)
        self.endInsertRows()

    def _update(self, at: int, row: ThreadRow) -> None:
        place = self._place(row.key, without=at)
        if place != at:
            # Qt counts the destination before the row leaves its place.
            self.beginMoveRows(_ROOT, at, at, _ROOT, place if place < at else place + 1)
            del self._rows[at]
            self._rows.insert(place, row)
            self.endMoveRows()
            at = place
        else:
            self._rows[at] = row
        index = self.index(at, 0)
        self.dataChanged.emit(index, index)
