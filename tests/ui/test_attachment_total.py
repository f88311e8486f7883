"""The attachments' total size against what one MMS takes, shown as files are added."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget

from console.attachments import MAX_TOTAL_BYTES
from console.ui.palette import scheme
from tests.ui.driving import wait_for_attachments
from tests.ui.test_compose import drag_and_drop, file_mime
from tests.ui.test_main_window import activate, compose

pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints")

MIB = 1024 * 1024


def shown(pane: QWidget) -> list[str]:
    """The lines of text the pane shows."""
    return [label.text() for label in pane.findChildren(QLabel) if label.isVisible()]


def total_label(pane: QWidget) -> QLabel:
    (label,) = pane.findChildren(QLabel, "attachmentTotal")
    return label


def test_attachments_past_what_one_message_takes_say_by_how_much_and_hold_send(
    qtbot, window, tmp_path
):
    assert MAX_TOTAL_BYTES == 5 * MIB  # the figures below
    pane = window.compose
    attachments = pane.attachment_list
    compose(qtbot, window, "The photos of the damaged parcel")
    front, back = tmp_path / "front.txt", tmp_path / "back.txt"
    for path in (front, back):
        path.write_bytes(b"x" * (3 * MIB))

    drag_and_drop(pane, file_mime(front))
    wait_for_attachments(qtbot, attachments)
    assert "3.0 MiB of 5.0 MiB" in shown(pane)
    total = total_label(pane)
    assert scheme().muted in total.styleSheet()
    assert pane.send_button.isEnabled()

    drag_and_drop(pane, file_mime(back))
    wait_for_attachments(qtbot, attachments)
    # Both stay listed: the operator chooses which to take off.
    assert [r.name_label.text() for r in attachments.rows()] == ["front.txt", "back.txt"]
    assert not attachments.rejected.isVisible()
    too_much = "6.0 MiB of 5.0 MiB: 1.0 MiB over, remove some"
    assert total.text() == too_much
    assert scheme().error in total.styleSheet()
    assert not pane.send_button.isEnabled()
    assert pane.reason.text() == f"Attachments {too_much}"
    activate(qtbot, window)
    rows = window.model.rowCount()
    qtbot.keyClick(pane.editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(pane.editor, Qt.Key.Key_Escape)  # no modifier left held
    qtbot.wait(200)
    assert window.model.rowCount() == rows  # Ctrl+Enter sent nothing

    qtbot.mouseClick(attachments.rows()[0].remove_button, Qt.MouseButton.LeftButton)
    assert [r.name_label.text() for r in attachments.rows()] == ["back.txt"]
    assert total.text() == "3.0 MiB of 5.0 MiB"
    assert scheme().muted in total.styleSheet()
    assert pane.send_button.isEnabled()


def test_a_picture_without_text_says_an_mms_needs_text_too(qtbot, window, tmp_path):
    pane = window.compose
    compose(qtbot, window, "")
    note = tmp_path / "note.txt"
    note.write_bytes(b"the receipt, as a file")

    drag_and_drop(pane, file_mime(note))
    wait_for_attachments(qtbot, pane.attachment_list)

    assert not pane.send_button.isEnabled()
    assert pane.reason.text() == "Message is empty: an MMS needs text too"
    qtbot.keyClicks(pane.editor, "Your receipt")
    assert pane.send_button.isEnabled()
