"""The Conversations mode over the real demo simulator and listener: a customer writes, the
thread appears unread, the operator opens it, replies from the reply box, and sees the
reply's state follow its receipts; Mark unread and the search, as the operator uses them."""

from __future__ import annotations

import base64
import time
from pathlib import Path

import httpx
import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication, QLabel

from console.paths import database_path
from console.store.models import IncomingReply
from console.store.sqlite import SqliteStore
from console.store.threads import ThreadRow
from console.ui.conversations_pane import ConversationsPane
from console.ui.main_window import MainWindow
from console.ui.thread_list_model import THREAD_ROLE
from tests.ui.driving import wait_for_attachments
from tests.ui.test_compose import drag_and_drop, file_mime
from tests.ui.test_main_window import (
    CALLBACK_WAIT_MS,
    FINAL_STATE_NAMES,
    activate,
    cell,
    compose,
    listener_url,
)

pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints")


def post_mo(
    windows, url: str, message_id: str, number: str, text: str, *, picture: Path | None = None
) -> None:
    """A customer's reply, posted to the listener as the provider posts it (with
    ``picture`` as its MMS attachment, a PNG, if given)."""
    fields = {
        "type": "MO",
        "message_id": message_id,
        "shortcode": "12345",
        "phone_number": number,
        "carrier": "31",
        "message": text,
    }
    if picture is not None:
        fields["mms_attachment[0].content_type"] = "image/png"
        fields["mms_attachment[0].content"] = base64.b64encode(picture.read_bytes()).decode()

    async def post() -> int:
        async with httpx.AsyncClient(timeout=10) as client:
            return (await client.post(url, data=fields)).status_code

    assert windows.run(post()) == 200


def pane_of(window: MainWindow) -> ConversationsPane:
    return window.conversations.pane


def press_ctrl(qtbot, window: MainWindow, key: Qt.Key) -> None:
    activate(qtbot, window)
    qtbot.keyClick(window, key, Qt.KeyboardModifier.ControlModifier)


def row_words(pane: ConversationsPane, row: int) -> str:
    return pane.model.index(row, 0).data(Qt.ItemDataRole.AccessibleTextRole)


def thread_at(pane: ConversationsPane, row: int) -> ThreadRow:
    found = pane.model.index(row, 0).data(THREAD_ROLE)
    assert isinstance(found, ThreadRow)
    return found


