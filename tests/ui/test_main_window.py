"""The whole window over real parts: the demo simulator, the listener, a store file on disk.

Each test drives the window as the operator does (keys, drops, menu actions) and checks
what the operator would see: the log's rows, the compose pane, the detail panel and the
status bar.
"""

from __future__ import annotations

import csv
import logging
import socket
import time
import uuid
from dataclasses import replace
from pathlib import Path

import httpx
import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox

from console import demo
from console.export import COLUMNS
from console.keychain import service_name
from console.logging_setup import configure_logging
from console.paths import database_path, log_path, settings_path
from console.protocol.codes import MESSAGE_STATES
from console.settings import ListenerSettings, Profile, Settings, save_settings
from console.store.interface import MessageStore
from console.store.models import AttemptResult, Decision, MessageStatus, NewMessage
from console.store.sqlite import SqliteStore
from console.ui.credentials_dialog import CredentialsDialog
from console.ui.excepthook import ErrorReporter
from console.ui.log_columns import Column
from console.ui.main_window import MainWindow
from console.ui.palette import scheme
from tests.ui.driving import wait_for_attachments
from tests.ui.test_compose import drag_and_drop, file_mime

# The offscreen platform says so whenever a window is shown; it is not about our code.
pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints")

CUSTOMER = "+1 202-555-0100"
CUSTOMER_DIGITS = "12025550100"
# Receipts follow a send by a few seconds in demo mode; replies a little later still.
CALLBACK_WAIT_MS = 30_000
FINAL_STATE_NAMES = {state.name for state in MESSAGE_STATES.values() if state.final}


@pytest.fixture
def file_logging(data_dir: Path):
    """The program's own logging to ``console.log``, as ``run_window`` sets it up."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    configure_logging(data_dir, stderr_level=None)
    yield log_path(data_dir)
    for handler in list(root.handlers):
        root.removeHandler(handler)
        handler.close()
    for handler in handlers:
        root.addHandler(handler)
    root.setLevel(level)


# Helpers: what the operator does and sees.


def cell(window: MainWindow, row: int, column: Column) -> str:
    return window.model.index(row, column).data()


def column_values(window: MainWindow, column: Column) -> list[str]:
    return [cell(window, row, column) for row in range(window.model.rowCount())]


def selected_id(window: MainWindow) -> str | None:
    row = window.selected_row()
    return None if row is None else row.message_id


def compose(qtbot, window: MainWindow, text: str, to: str = CUSTOMER, sender: str = "") -> None:
    pane = window.compose
    pane.recipient.clear()
    qtbot.keyClicks(pane.recipient, to)
    if sender:
        pane.sender_box.lineEdit().clear()
        qtbot.keyClicks(pane.sender_box.lineEdit(), sender)
    pane.editor.clear()
    qtbot.keyClicks(pane.editor, text)


def press_send(qtbot, window: MainWindow, where=None) -> str:
    """Ctrl+Return (in the message text unless ``where`` is given); the new row's message_id."""
    before = window.model.rowCount()
    target = window.compose.editor if where is None else where
    qtbot.keyClick(target, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: window.model.rowCount() == before + 1, timeout=5000)
    row = window.model.message_at(0)
    assert row is not None
    return row.message_id


def activate(qtbot, window: MainWindow) -> None:
    """Make ``window`` the active one, as a click on it would: its shortcuts need that."""
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=5000)


def wait_for_outcome(qtbot, window: MainWindow) -> str:
    pane = window.compose
    qtbot.waitUntil(
        lambda: pane.outcome.isVisible() and not pane.sending_label.isVisible(), timeout=15_000
    )
    return pane.outcome.text()


def listener_url(window: MainWindow) -> str:
    """The callback URL as the operator gets it: the status button, then Copy."""
    status = window.listener_status
    assert status.text() == "● Receiving callbacks", status.text()
    status.click()
    (dialog,) = [d for d in window.findChildren(QDialog, "callbackUrlDialog") if d.isVisible()]
    dialog.copy_button.click()
    url = QApplication.clipboard().text()
    dialog.close()
    return url


