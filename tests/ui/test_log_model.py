from __future__ import annotations

import pytest
from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtWidgets import QAbstractItemView, QTableView

from console.protocol.mt_request import Attachment, Priority
from console.store.models import (
    AttemptResult,
    Decision,
    Direction,
    IncomingReceipt,
    IncomingReply,
    LogQuery,
    LogState,
    MessageStatus,
    NewMessage,
)
from console.ui.log_columns import Column, format_time
from console.ui.log_model import LOG_ROW_ROLE

PNG = Attachment("image/png", b"\x89PNG\r\n\x1a\n", "photo.png")


def send(store, message_id, at, phone="12025550100", **changes):
    fields = {
        "message_id": message_id,
        "profile": "default",
        "phone_number": phone,
        "sender": "12345",
        "body": f"Hello from {message_id}",
        "endpoint": "http://127.0.0.1:9/httpapi/receiver",
    }
    fields.update(changes)
    store.create_message(NewMessage(**fields), now=at)


def decide(store, message_id, status, code, at, detail="decided"):
    number = store.begin_attempt(message_id, at)
    store.finish_attempt(
        message_id,
        number,
        AttemptResult(finished_at=at, http_status=200, result_code=code),
        Decision(status, detail),
    )


def deliver(store, message_id, state, at, code=0):
    store.add_receipt(
        IncomingReceipt(
            message_id=message_id,
            message_state=state,
            result_code=code,
            received_at=at,
            source_address="203.0.113.7",
            raw=f"type=receipt&message_id={message_id}&message_state={state}",
        )
    )


def reply(store, message_id, at, phone="447700900123", body="Thanks!"):
    store.add_reply(
        IncomingReply(
            message_id=message_id,
            shortcode="12345",
            phone_number=phone,
            carrier=None,
            body=body,
            received_at=at,
            source_address="203.0.113.7",
            raw=f"type=MO&message_id={message_id}",
        )
    )


def many(store, count, at=1000.0, reply_every=7):
    """``count`` messages, a reply after every ``reply_every``; message_ids newest first."""
    order = []
    for i in range(count):
        send(store, f"m-{i:05}", at=at + i, phone=f"1202555{i % 10000:04}")
        order.append(f"m-{i:05}")
        if reply_every and i % reply_every == reply_every - 1:
            reply(store, f"r-{i:05}", at=at + i + 0.5)
            order.append(f"r-{i:05}")
    return order[::-1]


def shown(model, rows=None):
    rows = range(model.rowCount()) if rows is None else rows
    return [model.message_at(r).message_id for r in rows]


def text(model, row, column, role=Qt.ItemDataRole.DisplayRole):
    return model.data(model.index(row, column), role)


class CountingStore:
    """The real store, noting how many rows each read asks for."""

    def __init__(self, store):
        self._store = store
        self.reads = []

    def __getattr__(self, name):
        return getattr(self._store, name)

    def log_page(self, query, before=None, limit=100, skip=0):
        self.reads.append(("newest", limit, skip))
        return self._store.log_page(query, before, limit, skip)

    def log_page_oldest(self, query, after=None, limit=100, skip=0):
        self.reads.append(("oldest", limit, skip))
        return self._store.log_page_oldest(query, after, limit, skip)


@pytest.fixture(autouse=True)
def app(qapp, qloop):
    """Icons need the application object, and searches the loop, as in the program."""
    return qapp


def search(qtbot, model, query):
    """Ask for ``query`` and wait until its rows are shown."""
    with qtbot.waitSignal(model.queryApplied, timeout=5000):
        model.set_query(query)


@pytest.fixture
def view(qtbot):
    table = QTableView()
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.verticalHeader().setDefaultSectionSize(20)
    table.resize(900, 400)
    qtbot.addWidget(table)
    return table


def outcomes(store):
    send(store, "queued", at=100.0)
    send(store, "refused", at=110.0)
    decide(store, "refused", MessageStatus.FAILED, 4, at=111.0, detail="sender not allowed")
    send(store, "throttled", at=120.0)
    decide(store, "throttled", MessageStatus.RETRY_WAIT, 6, at=121.0)
    send(store, "accepted", at=130.0, receipt=False)
    decide(store, "accepted", MessageStatus.ACCEPTED, 0, at=131.0)
    send(store, "delivered", at=140.0, priority=Priority.INTERACTIVE, attachments=(PNG, PNG))
    decide(store, "delivered", MessageStatus.ACCEPTED, 0, at=141.0)
    deliver(store, "delivered", 2, at=150.0)
    send(store, "lost", at=160.0)
    decide(store, "lost", MessageStatus.ACCEPTED, 0, at=161.0)
    deliver(store, "lost", 5, at=170.0, code=99)
    reply(store, "a-reply", at=180.0)


