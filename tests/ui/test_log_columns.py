"""The log's columns as support staff use them: one Status, the text, optional extras,
and a word when there is nothing to show."""

from __future__ import annotations

import uuid

import pytest
from PySide6.QtCore import QEvent, QPoint, Qt
from PySide6.QtGui import QContextMenuEvent, QHelpEvent, QIcon
from PySide6.QtWidgets import QApplication, QMenu, QToolTip

from console.paths import database_path
from console.store.models import NewMessage
from console.store.sqlite import SqliteStore
from console.ui.log_columns import Column
from tests.ui.driving import choose
from tests.ui.test_main_window import cell, seed

pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints")


def _header_menu(qtbot, window) -> QMenu:
    header = window.table.horizontalHeader()
    x = header.sectionViewportPosition(Column.NUMBER) + 10
    # What the window system sends for a right click.
    point = QPoint(x, 5)
    right_click = QContextMenuEvent(
        QContextMenuEvent.Reason.Mouse, point, header.viewport().mapToGlobal(point)
    )
    QApplication.sendEvent(header.viewport(), right_click)
    (menu,) = [m for m in window.findChildren(QMenu, "columnMenu") if m.isVisible()]
    return menu


def _click(qtbot, menu: QMenu, text: str) -> None:
    (action,) = [a for a in menu.actions() if a.text() == text]
    qtbot.mouseClick(menu, Qt.MouseButton.LeftButton, pos=menu.actionGeometry(action).center())


def test_the_header_menu_shows_and_hides_the_optional_columns(qtbot, windows, data_dir):
    seed(data_dir, "12025550101")
    window = windows.open(data_dir)
    header = window.table.horizontalHeader()
    assert header.isSectionHidden(Column.PRIORITY)
    assert not header.isSectionHidden(Column.SENDER)
    assert cell(window, 0, Column.TEXT) == "Your parcel for 12025550101 is on its way"

    menu = _header_menu(qtbot, window)
    assert [a.text() for a in menu.actions()] == [
        "Our number",
        "Operator",
        "Priority",
        "Type",
        "Last update",
    ]
    _click(qtbot, menu, "Priority")
    assert not header.isSectionHidden(Column.PRIORITY)
    menu = _header_menu(qtbot, window)
    _click(qtbot, menu, "Our number")
    assert header.isSectionHidden(Column.SENDER)

    windows.close(window)
    again = windows.open(data_dir).table.horizontalHeader()
    assert not again.isSectionHidden(Column.PRIORITY)
    assert again.isSectionHidden(Column.SENDER)


def test_an_empty_log_says_what_will_appear_and_a_filter_that_hides_all_says_so(
    qtbot, windows, data_dir
):
    window = windows.open(data_dir)
    note = window.empty_note
    qtbot.waitUntil(note.isVisible, timeout=5000)
    assert note.text().startswith("No messages yet.")
    assert "Ctrl+N" in note.text()

    seed(data_dir, "12025550101")
    window.filter_bar.reset()
    qtbot.waitUntil(lambda: not note.isVisible(), timeout=5000)
    qtbot.keyClicks(window.filter_bar.text, "nobody-has-this")
    qtbot.waitUntil(note.isVisible, timeout=5000)
    assert note.text() == "No message matches.\n\nTo see every message, clear the filter box."

    # Lists that can never match together: the note names them, not the empty box.
    window.filter_bar.text.clear()
    choose(qtbot, window.filter_bar.direction, "Received (in)")
    choose(qtbot, window.filter_bar.state, "Delivered")
    qtbot.waitUntil(lambda: note.text().endswith("choose In and out and Any state."), timeout=5000)
    assert note.isVisible()


def test_status_icons_look_the_same_on_a_selected_row(qtbot, windows, data_dir):
    seed(data_dir, "12025550101")
    window = windows.open(data_dir)
    icon = window.model.index(0, Column.STATUS).data(Qt.ItemDataRole.DecorationRole)
    normal = icon.pixmap(12, 12, QIcon.Mode.Normal).toImage()
    selected = icon.pixmap(12, 12, QIcon.Mode.Selected).toImage()
    assert normal == selected


def _sent_earlier(data_dir, body: str) -> None:
    with SqliteStore(database_path(data_dir)) as store:
        store.create_message(
            NewMessage(
                message_id=uuid.uuid4().hex,
                profile="demo",
                phone_number="12025550101",
                sender="12345",
                body=body,
                endpoint="http://127.0.0.1:1/httpapi/receiver",
            )
        )


def _tooltip_over(qtbot, window, row: int, column: Column) -> str:
    """What shows when the mouse rests on a cell."""
    table = window.table
    where = table.visualRect(window.model.index(row, column)).center()
    rest = QHelpEvent(QEvent.Type.ToolTip, where, table.viewport().mapToGlobal(where))
    QApplication.sendEvent(table.viewport(), rest)
    qtbot.waitUntil(QToolTip.isVisible, timeout=5000)
    text = QToolTip.text()
    QToolTip.hideText()
    return text


def test_a_cut_text_ends_in_an_ellipsis_in_its_cell_and_tooltip(qtbot, windows, data_dir):
    long = "Your appointment is tomorrow at 9:30. Please bring your card and arrive early " * 3
    _sent_earlier(data_dir, long)
    _sent_earlier(data_dir, long[:80])  # as long as a cell shows: whole
    window = windows.open(data_dir)
    qtbot.waitUntil(lambda: window.model.rowCount() == 2, timeout=5000)

    whole, cut = cell(window, 0, Column.TEXT), cell(window, 1, Column.TEXT)
    assert whole == long[:80].strip()
    assert cut == long[:80].strip() + "…"
    assert _tooltip_over(qtbot, window, 1, Column.TEXT) == cut
    assert _tooltip_over(qtbot, window, 0, Column.TEXT) == whole
    # The detail has the whole text.
    qtbot.mouseClick(
        window.table.viewport(),
        Qt.MouseButton.LeftButton,
        pos=window.table.visualRect(window.model.index(1, Column.TIME)).center(),
    )
    qtbot.waitUntil(lambda: long.strip() in window.detail.toPlainText(), timeout=5000)