def seed(data_dir: Path, *numbers: str) -> list[str]:
    """Messages an earlier session sent (the provider accepted them), oldest first; their
    ids. Undecided ones would be finished by the window as it starts."""
    with SqliteStore(database_path(data_dir)) as store:
        return seed_store(store, *numbers)


def seed_store(store: MessageStore, *numbers: str) -> list[str]:
    """:func:`seed` into ``store``."""
    ids = []
    for number in numbers:
        new = NewMessage(
            message_id=uuid.uuid4().hex,
            profile="demo",
            phone_number=number,
            sender="12345",
            body=f"Your parcel for {number} is on its way",
            endpoint="http://127.0.0.1:1/httpapi/receiver",
        )
        store.create_message(new)
        number_of = store.begin_attempt(new.message_id, time.time())
        store.finish_attempt(
            new.message_id,
            number_of,
            AttemptResult(finished_at=time.time(), http_status=200, result_code=0),
            Decision(MessageStatus.ACCEPTED, "accepted"),
        )
        ids.append(new.message_id)
    return ids


def visible_error_dialogs() -> list[QMessageBox]:
    return [
        w
        for w in QApplication.topLevelWidgets()
        if isinstance(w, QMessageBox) and w.objectName() == "errorDialog" and w.isVisible()
    ]


# Sending.


def test_ctrl_return_sends_and_the_receipt_updates_the_selected_row(qtbot, window):
    assert window.windowTitle() == "Demo mode"
    assert window.profile_label.text() == "Profile demo as demo"
    compose(qtbot, window, "Your order has shipped")

    message_id = press_send(qtbot, window)

    # The new row is on top and selected at once, while the provider is still answering.
    assert selected_id(window) == message_id
    assert window.table.selectionModel().isRowSelected(0)
    assert cell(window, 0, Column.DIRECTION) == "Out"
    assert cell(window, 0, Column.NUMBER) == CUSTOMER
    assert cell(window, 0, Column.TYPE) == "SMS"
    outcome = wait_for_outcome(qtbot, window)
    assert outcome == (
        f"Accepted by the provider for {CUSTOMER}. Its receipts will update the log."
    )
    assert window.compose.editor.toPlainText() == ""
    assert window.compose.recipient.text() == CUSTOMER
    # The row follows within the session's notification interval.
    qtbot.waitUntil(
        lambda: cell(window, 0, Column.STATUS) == "Accepted, awaiting receipt", timeout=5000
    )

    def final_receipt_shown() -> bool:
        row = window.model.row_for_message_id(message_id)
        return row is not None and cell(window, row, Column.STATUS) in FINAL_STATE_NAMES

    qtbot.waitUntil(final_receipt_shown, timeout=CALLBACK_WAIT_MS)
    # A customer reply may have arrived above it meanwhile: the selection follows the row.
    assert selected_id(window) == message_id
    state = cell(window, window.model.row_for_message_id(message_id), Column.STATUS)
    qtbot.waitUntil(lambda: f"Receipt: {state}" in window.detail.toPlainText(), timeout=5000)
    detail = window.detail.toPlainText()
    assert f"To {CUSTOMER}" in detail
    assert "Your order has shipped" in detail
    assert "Attempt 1: accepted" in detail
    assert message_id in detail


def test_dropped_picture_is_sent_as_an_mms(qtbot, window, png):
    compose(qtbot, window, "The photo you asked for")
    assert drag_and_drop(window.compose, file_mime(png)) == (True, True, True)
    wait_for_attachments(qtbot, window.compose.attachment_list)
    assert [r.name_label.text() for r in window.compose.attachment_list.rows()] == [png.name]

    activate(qtbot, window)

    # From the number field it is the window's shortcut that sends.
    message_id = press_send(qtbot, window, where=window.compose.recipient)

    assert window.model.rowCount() == 1
    assert cell(window, 0, Column.TYPE) == "MMS"
    assert window.model.index(0, Column.TYPE).data(Qt.ItemDataRole.ToolTipRole) == "1 attachment"
    assert wait_for_outcome(qtbot, window).startswith("Accepted by the provider")
    # The attachment went with the message, so the next one starts without it.
    assert window.compose.attachment_list.rows() == []
    qtbot.waitUntil(lambda: "MMS, 1 attachment" in window.detail.toPlainText(), timeout=5000)
    assert selected_id(window) == message_id