def test_model_passes_qt_consistency_checks_unfiltered_and_filtered(
    log_model, store, qtbot, qtmodeltester
):
    outcomes(store)
    many(store, 60, at=200.0)
    model = log_model(store, page_size=16, max_pages=3)

    qtmodeltester.check(model)
    search(qtbot, model, LogQuery(state=LogState.DELIVERED))
    qtmodeltester.check(model)
    search(qtbot, model, LogQuery(text="zzz-nothing"))
    qtmodeltester.check(model)


def test_columns_say_what_happened_to_each_message(log_model, store):
    outcomes(store)
    model = log_model(store)
    rows = {model.message_at(r).message_id: r for r in range(model.rowCount())}

    assert [model.headerData(c, Qt.Orientation.Horizontal) for c in Column] == [
        "Time",
        "In/Out",
        "Customer",
        "Status",
        "Message",
        "Our number",
        "Priority",
        "Type",
        "Last update",
        "Operator",
    ]
    delivered = rows["delivered"]
    assert text(model, delivered, Column.TIME) == format_time(140.0)
    assert text(model, delivered, Column.DIRECTION) == "Out"
    assert text(model, delivered, Column.NUMBER) == "+1 202-555-0100"
    assert text(model, delivered, Column.SENDER) == "12345"
    assert text(model, delivered, Column.PRIORITY) == "Interactive"
    assert text(model, delivered, Column.TYPE) == "MMS"
    assert text(model, delivered, Column.TYPE, Qt.ItemDataRole.ToolTipRole) == "2 attachments"
    assert text(model, delivered, Column.STATUS) == "Delivered"
    assert text(model, delivered, Column.UPDATED) == format_time(150.0)
    assert not text(model, delivered, Column.STATUS, Qt.ItemDataRole.DecorationRole).isNull()

    refused = rows["refused"]
    assert text(model, refused, Column.STATUS) == "Refused: Sender not allowed"
    tip = text(model, refused, Column.STATUS, Qt.ItemDataRole.ToolTipRole)
    assert "sender not allowed" in tip
    assert "Result code 4" in tip
    assert text(model, refused, Column.PRIORITY) == "Default"
    assert text(model, refused, Column.TYPE) == "SMS"

    assert text(model, rows["throttled"], Column.STATUS) == "Will retry: Throttled"
    assert text(model, rows["queued"], Column.STATUS) == "Waiting to send"
    assert text(model, rows["accepted"], Column.STATUS) == "Accepted, no receipt asked"
    lost = rows["lost"]
    assert text(model, lost, Column.STATUS) == "Undeliverable"
    assert "Result code 99" in text(model, lost, Column.STATUS, Qt.ItemDataRole.ToolTipRole)

    inbound = rows["a-reply"]
    assert text(model, inbound, Column.DIRECTION) == "In"
    assert text(model, inbound, Column.NUMBER) == "+44 7700 900123"
    assert text(model, inbound, Column.STATUS) == "Received"
    assert text(model, inbound, Column.TEXT) == "Thanks!"
    assert text(model, inbound, Column.PRIORITY) == ""
    assert text(model, inbound, Column.TIME, Qt.ItemDataRole.ToolTipRole) == "Thanks!"
    assert text(model, inbound, Column.STATUS, Qt.ItemDataRole.DecorationRole) is None
    assert text(model, inbound, Column.TIME, LOG_ROW_ROLE).direction is Direction.IN


def test_scrolling_through_2500_rows_shows_each_once_in_order(log_model, store):
    expected = many(store, 2500)
    counting = CountingStore(store)
    model = log_model(counting, page_size=40, max_pages=4)

    assert model.rowCount() == len(expected)
    assert shown(model) == expected
    assert shown(model, range(model.rowCount() - 1, -1, -1)) == expected[::-1]
    # Never more than a page at a time (and the row after it, where it meets the next one
    # or the end), and never everything.
    assert max(limit for _, limit, _ in counting.reads) <= 40 + 1


