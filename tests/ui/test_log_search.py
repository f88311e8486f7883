"""Searching the log from the filter box while the search is slow: the window goes on."""

from __future__ import annotations

import threading

import httpx
import pytest
from PySide6.QtCore import Qt

from console import log_search
from console.ui.log_columns import Column
from tests.support.heartbeat import Heartbeat
from tests.support.held_searches import HeldSearches
from tests.ui.test_main_window import column_values, listener_url, seed, selected_id

pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints")

# The longest the window may go without handling its events while a search runs.
MAX_GAP_MS = 50


def test_a_slow_search_keeps_the_window_answering_and_the_rows_until_it_ends(
    qtbot, windows, data_dir, monkeypatch
):
    seed(data_dir, "12025550101", "12025550102", "447700900123")
    window = windows.open(data_dir)
    HeldSearches(monkeypatch, delay=0.8)
    everything = column_values(window, Column.NUMBER)
    beat = Heartbeat(interval_ms=10)
    beat.start()

    qtbot.keyClicks(window.filter_bar.text, "555-0102")
    qtbot.waitUntil(window.filter_bar.busy.isVisible, timeout=5000)
    assert column_values(window, Column.NUMBER) == everything
    qtbot.waitUntil(
        lambda: column_values(window, Column.NUMBER) == ["+1 202-555-0102"], timeout=5000
    )

    beat.stop()
    assert beat.longest_gap_ms() <= MAX_GAP_MS
    assert not window.filter_bar.busy.isVisible()
    assert window.count_label.text() == "1 message matches the filter"


def test_a_search_superseded_by_a_newer_one_never_shows_its_rows(
    qtbot, windows, data_dir, monkeypatch
):
    seed(data_dir, "12025550101", "12025550102", "447700900123")
    window = windows.open(data_dir)
    held = HeldSearches(monkeypatch)
    held.hold("555-0101")
    shown = []
    window.model.modelReset.connect(lambda: shown.append(column_values(window, Column.NUMBER)))

    qtbot.keyClicks(window.filter_bar.text, "555-0101")
    qtbot.waitUntil(held.reached("555-0101").is_set, timeout=5000)
    window.filter_bar.text.clear()
    qtbot.keyClicks(window.filter_bar.text, "555-0102")
    qtbot.wait(400)  # past the typing pause: the newer search is asked for
    held.release("555-0101")
    qtbot.waitUntil(
        lambda: column_values(window, Column.NUMBER) == ["+1 202-555-0102"], timeout=5000
    )
    qtbot.wait(300)

    assert column_values(window, Column.NUMBER) == ["+1 202-555-0102"]
    assert ["+1 202-555-0101"] not in shown
    assert window.filter_bar.text.text() == "555-0102"


def test_a_reply_arriving_during_a_search_is_among_its_rows(qtbot, windows, data_dir, monkeypatch):
    seed(data_dir, "12025550101", "447700900123")
    window = windows.open(data_dir)
    url = listener_url(window)
    held = HeldSearches(monkeypatch)
    held.hold("+1 202")

    qtbot.keyClicks(window.filter_bar.text, "+1 202")
    # The search has read the store: the reply is not among what it found.
    qtbot.waitUntil(held.reached("+1 202").is_set, timeout=5000)

    async def post() -> int:
        fields = {
            "type": "MO",
            "message_id": "MO-during-search",
            "shortcode": "12345",
            "phone_number": "12025550177",
            "message": "Is my parcel on its way?",
        }
        async with httpx.AsyncClient(timeout=10) as client:
            return (await client.post(url, data=fields)).status_code

    assert windows.run(post()) == 200
    # It shows at once, above the rows from before the search.
    qtbot.waitUntil(
        lambda: column_values(window, Column.NUMBER)[0] == "+1 202-555-0177", timeout=10_000
    )
    assert len(column_values(window, Column.NUMBER)) == 3
    held.release("+1 202")

    qtbot.waitUntil(lambda: len(column_values(window, Column.NUMBER)) == 2, timeout=5000)
    assert column_values(window, Column.NUMBER) == ["+1 202-555-0177", "+1 202-555-0101"]
    assert window.count_label.text() == "2 messages match the filter"


