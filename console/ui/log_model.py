"""The message log as a Qt table model: a million rows, read from the store page by page.

The model shows a snapshot of the query (every row up to its newest row when the query was
set) plus the rows that arrived since, which the window reports with ``refresh_ids``.
Snapshot rows are loaded on demand in pages, each found by key from its nearest loaded
neighbour or from either end of the log, and only a bounded number of pages is kept.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
)

from console.store.interface import MessageStore
from console.store.models import LogKey, LogKind, LogQuery, LogRow
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


def _position(rows: list[LogRow], key: LogKey) -> int:
    """How many of ``rows`` (newest first) are newer than ``key``."""
    lo, hi = 0, len(rows)
    while lo < hi:
        mid = (lo + hi) // 2
        if rows[mid].key > key:
            lo = mid + 1
        else:
            hi = mid
    return lo


class _Page:
    """Consecutive snapshot rows, newest first, starting at snapshot position ``start``."""

    __slots__ = ("rows", "start", "used")

    def __init__(self, start: int, rows: list[LogRow], used: int) -> None:
        self.start = start
        self.rows = rows
        self.used = used

    @property
    def end(self) -> int:
        return self.start + len(self.rows)


class MessageLogModel(QAbstractTableModel):
    """Every message and reply matching a :class:`LogQuery`, newest first.

    ``rowCount`` is the query's full count; rows are read from the store only when asked
    for, ``page_size`` at a time, keeping at most ``max_pages`` pages. A view over it needs
    fixed row heights: sizing rows to their contents would read every row.
    """

    def __init__(
        self,
        store: MessageStore,
        parent: QObject | None = None,
        *,
        page_size: int = 200,
        max_pages: int = 40,
    ) -> None:
        super().__init__(parent)
        self._store = store
        self._page_size = page_size
        self._max_pages = max_pages
        self._query = LogQuery()
        self._snapshot = LogQuery()
        self._ceiling: LogKey | None = None  # the snapshot's newest row; None: empty
        self._fresh: list[LogRow] = []  # rows newer than the snapshot, newest first
        self._total = 0  # rows in the snapshot
        self._pages: list[_Page] = []  # in position order, never overlapping
        self._last: _Page | None = None
        self._clock = 0
        self._resync_due = False
        self._load(LogQuery())

    # Queries ------------------------------------------------------------------------------

    def set_query(self, query: LogQuery) -> None:
        """Show the rows of ``query`` from the top.

        Raises:
            StoreError: the rows could not be read; the model still shows the rows it had.
        """
        query = replace(query, up_to=None)
        head = self._store.log_head(query, self._page_size)
        self.beginResetModel()
        self._load(query, head)
        self.endResetModel()

    def _load(self, query: LogQuery, head: tuple[list[LogRow], int] | None = None) -> None:
        query = replace(query, up_to=None)
        rows, total = head or self._store.log_head(query, self._page_size)
        self._query = query
        self._ceiling = rows[0].key if rows else None
        self._snapshot = replace(query, up_to=self._ceiling)
        self._fresh = []
        self._total = total
        self._pages = [_Page(0, rows, self._tick())] if rows else []
        self._last = None

    # Qt model -----------------------------------------------------------------------------

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = _ROOT) -> int:
        return 0 if parent.isValid() else len(self._fresh) + self._total

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
        row = self.message_at(index.row())
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
        fresh = len(self._fresh)
        if row < fresh:
            return self._fresh[row] if row >= 0 else None
        position = row - fresh
        if position >= self._total:
            return None
        page = self._page_at(position) or self._load_page(position)
        if page is None or not page.start <= position < page.end:
            return None
        return page.rows[position - page.start]

    def oldest_row(self) -> int | None:
        count = self.rowCount()
        return count - 1 if count else None

    def oldest_index(self) -> QModelIndex:
        row = self.oldest_row()
        return QModelIndex() if row is None else self.index(row, 0)

    def row_for_message_id(self, message_id: str) -> int | None:
        """The row showing ``message_id`` (the newest such row), or None if it is not shown."""
        for number, row in enumerate(self._fresh):
            if row.message_id == message_id:
                return number
        for page in self._pages:
            for number, row in enumerate(page.rows):
                if row.message_id == message_id:
                    return len(self._fresh) + page.start + number
        if self._ceiling is None:
            return None
        found = self._store.log_rows(self._snapshot, [message_id])
        if not found:
            return None
        return len(self._fresh) + self._store.log_count(self._snapshot, after=found[0].key)

    def refresh_ids(self, message_ids: Iterable[str]) -> None:
        """Show what changed for these message_ids: new rows appear, changed rows update.

        Rows move by insertion and removal, never by a reset, so the view keeps its
        selection and scroll position.
        """
        ids = list(dict.fromkeys(message_ids))
        if not ids:
            return
        rows = self._store.log_rows(LogQuery(), ids)
        self._drop_moved_orphans(set(ids), {row.key for row in rows})
        if self._query == LogQuery():
            matching = {row.key for row in rows}
        else:
            matching = {row.key for row in self._store.log_rows(self._query, ids)}
        unsure: list[LogKey] = []
        for row in rows:
            if self._ceiling is None or row.key > self._ceiling:
                self._refresh_fresh(row, row.key in matching)
            elif not self._refresh_snapshot(row, row.key in matching):
                unsure.append(row.key)
        for key in unsure:
            self._reconcile_around(key)

    def _drop_moved_orphans(self, ids: set[str], keys: set[LogKey]) -> None:
        """Take away shown orphan receipt rows of ``ids`` that are no longer at their key.

        An orphan receipt sits at its latest receipt's time, so another receipt moves it;
        and it leaves the log when its message appears. Its new place, if any, comes as
        any changed row does.
        """
        shown = [*self._fresh, *(row for page in self._pages for row in page.rows)]
        for row in shown:
            if row.kind is LogKind.ORPHAN_RECEIPT and row.message_id in ids and row.key not in keys:
                if self._ceiling is None or row.key > self._ceiling:
                    self._refresh_fresh(row, matches=False)
                else:
                    self._refresh_snapshot(row, matches=False)

    # Rows newer than the snapshot ---------------------------------------------------------

    def _refresh_fresh(self, row: LogRow, matches: bool) -> None:
        number = _position(self._fresh, row.key)
        present = number < len(self._fresh) and self._fresh[number].key == row.key
        if present and matches:
            self._fresh[number] = row
            self._changed(number)
        elif present:
            self.beginRemoveRows(QModelIndex(), number, number)
            del self._fresh[number]
            self.endRemoveRows()
        elif matches:
            self.beginInsertRows(QModelIndex(), number, number)
            self._fresh.insert(number, row)
            self.endInsertRows()

    # Snapshot rows ------------------------------------------------------------------------

    def _refresh_snapshot(self, row: LogRow, matches: bool) -> bool:
        """Apply one changed row; False when the loaded pages cannot tell where it goes."""
        above, inside, below = self._around(row.key)
        if inside is not None:
            number = _position(inside.rows, row.key)
            present = number < len(inside.rows) and inside.rows[number].key == row.key
            if present and matches:
                inside.rows[number] = row
                self._changed(len(self._fresh) + inside.start + number)
            elif present:
                self._remove(inside, number)
            elif matches:
                self._insert(inside, number, row)
            # A row absent from a page loaded after it stopped matching leaves the count
            # one too high somewhere near that page; only a state filter loses rows.
            return matches or present or self._query.state is None
        start = above.end if above is not None else 0
        end = below.start if below is not None else self._total
        if start != end:
            return False
        if matches:
            if above is not None:
                self._insert(above, len(above.rows), row)
            elif below is not None:
                self._insert(below, 0, row)
            else:
                page = _Page(start, [], self._tick())
                self._pages.insert(0, page)
                self._insert(page, 0, row)
        return True

    def _around(self, key: LogKey) -> tuple[_Page | None, _Page | None, _Page | None]:
        """The loaded pages above ``key``, holding its place, and below it."""
        pages = self._pages
        lo, hi = 0, len(pages)
        while lo < hi:  # the first page whose last row is not newer than key
            mid = (lo + hi) // 2
            if pages[mid].rows[-1].key > key:
                lo = mid + 1
            else:
                hi = mid
        above = pages[lo - 1] if lo > 0 else None
        if lo < len(pages) and pages[lo].rows[0].key >= key:
            below = pages[lo + 1] if lo + 1 < len(pages) else None
            return above, pages[lo], below
        return above, None, pages[lo] if lo < len(pages) else None

    def _reconcile_around(self, key: LogKey) -> None:
        above, inside, below = self._around(key)
        if inside is None:
            self._reconcile(above, below)
            return
        index = self._pages.index(inside)
        self._reconcile(self._pages[index - 1] if index else None, inside)
        self._reconcile(inside, self._pages[index + 1] if index + 1 < len(self._pages) else None)

    def _reconcile(self, above: _Page | None, below: _Page | None) -> None:
        """Make the unloaded rows between two pages as many as the store has there."""
        start = above.end if above is not None else 0
        end = below.start if below is not None else self._total
        actual = self._store.log_count(
            self._snapshot,
            before=above.rows[-1].key if above is not None else None,
            after=below.rows[0].key if below is not None else None,
        )
        delta = actual - (end - start)
        if delta == 0:
            return
        first = len(self._fresh) + start
        if delta > 0:
            self.beginInsertRows(QModelIndex(), first, first + delta - 1)
        else:
            self.beginRemoveRows(QModelIndex(), first, first - delta - 1)
        self._shift(below, delta)
        self._total += delta
        if delta > 0:
            self.endInsertRows()
        else:
            self.endRemoveRows()

    def _drifted(self) -> None:
        # Rows cannot be added or removed while the view is reading data: fix them later.
        if not self._resync_due:
            self._resync_due = True
            QTimer.singleShot(0, self, self._resync)

    def _resync(self) -> None:
        self._resync_due = False
        pages = list(self._pages)
        for above, below in zip([None, *pages], [*pages, None], strict=True):
            self._reconcile(above, below)

    def _insert(self, page: _Page, number: int, row: LogRow) -> None:
        first = len(self._fresh) + page.start + number
        self.beginInsertRows(QModelIndex(), first, first)
        page.rows.insert(number, row)
        self._shift_after(page, 1)
        self._total += 1
        self.endInsertRows()

    def _remove(self, page: _Page, number: int) -> None:
        first = len(self._fresh) + page.start + number
        self.beginRemoveRows(QModelIndex(), first, first)
        del page.rows[number]
        self._shift_after(page, -1)
        self._total -= 1
        if not page.rows:
            self._pages.remove(page)
            self._last = None
        self.endRemoveRows()

    def _shift_after(self, page: _Page, delta: int) -> None:
        index = self._pages.index(page)
        self._shift(self._pages[index + 1] if index + 1 < len(self._pages) else None, delta)

    def _shift(self, first: _Page | None, delta: int) -> None:
        """Move ``first`` and every page after it by ``delta`` positions."""
        if first is None:
            return
        for page in self._pages[self._pages.index(first) :]:
            page.start += delta

    def _changed(self, number: int) -> None:
        self.dataChanged.emit(self.index(number, 0), self.index(number, len(Column) - 1))

    # Paging -------------------------------------------------------------------------------

    def _tick(self) -> int:
        self._clock += 1
        return self._clock

    def _page_at(self, position: int) -> _Page | None:
        last = self._last
        if last is not None and last.start <= position < last.end:
            return last
        pages = self._pages
        lo, hi = 0, len(pages)
        while lo < hi:
            mid = (lo + hi) // 2
            if pages[mid].end <= position:
                lo = mid + 1
            else:
                hi = mid
        if lo < len(pages) and pages[lo].start <= position:
            page = pages[lo]
            page.used = self._tick()
            self._last = page
            return page
        return None

    def _load_page(self, position: int) -> _Page | None:
        """Read the page holding ``position`` from the nearer of its loaded neighbours."""
        index = 0
        while index < len(self._pages) and self._pages[index].end <= position:
            index += 1
        above = self._pages[index - 1] if index else None
        below = self._pages[index] if index < len(self._pages) else None
        start = above.end if above is not None else 0
        end = below.start if below is not None else self._total
        size = self._page_size
        if position - start <= end - 1 - position:
            # Newest first from the page above (or the top), skipping what lies between.
            first = start if position - start < size else position
            wanted = min(size, end - first)
            rows = self._store.log_page(
                self._snapshot,
                before=above.rows[-1].key if above is not None else None,
                limit=wanted,
                skip=first - start,
            )
            if below is not None:
                # Rows reaching into the page below mean fewer rows lie between than counted.
                rows = [r for r in rows if r.key > below.rows[0].key]
            page = _Page(first, rows, self._tick())
        else:
            # Oldest first from the page below (or the bottom of the log).
            last = end if end - 1 - position < size else position + 1
            wanted = last - max(start, last - size)
            rows = self._store.log_page_oldest(
                self._snapshot,
                after=below.rows[0].key if below is not None else None,
                limit=wanted,
                skip=end - last,
            )
            rows.reverse()
            if above is not None:
                rows = [r for r in rows if r.key < above.rows[-1].key]
            page = _Page(last - len(rows), rows, self._tick())
        if len(rows) < wanted:
            # The store has fewer rows here than counted: rows left the query unreported.
            self._drifted()
        if not rows:
            return None
        self._pages.insert(index, page)
        self._evict(keep=page)
        self._last = page
        return page

    def _evict(self, keep: _Page) -> None:
        while len(self._pages) > self._max_pages:
            oldest = min((p for p in self._pages if p is not keep), key=lambda p: p.used)
            self._pages.remove(oldest)
            if oldest is self._last:
                self._last = None
