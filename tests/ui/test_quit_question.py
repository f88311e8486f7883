"""Quitting with text typed and not sent asks first; No keeps the window and the text."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from console.ui.main_window import MainWindow
from tests.ui.test_conversations import open_reply
from tests.ui.test_main_window import compose

pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints")


def question(qtbot, window: MainWindow) -> QMessageBox:
    def shown() -> list[QMessageBox]:
        boxes = window.findChildren(QMessageBox, "quitQuestion")
        return [box for box in boxes if box.isVisible()]

    qtbot.waitUntil(lambda: bool(shown()), timeout=5000)
    return shown()[0]


def test_text_typed_in_the_message_and_a_reply_is_asked_about_before_quitting(
    qtbot, windows, window
):
    pane = open_reply(qtbot, windows, window, "MO-quit-1", "Hello?")
    qtbot.keyClicks(pane.reply_box.editor, "On its way")
    compose(qtbot, window, "Your order has shipped")

    window.close()  # the title bar's X

    box = question(qtbot, window)
    assert box.windowTitle() == "Text not sent"
    assert box.text() == (
        "What you typed in the message and replies to customers will be lost. Quit anyway?"
    )
    qtbot.keyClick(box, Qt.Key.Key_Return)  # No is the default
    assert window.isVisible()
    assert window.compose.editor.toPlainText() == "Your order has shipped"
    assert pane.reply_box.editor.toPlainText() == "On its way"

    window.quit_action.trigger()  # File → Quit (Ctrl+Q where the desktop names it so)
    box = question(qtbot, window)
    qtbot.mouseClick(box.button(QMessageBox.StandardButton.Yes), Qt.MouseButton.LeftButton)

    qtbot.waitUntil(lambda: not window.isVisible(), timeout=5000)


def test_with_nothing_typed_the_window_closes_at_once(qtbot, windows, window):
    window.close()

    qtbot.waitUntil(lambda: not window.isVisible(), timeout=5000)
    assert window.findChildren(QMessageBox, "quitQuestion") == []
