"""The log's paging against a plain list: whatever is read, changed or searched, in any order.

A real store on a temporary file holds the rows (the paging leans on the bounds of its
keyset queries, which a stand-in would only imitate); a Python list of them, newest first,
is the truth. Pages are tiny and few, so that reads load, evict and meet pages all the
time. After every step, once every change is reported, the rows the paging answers, its
count, and a view's copy of the rows kept up to date only by the changes it was told of,
all agree with the list. Rows read or deleted before they were reported may leave the
count behind until a view reads where they are: such a step ends with a scroll through.
"""

from __future__ import annotations

import sqlite3
import tempfile
from dataclasses import dataclass
from pathlib import Path

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
)

from console.log_pages import Head, LogPages, read_count, read_head
from console.store.models import (
    AttemptResult,
    Decision,
    Direction,
    IncomingReceipt,
    IncomingReply,
    LogKind,
    LogQuery,
    LogRow,
    LogState,
    MessageStatus,
    NewMessage,
)
from console.store.sqlite import SqliteStore
from tests.support.rows_mirror import Mirror, Seen, seen

_QUERIES = st.sampled_from(
    [
        LogQuery(),
        LogQuery(direction=Direction.OUT),
        LogQuery(direction=Direction.IN),
        LogQuery(state=LogState.PENDING),
        LogQuery(state=LogState.ACCEPTED),
        LogQuery(state=LogState.DELIVERED),
        LogQuery(text="kiwi"),
        LogQuery(text="kiwi", state=LogState.FAILED),
    ]
)
_WORDS = st.sampled_from(["kiwi", "plum"])
_STATUSES = st.sampled_from(
    [
        MessageStatus.ACCEPTED,
        MessageStatus.FAILED,
        MessageStatus.RETRY_WAIT,
        MessageStatus.NEEDS_OPERATOR,
    ]
)
_FINAL = (2, 5)  # delivered, undelivered: a receipt with either state stands
_BY_STATUS = {
    MessageStatus.ACCEPTED: LogState.ACCEPTED,
    MessageStatus.FAILED: LogState.FAILED,
    MessageStatus.NEEDS_OPERATOR: LogState.ATTENTION,
}
_ANYWHERE = st.integers(0, 10**6)  # a place among however many rows there are


@dataclass
class Row:
    """One row of the truth: what the store holds, in plain fields."""

    message_id: str
    kind: LogKind
    time: float
    word: str
    status: MessageStatus | None = None
    state: int | None = None

    @property
    def log_state(self) -> LogState | None:
        if self.kind is LogKind.REPLY:
            return None
        if self.state == 2:
            return LogState.DELIVERED
        if self.state == 5:
            return LogState.UNDELIVERED
        return _BY_STATUS.get(self.status or MessageStatus.QUEUED, LogState.PENDING)

    def shown_by(self, query: LogQuery) -> bool:
        if query.direction is Direction.OUT and self.kind is not LogKind.MESSAGE:
            return False
        if query.direction is Direction.IN and self.kind is not LogKind.REPLY:
            return False
        if query.state is not None and self.log_state is not query.state:
            return False
        return query.text in self.word


class LogPagesMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self._folder = tempfile.TemporaryDirectory()
        path = Path(self._folder.name) / "messages.sqlite3"
        self.store = SqliteStore(path)
        # Deletes come from elsewhere: the store has no way to delete.
        self.other = sqlite3.connect(path, isolation_level=None)
        self.other.execute("PRAGMA foreign_keys=ON")
        self.rows: list[Row] = []  # every row in the store, newest first
        self.mirror = Mirror()
        self.query = LogQuery()  # the query shown
        self.searching: tuple[LogQuery, Head] | None = None  # read, not shown yet
        self.stale: LogQuery | None = None  # a snapshot shown before the one shown
        self.deleted_while_searching = False
        self.unreported: set[str] = set()
        # Rows read or deleted before they were reported may leave the count behind, until
        # a view scrolls past their place.
        self.behind = False
        self.made = 0

    def teardown(self) -> None:
        if self.mirror.pages is not None:
            self.reported()
            self.scrolled(upwards=False)
        self.other.close()
        self.store.close()
        self._folder.cleanup()

    @property
    def pages(self) -> LogPages:
        assert self.mirror.pages is not None
        return self.mirror.pages

    def expected(self) -> list[Seen]:
        return [(r.message_id, r.log_state) for r in self.rows if r.shown_by(self.query)]

    def check(self, position: int, row: LogRow | None) -> None:
        """A row read at ``position``: as the list has it, once everything was reported."""
        if self.unreported:
            self.behind = True
        elif not self.behind:
            # While counting, the rows past the count are not shown yet.
            expected = self.expected()[: self.pages.count]
            assert seen(row) == (expected[position] if 0 <= position < len(expected) else None)
        if 0 <= position < len(self.mirror.rows):
            self.mirror.rows[position] = seen(row)

    def settle(self) -> None:
        """What the window's loop does once the step's event is handled."""
        if self.mirror.drifted_since:
            self.mirror.drifted_since = False
            self.pages.resync()
        if self.behind and not self.unreported:
            self.scrolled(upwards=False)
            self.behind = False
            self.settle()

    # Rows in the store ---------------------------------------------------------------------

    def add(self, kind: LogKind, word: str, time: float) -> Row:
        self.made += 1
        row = Row(f"{'m' if kind is LogKind.MESSAGE else 'r'}-{self.made}", kind, time, word)
        body = f"{word} for you"
        if kind is LogKind.MESSAGE:
            row.status = MessageStatus.QUEUED
            self.store.create_message(
                NewMessage(row.message_id, "default", "12025550100", "12345", body, "http://x/"),
                now=time,
            )
        else:
            self.store.add_reply(
                IncomingReply(row.message_id, "12345", "447700900123", None, body, time, "", "")
            )
        self.rows.append(row)
        self.rows.sort(key=lambda r: r.time, reverse=True)
        return row

    def changed(self, row: Row, report: bool) -> None:
        self.unreported.add(row.message_id)
        if report:
            self.reported()

    def reported(self) -> None:
        """The changes so far are reported, in one batch as the session coalesces them."""
        self.pages.refresh_ids(sorted(self.unreported))
        self.unreported.clear()
        self.settle()

    def scrolled(self, upwards: bool) -> None:
        """A view scrolls from one end of the log to the other."""
        positions = range(self.pages.count)
        for position in reversed(positions) if upwards else positions:
            self.check(position, self.pages.row_at(position))

    @initialize(
        kinds=st.lists(st.tuples(st.booleans(), _WORDS, st.none() | _STATUSES), max_size=30),
        page_size=st.integers(1, 4),
        max_pages=st.integers(1, 3),
    )
    def start(
        self,
        kinds: list[tuple[bool, str, MessageStatus | None]],
        page_size: int,
        max_pages: int,
    ) -> None:
        for number, (reply, word, status) in enumerate(kinds):
            row = self.add(LogKind.REPLY if reply else LogKind.MESSAGE, word, 1000.0 + 10 * number)
            if status is not None and not reply:
                self.decide_in_store(row, status)
        self.mirror.pages = LogPages(
            self.store, self.mirror, page_size=page_size, max_pages=max_pages
        )
        self.mirror.rows = [None] * self.pages.count

    @rule(reply=st.booleans(), word=_WORDS, late=st.none() | _ANYWHERE, report=st.booleans())
    def arrive(self, reply: bool, word: str, late: int | None, report: bool) -> None:
        """A row arrives: the newest, or ``late`` with a time among the older ones."""
        times = [r.time for r in self.rows]
        if late is None or not times:
            time = (times[0] if times else 1000.0) + 10
        else:
            place = late % len(times)
            below = times[place + 1] if place + 1 < len(times) else times[place] - 10
            time = (times[place] + below) / 2
        row = self.add(LogKind.REPLY if reply else LogKind.MESSAGE, word, time)
        self.changed(row, report)

    def messages(self) -> list[Row]:
        return [r for r in self.rows if r.kind is LogKind.MESSAGE]

    def decide_in_store(self, row: Row, status: MessageStatus) -> None:
        number = self.store.begin_attempt(row.message_id, row.time)
        self.store.finish_attempt(
            row.message_id,
            number,
            AttemptResult(finished_at=row.time, http_status=200, result_code=0),
            Decision(status, "decided"),
        )
        row.status = status

    @precondition(lambda self: any(r.kind is LogKind.MESSAGE for r in self.rows))
    @rule(which=_ANYWHERE, status=_STATUSES, report=st.booleans())
    def decide(self, which: int, status: MessageStatus, report: bool) -> None:
        """A message is accepted, refused, put off or handed to the operator."""
        messages = self.messages()
        row = messages[which % len(messages)]
        self.decide_in_store(row, status)
        self.changed(row, report)

    @precondition(lambda self: any(r.kind is LogKind.MESSAGE for r in self.rows))
    @rule(which=_ANYWHERE, state=st.sampled_from(_FINAL), report=st.booleans())
    def deliver(self, which: int, state: int, report: bool) -> None:
        """A final receipt: delivered or undelivered, once and for all."""
        messages = self.messages()
        row = messages[which % len(messages)]
        self.store.add_receipt(
            IncomingReceipt(row.message_id, state, 0, row.time + 1, "203.0.113.7", "")
        )
        if row.state not in _FINAL:
            row.state = state
        self.changed(row, report)

    @precondition(lambda self: bool(self.rows))
    @rule(which=_ANYWHERE, report=st.booleans())
    def delete(self, which: int, report: bool) -> None:
        row = self.rows.pop(which % len(self.rows))
        table = "messages" if row.kind is LogKind.MESSAGE else "replies"
        self.other.execute(f"DELETE FROM {table} WHERE message_id = ?", (row.message_id,))  # noqa: S608
        # Unless the pages hold the row, they find it gone only where a view reads; so
        # with a search's rows, read before it went.
        self.behind = True
        if self.searching is not None:
            self.deleted_while_searching = True
        self.changed(row, report)

    @rule()
    def report(self) -> None:
        self.reported()

    # Searches ------------------------------------------------------------------------------

    @rule(query=_QUERIES, count_limit=st.none() | st.integers(1, 6))
    def search(self, query: LogQuery, count_limit: int | None) -> None:
        """A search read and shown at once (any search still out is superseded); with a
        ``count_limit``, counted in full later if it reached it."""
        self.pages.begin_search()
        self.stale = self.pages.snapshot
        head = read_head(self.store, query, self.pages.page_size, count_limit)
        self.pages.show(query, head, exact=count_limit is None or head[1] < count_limit)
        self.searching = None
        self.query = query
        self.settle()

    @precondition(lambda self: self.mirror.pages is not None and self.pages.counting)
    @rule()
    def count_arrives(self) -> None:
        """The whole count of the search shown comes."""
        snapshot = self.pages.snapshot
        self.pages.counted(snapshot, read_count(self.store, snapshot))
        # Rows the count has but the pages were not told of yet (a late row above a page)
        # leave the count out until a view reads past their place, as a read did above.
        self.behind = self.behind or bool(self.unreported)
        self.settle()

    @precondition(lambda self: self.stale is not None)
    @rule(total=st.integers(0, 40))
    def stale_count_arrives(self, total: int) -> None:
        """The count of a search no longer shown comes: it changes nothing."""
        assert self.stale is not None
        if self.stale != self.pages.snapshot:
            self.pages.counted(self.stale, total)
        self.settle()

    @precondition(lambda self: self.searching is None)
    @rule(query=_QUERIES)
    def start_search(self, query: LogQuery) -> None:
        """A search is read now and shown later: changes meanwhile are not in what it read."""
        self.pages.begin_search()
        self.searching = (query, read_head(self.store, query, self.pages.page_size))
        self.deleted_while_searching = False

    @precondition(lambda self: self.searching is not None)
    @rule()
    def end_search(self) -> None:
        assert self.searching is not None
        query, head = self.searching
        self.searching = None
        self.pages.show(query, head)
        self.query = query
        self.behind = self.behind or self.deleted_while_searching
        self.settle()

    @precondition(lambda self: self.searching is not None)
    @rule()
    def fail_search(self) -> None:
        self.searching = None
        self.pages.cancel_search()

    # Reading -------------------------------------------------------------------------------

    @rule(places=st.lists(_ANYWHERE, min_size=1, max_size=6), past_the_end=st.booleans())
    def read(self, places: list[int], past_the_end: bool) -> None:
        """A view paints a few rows here and there (and asks for one past the last)."""
        count = self.pages.count
        for place in places:
            position = place % count if count else 0
            self.check(position, self.pages.row_at(position))
        if past_the_end:
            self.check(count, self.pages.row_at(count))
        self.settle()

    @rule(upwards=st.booleans())
    def scroll_through(self, upwards: bool) -> None:
        self.scrolled(upwards)
        self.settle()

    @rule(which=_ANYWHERE)
    def find(self, which: int) -> None:
        """The window looks a message_id up (to select it)."""
        if self.unreported or not self.rows:
            return
        message_id = self.rows[which % len(self.rows)].message_id
        ids = [m for m, _state in self.expected()]
        expected = ids.index(message_id) if message_id in ids else None
        assert self.pages.position_of(message_id) == expected

    @invariant()
    def agrees_with_the_list(self) -> None:
        if self.mirror.pages is None:
            return
        assert len(self.mirror.rows) == self.pages.count
        if self.unreported or self.behind:
            return  # the pages show what they were told; the store has moved on
        expected = self.expected()
        if self.pages.counting:
            # Its first rows, counted as far as the head counted.
            assert self.pages.count <= len(expected)
        else:
            assert self.pages.count == len(expected)
        for position, row in enumerate(self.mirror.rows):
            assert row is None or row == expected[position], position


LogPagesMachine.TestCase.settings = settings(max_examples=60, stateful_step_count=30, deadline=None)
test_log_pages_agree_with_a_plain_list = LogPagesMachine.TestCase


def test_a_row_changed_past_the_rows_counted_so_far_keeps_its_place() -> None:
    """Found by the machine above: while the count was a lower bound, a change to a row
    past the last page put it straight after that page, hiding the rows between."""
    machine = LogPagesMachine()
    machine.start(
        kinds=[(False, "kiwi", None)] * 3 + [(True, "kiwi", None)], page_size=1, max_pages=2
    )
    machine.search(count_limit=1, query=LogQuery())
    machine.scroll_through(upwards=False)
    machine.decide(report=False, status=MessageStatus.ACCEPTED, which=0)
    machine.decide(report=True, status=MessageStatus.ACCEPTED, which=2)

    shown = [machine.pages.row_at(n) for n in range(machine.pages.count)]
    assert [row.message_id for row in shown if row is not None] == ["r-4", "m-3", "m-2", "m-1"]
    machine.teardown()
