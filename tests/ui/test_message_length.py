"""The profile's longest message, and plain characters instead of typographic ones."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from console.ui.palette import scheme
from tests.ui.test_main_window import CUSTOMER

pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints")


def _paste(qtbot, widget, text: str) -> None:
    QApplication.clipboard().setText(text)
    qtbot.keyClick(widget, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)


def test_text_past_the_profiles_maximum_cannot_be_sent(qtbot, window):
    pane = window.compose  # the demo profile allows 10 segments
    qtbot.keyClicks(pane.recipient, CUSTOMER)
    pane.editor.setFocus()
    _paste(qtbot, pane.editor, "a" * 1530)
    assert (
        pane.counter.summary.text()
        == "SMS · 1,530 characters · GSM-7 · 10 of 10 segments (0 left in this segment)"
    )
    assert scheme().warning in pane.counter.summary.styleSheet()  # amber: the last segment allowed
    assert pane.send_button.isEnabled()

    qtbot.keyClicks(pane.editor, "b")
    assert pane.counter.summary.text().endswith("11 of 10 segments (1 too many: shorten the text)")
    assert scheme().error in pane.counter.summary.styleSheet()
    assert not pane.send_button.isEnabled()
    assert pane.reason.text() == "Too long: 11 segments, this profile allows 10"

    qtbot.keyClick(pane.editor, Qt.Key.Key_Backspace)
    assert pane.send_button.isEnabled()


def test_plain_characters_replace_typographic_ones_in_one_undoable_step(qtbot, window):
    pane = window.compose
    qtbot.keyClicks(pane.recipient, CUSTOMER)
    typed = "It\u2019s here \u2013 see \u201ctoday\u201d"
    pane.editor.setFocus()
    _paste(qtbot, pane.editor, typed)
    assert "UCS-2" in pane.counter.summary.text()
    button = pane.counter.replace_button
    assert button.isVisible()
    assert button.text() == "Use plain characters for \u2019 \u2013 \u201c \u201d"

    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert pane.editor.toPlainText() == 'It\'s here - see "today"'
    assert "GSM-7" in pane.counter.summary.text()
    assert not button.isVisible()

    qtbot.keyClick(pane.editor, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert pane.editor.toPlainText() == typed
