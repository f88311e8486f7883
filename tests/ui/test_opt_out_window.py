"""Opt-out in the window: a customer's STOP reaching the window's own listener stops the
next message to that number before it is stored, and the compose pane says why."""

from __future__ import annotations

import time

import httpx
import pytest
from PySide6.QtCore import QPoint, Qt

from console.paths import database_path
from console.protocol.codes import MESSAGE_STATES
from console.protocol.keywords import text_back_id
from console.store.models import AttemptResult, Decision, MessageStatus, NewMessage
from console.store.sqlite import SqliteStore
from console.store.suppression import ManualChange
from console.ui.log_columns import Column
from tests.support.cli import run_cli
from tests.ui.test_conversations import bubble_texts, click_thread, press_ctrl, row_words
from tests.ui.test_demo_profiles import open_settings
from tests.ui.test_detail_of_a_row import click_row
from tests.ui.test_keyword_settings import replies_tab
from tests.ui.test_main_window import (
    CUSTOMER,
    CUSTOMER_DIGITS,
    cell,
    compose,
    listener_url,
    press_send,
    wait_for_outcome,
)
from tests.ui.test_settings_dialog import ok_button

pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints")


def post_mo(windows, url: str, text: str, message_id: str) -> None:
    fields = {
        "type": "MO",
        "message_id": message_id,
        "shortcode": "12345",
        "phone_number": CUSTOMER_DIGITS,
        "message": text,
    }

    async def post() -> int:
        async with httpx.AsyncClient(timeout=10) as client:
            return (await client.post(url, data=fields)).status_code

    assert windows.run(post()) == 200


def test_a_send_to_a_number_that_replied_stop_is_refused_with_the_reason(qtbot, windows, window):
    url = listener_url(window)
    post_mo(windows, url, "Stop.", "MO-stop-0001")
    qtbot.waitUntil(lambda: window.model.row_for_message_id("MO-stop-0001") == 0, timeout=10_000)
    rows = window.model.rowCount()
    compose(qtbot, window, "Your order has shipped")
    # Said under the number before sending; the whole reason in its tooltip.
    preview = window.compose.recipient_preview
    assert preview.text().endswith(" · opted out: a message will be refused")
    assert preview.toolTip().startswith("This customer opted out on ")

    qtbot.keyClick(window.compose.editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)

    outcome = wait_for_outcome(qtbot, window)
    assert outcome.startswith("Not sent: This customer opted out on ")
    assert outcome.endswith("(STOP).")
    # Nothing was stored or sent, and the message stays in the form to send later.
    assert window.model.rowCount() == rows
    assert window.compose.editor.toPlainText() == "Your order has shipped"

    post_mo(windows, url, "START", "MO-start-0002")
    qtbot.waitUntil(lambda: window.model.row_for_message_id("MO-start-0002") == 0, timeout=10_000)
    # Each keyword's row in the log says what it did to the list.
    assert "Opt-out (STOP): the number went on the opt-out list" in click_row(
        qtbot, window, "MO-stop-0001"
    )
    assert "Opt-in (START): the number came off the opt-out list." in click_row(
        qtbot, window, "MO-start-0002"
    )
    compose(qtbot, window, "Your order has shipped", to=CUSTOMER)
    qtbot.waitUntil(lambda: "opted out" not in preview.text(), timeout=10_000)
    press_send(qtbot, window)
    assert wait_for_outcome(qtbot, window).startswith("Accepted by the provider")


def test_a_help_answer_typed_in_the_settings_goes_back_to_the_customer(qtbot, windows, window):
    dialog = open_settings(qtbot, window)
    fields = replies_tab(qtbot, dialog)
    qtbot.keyClicks(fields.help_reply, "Acme support: call 0800 000 000")
    simulator = window.session.profile.endpoint
    with qtbot.waitSignal(window.listenerRestarted, timeout=10_000):
        qtbot.mouseClick(ok_button(dialog), Qt.MouseButton.LeftButton, pos=QPoint(5, 5))
    # The listener started again with the new words, and the demo's simulator with it.
    qtbot.waitUntil(lambda: window.session.profile.endpoint != simulator, timeout=10_000)

    post_mo(windows, listener_url(window), "help", "MO-help-0001")

    answer = text_back_id("MO-help-0001")
    qtbot.waitUntil(lambda: window.model.row_for_message_id(answer) is not None, timeout=10_000)
    row = window.model.row_for_message_id(answer)
    assert row is not None
    assert cell(window, row, Column.NUMBER) == CUSTOMER
    assert cell(window, row, Column.DIRECTION) == "Out"
    # The provider took it; the demo's network may then deliver it or not.
    taken = {"Accepted", *(state.name for state in MESSAGE_STATES.values())}
    qtbot.waitUntil(
        lambda: cell(window, window.model.row_for_message_id(answer) or 0, Column.STATUS) in taken,
        timeout=15_000,
    )
    message = window.session.store.get_message(answer)
    assert message is not None
    assert message.body == "Acme support: call 0800 000 000"