def test_refused_send_keeps_the_form_and_offers_send_again_not_retry(qtbot, window):
    compose(qtbot, window, "From an unregistered sender", sender="55555")

    message_id = press_send(qtbot, window)

    outcome = wait_for_outcome(qtbot, window)
    assert outcome.startswith("Not sent: Sender denied: This sender is not registered")
    assert scheme().error in window.compose.outcome.styleSheet()
    # Nothing the operator typed is lost.
    assert window.compose.recipient.text() == CUSTOMER
    assert window.compose.sender_box.currentText() == "55555"
    assert window.compose.editor.toPlainText() == "From an unregistered sender"
    qtbot.waitUntil(lambda: window.error_label.text() != "", timeout=5000)
    assert window.error_label.text().startswith(f"Message not sent: To {CUSTOMER}: ")
    assert window.error_label.objectName() == "lastError"
    qtbot.waitUntil(
        lambda: cell(window, 0, Column.STATUS) == "Refused: Sender denied", timeout=5000
    )
    assert selected_id(window) == message_id
    # A refusal would come back the same: only a new message (a new id) can fix it.
    assert not window.retry_action.isEnabled()
    assert window.send_again_action.isEnabled()

    window.compose.recipient.clear()
    window.compose.editor.clear()
    window.send_again_action.trigger()

    assert window.compose.recipient.text() == "+" + CUSTOMER_DIGITS
    assert window.compose.sender_box.currentText() == "55555"
    assert window.compose.editor.toPlainText() == "From an unregistered sender"
    assert window.compose.recipient.hasFocus()
    assert window.alerts.label.text() == "Copied into a new message: check it and send"


# The log.