def test_an_alert_for_a_row_the_filter_hides_clears_the_filter_and_selects_it(
    qtbot, windows, data_dir, monkeypatch
):
    seed(data_dir, "12025550101", "447700900123")
    window = windows.open(data_dir)
    url = listener_url(window)
    with qtbot.waitSignal(window.model.modelReset, timeout=5000):
        qtbot.keyClicks(window.filter_bar.text, "+44")
    HeldSearches(monkeypatch, delay=0.3)  # the search clearing the filter takes a while

    async def post() -> int:
        fields = {
            "type": "MO",
            "message_id": "MO-hidden",
            "shortcode": "12345",
            "phone_number": "12025550177",
            "message": "Where is my parcel?",
        }
        async with httpx.AsyncClient(timeout=10) as client:
            return (await client.post(url, data=fields)).status_code

    assert windows.run(post()) == 200
    alert = window.alerts.label
    qtbot.waitUntil(lambda: alert.text().startswith("Customer reply"), timeout=10_000)
    assert column_values(window, Column.NUMBER) == ["+44 7700 900123"]

    qtbot.mouseClick(alert, Qt.MouseButton.LeftButton)

    assert window.filter_bar.text.text() == ""
    qtbot.waitUntil(lambda: selected_id(window) == "MO-hidden", timeout=5000)
    assert column_values(window, Column.NUMBER) == [
        "+1 202-555-0177",
        "+44 7700 900123",
        "+1 202-555-0101",
    ]
    assert "Where is my parcel?" in window.detail.toPlainText()


def test_a_search_of_many_rows_shows_them_first_and_its_whole_count_after(
    qtbot, windows, data_dir, monkeypatch
):
    monkeypatch.setattr("console.log_search.COUNT_FIRST", 10)
    numbers = [f"1202555{n:04d}" for n in range(260)]
    ids = seed(data_dir, *numbers, "447700900123")
    window = windows.open(data_dir)
    first_told: list[str] = []
    window.model.queryApplied.connect(lambda: first_told.append(window.count_label.text()))

    qtbot.keyClicks(window.filter_bar.text, "+1 202")
    qtbot.waitUntil(
        lambda: window.count_label.text() == "260 messages match the filter", timeout=5000
    )

    # The first page (200 rows) came with a count that stopped just past it.
    assert first_told == ["201+ messages match the filter"]
    window.table.setFocus()
    qtbot.keyClick(window.table, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(window.table, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: selected_id(window) == ids[0], timeout=5000)
    assert window.model.rowCount() == 260


def test_going_to_the_oldest_row_while_a_search_is_counted_waits_for_the_count(
    qtbot, windows, data_dir, monkeypatch
):
    monkeypatch.setattr("console.log_search.COUNT_FIRST", 10)
    counting = threading.Event()
    let_go = threading.Event()
    real_count = log_search.read_count

    def held_count(store, snapshot):  # type: ignore[no-untyped-def]
        counting.set()
        let_go.wait(5)
        return real_count(store, snapshot)

    monkeypatch.setattr(log_search, "read_count", held_count)
    ids = seed(data_dir, *[f"1202555{n:04d}" for n in range(230)])
    window = windows.open(data_dir)

    qtbot.keyClicks(window.filter_bar.text, "+1 202")
    qtbot.waitUntil(counting.is_set, timeout=5000)
    qtbot.waitUntil(
        lambda: window.count_label.text() == "201+ messages match the filter", timeout=5000
    )
    window.table.setFocus()
    qtbot.keyClick(window.table, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(window.table, Qt.Key.Key_Escape)
    qtbot.wait(100)
    # Not the 201st row: the bottom of what is counted so far is not the oldest.
    assert selected_id(window) != ids[29]
    let_go.set()

    qtbot.waitUntil(lambda: selected_id(window) == ids[0], timeout=5000)
    assert window.count_label.text() == "230 messages match the filter"
