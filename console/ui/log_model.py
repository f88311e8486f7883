"""The message log as a Qt table model: a million rows, read from the store page by page.

The rows and their paging are :class:`LogPages`'; this model shows them to Qt's views and
runs each new query's search in a worker thread (:class:`LogSearcher`), so typing in the
filter never holds the window. The rows shown stay until the search's rows replace them.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)

from console.log_pages import LogPages
from console.log_search import LogSearcher
from console.store.errors import StoreError
from console.store.interface import MessageStore
from console.store.models import LogQuery, LogRow
from console.ui.log_columns import HEADER_TIPS, HEADERS, Column, display, status_icon, tooltip

_ROOT = QModelIndex()

LOG_ROW_ROLE = Qt.ItemDataRole.UserRole + 1
"""Data role whose value is the row's :class:`LogRow`."""


_ROLES = frozenset(
    {
        Qt.ItemDataRole.DisplayRole,
        Qt.ItemDataRole.DecorationRole,
        Qt.ItemDataRole.ToolTipRole,
        LOG_ROW_ROLE,
    }
)


class _ViewRows:
    """Tells the model's views of each change :class:`LogPages` makes to the rows."""

    def __init__(self, model: MessageLogModel) -> None:
        self._model = model

    def inserting(self, first: int, last: int) -> None:
        self._model.beginInsertRows(_ROOT, first, last)

    def inserted(self) -> None:
        self._model.endInsertRows()

    def removing(self, first: int, last: int) -> None:
        self._model.beginRemoveRows(_ROOT, first, last)

    def removed(self) -> None:
        self._model.endRemoveRows()

    def changed(self, first: int, last: int) -> None:
        model = self._model
        model.dataChanged.emit(model.index(first, 0), model.index(last, len(Column) - 1))

    def resetting(self) -> None:
        self._model.beginResetModel()

    def reset(self) -> None:
        self._model.endResetModel()

    def drifted(self) -> None:
        # Found while a view reads data, when rows cannot be added or removed: later.
        QTimer.singleShot(0, self._model, self._model.resync)


class MessageLogModel(QAbstractTableModel):
    """Every message and reply matching a :class:`LogQuery`, newest first.

    ``rowCount`` is the query's full count; rows are read from ``store`` only when asked
    for, ``page_size`` at a time, keeping at most ``max_pages`` pages. A view over it needs
    fixed row heights: sizing rows to their contents would read every row. Searches read
    the store ``open_reader`` opens (see :class:`LogSearcher`).

    ``searching(bool)``: a search started, or the last one ended. Then either
    ``queryApplied()``: the rows of the last query asked for are shown; or
    ``queryFailed(str)``: they could not be read, and the rows shown stay. A search
    matching many rows is shown before it is counted in full (``is_counting``): the rows
    past its first count are added at the bottom, then ``counted()``.
    """

    searching = Signal(bool)
    queryApplied = Signal()
    queryFailed = Signal(str)
    counted = Signal()

    def __init__(
        self,
        store: MessageStore,
        parent: QObject | None = None,
        *,
        open_reader: Callable[[], MessageStore],
        page_size: int = 200,
        max_pages: int = 40,
    ) -> None:
        super().__init__(parent)
        self._rows = LogPages(store, _ViewRows(self), page_size=page_size, max_pages=max_pages)
        self._searcher = LogSearcher(open_reader, page_size)
        self._tasks: set[asyncio.Task[None]] = set()
        self._pending = 0  # searches asked for whose answer has not come
        self._closed = False

    # Queries ------------------------------------------------------------------------------

    @property
    def query(self) -> LogQuery:
        """The query whose rows are shown (a search may be under way for another)."""
        return self._rows.query

    @property
    def is_searching(self) -> bool:
        return self._pending > 0

    @property
    def is_counting(self) -> bool:
        """Whether ``rowCount`` is still a lower bound: the rest is being counted."""
        return self._rows.counting

    def set_query(self, query: LogQuery) -> None:
        """Show the rows of ``query`` from the top once a worker thread has read them.

        A later call supersedes this one: only the last query asked for is shown.
        """
        self._rows.begin_search()
        self._pending += 1
        if self._pending == 1:
            self.searching.emit(True)
        # Kept until done: the loop holds only a weak reference to a task.
        task = asyncio.get_event_loop().create_task(self._search(query))
        self._tasks.add(task)
        task.add_done_callback(self._searched)

    def close(self) -> None:
        """Stop: no search is shown any more, and the searches' store is closed."""
        self._closed = True
        self._searcher.close()

    async def _search(self, query: LogQuery) -> None:
        try:
            head = await self._searcher.head(query)
        except StoreError as exc:
            if not self._closed:
                self._ended()
                self.queryFailed.emit(f"{exc}")
            return
        except BaseException:
            if not self._closed:
                self._ended()  # whatever went wrong, the window waits no more
            raise
        if self._closed:
            return
        try:
            if head is not None:
                self._rows.show(query, head, exact=self._searcher.is_exact(query, head))
        finally:
            self._ended()
        if head is None:
            return
        self.queryApplied.emit()
        if self._rows.counting:
            await self._count(self._rows.snapshot)

    async def _count(self, snapshot: LogQuery) -> None:
        try:
            total = await self._searcher.count(snapshot)
        except StoreError as exc:
            if not self._closed:
                self.queryFailed.emit(f"{exc}")
            return
        if total is not None and not self._closed:
            self._rows.counted(snapshot, total)
            self.counted.emit()

    def _ended(self) -> None:
        self._pending -= 1
        if not self._pending:
            self._rows.cancel_search()
            self.searching.emit(False)

    def _searched(self, task: asyncio.Task[None]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            asyncio.get_event_loop().call_exception_handler(
                {"message": "the log's search failed", "exception": task.exception()}
            )

    # Qt model -----------------------------------------------------------------------------

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = _ROOT) -> int:
        return 0 if parent.isValid() else self._rows.count

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = _ROOT) -> int:
        return 0 if parent.isValid() else len(Column)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(Column):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[Column(section)]
        if role == Qt.ItemDataRole.ToolTipRole:
            return HEADER_TIPS.get(Column(section))
        return None

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        # Views ask for many roles per cell on every paint: answer the others at once.
        if role not in _ROLES or not index.isValid():
            return None
        row = self._rows.row_at(index.row())
        if row is None:
            return None
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return display(row, column)
        if role == Qt.ItemDataRole.DecorationRole and column == Column.STATUS:
            return status_icon(row)
        if role == Qt.ItemDataRole.ToolTipRole:
            return tooltip(row, column)
        if role == LOG_ROW_ROLE:
            return row
        return None

    # What the window asks -----------------------------------------------------------------

    def message_at(self, row: int) -> LogRow | None:
        """The log row at ``row``, read from the store if it is not loaded yet."""
        return self._rows.row_at(row)

    def oldest_row(self) -> int | None:
        count = self.rowCount()
        return count - 1 if count else None

    def oldest_index(self) -> QModelIndex:
        row = self.oldest_row()
        return QModelIndex() if row is None else self.index(row, 0)

    def row_for_message_id(self, message_id: str) -> int | None:
        """The row showing ``message_id`` (the newest such row), or None if it is not shown."""
        return self._rows.position_of(message_id)

    def refresh_ids(self, message_ids: Iterable[str]) -> None:
        """Show what changed for these message_ids: new rows appear, changed rows update.

        Rows move by insertion and removal, never by a reset, so the view keeps its
        selection and scroll position.
        """
        self._rows.refresh_ids(message_ids)

    def resync(self) -> None:
        """Count again the rows not loaded, after reads found fewer than counted."""
        self._rows.resync()