def test_retrying_a_message_to_a_number_that_opted_out_says_why(qtbot, windows, data_dir):
    with SqliteStore(database_path(data_dir)) as store:
        store.create_message(
            NewMessage(
                message_id="gave-up-1",
                profile="demo",
                phone_number=CUSTOMER_DIGITS,
                sender="12345",
                body="Your parcel is on its way",
                endpoint="http://127.0.0.1:1/httpapi/receiver",
            )
        )
        number = store.begin_attempt("gave-up-1", time.time())
        store.finish_attempt(
            "gave-up-1",
            number,
            AttemptResult(finished_at=time.time(), http_status=200, result_code=98),
            Decision(MessageStatus.FAILED, "Gave up after 10 attempts."),
        )
        store.suppress(CUSTOMER_DIGITS, ManualChange("alice", "desk-1", "asked by phone"))
    window = windows.open(data_dir)
    qtbot.mouseClick(
        window.table.viewport(),
        Qt.MouseButton.LeftButton,
        pos=QPoint(20, window.table.rowViewportPosition(0) + 5),
    )
    assert window.retry_action.isEnabled()

    window.retry_action.trigger()

    note = window.alerts.label.text()
    assert note.startswith("This number was put on the opt-out list by alice on ")
    assert note.endswith(": asked by phone")
    message = window.session.store.get_message("gave-up-1")
    assert message is not None
    assert message.status is MessageStatus.FAILED
    assert message.attempt_count == 1


def test_the_opt_out_list_changed_from_the_command_line_shows_in_the_open_thread(
    qtbot, windows, window, data_dir
):
    url = listener_url(window)
    pane = window.conversations.pane
    box = pane.reply_box
    press_ctrl(qtbot, window, Qt.Key.Key_2)
    post_mo(windows, url, "Where is my parcel?", "MO-parcel-0001")
    qtbot.waitUntil(lambda: pane.model.rowCount() == 1, timeout=10_000)
    click_thread(qtbot, pane, 0)
    assert not pane.view.opted_out.isVisible()
    editor = box.editor
    qtbot.mouseClick(editor.viewport(), Qt.MouseButton.LeftButton)
    qtbot.keyClicks(editor, "It left today")

    # Meanwhile, at a terminal, on this computer's store.
    added = run_cli(data_dir, "suppression", "add", CUSTOMER_DIGITS, "--reason", "asked by phone")
    assert added.returncode == 0, added.stderr

    # The thread, its row and the box say so, with nothing clicked.
    qtbot.waitUntil(pane.view.opted_out.isVisible, timeout=10_000)
    assert "Put on the opt-out list on " in row_words(pane, 0)
    assert box.reason.text().startswith("Put on the opt-out list on ")
    assert box.reason.text().endswith(": a reply will be refused")
    qtbot.mouseClick(box.send_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(box.error.isVisible, timeout=10_000)
    assert box.error.text().startswith("This number was put on the opt-out list by ")
    assert box.error.text().endswith(": asked by phone")
    assert editor.toPlainText() == "It left today"

    removed = run_cli(data_dir, "suppression", "remove", CUSTOMER_DIGITS, "--reason", "called back")
    assert removed.returncode == 0, removed.stderr

    qtbot.waitUntil(lambda: not pane.view.opted_out.isVisible(), timeout=10_000)
    assert not box.reason.isVisible()
    assert not box.error.isVisible()  # the refusal no longer holds
    qtbot.mouseClick(box.send_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bubble_texts(pane)[-1:] == ["It left today"], timeout=10_000)