def test_filter_finds_a_number_and_clearing_it_shows_every_row(qtbot, windows, data_dir):
    seed(data_dir, "12025550101", "12025550102", "447700900123")
    window = windows.open(data_dir)
    assert window.model.rowCount() == 3
    assert window.count_label.text() == "3 in the log"
    activate(qtbot, window)
    window.table.setFocus()

    qtbot.keyClick(window.table, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert window.filter_bar.text.hasFocus()
    with qtbot.waitSignal(window.model.modelReset, timeout=5000):
        qtbot.keyClicks(window.filter_bar.text, "555-0102")
        # The query waits for a pause in the typing, not for every key.
        assert window.model.rowCount() == 3

    assert column_values(window, Column.NUMBER) == ["+1 202-555-0102"]
    assert window.count_label.text() == "1 message matches the filter"

    with qtbot.waitSignal(window.model.modelReset, timeout=5000):
        window.filter_bar.text.clear()
    assert column_values(window, Column.NUMBER) == [
        "+44 7700 900123",
        "+1 202-555-0102",
        "+1 202-555-0101",
    ]
    assert window.count_label.text() == "3 in the log"


def test_customer_reply_appears_as_an_in_row_with_its_story(qtbot, windows, window):
    url = listener_url(window)
    fields = {
        "type": "MO",
        "message_id": "MO-reply-0001",
        "shortcode": "12345",
        "phone_number": "12025550177",
        "carrier": "31",
        "message": "Can you deliver after 6pm?",
    }

    async def post() -> int:
        async with httpx.AsyncClient(timeout=10) as client:
            return (await client.post(url, data=fields)).status_code

    assert windows.run(post()) == 200

    qtbot.waitUntil(lambda: window.model.row_for_message_id("MO-reply-0001") == 0, timeout=10_000)
    assert cell(window, 0, Column.DIRECTION) == "In"
    assert cell(window, 0, Column.NUMBER) == "+1 202-555-0177"
    assert cell(window, 0, Column.SENDER) == "12345"
    assert cell(window, 0, Column.STATUS) == "Received"
    # A reply is nothing to send again or retry.
    qtbot.mouseClick(
        window.table.viewport(),
        Qt.MouseButton.LeftButton,
        pos=QPoint(20, window.table.rowViewportPosition(0) + 5),
    )
    assert selected_id(window) == "MO-reply-0001"
    detail = window.detail.toPlainText()
    assert "Reply from +1 202-555-0177" in detail
    assert "From +1 202-555-0177 to 12345" in detail
    assert "A customer's reply · SMS · carrier 31" in detail
    assert "Can you deliver after 6pm?" in detail
    assert not window.send_again_action.isEnabled()
    assert not window.retry_action.isEnabled()


def test_csv_export_holds_the_rows_the_filter_shows(qtbot, windows, data_dir, tmp_path):
    seed(data_dir, "12025550101", "447700900123", "12025550102")
    window = windows.open(data_dir)
    with qtbot.waitSignal(window.model.modelReset, timeout=5000):
        qtbot.keyClicks(window.filter_bar.text, "202")
    shown = [window.model.message_at(row) for row in range(window.model.rowCount())]
    assert [row.phone_number for row in shown] == ["12025550102", "12025550101"]
    target = tmp_path / "exports" / "message-log.csv"
    target.parent.mkdir()

    window.export.export_to(target, window.filter_bar.query())

    qtbot.waitUntil(target.exists, timeout=10_000)
    qtbot.waitUntil(lambda: not window.export.running, timeout=10_000)
    with target.open(encoding="utf-8", newline="") as handle:
        exported = list(csv.DictReader(handle))
    assert list(exported[0]) == list(COLUMNS)
    assert [(r["message_id"], r["phone_number"], r["direction"]) for r in exported] == [
        (row.message_id, row.phone_number, "out") for row in shown
    ]
    assert [r["text_start"] for r in exported] == [row.preview for row in shown]
    assert {r["status"] for r in exported} == {"accepted"}
    assert window.alerts.label.text() == f"Exported 2 rows to {target}"
    # Only the finished file is left in the folder, no temporary one beside it.
    assert list(target.parent.iterdir()) == [target]


def test_sending_clears_a_filter_that_would_hide_the_new_row(qtbot, windows, data_dir):
    seed(data_dir, "447700900123")
    window = windows.open(data_dir)
    with qtbot.waitSignal(window.model.modelReset, timeout=5000):
        qtbot.keyClicks(window.filter_bar.text, "+44")
    compose(qtbot, window, "Not a UK number")

    message_id = press_send(qtbot, window)

    assert window.filter_bar.text.text() == ""
    # Said where the alerts show, so the operator knows why the other rows are back.
    assert "filter was cleared" in window.alerts.label.text()
    assert column_values(window, Column.NUMBER) == [CUSTOMER, "+44 7700 900123"]
    assert selected_id(window) == message_id
    assert wait_for_outcome(qtbot, window).startswith("Accepted by the provider")


# Credentials, window state, errors, listener.


def test_first_run_without_a_password_asks_for_it(qtbot, windows, data_dir):
    save_settings(
        settings_path(data_dir),
        Settings(
            profiles=(
                Profile(
                    name="support",
                    login="acme",
                    senders=("12345",),
                    endpoint="http://127.0.0.1:1/httpapi/receiver",
                ),
            ),
            active="support",
            listener=ListenerSettings(host="127.0.0.1", port=0),
        ),
    )

    window = windows.open(data_dir, demo_mode=False)

    dialog = window.findChild(CredentialsDialog)
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.isVisible() and not dialog.busy, timeout=5000)
    assert window.profile_label.text() == "Profile support: no credentials"
    assert dialog.windowTitle() == "Credentials — support"
    assert dialog.login_edit.text() == "acme"
    assert dialog.reason_label.text() == "Enter the password."
    qtbot.keyClicks(dialog.password_edit, "pw-first-run-42")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)

    qtbot.waitUntil(
        lambda: window.profile_label.text() == "Profile support as acme", timeout=10_000
    )
    # Closed and deleted once saved.
    qtbot.waitUntil(lambda: window.findChild(CredentialsDialog) is None)
    assert windows.keyring.entries == {(service_name("support"), "acme"): "pw-first-run-42"}