def click_thread(qtbot, pane: ConversationsPane, row: int) -> None:
    rect = pane.list.visualRect(pane.model.index(row, 0))
    qtbot.mouseClick(pane.list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def open_reply(
    qtbot, windows, window: MainWindow, message_id: str, text: str, *, picture: Path | None = None
) -> ConversationsPane:
    """Ctrl+2, a customer's reply posted to the listener, and its (only) thread clicked."""
    pane = pane_of(window)
    press_ctrl(qtbot, window, Qt.Key.Key_2)
    post_mo(windows, listener_url(window), message_id, "12025550177", text, picture=picture)
    qtbot.waitUntil(lambda: pane.model.rowCount() == 1, timeout=10_000)
    click_thread(qtbot, pane, 0)
    return pane


def bubble_texts(pane: ConversationsPane) -> list[str]:
    return [b.body.text() for b in pane.view.bubbles()]


def test_a_whole_conversation_reply_receipts_mark_unread_and_search(qtbot, windows, window):
    url = listener_url(window)
    pane = pane_of(window)
    # Something half written in the compose pane: the reply box's Ctrl+Enter must not send it.
    compose(qtbot, window, "A message for someone else")

    press_ctrl(qtbot, window, Qt.Key.Key_2)
    assert window.conversations.modes.currentWidget() is pane
    assert pane.isVisible()
    qtbot.waitUntil(lambda: pane.empty_note.isVisible(), timeout=5000)
    assert pane.empty_note.text().startswith("No conversations yet")

    post_mo(windows, url, "MO-conv-0001", "12025550177", "Can you deliver after 6pm?")

    qtbot.waitUntil(lambda: pane.model.rowCount() == 1, timeout=10_000)
    words = row_words(pane, 0)
    assert words.startswith("+1 202-555-0177 to 12345, 1 unread")
    assert "Can you deliver after 6pm?" in words
    qtbot.waitUntil(lambda: window.windowTitle() == "(1) Demo mode", timeout=5000)
    assert "(1)" in window.conversations.modes.tabText(1)
    assert not pane.empty_note.isVisible()

    click_thread(qtbot, pane, 0)

    assert pane.view.title.text() == "+1 202-555-0177 · to 12345"
    assert bubble_texts(pane) == ["Can you deliver after 6pm?"]
    assert pane.view.bubbles()[0].frame.objectName() == "bubbleIn"
    assert window.windowTitle() == "Demo mode"
    assert ", read," in row_words(pane, 0)
    assert pane.reply_box.from_label.text() == "From 12345"
    assert not pane.view.claim_button.isVisible()  # one operator's own store: nobody to tell

    log_rows = window.model.rowCount()
    qtbot.keyClicks(pane.reply_box.editor, "Yes, after 6pm is fine")
    assert pane.reply_box.counter.summary.text().startswith("SMS · 22 characters")
    qtbot.keyClick(pane.reply_box.editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)

    # At once, at the bottom, on our side; the box is empty for the next one.
    assert bubble_texts(pane)[-1] == "Yes, after 6pm is fine"
    sent = pane.view.bubbles()[-1]
    assert sent.frame.objectName() == "bubbleOut"
    assert pane.reply_box.editor.toPlainText() == ""
    # One message went, from the reply box; the compose pane still holds its text.
    qtbot.waitUntil(lambda: window.model.rowCount() == log_rows + 1, timeout=5000)
    assert window.compose.editor.toPlainText() == "A message for someone else"
    assert cell(window, 0, 2) == "+1 202-555-0177"
    qtbot.waitUntil(lambda: "Accepted" in sent.meta.text(), timeout=10_000)

    def final_state() -> bool:
        return any(name in sent.meta.text() for name in FINAL_STATE_NAMES)

    qtbot.waitUntil(final_state, timeout=CALLBACK_WAIT_MS)
    assert thread_at(pane, 0).phone_number == "12025550177"

    # Mark unread from the list's keyboard shortcut: the last reply is unread again.
    pane.list.setFocus()
    qtbot.keyClick(
        pane.list,
        Qt.Key.Key_U,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    qtbot.waitUntil(lambda: window.windowTitle() == "(1) Demo mode", timeout=5000)
    assert ", 1 unread," in row_words(pane, 0)
    assert pane.view.placeholder.isVisible()
    assert not pane.reply_box.isEnabled()
    assert not pane.list.selectionModel().hasSelection()  # no row looks open

    post_mo(windows, url, "MO-conv-0002", "447700900123", "Where is my parcel?")
    qtbot.waitUntil(lambda: pane.model.rowCount() == 2, timeout=10_000)
    assert thread_at(pane, 0).phone_number == "447700900123"
    # Its alert in the status bar, clicked, opens it here.
    alert = window.alerts.label
    qtbot.waitUntil(lambda: "Where is my parcel?" in alert.text(), timeout=10_000)
    qtbot.mouseClick(alert, Qt.MouseButton.LeftButton)
    assert pane.view.title.text() == "+44 7700 900123 · to 12345"
    assert bubble_texts(pane) == ["Where is my parcel?"]

    qtbot.keyClicks(pane.search, "parcel")
    qtbot.waitUntil(lambda: pane.model.rowCount() == 1, timeout=5000)
    assert thread_at(pane, 0).phone_number == "447700900123"
    pane.search.clear()
    qtbot.keyClicks(pane.search, "+1 202")
    qtbot.waitUntil(
        lambda: pane.model.rowCount() == 1 and thread_at(pane, 0).phone_number == "12025550177",
        timeout=5000,
    )
    pane.search.clear()
    qtbot.waitUntil(lambda: pane.model.rowCount() == 2, timeout=5000)

    press_ctrl(qtbot, window, Qt.Key.Key_1)
    assert window.conversations.modes.currentWidget() is window.log_pane


def test_the_keyboard_moves_opens_and_leaves_threads(qtbot, windows, window):
    url = listener_url(window)
    pane = pane_of(window)
    press_ctrl(qtbot, window, Qt.Key.Key_2)
    post_mo(windows, url, "MO-keys-0001", "12025550101", "First")
    post_mo(windows, url, "MO-keys-0002", "12025550102", "Second")
    qtbot.waitUntil(lambda: pane.model.rowCount() == 2, timeout=10_000)
    assert pane.list.accessibleName() == "Conversations"
    assert pane.reply_box.editor.accessibleName() == "Reply"

    pane.list.setFocus()
    qtbot.keyClick(pane.list, Qt.Key.Key_Down)
    qtbot.keyClick(pane.list, Qt.Key.Key_Down)
    # Moving is not reading: nothing opened yet.
    assert pane.view.placeholder.isVisible()
    qtbot.waitUntil(lambda: window.windowTitle() == "(2) Demo mode", timeout=5000)
    qtbot.keyClick(pane.list, Qt.Key.Key_Return)
    assert bubble_texts(pane) == ["First"]
    assert window.windowTitle() == "(1) Demo mode"
    # Enter opened it to answer: the reply box has the keys.
    assert QApplication.focusWidget() is pane.reply_box.editor
    qtbot.keyClick(pane.reply_box.editor, Qt.Key.Key_Escape)
    assert QApplication.focusWidget() is pane.list

    # Tab goes on to the thread, then to the reply box; Esc comes back to the list.
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is pane.view.messages
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is pane.reply_box.editor
    qtbot.keyClick(pane.reply_box.editor, Qt.Key.Key_Escape)
    assert QApplication.focusWidget() is pane.list

    # Ctrl+Enter anywhere in the conversations sends the reply, not the compose pane's text.
    compose(qtbot, window, "For someone else")
    log_rows = window.model.rowCount()
    qtbot.keyClicks(pane.reply_box.editor, "Got it")
    pane.list.setFocus()
    qtbot.keyClick(pane.list, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert bubble_texts(pane) == ["First", "Got it"]
    qtbot.waitUntil(lambda: window.model.rowCount() == log_rows + 1, timeout=5000)
    assert window.compose.editor.toPlainText() == "For someone else"
    pane.list.setFocus()

    # A new thread on top keeps the one the operator is on selected and open.
    post_mo(windows, url, "MO-keys-0003", "12025550103", "Third")
    qtbot.waitUntil(lambda: pane.model.rowCount() == 3, timeout=10_000)
    assert thread_at(pane, 0).phone_number == "12025550103"
    assert thread_at(pane, pane.list.currentIndex().row()).phone_number == "12025550101"
    assert pane.view.title.text().startswith("+1 202-555-0101")
    # So does a thread below it moving to the top.
    post_mo(windows, url, "MO-keys-0004", "12025550102", "Second again")
    qtbot.waitUntil(lambda: thread_at(pane, 0).phone_number == "12025550102", timeout=10_000)
    assert thread_at(pane, pane.list.currentIndex().row()).phone_number == "12025550101"
    assert pane.list.selectionModel().isSelected(pane.list.currentIndex())


def test_a_reply_in_the_open_thread_shows_at_once_and_is_read(qtbot, windows, window):
    url = listener_url(window)
    pane = pane_of(window)
    press_ctrl(qtbot, window, Qt.Key.Key_2)
    post_mo(windows, url, "MO-live-0001", "12025550177", "Hello?")
    qtbot.waitUntil(lambda: pane.model.rowCount() == 1, timeout=10_000)
    click_thread(qtbot, pane, 0)
    assert bubble_texts(pane) == ["Hello?"]

    post_mo(windows, url, "MO-live-0002", "12025550177", "Anyone there?")

    qtbot.waitUntil(lambda: bubble_texts(pane) == ["Hello?", "Anyone there?"], timeout=10_000)
    assert window.windowTitle() == "Demo mode"
    assert ", read," in row_words(pane, 0)
    assert "Anyone there?" in row_words(pane, 0)
    # In the log, a reply to the open thread stays unread until the conversations are back.
    assert not window.count_label.isVisible()  # the log's count is the log's
    press_ctrl(qtbot, window, Qt.Key.Key_1)
    assert window.count_label.isVisible()
    post_mo(windows, url, "MO-live-0003", "12025550177", "Hello??")
    qtbot.waitUntil(lambda: window.windowTitle() == "(1) Demo mode", timeout=10_000)
    assert bubble_texts(pane)[-1] == "Hello??"
    tabs = window.conversations.modes.tabBar()
    qtbot.mouseClick(tabs, Qt.MouseButton.LeftButton, pos=tabs.tabRect(1).center())
    qtbot.waitUntil(lambda: window.windowTitle() == "Demo mode", timeout=5000)
    assert ", read," in row_words(pane, 0)
    # Clicking the list somewhere empty changes nothing of what is open.
    qtbot.mouseClick(pane.list.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(5, 400))
    assert pane.view.title.text().startswith("+1 202-555-0177")


def test_threads_arriving_above_keep_the_rows_the_operator_is_reading(qtbot, windows, data_dir):
    with SqliteStore(database_path(data_dir)) as store:
        for number in range(40):
            store.add_reply(
                IncomingReply(
                    f"MO-seed-{number:02d}", "12345", f"120255502{number:02d}", None,
                    f"Question {number}", time.time() - 1000 + number, "127.0.0.1", "",
                )
            )  # fmt: skip
    window = windows.open(data_dir)
    url = listener_url(window)
    pane = pane_of(window)
    press_ctrl(qtbot, window, Qt.Key.Key_2)
    qtbot.waitUntil(lambda: pane.model.rowCount() == 40, timeout=10_000)
    bar = pane.list.verticalScrollBar()
    qtbot.waitUntil(lambda: bar.maximum() > 10, timeout=5000)
    bar.setValue(10)
    reading = pane.list.indexAt(QPoint(5, 5)).data(THREAD_ROLE).phone_number

    post_mo(windows, url, "MO-new-0001", "447700900123", "New here")
    qtbot.waitUntil(lambda: pane.model.rowCount() == 41, timeout=10_000)
    assert pane.list.indexAt(QPoint(5, 5)).data(THREAD_ROLE).phone_number == reading
    # An older thread, out of view below, written to again: it moves to the top.
    post_mo(windows, url, "MO-new-0002", "12025550200", "Still waiting")
    qtbot.waitUntil(lambda: thread_at(pane, 0).phone_number == "12025550200", timeout=10_000)
    assert pane.list.indexAt(QPoint(5, 5)).data(THREAD_ROLE).phone_number == reading


def test_pictures_in_and_out_and_a_refused_reply_told_beside_the_box(qtbot, windows, window, png):
    url = listener_url(window)
    pane = pane_of(window)
    press_ctrl(qtbot, window, Qt.Key.Key_2)
    fields = {
        "type": "MO",
        "message_id": "MO-pic-0001",
        "shortcode": "55555",
        "phone_number": "12025550177",
        "message": "Here is the damage",
        "mms_attachment[0].content_type": "image/png",
        "mms_attachment[0].content": base64.b64encode(png.read_bytes()).decode(),
    }

    async def post() -> int:
        async with httpx.AsyncClient(timeout=10) as client:
            return (await client.post(url, data=fields)).status_code

    assert windows.run(post()) == 200
    qtbot.waitUntil(lambda: pane.model.rowCount() == 1, timeout=10_000)
    click_thread(qtbot, pane, 0)
    (incoming,) = pane.view.bubbles()
    picture = incoming.findChild(QLabel, "thumbnail")
    qtbot.waitUntil(lambda: not picture.pixmap().isNull(), timeout=5000)
    assert picture.isVisibleTo(incoming)
    assert incoming.findChild(QLabel, "description").text().startswith("a PNG picture")

    qtbot.keyClicks(pane.reply_box.editor, "Sorry to see that, a photo of the new one")
    assert drag_and_drop(pane.reply_box.editor.viewport(), file_mime(png)) == (True, True, True)
    wait_for_attachments(qtbot, pane.reply_box.attachment_list)
    assert pane.reply_box.counter.summary.text().startswith("MMS · ")
    qtbot.keyClick(pane.reply_box.editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)

    sent = pane.view.bubbles()[-1]
    assert len(sent.findChildren(QLabel, "thumbnail")) == 1
    # 55555 is no sender of the demo account: the provider refuses it, and says why.
    qtbot.waitUntil(lambda: pane.reply_box.error.isVisible(), timeout=10_000)
    assert pane.reply_box.error.text().startswith("Not sent: Sender denied")
    qtbot.waitUntil(lambda: "Refused" in sent.meta.text(), timeout=10_000)
    assert " · Refused: Sender denied: This sender is not registered for the account." in (
        sent.meta.text()
    )
    assert pane.reply_box.attachment_list.rows() == []  # it went, and was refused
    # The list says so too, for whoever looks at the threads.
    qtbot.waitUntil(
        lambda: "Last message: Refused: Sender denied" in row_words(pane, 0), timeout=5000
    )
    assert "You: Sorry to see that" in row_words(pane, 0)


def test_a_canned_reply_goes_into_the_reply_box_with_the_threads_number(qtbot, windows, window):
    with SqliteStore(database_path(window.session.data_dir)) as store:
        store.save_canned("Thanks", "Thanks {number}, we are on it. {operator}", "ann")
    post_mo(windows, listener_url(window), "MO-canned-1", "12025550188", "Is it fixed?")
    pane = pane_of(window)
    press_ctrl(qtbot, window, Qt.Key.Key_2)
    qtbot.waitUntil(lambda: pane.model.rowCount() == 1, timeout=10_000)
    click_thread(qtbot, pane, 0)
    editor = pane.reply_box.editor
    qtbot.mouseClick(editor.viewport(), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(editor.hasFocus)

    qtbot.keyClick(
        editor,
        Qt.Key.Key_I,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    inserter = window.conversations.canned
    qtbot.waitUntil(lambda: inserter.dialog is not None and inserter.dialog.isVisible())
    qtbot.keyClicks(inserter.dialog.filter, "thanks")
    qtbot.keyClick(inserter.dialog.filter, Qt.Key.Key_Return)

    qtbot.waitUntil(lambda: inserter.dialog is None)
    operator = window.session.actor.operator
    assert editor.toPlainText() == f"Thanks +1 202-555-0188, we are on it. {operator}"
    # The compose pane's message is left alone.
    assert window.compose.editor.toPlainText() == ""


def test_a_stop_in_the_thread_refuses_the_reply_and_start_lets_it_go(qtbot, windows, window):
    url = listener_url(window)
    pane = pane_of(window)
    press_ctrl(qtbot, window, Qt.Key.Key_2)
    post_mo(windows, url, "MO-stop-1", "12025550155", " Stop ")
    qtbot.waitUntil(lambda: pane.model.rowCount() == 1, timeout=10_000)
    qtbot.waitUntil(lambda: "Opted out on " in row_words(pane, 0), timeout=10_000)
    click_thread(qtbot, pane, 0)
    # Said beside Send before anything is typed.
    assert pane.reply_box.reason.isVisible()
    assert pane.reply_box.reason.text().startswith("Opted out on ")
    assert pane.reply_box.reason.text().endswith(" (STOP): a reply will be refused")
    rows = window.model.rowCount()
    editor = pane.reply_box.editor
    qtbot.mouseClick(editor.viewport(), Qt.MouseButton.LeftButton)
    qtbot.keyClicks(editor, "Sorry to see you go")

    qtbot.keyClick(editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)

    qtbot.waitUntil(pane.reply_box.error.isVisible, timeout=10_000)
    assert "This customer opted out on " in pane.reply_box.error.text()
    assert "(STOP)" in pane.reply_box.error.text()
    # Nothing was stored or sent; the text waits in the box.
    assert window.model.rowCount() == rows
    assert editor.toPlainText() == "Sorry to see you go"
    assert bubble_texts(pane) == [" Stop "]

    post_mo(windows, url, "MO-start-2", "12025550155", "start")
    qtbot.waitUntil(lambda: "Opted out" not in row_words(pane, 0), timeout=10_000)
    assert not pane.reply_box.reason.isVisible()
    qtbot.keyClick(editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: bubble_texts(pane)[-1:] == ["Sorry to see you go"], timeout=10_000)
    sent = pane.view.bubbles()[-1]
    qtbot.waitUntil(lambda: "Accepted" in sent.meta.text(), timeout=10_000)


def test_a_draft_waits_in_its_own_thread_and_undo_never_carries_it_to_another(
    qtbot, windows, window
):
    url = listener_url(window)
    pane = pane_of(window)
    press_ctrl(qtbot, window, Qt.Key.Key_2)
    post_mo(windows, url, "MO-draft-1", "12025550161", "First customer")
    post_mo(windows, url, "MO-draft-2", "12025550162", "Second customer")
    qtbot.waitUntil(lambda: pane.model.rowCount() == 2, timeout=10_000)
    editor = pane.reply_box.editor

    def open_customer(number: str) -> None:
        row = next(
            r for r in range(pane.model.rowCount()) if thread_at(pane, r).phone_number == number
        )
        click_thread(qtbot, pane, row)
        qtbot.waitUntil(lambda: pane.view.title.text().startswith("+1 202-555-0" + number[-3:]))
        qtbot.mouseClick(editor.viewport(), Qt.MouseButton.LeftButton)

    open_customer("12025550161")
    qtbot.keyClicks(editor, "Only for the first customer")
    open_customer("12025550162")
    assert editor.toPlainText() == ""
    qtbot.keyClick(editor, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert editor.toPlainText() == ""

    open_customer("12025550161")
    assert editor.toPlainText() == "Only for the first customer"


def test_a_picture_without_words_is_said_in_the_list_and_the_alert(qtbot, windows, window, png):
    pane = pane_of(window)
    post_mo(windows, listener_url(window), "MO-only-pic", "12025550199", "", picture=png)
    qtbot.waitUntil(lambda: pane.model.rowCount() == 1, timeout=10_000)

    assert "(no text: an attachment, or empty)" in row_words(pane, 0)
    qtbot.waitUntil(lambda: "1 attachment" in window.alerts.text(), timeout=10_000)
    assert window.alerts.text().endswith("From +1 202-555-0199: 1 attachment")


def test_the_search_box_hands_down_to_the_threads_and_esc_empties_it(qtbot, windows, window):
    url = listener_url(window)
    pane = pane_of(window)
    press_ctrl(qtbot, window, Qt.Key.Key_2)
    post_mo(windows, url, "MO-find-1", "12025550171", "Where is parcel 9?")
    post_mo(windows, url, "MO-find-2", "12025550172", "Thanks")
    qtbot.waitUntil(lambda: pane.model.rowCount() == 2, timeout=10_000)
    qtbot.mouseClick(pane.search, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(pane.search, "parcel")
    qtbot.waitUntil(lambda: pane.model.rowCount() == 1, timeout=5000)

    qtbot.keyClick(pane.search, Qt.Key.Key_Down)
    assert QApplication.focusWidget() is pane.list
    assert pane.list.currentIndex().row() == 0
    qtbot.keyClick(pane.list, Qt.Key.Key_Return)
    assert bubble_texts(pane) == ["Where is parcel 9?"]

    pane.search.setFocus()
    qtbot.keyClick(pane.search, Qt.Key.Key_Escape)
    assert pane.search.text() == ""
    qtbot.waitUntil(lambda: pane.model.rowCount() == 2, timeout=5000)


def test_tab_reaches_a_pictures_open_and_save_before_the_reply_box(qtbot, windows, window, png):
    pane = pane_of(window)
    press_ctrl(qtbot, window, Qt.Key.Key_2)
    post_mo(windows, listener_url(window), "MO-tab-pic", "12025550181", "The label", picture=png)
    qtbot.waitUntil(lambda: pane.model.rowCount() == 1, timeout=10_000)
    click_thread(qtbot, pane, 0)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    pane.list.setFocus()
    qtbot.waitUntil(pane.list.hasFocus)

    names = []
    for _ in range(4):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        names.append(QApplication.focusWidget().objectName())

    assert names == ["threadMessages", "open", "save", "replyText"]


def test_ctrl_shift_u_while_writing_a_reply_keeps_the_thread_open(qtbot, windows, window):
    pane = open_reply(qtbot, windows, window, "MO-keys-0001", "Hello?")
    editor = pane.reply_box.editor
    activate(qtbot, window)
    qtbot.mouseClick(editor.viewport(), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(editor.hasFocus, timeout=5000)
    qtbot.keyClicks(editor, "Caf")

    # Many desktops type a character by its code after these keys.
    qtbot.keyClick(
        editor,
        Qt.Key.Key_U,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )

    assert pane.view.title.text().startswith("+1 202-555-0177")
    assert pane.reply_box.isEnabled()
    assert editor.toPlainText() == "Caf"
    assert ", read," in row_words(pane, 0)


def test_a_picture_alone_in_the_reply_box_says_why_send_waits(qtbot, windows, window, png):
    pane = open_reply(qtbot, windows, window, "MO-pic-alone-1", "Photo please")
    box = pane.reply_box
    assert not box.reason.isVisible()  # an empty box is no problem to point out

    assert drag_and_drop(box.editor.viewport(), file_mime(png)) == (True, True, True)
    wait_for_attachments(qtbot, box.attachment_list)

    assert not box.send_button.isEnabled()
    assert box.reason.isVisible()
    assert "needs text" in box.reason.text()


def test_a_picture_in_a_narrow_window_is_not_drawn_over_its_words(qtbot, windows, window, png):
    pane = open_reply(qtbot, windows, window, "MO-narrow-1", "Look", picture=png)

    window.resize(900, 700)
    qtbot.waitUntil(lambda: window.width() == 900, timeout=5000)
    qtbot.wait(100)  # the layouts settle

    (bubble,) = pane.view.bubbles()
    picture = bubble.findChild(QLabel, "thumbnail")
    parts = [picture, bubble.findChild(QLabel, "description"), *bubble.buttons]
    boxes = [
        part.geometry().translated(part.parentWidget().mapTo(bubble, QPoint(0, 0)))
        for part in parts
    ]
    for first in range(len(boxes)):
        for second in range(first + 1, len(boxes)):
            assert not boxes[first].intersects(boxes[second]), (parts[first], parts[second])
    # And all of it inside the bubble's frame, and the frame inside the thread: nothing cut.
    frame = bubble.frame.geometry()
    assert all(frame.contains(box) for box in boxes)
    viewport = pane.view.messages.viewport()
    right = bubble.frame.mapTo(viewport, QPoint(bubble.frame.width(), 0)).x()
    assert right <= viewport.width()
    assert not pane.view.messages.horizontalScrollBar().isVisible()


def test_ctrl_2_hands_the_keys_to_the_first_thread_and_down_goes_to_the_next(
    qtbot, windows, window
):
    url = listener_url(window)
    pane = pane_of(window)
    post_mo(windows, url, "MO-first-0001", "12025550101", "Older")
    post_mo(windows, url, "MO-first-0002", "12025550102", "Newer")
    qtbot.waitUntil(lambda: pane.model.rowCount() == 2, timeout=10_000)

    press_ctrl(qtbot, window, Qt.Key.Key_2)

    qtbot.waitUntil(pane.list.hasFocus, timeout=5000)
    assert pane.list.selectionModel().isRowSelected(0)  # shown chosen, not yet open
    assert pane.view.placeholder.isVisible()
    qtbot.keyClick(pane.list, Qt.Key.Key_Down)
    assert pane.list.currentIndex().row() == 1
    qtbot.keyClick(pane.list, Qt.Key.Key_Return)
    assert bubble_texts(pane) == ["Older"]
