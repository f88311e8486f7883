"""Who sent what, in the window: the operator's name set in Settings goes with each message
sent, the log's Operator column shows it, and Mine keeps the operator's own messages."""

from __future__ import annotations

import time
import uuid
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QToolBar

from console.paths import database_path
from console.store.location import StoreLocation
from console.store.models import IncomingReply, NewMessage
from console.store.sqlite import SqliteStore
from console.ui.log_columns import Column
from console.ui.options.dialog import SettingsDialog
from tests.ui.test_main_window import (
    activate,
    cell,
    column_values,
    compose,
    press_send,
    wait_for_outcome,
)
from tests.ui.test_settings_dialog import ok_button

pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints")


def seed_team(data_dir: Path) -> None:
    """A message Bob sent from another console, then a customer's reply."""
    with SqliteStore(database_path(data_dir)) as store:
        store.create_message(
            NewMessage(
                message_id=uuid.uuid4().hex,
                profile="demo",
                phone_number="12025550199",
                sender="12345",
                body="Sent by Bob",
                endpoint="http://127.0.0.1:1/httpapi/receiver",
                operator="bob",
                host="desk-2",
            )
        )
        store.add_reply(
            IncomingReply("mo-1", "12345", "447700900123", None, "Thanks!", time.time(), "", "")
        )


def name_the_operator(qtbot, window, name: str) -> None:
    toolbar = window.findChild(QToolBar)
    qtbot.mouseClick(toolbar.widgetForAction(window.settings_action), Qt.MouseButton.LeftButton)
    (dialog,) = [d for d in window.findChildren(SettingsDialog) if d.isVisible()]
    tabs = dialog.tabs.tabBar()
    page = [dialog.tabs.tabText(i) for i in range(dialog.tabs.count())].index("Operator")
    qtbot.mouseClick(tabs, Qt.MouseButton.LeftButton, pos=tabs.tabRect(page).center())
    assert dialog.operator_name.isVisible()
    dialog.operator_name.clear()
    qtbot.keyClicks(dialog.operator_name, name)
    qtbot.mouseClick(ok_button(dialog), Qt.MouseButton.LeftButton, pos=QPoint(5, 5))
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=5000)


def test_the_operator_named_in_settings_is_shown_on_what_they_send(
    qtbot, windows, data_dir
) -> None:
    seed_team(data_dir)
    window = windows.open(data_dir)
    header = window.table.horizontalHeader()
    assert window.model.headerData(Column.OPERATOR, Qt.Orientation.Horizontal) == "Operator"
    assert not header.isSectionHidden(Column.OPERATOR)
    assert header.sectionSize(Column.OPERATOR) <= 100

    name_the_operator(qtbot, window, "Alice Smith")
    compose(qtbot, window, "Your refund is on its way")
    message_id = press_send(qtbot, window)
    assert wait_for_outcome(qtbot, window).startswith("Accepted by the provider")

    assert cell(window, 0, Column.OPERATOR) == "Alice Smith"
    assert column_values(window, Column.OPERATOR) == ["Alice Smith", "", "bob"]
    tip = window.model.index(2, Column.OPERATOR).data(Qt.ItemDataRole.ToolTipRole)
    assert tip == "Sent by bob on desk-2"
    trail = window.session.store.audit()
    assert [(e.operator, e.action, e.message_id) for e in trail[:2]] == [
        ("Alice Smith", "send", message_id),
        ("Alice Smith", "settings", None),
    ]
    assert trail[1].detail == "changed operator_name"  # nothing the operator did not touch
    # The operator widens the column like any other.
    before = header.sectionSize(Column.OPERATOR)
    header.resizeSection(Column.OPERATOR, before + 60)
    assert header.sectionSize(Column.OPERATOR) == before + 60


def test_mine_with_nothing_sent_yet_says_the_filter_hides_the_rest(
    qtbot, windows, data_dir
) -> None:
    seed_team(data_dir)
    window = windows.open(data_dir)
    name_the_operator(qtbot, window, "dana")
    note = window.log_pane.empty_note
    assert not note.isVisible()

    with qtbot.waitSignal(window.model.modelReset, timeout=5000):
        qtbot.mouseClick(window.filter_bar.mine, Qt.MouseButton.LeftButton, pos=QPoint(5, 5))

    qtbot.waitUntil(note.isVisible, timeout=5000)
    assert note.text() == "No message matches.\n\nTo see every message, untick Mine."


def test_mine_shows_only_the_operators_own_messages(qtbot, windows, data_dir) -> None:
    seed_team(data_dir)
    window = windows.open(data_dir)
    name_the_operator(qtbot, window, "alice")
    compose(qtbot, window, "From Alice")
    press_send(qtbot, window)
    assert window.model.rowCount() == 3
    mine = window.filter_bar.mine
    assert mine.text() == "M&ine"
    assert mine.focusPolicy() & Qt.FocusPolicy.TabFocus
    assert "Replies and receipts for messages not sent from here" in mine.toolTip()
    assert "they are not shown" in mine.toolTip()

    activate(qtbot, window)
    window.table.setFocus()
    with qtbot.waitSignal(window.model.modelReset, timeout=5000):
        qtbot.keyClick(window.table, Qt.Key.Key_I, Qt.KeyboardModifier.AltModifier)

    assert mine.isChecked()
    assert column_values(window, Column.OPERATOR) == ["alice"]
    assert column_values(window, Column.TEXT) == ["From Alice"]
    assert window.count_label.text() == "1 message matches the filter"

    with qtbot.waitSignal(window.model.modelReset, timeout=5000):
        qtbot.mouseClick(mine, Qt.MouseButton.LeftButton, pos=QPoint(5, 5))
    assert column_values(window, Column.OPERATOR) == ["alice", "", "bob"]


def test_send_again_is_audited_as_a_resend_of_the_message_copied(qtbot, window) -> None:
    compose(qtbot, window, "Your parcel is late")
    first = press_send(qtbot, window)
    wait_for_outcome(qtbot, window)
    window.table.selectRow(window.model.row_for_message_id(first))

    window.send_again_action.trigger()
    second = press_send(qtbot, window)
    wait_for_outcome(qtbot, window)
    compose(qtbot, window, "Something else")
    third = press_send(qtbot, window)

    trail = window.session.store.audit()
    assert [(e.action, e.message_id, e.detail) for e in trail[:3]] == [
        ("send", third, ""),
        ("resend", second, f"copy of {first}"),
        ("send", first, ""),
    ]
    assert {e.operator for e in trail} == {window.session.actor.operator}


def test_settings_saved_on_a_shared_store_audit_only_what_the_operator_changed(
    qtbot, windows, tmp_path, postgres_url
) -> None:
    # No listener runs here, so no path token was made before the settings opened.
    window = windows.open(tmp_path / "ann", store=StoreLocation.postgresql(postgres_url))

    name_the_operator(qtbot, window, "Ann")

    (entry,) = window.session.store.audit()
    assert (entry.operator, entry.action, entry.detail) == (
        "Ann",
        "settings",
        "changed operator_name",
    )