def test_window_size_and_splitters_come_back_next_time(qtbot, windows, data_dir):
    first = windows.open(data_dir)
    first.resize(1000, 650)
    # Narrow enough to leave the log its least width (its filter row) on that screen.
    first.main_split.setSizes([260, 740])
    first.right_split.setSizes([400, 200])
    first.table.setColumnWidth(Column.NUMBER, 210)
    qtbot.waitUntil(lambda: first.height() == 650, timeout=5000)
    compose_width, log_heights = first.main_split.sizes()[0], first.right_split.sizes()
    windows.close(first)
    assert (data_dir / "window.ini").exists()

    second = windows.open(data_dir)

    # The offscreen screen is 800 pixels wide and a restored window is fitted into its
    # screen, so only the height comes back exactly; the log takes any width difference.
    assert second.height() == 650
    assert second.main_split.sizes()[0] == compose_width
    assert second.right_split.sizes() == log_heights
    assert second.table.columnWidth(Column.NUMBER) == 210


def test_unexpected_error_shows_a_dialog_without_the_password_and_logs_it(
    qtbot, window, file_logging
):
    reporter = ErrorReporter(file_logging)
    # The demo password became known to the redaction when the demo credentials were made.
    secret = demo.DEMO_PASSWORD
    try:
        raise RuntimeError(f"the provider echoed password={secret} back")
    except RuntimeError as exc:
        error = exc

    reporter.excepthook(RuntimeError, error, error.__traceback__)

    qtbot.waitUntil(lambda: len(visible_error_dialogs()) == 1, timeout=5000)
    (box,) = visible_error_dialogs()
    try:
        texts = [box.windowTitle(), box.text(), box.informativeText(), box.detailedText()]
        assert box.text() == "RuntimeError: the provider echoed password=******** back"
        # Parented, so that a window manager keeps it above the window.
        assert box.parentWidget() is window
        assert str(file_logging) in box.informativeText()
        assert "test_main_window.py" in box.detailedText()
        assert not [t for t in texts if secret in t]
    finally:
        box.close()
    logged = file_logging.read_text(encoding="utf-8")
    assert "unexpected error" in logged
    assert "Traceback (most recent call last)" in logged
    assert "RuntimeError: the provider echoed password=******** back" in logged
    assert secret not in logged
    # The window is still there to work with.
    assert window.isVisible()


def test_listener_port_in_use_is_reported_and_sending_still_works(qtbot, windows, data_dir):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]

        window = windows.open(data_dir, listener_port=port)

        text = window.listener_status.text()
        assert text.startswith("Listener stopped: ")
        assert f"port {port} on 127.0.0.1 is already in use" in text
        assert scheme().error in window.listener_status.styleSheet()
        compose(qtbot, window, "Sent without a listener")
        press_send(qtbot, window)
        assert wait_for_outcome(qtbot, window).startswith("Accepted by the provider")


def test_renaming_the_profile_in_use_keeps_its_password(qtbot, windows, data_dir):
    profile = Profile(
        name="support",
        login="acme",
        senders=("12345",),
        endpoint="http://127.0.0.1:1/httpapi/receiver",
    )
    save_settings(
        settings_path(data_dir),
        Settings(
            profiles=(profile,),
            active="support",
            listener=ListenerSettings(host="127.0.0.1", port=0),
        ),
    )
    windows.keyring.entries[(service_name("support"), "acme")] = "pw-kept-across-42"
    window = windows.open(data_dir, demo_mode=False)
    qtbot.waitUntil(lambda: window.profile_label.text() == "Profile support as acme")

    renamed = replace(profile, name="front-desk")
    window._settings_accepted(
        replace(window.session.settings, profiles=(renamed,), active="front-desk")
    )

    qtbot.waitUntil(
        lambda: window.profile_label.text() == "Profile front-desk as acme", timeout=10_000
    )
    assert windows.keyring.entries == {(service_name("front-desk"), "acme"): "pw-kept-across-42"}
    assert window.findChild(CredentialsDialog) is None


