"""The snapshot part of the message log: its rows in pages, loaded on demand by key.

A snapshot is a query with ``up_to`` set: its rows keep their positions while new rows
arrive above it. Only a bounded number of pages is kept; each page is found by key from its
nearest loaded neighbour or from either end, skipping what lies between.
"""

from __future__ import annotations

from collections.abc import Set
from typing import TYPE_CHECKING

from console.store.interface import MessageStore
from console.store.models import LogKey, LogQuery, LogRow

if TYPE_CHECKING:
    from console.log_pages import RowsListener


def position(rows: list[LogRow], key: LogKey) -> int:
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


class SnapshotPages:
    """The rows of a snapshot query, ``total`` of them, at most ``max_pages`` pages loaded.

    Positions given to ``listener`` count from the snapshot's top.
    """

    def __init__(
        self, store: MessageStore, listener: RowsListener, page_size: int, max_pages: int
    ) -> None:
        self._store = store
        self._listener = listener
        self._page_size = page_size
        self._max_pages = max_pages
        self._query = LogQuery()
        self.total = 0
        # While the count is a lower bound: what it was when loaded (None: it is exact).
        self._at_least: int | None = None
        self._pages: list[_Page] = []  # in position order, never overlapping
        self._last: _Page | None = None
        self._clock = 0
        self._resync_due = False

    def load(
        self, snapshot: LogQuery, rows: list[LogRow], total: int, *, exact: bool = True
    ) -> None:
        """Hold ``snapshot``: ``total`` rows (at least, unless ``exact``), of which ``rows``
        are the newest."""
        self._query = snapshot
        self.total = total
        self._at_least = None if exact else total
        self._pages = [_Page(0, rows, self._tick())] if rows else []
        self._last = None

    @property
    def counting(self) -> bool:
        """Whether ``total`` is still a lower bound (see :meth:`counted`)."""
        return self._at_least is not None

    def counted(self, total: int) -> None:
        """The snapshot has ``total`` rows in all, counted after :meth:`load`: the rows past
        its lower bound come at the bottom."""
        if self._at_least is None:
            return
        extra, self._at_least = total - self._at_least, None
        if extra > 0:
            self._listener.inserting(self.total, self.total + extra - 1)
            self.total += extra
            self._listener.inserted()

    def row_at(self, position: int) -> LogRow | None:
        """The row at ``position``, read from the store if it is not loaded yet."""
        if not 0 <= position < self.total:
            return None
        page = self._page_at(position) or self._load_page(position)
        if page is None or not page.start <= position < page.end:
            return None
        return page.rows[position - page.start]

    def loaded_position(self, message_id: str) -> int | None:
        for page in self._pages:
            for number, row in enumerate(page.rows):
                if row.message_id == message_id:
                    return page.start + number
        return None

    # Changed rows -------------------------------------------------------------------------

    def refresh(self, row: LogRow, matches: bool) -> bool:
        """Apply one changed row; False when the loaded pages cannot tell where it goes."""
        above, inside, below = self._around(row.key)
        if inside is not None:
            number = position(inside.rows, row.key)
            present = number < len(inside.rows) and inside.rows[number].key == row.key
            if present and matches:
                inside.rows[number] = row
                self._listener.changed(inside.start + number, inside.start + number)
            elif present:
                self._remove(inside, number)
            elif matches:
                self._insert(inside, number, row)
            # A row absent from a page loaded after it stopped matching leaves the count
            # one too high somewhere near that page; only a state filter loses rows.
            return matches or present or self._query.state is None
        start = above.end if above is not None else 0
        end = below.start if below is not None else self.total
        # Rows not loaded lie between; or, while counting, the rows not counted yet lie
        # past the last page, and the row may be among them.
        if start != end or (below is None and self.counting):
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

    def drop(self, ids: Set[str], kept: Set[LogKey]) -> None:
        """Remove loaded rows of ``ids`` whose keys are not among ``kept``: gone rows."""
        gone = [
            row.key
            for page in self._pages
            for row in page.rows
            if row.message_id in ids and row.key not in kept
        ]
        for key in gone:
            # Looked up again each time: the listener may have read rows meanwhile.
            _above, inside, _below = self._around(key)
            number = position(inside.rows, key) if inside is not None else 0
            if inside is not None and number < len(inside.rows) and inside.rows[number].key == key:
                self._remove(inside, number)

    def reconcile_around(self, key: LogKey) -> None:
        """Count again the rows not loaded on either side of ``key``, whose row changed."""
        above, inside, below = self._around(key)
        if inside is None:
            self._reconcile(above, below, changed=True)
            return
        index = self._pages.index(inside)
        self._reconcile(self._pages[index - 1] if index else None, inside)
        index = self._pages.index(inside)
        self._reconcile(inside, self._pages[index + 1] if index + 1 < len(self._pages) else None)

    def resync(self) -> None:
        """Make every stretch of rows not loaded as long as the store has it."""
        self._resync_due = False
        number = 0
        while number <= len(self._pages):
            # Looked up again each time: the listener may have read rows meanwhile.
            pages = self._pages
            above = pages[number - 1] if number else None
            below = pages[number] if number < len(pages) else None
            self._reconcile(above, below)
            number += 1

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

    def _reconcile(self, above: _Page | None, below: _Page | None, changed: bool = False) -> None:
        """Make the rows not loaded between two pages as many as the store has there;
        ``changed``: a row among them changed, wherever it is."""
        start = above.end if above is not None else 0
        end = below.start if below is not None else self.total
        if below is None:
            self._at_least = None  # the stretch reaches the bottom: counted in full now
        actual = self._store.log_count(
            self._query,
            before=above.rows[-1].key if above is not None else None,
            after=below.rows[0].key if below is not None else None,
        )
        delta = actual - (end - start)
        if delta == 0:
            if changed and start < end:
                self._listener.changed(start, end - 1)
            return
        if delta > 0:
            self._listener.inserting(start, start + delta - 1)
        else:
            self._listener.removing(start, start - delta - 1)
        self._shift(below, delta)
        self._resize(delta)
        if delta > 0:
            self._listener.inserted()
        else:
            self._listener.removed()
        # Where in the stretch rows came or went is not known: the rows after that place
        # may have moved.
        if start + max(delta, 0) < start + actual:
            self._listener.changed(start + max(delta, 0), start + actual - 1)

    def _resize(self, delta: int) -> None:
        """Rows came or went among those counted: a whole count read afterwards has them
        too, so the lower bound it completes moves with them. (One read before a change
        that is applied after it leaves the count one out until a read reaches the bottom.)"""
        self.total += delta
        if self._at_least is not None:
            self._at_least += delta

    def _drifted(self) -> None:
        # Rows cannot be added or removed while they are being read: the listener has
        # the stretches counted again later.
        if not self._resync_due:
            self._resync_due = True
            self._listener.drifted()

    def _insert(self, page: _Page, number: int, row: LogRow) -> None:
        self._listener.inserting(page.start + number, page.start + number)
        page.rows.insert(number, row)
        self._shift_after(page, 1)
        self._resize(1)
        self._listener.inserted()

    def _remove(self, page: _Page, number: int) -> None:
        self._listener.removing(page.start + number, page.start + number)
        del page.rows[number]
        self._shift_after(page, -1)
        self._resize(-1)
        if not page.rows:
            self._pages.remove(page)
            self._last = None
        self._listener.removed()

    def _shift_after(self, page: _Page, delta: int) -> None:
        index = self._pages.index(page)
        self._shift(self._pages[index + 1] if index + 1 < len(self._pages) else None, delta)

    def _shift(self, first: _Page | None, delta: int) -> None:
        """Move ``first`` and every page after it by ``delta`` positions."""
        if first is None:
            return
        for page in self._pages[self._pages.index(first) :]:
            page.start += delta

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
        end = below.start if below is not None else self.total
        size = self._page_size
        # Until counted, the bottom of the log is not known: read towards it from above.
        open_end = below is None and self._at_least is not None
        if open_end or position - start <= end - 1 - position:
            # Newest first from the page above (or the top), skipping what lies between.
            first = start if position - start < size else position
            wanted = min(size, end - first)
            # A page reaching the end of the stretch reads one row more: there should be
            # none before the page below (or the bottom of the log).
            rows = self._store.log_page(
                self._query,
                before=above.rows[-1].key if above is not None else None,
                limit=wanted + (first + wanted == end and not open_end),
                skip=first - start,
            )
            if below is not None:
                rows = [r for r in rows if r.key > below.rows[0].key]
            found, rows = len(rows), rows[:wanted]
            page = _Page(first, rows, self._tick())
        else:
            # Oldest first from the page below (or the bottom of the log), and one more
            # where the page reaches the start of the stretch.
            last = end if end - 1 - position < size else position + 1
            wanted = last - max(start, last - size)
            rows = self._store.log_page_oldest(
                self._query,
                after=below.rows[0].key if below is not None else None,
                limit=wanted + (last - wanted == start),
                skip=end - last,
            )
            if above is not None:
                rows = [r for r in rows if r.key < above.rows[-1].key]
            found, rows = len(rows), rows[:wanted]
            rows.reverse()
            page = _Page(last - len(rows), rows, self._tick())
        if found != wanted:
            # The store has fewer or more rows here than counted: rows left or came
            # unreported, or were read before they were reported.
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
