"""The filter bar over the log, chosen with the mouse as the operator does."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from console.paths import database_path
from console.store import log as log_sql
from console.store.models import IncomingReceipt, IncomingReply
from console.store.sqlite import SqliteStore
from console.ui.log_columns import Column
from tests.ui.driving import choose
from tests.ui.test_main_window import column_values, seed, visible_error_dialogs

pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints")


def _deliver(data_dir: Path, message_id: str) -> None:
    with SqliteStore(database_path(data_dir)) as store:
        store.add_receipt(
            IncomingReceipt(message_id, 2, 0, time.time(), "127.0.0.1", "type=receipt")
        )


def _reply(data_dir: Path, number: str) -> None:
    with SqliteStore(database_path(data_dir)) as store:
        store.add_reply(
            IncomingReply("mo-1", "12345", number, None, "Thanks!", time.time(), "127.0.0.1", "")
        )


def test_choosing_a_state_shows_the_rows_in_that_state(qtbot, windows, data_dir):
    first, _second, _third = seed(data_dir, "12025550101", "12025550102", "12025550103")
    _deliver(data_dir, first)
    window = windows.open(data_dir)

    with qtbot.waitSignal(window.model.modelReset, timeout=5000):
        choose(qtbot, window.filter_bar.state, "Delivered")
    assert column_values(window, Column.NUMBER) == ["+1 202-555-0101"]
    assert window.count_label.text() == "1 message matches the filter"

    with qtbot.waitSignal(window.model.modelReset, timeout=5000):
        choose(qtbot, window.filter_bar.state, "Accepted, not delivered yet")
    assert column_values(window, Column.NUMBER) == ["+1 202-555-0103", "+1 202-555-0102"]
    assert visible_error_dialogs() == []


def test_replies_in_shows_only_what_customers_sent(qtbot, windows, data_dir):
    seed(data_dir, "12025550101", "12025550102")
    _reply(data_dir, "12025550199")
    window = windows.open(data_dir)
    assert window.model.rowCount() == 3

    with qtbot.waitSignal(window.model.modelReset, timeout=5000):
        choose(qtbot, window.filter_bar.direction, "Received (in)")
    assert column_values(window, Column.NUMBER) == ["+1 202-555-0199"]

    with qtbot.waitSignal(window.model.modelReset, timeout=5000):
        choose(qtbot, window.filter_bar.direction, "Sent (out)")
    assert column_values(window, Column.NUMBER) == ["+1 202-555-0102", "+1 202-555-0101"]
    assert visible_error_dialogs() == []


def test_a_query_that_fails_is_told_once_in_the_window_and_the_log_goes_on(
    qtbot, windows, data_dir, monkeypatch
):
    seed(data_dir, "12025550101", "12025550102")
    window = windows.open(data_dir)
    reading = log_sql.head

    def broken(*args, **kwargs):
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(log_sql, "head", broken)
    for label in ("Delivered", "Refused", "Needs attention"):
        with qtbot.waitSignal(window.model.queryFailed, timeout=5000):
            choose(qtbot, window.filter_bar.state, label)
    with qtbot.waitSignal(window.model.queryFailed, timeout=5000):
        qtbot.keyClicks(window.filter_bar.text, "555")

    error = window.log_error
    assert error.isVisible()
    assert "disk I/O error" in error.text()
    assert visible_error_dialogs() == []
    # The rows the operator had stay, and can still be read.
    assert column_values(window, Column.NUMBER) == ["+1 202-555-0102", "+1 202-555-0101"]

    monkeypatch.setattr(log_sql, "head", reading)
    with qtbot.waitSignal(window.model.modelReset, timeout=5000):
        choose(qtbot, window.filter_bar.state, "Any state")
    assert not error.isVisible()
    assert column_values(window, Column.NUMBER) == ["+1 202-555-0102", "+1 202-555-0101"]


def test_a_filter_that_hides_the_selected_row_takes_its_story_away(qtbot, windows, data_dir):
    first, _second = seed(data_dir, "12025550101", "12025550102")
    window = windows.open(data_dir)
    window.select_message(first)
    qtbot.waitUntil(lambda: "+1 202-555-0101" in window.detail.toPlainText(), timeout=5000)

    with qtbot.waitSignal(window.model.modelReset, timeout=5000):
        qtbot.keyClicks(window.filter_bar.text, "555-0102")
    assert "+1 202-555-0101" not in window.detail.toPlainText()
    assert window.detail.toPlainText().startswith("Select a message")


def test_a_passing_note_leaves_the_listener_state_in_view(qtbot, windows, data_dir):
    seed(data_dir, "12025550101")
    window = windows.open(data_dir)
    window.select_message(window.model.message_at(0).message_id)
    window.table.setFocus()
    qtbot.keyClick(
        window.table,
        Qt.Key.Key_C,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    # Qt takes the modifiers of the last key event as still held: let them go.
    qtbot.keyClick(window.table, Qt.Key.Key_Escape)
    assert window.alerts.label.text().startswith("Copied message_id ")
    assert window.listener_status.isVisible()
    assert window.alerts.list_button.isVisible()