def test_new_rows_do_not_move_older_rows_the_operator_is_reading(qtbot, windows, data_dir):
    window = windows.open(data_dir)
    store = window.session.store
    endpoint = window.session.profile.endpoint

    def add(number: int) -> str:
        message_id = f"bulk-{number:04d}"
        store.create_message(
            NewMessage(
                message_id=message_id,
                profile="demo",
                phone_number=CUSTOMER_DIGITS,
                sender="12345",
                body=f"note {number}",
                endpoint=endpoint,
            )
        )
        return message_id

    window._messages_changed(frozenset(add(n) for n in range(300)))
    qtbot.waitUntil(lambda: window.model.rowCount() == 300)
    bar = window.table.verticalScrollBar()
    qtbot.waitUntil(lambda: bar.maximum() > 120)
    bar.setValue(120)
    reading = window.model.message_at(window.table.rowAt(0)).message_id
    assert reading == "bulk-0179"

    window._messages_changed(frozenset({add(300), add(301)}))

    qtbot.waitUntil(lambda: window.model.rowCount() == 302)
    assert window.model.message_at(window.table.rowAt(0)).message_id == reading
    bar.setValue(0)
    assert window.model.message_at(window.table.rowAt(0)).message_id == "bulk-0301"


def test_demo_keeps_working_after_its_settings_change(qtbot, window):
    old_url = listener_url(window)
    old_endpoint = window.session.profile.endpoint
    settings = window.session.settings
    profile = replace(settings.profile(), messages_per_second=9.0)
    listener = replace(settings.listener, path_token="demo-token-changed-0123456789")

    window._settings_accepted(
        replace(settings, profiles=(profile, *settings.profiles[1:]), listener=listener)
    )

    qtbot.waitUntil(lambda: listener_url(window).endswith("/demo-token-changed-0123456789"))
    assert listener_url(window) != old_url
    # A new simulator calls the new URL back; the demo profile now points at it.
    qtbot.waitUntil(lambda: window.session.profile.endpoint != old_endpoint, timeout=10_000)
    qtbot.waitUntil(lambda: window.profile_label.text() == "Profile demo as demo", timeout=10_000)
    assert window.findChild(CredentialsDialog) is None
    compose(qtbot, window, "After the change")
    message_id = press_send(qtbot, window)

    def receipt_arrived() -> bool:
        row = window.model.row_for_message_id(message_id)
        return row is not None and cell(window, row, Column.STATUS) in FINAL_STATE_NAMES

    qtbot.waitUntil(receipt_arrived, timeout=CALLBACK_WAIT_MS)


def test_ctrl_end_and_ctrl_home_select_the_oldest_and_newest_rows(qtbot, windows, data_dir):
    seed(data_dir, "12025550101", "12025550102", "12025550103")
    window = windows.open(data_dir)
    activate(qtbot, window)
    window.table.setFocus()

    qtbot.keyClick(window.table, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
    assert cell(window, window.table.currentIndex().row(), Column.NUMBER) == "+1 202-555-0101"
    qtbot.keyClick(window.table, Qt.Key.Key_Home, Qt.KeyboardModifier.ControlModifier)
    assert window.table.currentIndex().row() == 0


def test_ctrl_end_and_ctrl_home_reach_the_log_from_the_filter_box_and_the_to_field(
    qtbot, windows, data_dir
):
    seed(data_dir, "12025550101", "12025550102", "12025550103")
    window = windows.open(data_dir)
    activate(qtbot, window)

    window.filter_bar.text.setFocus()
    qtbot.keyClick(window.filter_bar.text, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(window.filter_bar.text, Qt.Key.Key_Escape)
    assert cell(window, window.table.currentIndex().row(), Column.NUMBER) == "+1 202-555-0101"

    recipient = window.compose.recipient
    recipient.setFocus()
    qtbot.keyClick(recipient, Qt.Key.Key_Home, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(recipient, Qt.Key.Key_Escape)
    assert window.table.currentIndex().row() == 0

    # In the message text they move through its lines, as in any editor.
    text = window.compose.editor
    text.setFocus()
    qtbot.keyClicks(text, "first line")
    qtbot.keyClick(text, Qt.Key.Key_Home, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(text, Qt.Key.Key_Escape)
    assert text.textCursor().position() == 0
    assert window.table.currentIndex().row() == 0
