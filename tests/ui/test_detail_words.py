"""The detail panel leads with where a message stands and what to do next; the raw
fields of each callback wait behind a link."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCursor

from console.protocol.codes import result_code
from tests.ui.test_detail_panel import stored
from tests.ui.test_main_window import compose, press_send, wait_for_outcome

pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints")


def click_text(qtbot, browser, text: str) -> None:
    found = browser.document().find(text)
    assert not found.isNull(), f"{text!r} is not shown"
    cursor = QTextCursor(browser.document())
    cursor.setPosition(found.selectionStart() + 2)
    point = browser.cursorRect(cursor).center()
    qtbot.mouseClick(browser.viewport(), Qt.MouseButton.LeftButton, pos=point)


def test_a_refused_message_says_why_and_what_to_do_first(qtbot, window):
    compose(qtbot, window, "From an unregistered sender", sender="55555")
    message_id = press_send(qtbot, window)
    assert wait_for_outcome(qtbot, window).startswith("Not sent")
    window.select_message(message_id)
    code = window.session.store.get_message(message_id).result_code
    qtbot.waitUntil(lambda: "Refused by" in window.detail.toPlainText(), timeout=5000)
    lines = [line for line in window.detail.toPlainText().splitlines() if line.strip()]
    assert lines[1] == f"Refused by the provider: {result_code(code).meaning}"
    assert lines[2] == f"Next step: {result_code(code).action}"


def test_raw_fields_fold_behind_technical_details(qtbot, store):
    from console.timeline import message_timeline
    from console.ui.detail_panel import DetailPanel

    panel = DetailPanel()
    qtbot.addWidget(panel)
    panel.resize(600, 500)
    panel.show()
    panel.show_timeline(message_timeline(store, stored(store, 2)))
    text = panel.toPlainText()
    assert "message_state" not in text  # a raw field's name

    click_text(qtbot, panel, "Show technical details")
    assert "message_state" in panel.toPlainText()
    click_text(qtbot, panel, "Hide technical details")
    assert "message_state" not in panel.toPlainText()
