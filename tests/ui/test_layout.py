"""The window at the sizes support desks use: nothing important off-screen, nothing jumping."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import QLabel, QMessageBox, QToolBar, QToolButton

from console.ui.log_columns import Column
from tests.ui.test_main_window import CUSTOMER, activate, seed

pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints")


def _in_view(window, column: Column) -> bool:
    header = window.table.horizontalHeader()
    left = header.sectionViewportPosition(column)
    return left >= 0 and left + header.sectionSize(column) <= window.table.viewport().width()


@pytest.mark.parametrize("size", [(1024, 700), (1280, 800), (1920, 1080)])
def test_the_status_columns_are_in_view_at_common_sizes(qtbot, windows, data_dir, size):
    seed(data_dir, "12025550101", "12025550102")
    window = windows.open(data_dir)
    window.resize(*size)
    qtbot.waitUntil(lambda: window.width() == size[0], timeout=5000)
    qtbot.wait(50)
    for column in (Column.TIME, Column.NUMBER, Column.STATUS):
        assert _in_view(window, column), (size, column.name)
    # Viewing the first columns, the scroll bar's thumb is at its start.
    bar = window.table.horizontalScrollBar()
    assert bar.value() == bar.minimum()


def test_the_compose_pane_folds_away_and_back_with_a_shortcut(qtbot, windows, data_dir):
    seed(data_dir, "12025550101")
    window = windows.open(data_dir)
    window.resize(1024, 700)
    activate(qtbot, window)
    log_width = window.table.width()

    qtbot.keyClick(
        window.table,
        Qt.Key.Key_M,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    assert window.main_split.sizes()[0] == 0
    assert window.compose.width() == 0
    assert window.table.width() > log_width + 250
    assert not window.compose_action.isChecked()

    # A new message brings the pane back.
    qtbot.keyClick(window.table, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert window.compose.width() > 250
    assert window.compose.recipient.hasFocus()
    assert window.compose_action.isChecked()


def test_the_form_does_not_move_as_its_messages_come_and_go(qtbot, window):
    window.resize(1024, 700)  # a narrow compose pane, where the reason beside Send wraps
    pane = window.compose

    def positions() -> tuple[int, int, int]:
        qtbot.wait(20)  # the layout follows the lines that came or went
        return (
            pane.editor.mapTo(pane, QPoint(0, 0)).y(),
            pane.attachment_list.add_button.mapTo(pane, QPoint(0, 0)).y(),
            pane.send_button.mapTo(pane, QPoint(0, 0)).y(),
        )

    before = positions()
    qtbot.keyClicks(pane.recipient, "12")  # not a number yet: a line says why
    assert pane.recipient_preview.isVisible()
    assert positions() == before
    pane.recipient.clear()
    # A number of a possible length but not known to be assigned: a warning, same line.
    qtbot.keyClicks(pane.recipient, "+44 7700 900123")
    assert "not known to be an assigned number" in pane.recipient_preview.toolTip()
    assert positions() == before
    pane.recipient.clear()
    qtbot.keyClicks(pane.recipient, CUSTOMER)
    qtbot.keyClicks(pane.editor, "Hello")
    pane.show_outcome("Not sent: the provider did not answer in time. Try again later.", ok=False)
    assert positions() == before


def test_the_detail_of_a_newly_selected_row_starts_at_its_heading(qtbot, windows, data_dir):
    first, second = seed(data_dir, "12025550101", "12025550102")
    window = windows.open(data_dir)
    window.resize(1024, 700)
    window.right_split.setSizes([500, 120])  # a short detail panel that must scroll
    window.select_message(first)
    detail = window.detail
    qtbot.waitUntil(lambda: detail.verticalScrollBar().maximum() > 0, timeout=5000)
    detail.verticalScrollBar().setValue(detail.verticalScrollBar().maximum())

    qtbot.mouseClick(
        window.table.viewport(),
        Qt.MouseButton.LeftButton,
        pos=QPoint(
            20, window.table.rowViewportPosition(window.model.row_for_message_id(second)) + 5
        ),
    )
    qtbot.waitUntil(lambda: "+1 202-555-0102" in detail.toPlainText(), timeout=5000)
    assert detail.verticalScrollBar().value() == 0


def test_help_lists_the_keyboard_shortcuts(qtbot, window):
    activate(qtbot, window)
    qtbot.keyClick(window.table, Qt.Key.Key_F1)
    (box,) = [b for b in window.findChildren(QMessageBox, "shortcutsDialog") if b.isVisible()]
    text = box.text()
    for keys, what in (
        ("Ctrl+N", "New message"),
        ("Ctrl+F", "Filter log"),
        ("F1", "Keyboard"),
        ("Alt+I", "Mine"),
    ):
        assert f"<b>{keys}</b></td><td>{what}" in text
    title = box.fontMetrics().horizontalAdvance("Keyboard shortcuts — SMS Operator Console")
    assert box.width() > title + 60  # its title is not cut by the window's frame
    # Every row shows whole: the label is as wide and as high as its table.
    (label,) = [w for w in box.findChildren(QLabel) if "<table>" in w.text()]
    table = QTextDocument()
    table.setDocumentMargin(0)  # as a label lays out its text
    table.setDefaultFont(label.font())
    table.setHtml(label.text())
    assert label.contentsRect().width() >= table.idealWidth()
    table.setTextWidth(label.contentsRect().width())
    assert label.contentsRect().height() >= table.size().height()
    box.close()


def test_the_first_window_fits_the_screen_with_its_frame(qtbot, window):
    room = window.screen().availableGeometry()
    assert room.width() < 1280  # this screen is smaller than the window likes to be
    assert window.width() <= room.width() - 16
    assert window.height() <= room.height() - 48


@pytest.mark.parametrize("size", [(800, 600), (1024, 700)])
def test_the_toolbar_shows_everything_on_a_small_screen(qtbot, windows, data_dir, size):
    window = windows.open(data_dir)  # demo mode: its banner is the widest part
    window.resize(*size)
    qtbot.waitUntil(lambda: window.width() <= size[0], timeout=5000)
    qtbot.wait(50)
    toolbar = window.findChild(QToolBar)
    # Past its width a toolbar hides what does not fit behind a » button.
    folded = toolbar.findChild(QToolButton, "qt_toolbar_ext_button")
    assert folded is None or not folded.isVisible()
    for action in (window.credentials_action, window.settings_action):
        assert toolbar.widgetForAction(action).isVisible()
    banner = window.findChild(QLabel, "demoBanner")
    assert banner.isVisible()
    assert "simulator" in banner.text() + banner.toolTip()


def test_every_field_label_of_the_form_shows_its_whole_text(qtbot, window):
    for name in ("To", "From", "Priority", "Message"):
        (label,) = [
            w
            for w in window.compose.findChildren(QLabel)
            if w.text().replace("&", "") == name and w.isVisible()
        ]
        ink = label.fontMetrics().boundingRect(name).width()
        assert label.width() > ink, name  # "To" was cut to "Tc"


@pytest.mark.parametrize("size", [(800, 600), (1280, 800)])
def test_the_compose_pane_unfolds_as_wide_as_it_was(qtbot, windows, data_dir, size):
    window = windows.open(data_dir)
    window.resize(*size)
    activate(qtbot, window)
    qtbot.waitUntil(lambda: window.width() <= size[0], timeout=5000)
    before = window.compose.width()
    fold = (Qt.Key.Key_M, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    qtbot.keyClick(window.table, *fold)
    assert window.compose.width() == 0
    qtbot.keyClick(window.table, *fold)
    qtbot.keyClick(window.table, Qt.Key.Key_Escape)  # no modifier held after the chord
    assert window.compose.width() == before


def test_the_log_filter_keeps_room_to_type_in_a_small_window(qtbot, windows, data_dir):
    window = windows.open(data_dir)
    window.resize(800, 600)
    qtbot.waitUntil(lambda: window.width() <= 800, timeout=5000)
    qtbot.wait(50)
    box = window.filter_bar.text
    assert box.width() >= box.fontMetrics().horizontalAdvance("+44 7700 900123")
    assert box.toolTip().startswith("Filter by number, text or message_id")