def test_a_view_scrolling_page_by_page_meets_every_row_once(log_model, store, view, qtbot):
    expected = many(store, 2500)
    model = log_model(store, page_size=25, max_pages=3)
    view.setModel(model)
    view.show()
    qtbot.waitExposed(view)
    bar = view.verticalScrollBar()
    seen = {}
    while True:
        bottom = view.rowAt(view.viewport().height() - 1)
        for row in range(view.rowAt(0), model.rowCount() if bottom < 0 else bottom + 1):
            message_id = model.index(row, 0).data(LOG_ROW_ROLE).message_id
            assert seen.setdefault(row, message_id) == message_id
        if bar.value() == bar.maximum():
            break
        bar.setValue(bar.value() + bar.pageStep())

    assert [seen[row] for row in range(len(expected))] == expected


def test_jumps_land_on_the_right_rows_without_reading_what_lies_between(log_model, store):
    expected = many(store, 2500)
    counting = CountingStore(store)
    model = log_model(counting, page_size=40, max_pages=4)

    for row in (len(expected) - 1, 1500, 1499, 1541, 7, 2000, 600, len(expected) - 45):
        assert model.message_at(row).message_id == expected[row]
    # The oldest row comes from the oldest end, not by skipping the whole log.
    assert counting.reads[0] == ("oldest", 40, 0)
    assert shown(model) == expected


def test_the_oldest_row_is_one_scroll_away_in_a_real_view(log_model, store, view, qtbot):
    expected = many(store, 1200)
    model = log_model(store, page_size=50)
    view.setModel(model)
    view.show()
    qtbot.waitExposed(view)

    view.scrollToBottom()
    qtbot.wait(10)
    oldest = model.oldest_index()

    assert oldest.row() == model.oldest_row() == len(expected) - 1
    assert view.viewport().rect().contains(view.visualRect(oldest))
    assert model.data(oldest, LOG_ROW_ROLE).message_id == expected[-1]
    assert text(model, oldest.row(), Column.TIME) == format_time(1000.0)


def test_filters_show_only_matching_rows(log_model, store, qtbot):
    outcomes(store)
    many(store, 30, at=200.0)

    model = log_model(store)
    search(qtbot, model, LogQuery(text="+1 202 555 0007"))
    assert shown(model) == ["m-00007"]

    search(qtbot, model, LogQuery(state=LogState.UNDELIVERED))
    assert shown(model) == ["lost"]

    search(qtbot, model, LogQuery(direction=Direction.IN))
    assert shown(model) == ["r-00027", "r-00020", "r-00013", "r-00006", "a-reply"]

    search(qtbot, model, LogQuery(text="hello from m-0001"))
    assert shown(model) == [f"m-{i:05}" for i in range(19, 9, -1)]

    search(qtbot, model, LogQuery())
    assert model.rowCount() == 7 + 30 + 4


def test_new_rows_appear_on_top_keeping_selection_and_scroll(log_model, store, view, qtbot):
    expected = many(store, 300)
    model = log_model(store, page_size=50)
    view.setModel(model)
    view.show()
    qtbot.waitExposed(view)
    view.scrollTo(model.index(120, 0), QAbstractItemView.ScrollHint.PositionAtTop)
    view.selectionModel().setCurrentIndex(
        model.index(125, 0),
        QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows,
    )
    scrolled = view.verticalScrollBar().value()
    assert scrolled > 0
    resets = []
    model.modelReset.connect(lambda: resets.append(True))

    send(store, "new-1", at=9000.0)
    reply(store, "new-reply", at=9001.0)
    with qtbot.waitSignal(model.rowsInserted):
        model.refresh_ids(["new-1", "new-reply"])

    assert model.rowCount() == len(expected) + 2
    assert shown(model, range(3)) == ["new-reply", "new-1", expected[0]]
    selected = view.selectionModel().selectedRows()
    assert [index.row() for index in selected] == [127]
    assert selected[0].data(LOG_ROW_ROLE).message_id == expected[125]
    assert view.currentIndex().row() == 127
    assert view.verticalScrollBar().value() == scrolled
    assert resets == []
    assert model.row_for_message_id("new-1") == 1


def test_a_delivery_updates_its_row_in_place(log_model, store, view, qtbot):
    many(store, 100, reply_every=0)
    decide(store, "m-00090", MessageStatus.ACCEPTED, 0, at=5000.0)
    model = log_model(store, page_size=20)
    view.setModel(model)
    row = model.row_for_message_id("m-00090")
    assert text(model, row, Column.STATUS) == "Accepted, awaiting receipt"

    deliver(store, "m-00090", 2, at=5001.0)
    with qtbot.waitSignal(model.dataChanged) as changed:
        model.refresh_ids(["m-00090"])

    assert changed.args[0].row() == row
    assert text(model, row, Column.STATUS) == "Delivered"
    assert text(model, row, Column.UPDATED) == format_time(5001.0)
    assert model.rowCount() == 100


