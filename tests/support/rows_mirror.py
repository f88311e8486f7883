"""A view's copy of the log's rows, kept up to date only by what it is told."""

from __future__ import annotations

from console.log_pages import LogPages
from console.store.models import LogRow, LogState

Seen = tuple[str, LogState | None]  # what a view shows of a row


def seen(row: LogRow | None) -> Seen | None:
    return None if row is None else (row.message_id, row.log_state)


class Mirror:
    """A view's copy of the rows: the row read at each place, or None until it is read.

    It follows only what it is told, checking that the count moves with it.
    """

    def __init__(self) -> None:
        self.pages: LogPages | None = None
        self.rows: list[Seen | None] = []
        self.drifted_since = False
        self._pending: tuple[int, int] | None = None

    def _count(self) -> int:
        assert self.pages is not None
        return self.pages.count

    def inserting(self, first: int, last: int) -> None:
        assert self._pending is None
        assert self._count() == len(self.rows)
        assert 0 <= first <= last
        assert first <= len(self.rows)
        self._pending = (first, last)

    def inserted(self) -> None:
        assert self._pending is not None
        first, last = self._pending
        self._pending = None
        self.rows[first:first] = [None] * (last - first + 1)
        assert self._count() == len(self.rows)

    def removing(self, first: int, last: int) -> None:
        assert self._pending is None
        assert self._count() == len(self.rows)
        assert 0 <= first <= last < len(self.rows)
        self._pending = (first, last)

    def removed(self) -> None:
        assert self._pending is not None
        first, last = self._pending
        self._pending = None
        del self.rows[first : last + 1]
        assert self._count() == len(self.rows)

    def changed(self, first: int, last: int) -> None:
        assert self._pending is None
        assert 0 <= first <= last < len(self.rows)
        self.rows[first : last + 1] = [None] * (last - first + 1)

    def resetting(self) -> None:
        assert self._pending is None

    def reset(self) -> None:
        self.rows = [None] * self._count()

    def drifted(self) -> None:
        assert not self.drifted_since, "told twice before a resync"
        self.drifted_since = True
