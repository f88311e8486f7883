"""What the form says after a send, and a new message from Ctrl+N."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from tests.ui.driving import choose
from tests.ui.test_main_window import CUSTOMER, activate, compose, press_send, wait_for_outcome

pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints")


def test_after_a_send_the_number_is_selected_and_the_outcome_goes_with_the_next_edit(qtbot, window):
    pane = window.compose
    compose(qtbot, window, "Your order has shipped")
    press_send(qtbot, window)
    assert wait_for_outcome(qtbot, window).startswith("Accepted by the provider")
    assert pane.editor.toPlainText() == ""
    assert pane.recipient.hasFocus()
    assert pane.recipient.selectedText() == CUSTOMER

    qtbot.keyClicks(pane.recipient, "+44 7700 900123")  # replaces the selected number
    assert pane.recipient.text() == "+44 7700 900123"
    assert not pane.outcome.isVisible()


def test_tab_from_the_kept_number_goes_past_its_region_to_the_text(qtbot, window):
    pane = window.compose
    compose(qtbot, window, "Your order has shipped")
    press_send(qtbot, window)
    assert wait_for_outcome(qtbot, window).startswith("Accepted by the provider")
    region = pane.recipient_field.region_box.currentText()

    # Tab goes to the region beside To, a second Tab to the text.
    qtbot.keyClick(pane.recipient, Qt.Key.Key_Tab)
    assert pane.recipient_field.region_box.lineEdit().hasFocus()
    qtbot.keyClick(pane.recipient_field.region_box.lineEdit(), Qt.Key.Key_Tab)
    assert pane.editor.hasFocus()
    qtbot.keyClicks(pane.editor, "It arrives tomorrow")
    assert pane.editor.toPlainText() == "It arrives tomorrow"
    assert pane.recipient_field.region_box.currentText() == region


def test_a_refusal_goes_once_the_form_is_changed(qtbot, window):
    pane = window.compose
    compose(qtbot, window, "From an unregistered sender", sender="55555")
    press_send(qtbot, window)
    assert wait_for_outcome(qtbot, window).startswith("Not sent: Sender denied")
    choose(qtbot, pane.priority, "Interactive")
    assert not pane.outcome.isVisible()


def test_ctrl_n_gives_an_empty_form_and_ctrl_z_brings_the_text_back(qtbot, window):
    pane = window.compose
    compose(qtbot, window, "Half-written reply")
    choose(qtbot, pane.priority, "Interactive")
    qtbot.mouseClick(pane.more_toggle, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(pane.app_id, "crm")
    activate(qtbot, window)

    qtbot.keyClick(pane.editor, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)

    assert pane.recipient.text() == ""
    assert pane.editor.toPlainText() == ""
    assert pane.app_id.text() == ""
    assert pane.priority.currentText() == "Account default"
    assert pane.sender_box.currentText() == window.session.profile.senders[0]
    assert pane.recipient.hasFocus()
    assert not pane.outcome.isVisible()

    pane.editor.setFocus()
    qtbot.keyClick(pane.editor, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert pane.editor.toPlainText() == "Half-written reply"