def test_a_message_leaving_a_state_filter_leaves_the_view(log_model, store, view, qtbot):
    many(store, 50, reply_every=0)
    model = log_model(store, page_size=10)
    search(qtbot, model, LogQuery(state=LogState.PENDING))
    view.setModel(model)
    view.selectRow(5)
    assert shown(model, [5]) == ["m-00044"]

    decide(store, "m-00047", MessageStatus.ACCEPTED, 0, at=5000.0)
    with qtbot.waitSignal(model.rowsRemoved):
        model.refresh_ids(["m-00047"])

    assert model.rowCount() == 49
    assert "m-00047" not in shown(model)
    assert [i.row() for i in view.selectionModel().selectedRows()] == [4]
    assert view.selectionModel().selectedRows()[0].data(LOG_ROW_ROLE).message_id == "m-00044"


def test_changes_far_below_the_loaded_rows_keep_the_count_right(log_model, store, qtbot):
    expected = many(store, 400, reply_every=0)
    model = log_model(store, page_size=20, max_pages=3)
    search(qtbot, model, LogQuery(state=LogState.PENDING))
    model.message_at(399)  # loaded: the top and the bottom pages
    leaving = [expected[200], expected[201], expected[250]]
    for message_id in leaving:
        decide(store, message_id, MessageStatus.FAILED, 4, at=5000.0)

    model.refresh_ids(leaving)

    assert model.rowCount() == 397
    assert shown(model) == [m for m in expected if m not in leaving]


@pytest.mark.parametrize("reading", ["down", "down to the loaded bottom", "up"])
def test_rows_that_left_before_the_view_read_them_are_taken_out(log_model, store, qtbot, reading):
    expected = many(store, 200, reply_every=0)
    model = log_model(store, page_size=20)
    search(qtbot, model, LogQuery(state=LogState.PENDING))
    if reading == "down to the loaded bottom":
        model.message_at(199)
    # Changed in the store, not yet reported to the model when the rows are read.
    decide(store, expected[100], MessageStatus.FAILED, 4, at=5000.0)

    rows = range(model.rowCount())
    for row in reversed(rows) if reading == "up" else rows:  # as a view scrolling would
        model.message_at(row)
    qtbot.waitUntil(lambda: model.rowCount() == 199)

    assert shown(model) == [m for m in expected if m != expected[100]]


def test_a_reported_row_missing_from_a_page_read_after_it_left_is_counted_out(
    log_model, store, qtbot
):
    expected = many(store, 200, reply_every=0)
    model = log_model(store, page_size=20)
    search(qtbot, model, LogQuery(state=LogState.PENDING))
    decide(store, expected[100], MessageStatus.FAILED, 4, at=5000.0)
    model.message_at(95)  # this page would have held it

    model.refresh_ids([expected[100]])

    assert model.rowCount() == 199
    assert shown(model) == [m for m in expected if m != expected[100]]


def test_a_late_row_older_than_the_top_lands_in_its_place(log_model, store):
    expected = many(store, 100, reply_every=0)
    model = log_model(store, page_size=20, max_pages=2)
    shown(model)  # every page was loaded once; only the last two are kept
    send(store, "late-near-top", at=1000.0 + 95.5)
    send(store, "late-deep", at=1000.0 + 40.5)

    model.refresh_ids(["late-near-top", "late-deep"])

    assert model.rowCount() == 102
    expected.insert(4, "late-near-top")
    expected.insert(60, "late-deep")
    assert shown(model) == expected


def test_row_for_message_id_finds_rows_loaded_or_not(log_model, store, qtbot):
    expected = many(store, 500, reply_every=0)
    model = log_model(store, page_size=20)

    assert model.row_for_message_id(expected[3]) == 3
    assert model.row_for_message_id(expected[321]) == 321
    assert model.row_for_message_id("never-sent") is None
    search(qtbot, model, LogQuery(text="+1 202 555 0001"))
    assert model.row_for_message_id(expected[0]) is None


def test_an_empty_log_fills_as_messages_arrive(log_model, store, qtmodeltester):
    model = log_model(store)
    assert model.rowCount() == 0
    assert model.oldest_row() is None
    assert not model.oldest_index().isValid()
    assert model.message_at(0) is None

    send(store, "first", at=100.0)
    model.refresh_ids(["first"])

    assert shown(model) == ["first"]
    assert model.row_for_message_id("first") == 0
    qtmodeltester.check(model)
