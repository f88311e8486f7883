"""The compose pane, driven the way an operator drives it: typing, clicking, dropping files."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import (
    QColor,
    QDragEnterEvent,
    QDragMoveEvent,
    QDropEvent,
    QImage,
    QInputMethodEvent,
    QKeySequence,
)
from PySide6.QtWidgets import QApplication, QFileDialog

from console.attachments import MAX_TOTAL_BYTES
from console.protocol.mt_request import Attachment, HttpMethod, Priority
from console.settings import Profile
from console.store import open_store
from console.store.models import NewMessage
from console.ui.compose import ComposePane
from console.ui.palette import scheme
from tests.ui.driving import wait_for_attachments

# The offscreen platform says so whenever a window is shown; it is not about our code.
pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints")

PROFILE = Profile(
    name="support",
    senders=("12345", "Acme"),
    default_region="GB",
    default_priority=Priority.BULK,
)
US_NUMBER = "+1 (202) 555-0143"


@pytest.fixture
def pane(qtbot, qloop):
    # qloop: attachments are read in worker threads, through the Qt-driven asyncio loop.
    widget = ComposePane(PROFILE)
    qtbot.addWidget(widget)
    widget.resize(520, 640)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


@pytest.fixture
def png(tmp_path: Path) -> Path:
    image = QImage(120, 80, QImage.Format.Format_RGB32)
    image.fill(QColor("#3a7bd5"))
    path = tmp_path / "photo.png"
    assert image.save(str(path))
    return path


@pytest.fixture
def text_file(tmp_path: Path) -> Path:
    path = tmp_path / "notes.txt"
    path.write_text("Order 1234: two parcels\n", encoding="utf-8")
    return path


def fill_valid(qtbot, pane: ComposePane, text: str = "Hello") -> None:
    qtbot.keyClicks(pane.recipient, US_NUMBER)
    qtbot.keyClicks(pane.editor, text)


def commit_text(widget, text: str) -> None:
    """Text from an input method (an emoji picker, a compose key): how non-ASCII is typed."""
    event = QInputMethodEvent()
    event.setCommitString(text)
    QApplication.sendEvent(widget, event)


def file_mime(*paths: Path | str) -> QMimeData:
    mime = QMimeData()
    mime.setUrls([QUrl(p) if isinstance(p, str) else QUrl.fromLocalFile(str(p)) for p in paths])
    return mime


def drag_and_drop(target, mime: QMimeData) -> tuple[bool, bool, bool]:
    """Enter, move over and drop on ``target``; whether each step was accepted."""
    actions = Qt.DropAction.CopyAction
    buttons, modifiers = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    point = QPoint(target.width() // 2, target.height() // 2)
    enter = QDragEnterEvent(point, actions, mime, buttons, modifiers)
    QApplication.sendEvent(target, enter)
    move = QDragMoveEvent(point, actions, mime, buttons, modifiers)
    QApplication.sendEvent(target, move)
    drop = QDropEvent(QPointF(point), actions, mime, buttons, modifiers)
    QApplication.sendEvent(target, drop)
    return enter.isAccepted(), move.isAccepted(), drop.isAccepted()


def ucs2_marks(pane: ComposePane) -> list[tuple[int, int]]:
    """Where the editor's first paragraph shows the UCS-2 marking."""
    block = pane.editor.document().firstBlock()
    return [
        (r.start, r.length)
        for r in block.layout().formats()
        if r.format.background().color() == QColor(255, 214, 102)
    ]


# Recipient.


def test_recipient_preview_shows_the_number_as_it_will_be_sent(qtbot, pane):
    qtbot.keyClicks(pane.recipient, US_NUMBER)
    assert pane.recipient_preview.isVisible()
    assert pane.recipient_preview.text() == "→ +1 202-555-0143 (US)"
    assert pane.recipient_preview.toolTip() == ""


def test_recipient_read_in_the_profiles_region_with_its_warning(qtbot, pane):
    qtbot.keyClicks(pane.recipient, "07700 900123")
    assert pane.recipient_preview.text().startswith("→ +44 7700 900123 (GB) · ")
    assert "not known to be an assigned number" in pane.recipient_preview.toolTip()
    qtbot.keyClicks(pane.editor, "Hi")
    # A doubtful number is the operator's call: it does not block sending.
    assert pane.send_button.isEnabled()


def test_unusable_recipient_is_explained_and_blocks_send(qtbot, pane):
    qtbot.keyClicks(pane.recipient, "123")
    qtbot.keyClicks(pane.editor, "Hi")
    assert pane.recipient_preview.text().startswith("Not a usable number: it has too few digits")
    assert not pane.send_button.isEnabled()
    assert pane.reason.text().startswith("Check the recipient number: it has too few digits")


def test_letters_in_the_recipient_are_refused(qtbot, pane):
    qtbot.keyClicks(pane.recipient, "0770O 900123")
    assert pane.recipient_preview.text() == (
        "Not a usable number: it contains letters; type digits only"
    )


# Counter and UCS-2 marking.


def test_counter_for_plain_gsm_text(qtbot, pane):
    qtbot.keyClicks(pane.editor, "Hello there")
    assert pane.counter.summary.text() == (
        "SMS · 11 characters · GSM-7 · 1 of 10 segments (149 left in this segment)"
    )
    assert not pane.counter.ucs2_note.isVisible()
    assert ucs2_marks(pane) == []


def test_emoji_switches_to_ucs2_and_is_marked_and_named(qtbot, pane):
    qtbot.keyClicks(pane.editor, "Hi ")
    commit_text(pane.editor, "😀")
    qtbot.keyClicks(pane.editor, " ok")
    assert pane.counter.summary.text() == (
        "SMS · 7 characters · UCS-2 · 1 of 10 segments (62 left in this segment)"
    )
    assert pane.counter.ucs2_note.isVisible()
    assert pane.counter.ucs2_note.text() == "Sent as UCS-2 because of: 😀 grinning face (U+1F600)"
    assert "70 characters fit in one SMS" in pane.counter.ucs2_note.toolTip()
    # The emoji is two UTF-16 units wide in the editor, right after "Hi ".
    assert ucs2_marks(pane) == [(3, 2)]


def test_pasted_typographic_quote_is_marked(qtbot, pane):
    QApplication.clipboard().setText("don\u2019t")
    qtbot.keySequence(pane.editor, QKeySequence.StandardKey.Paste)
    assert "UCS-2" in pane.counter.summary.text()
    assert "right single quotation mark" in pane.counter.ucs2_note.text()
    assert ucs2_marks(pane) == [(3, 1)]


def test_no_break_space_is_sent_as_a_plain_space_and_not_marked(qtbot, pane):
    # The editor hands out a no-break space as a space, so it costs nothing.
    commit_text(pane.editor, "a\u00a0b")
    assert "GSM-7" in pane.counter.summary.text()
    assert ucs2_marks(pane) == []


def test_long_text_takes_several_segments(qtbot, pane):
    qtbot.keyClicks(pane.editor, "x" * 161)
    assert pane.counter.summary.text() == (
        "SMS · 161 characters · GSM-7 · 2 of 10 segments (145 left in this segment)"
    )


# Send button and its reason.


def test_send_is_disabled_with_the_first_problem_named(qtbot, pane):
    assert not pane.send_button.isEnabled()
    assert pane.reason.text() == "Enter a recipient number"
    qtbot.keyClicks(pane.recipient, US_NUMBER)
    assert pane.reason.text() == "Message is empty"
    pane.sender_box.lineEdit().clear()
    assert pane.reason.text() == "Sender is required"
    qtbot.keyClicks(pane.sender_box.lineEdit(), "Acme")
    qtbot.keyClicks(pane.editor, "Hello")
    assert pane.send_button.isEnabled()
    assert not pane.reason.isVisible()


def test_whitespace_only_message_is_empty(qtbot, pane):
    qtbot.keyClicks(pane.recipient, US_NUMBER)
    qtbot.keyClicks(pane.editor, "   ")
    assert not pane.send_button.isEnabled()
    assert pane.reason.text() == "Message is empty"


def test_bad_carrier_is_shown_at_the_field_and_blocks_send(qtbot, pane):
    fill_valid(qtbot, pane)
    qtbot.mouseClick(pane.more_toggle, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(pane.carrier, "T-Mobile")
    assert pane.carrier_error.isVisible()
    assert pane.carrier_error.text() == "The carrier ID must be a whole number"
    assert not pane.send_button.isEnabled()
    qtbot.mouseClick(pane.more_toggle, Qt.MouseButton.LeftButton)
    assert not pane.carrier.isVisible()
    assert pane.more_toggle.text() == "More options (carrier set)"
    assert pane.request_send() is False
    # Asking to send anyway opens the options at the offending field.
    assert pane.carrier.isVisible()
    assert pane.carrier.hasFocus()


def test_send_carries_the_composed_message(qtbot, pane):
    qtbot.keyClicks(pane.recipient, "07700 900123")
    pane.sender_box.setCurrentIndex(pane.sender_box.findText("Acme"))
    assert pane.priority.currentText() == "Bulk"
    pane.priority.setCurrentIndex(pane.priority.findText("Interactive"))
    # On the box itself: the widget is as wide as the form, its label is not.
    box = QPoint(8, pane.receipt.height() // 2)
    qtbot.mouseClick(pane.receipt, Qt.MouseButton.LeftButton, pos=box)
    qtbot.mouseClick(pane.more_toggle, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(pane.carrier, "31")
    qtbot.keyClicks(pane.app_id, "crm")
    qtbot.keyClicks(pane.conversation_id, "conv-7")
    qtbot.keyClicks(pane.editor, "Your parcel is on its way")
    with qtbot.waitSignal(pane.sendRequested) as sent:
        qtbot.mouseClick(pane.send_button, Qt.MouseButton.LeftButton)
    new = sent.args[0]
    assert isinstance(new, NewMessage)
    assert re.fullmatch(r"[0-9a-f]{32}", new.message_id)
    assert (new.profile, new.endpoint, new.method) == ("support", PROFILE.endpoint, HttpMethod.POST)
    assert (new.phone_number, new.sender, new.body) == (
        "447700900123",
        "Acme",
        "Your parcel is on its way",
    )
    assert (new.priority, new.receipt, new.carrier) == (Priority.INTERACTIVE, False, 31)
    assert (new.app_id, new.conversation_id, new.attachments) == ("crm", "conv-7", ())


def test_account_default_priority_and_empty_options_are_left_out(qtbot, pane):
    pane.priority.setCurrentIndex(pane.priority.findText("Account default"))
    fill_valid(qtbot, pane)
    with qtbot.waitSignal(pane.sendRequested) as sent:
        assert pane.request_send() is True
    new = sent.args[0]
    assert (new.priority, new.carrier, new.app_id, new.conversation_id) == (None, None, None, None)
    assert new.receipt is True
    assert new.sender == "12345"


def test_each_send_gets_a_new_message_id(qtbot, pane):
    fill_valid(qtbot, pane)
    with qtbot.waitSignal(pane.sendRequested) as first:
        pane.request_send()
    with qtbot.waitSignal(pane.sendRequested) as second:
        pane.request_send()
    assert first.args[0].message_id != second.args[0].message_id


def test_ctrl_enter_in_the_editor_sends(qtbot, pane):
    fill_valid(qtbot, pane)
    with qtbot.waitSignal(pane.sendRequested):
        qtbot.keyClick(pane.editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    with qtbot.waitSignal(pane.sendRequested):
        qtbot.keyClick(pane.editor, Qt.Key.Key_Enter, Qt.KeyboardModifier.ControlModifier)
    # Neither press added a line to the message.
    assert pane.editor.toPlainText() == "Hello"


def test_ctrl_enter_on_an_invalid_form_sends_nothing_and_points_at_the_problem(qtbot, pane):
    qtbot.keyClicks(pane.editor, "Hello")
    with qtbot.assertNotEmitted(pane.sendRequested):
        qtbot.keyClick(pane.editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert pane.recipient.hasFocus()


def test_busy_blocks_a_second_send_and_shows_progress(qtbot, pane):
    fill_valid(qtbot, pane)
    pane.set_busy(True)
    assert not pane.send_button.isEnabled()
    assert pane.sending_label.isVisible()
    assert pane.spinner.isVisible()
    with qtbot.assertNotEmitted(pane.sendRequested):
        assert pane.request_send() is False
    pane.set_busy(False)
    assert pane.send_button.isEnabled()
    assert not pane.sending_label.isVisible()


def test_failed_send_keeps_the_form(qtbot, pane, png):
    fill_valid(qtbot, pane, "Please call us back")
    pane.attachment_list.add_files([png])
    wait_for_attachments(qtbot, pane.attachment_list)
    with qtbot.waitSignal(pane.sendRequested):
        pane.request_send()
    pane.set_busy(True)
    pane.set_busy(False)
    pane.show_outcome("Not accepted: the sender is not allowed on this account.", ok=False)
    assert pane.outcome.isVisible()
    assert pane.outcome.text() == "Not accepted: the sender is not allowed on this account."
    assert scheme().error in pane.outcome.styleSheet()
    assert pane.recipient.text() == US_NUMBER
    assert pane.editor.toPlainText() == "Please call us back"
    assert len(pane.attachment_list.rows()) == 1
    assert pane.send_button.isEnabled()


def test_success_clears_the_message_but_keeps_who_it_goes_to(qtbot, pane, png):
    fill_valid(qtbot, pane)
    pane.attachment_list.add_files([png])
    wait_for_attachments(qtbot, pane.attachment_list)
    with qtbot.waitSignal(pane.sendRequested):
        pane.request_send()
    pane.clear_message()
    pane.show_outcome("Accepted by the provider.", ok=True)
    assert pane.editor.toPlainText() == ""
    assert pane.attachment_list.rows() == []
    assert pane.recipient.text() == US_NUMBER
    assert pane.sender_box.currentText() == "12345"
    assert pane.outcome.text() == "Accepted by the provider."
    assert scheme().ok in pane.outcome.styleSheet()
    # Typing replaces the number; Tab goes on to the text for the same customer.
    assert pane.recipient.hasFocus()
    assert pane.recipient.selectedText() == US_NUMBER
    assert pane.reason.text() == "Message is empty"


def test_text_typed_while_sending_survives_the_success(qtbot, pane):
    fill_valid(qtbot, pane, "First")
    with qtbot.waitSignal(pane.sendRequested):
        pane.request_send()
    pane.set_busy(True)
    qtbot.keyClicks(pane.editor, ", and second")
    pane.set_busy(False)
    pane.show_outcome("Accepted by the provider.", ok=True)
    pane.clear_message()
    assert pane.editor.toPlainText() == "First, and second"


# Attachments.


def test_dropped_png_and_text_file_are_listed(qtbot, pane, png, text_file):
    accepted = drag_and_drop(pane, file_mime(png, text_file))
    assert accepted == (True, True, True)
    wait_for_attachments(qtbot, pane.attachment_list)
    image_row, text_row = pane.attachment_list.rows()
    assert image_row.name_label.text() == "photo.png"
    assert image_row.detail_label.text().startswith("image/png · ")
    assert image_row.has_thumbnail
    thumb = image_row.thumbnail.pixmap()
    assert not thumb.isNull()
    assert (thumb.width(), thumb.height()) == (48, 32)
    assert text_row.name_label.text() == "notes.txt"
    assert text_row.detail_label.text() == "text/plain · 24 bytes"
    assert not text_row.has_thumbnail
    assert pane.counter.summary.text().startswith("MMS · 0 characters · 2 attachments, ")
    assert not pane.attachment_list.rejected.isVisible()


def test_files_dropped_on_the_editor_are_attached_not_pasted(qtbot, pane, png):
    qtbot.keyClicks(pane.editor, "See the photo")
    accepted = drag_and_drop(pane.editor.viewport(), file_mime(png))
    assert accepted == (True, True, True)
    wait_for_attachments(qtbot, pane.attachment_list)
    assert [r.name_label.text() for r in pane.attachment_list.rows()] == ["photo.png"]
    assert pane.editor.toPlainText() == "See the photo"


def test_attached_message_is_an_mms_and_sent_with_its_attachments(qtbot, pane, png):
    fill_valid(qtbot, pane, "Photo attached")
    commit_text(pane.editor, " 😀")
    drag_and_drop(pane, file_mime(png))
    wait_for_attachments(qtbot, pane.attachment_list)
    assert pane.counter.summary.text().startswith("MMS · 16 characters · 1 attachment, ")
    # An MMS is not split into segments: nothing to warn about.
    assert not pane.counter.ucs2_note.isVisible()
    assert ucs2_marks(pane) == []
    with qtbot.waitSignal(pane.sendRequested) as sent:
        pane.request_send()
    (attachment,) = sent.args[0].attachments
    assert attachment == Attachment("image/png", png.read_bytes(), "photo.png")


def test_web_links_are_not_accepted(qtbot, pane):
    accepted = drag_and_drop(pane, file_mime("https://example.com/photo.png"))
    assert accepted == (False, False, False)
    assert pane.attachment_list.rows() == []


def test_dropped_folder_is_refused_with_the_reason(qtbot, pane, tmp_path):
    folder = tmp_path / "holiday"
    folder.mkdir()
    drag_and_drop(pane, file_mime(folder))
    wait_for_attachments(qtbot, pane.attachment_list)
    assert pane.attachment_list.rows() == []
    assert pane.attachment_list.rejected.isVisible()
    assert pane.attachment_list.rejected.text() == (
        f"Not attached: {folder}: is a folder, not a file"
    )


def test_over_limit_file_is_refused_and_good_ones_kept(qtbot, pane, png, tmp_path):
    big = tmp_path / "video.mp4"
    big.write_bytes(b"\0" * (MAX_TOTAL_BYTES + 1))
    empty = tmp_path / "empty.txt"
    empty.touch()
    drag_and_drop(pane, file_mime(big, png, empty))
    wait_for_attachments(qtbot, pane.attachment_list)
    assert [r.name_label.text() for r in pane.attachment_list.rows()] == ["photo.png"]
    lines = pane.attachment_list.rejected.text().splitlines()
    assert lines == [
        "Not attached:",
        f"• {big}: 5.0 MiB is over the 5.0 MiB limit",
        f"• {empty}: the file is empty",
    ]


def test_files_that_together_exceed_the_limit_are_kept_and_hold_send(qtbot, pane, tmp_path):
    fill_valid(qtbot, pane)
    paths = []
    for name in ("a.txt", "b.txt"):
        path = tmp_path / name
        path.write_bytes(b"x" * (MAX_TOTAL_BYTES // 2 + 1))
        paths.append(path)
    drag_and_drop(pane, file_mime(*paths))
    wait_for_attachments(qtbot, pane.attachment_list)
    assert [r.name_label.text() for r in pane.attachment_list.rows()] == ["a.txt", "b.txt"]
    assert not pane.attachment_list.rejected.isVisible()
    # Two bytes over: the figures alone would read the same.
    assert pane.attachment_list.total.text() == "5.0 MiB of 5.0 MiB: 2 bytes over, remove some"
    assert not pane.send_button.isEnabled()


def test_add_button_attaches_the_files_chosen(qtbot, pane, png, text_file):
    qtbot.mouseClick(pane.attachment_list.add_button, Qt.MouseButton.LeftButton)
    dialog = pane.findChild(QFileDialog)
    qtbot.waitUntil(dialog.isVisible)
    # The dialog does not block: the pane stays usable while it is open.
    qtbot.keyClicks(pane.editor, "Hi")
    dialog.setDirectory(str(png.parent))
    dialog.selectFile(f'"{png.name}" "{text_file.name}"')
    dialog.accept()
    wait_for_attachments(qtbot, pane.attachment_list)
    names = [r.name_label.text() for r in pane.attachment_list.rows()]
    assert sorted(names) == ["notes.txt", "photo.png"]
    assert pane.editor.toPlainText() == "Hi"


def test_remove_button_and_delete_key_take_attachments_off(qtbot, pane, png, text_file):
    drag_and_drop(pane, file_mime(png, text_file))
    wait_for_attachments(qtbot, pane.attachment_list)
    qtbot.mouseClick(pane.attachment_list.rows()[0].remove_button, Qt.MouseButton.LeftButton)
    assert [r.name_label.text() for r in pane.attachment_list.rows()] == ["notes.txt"]
    view = pane.attachment_list.view
    view.setFocus()
    view.setCurrentRow(0)
    qtbot.keyClick(view, Qt.Key.Key_Delete)
    assert pane.attachment_list.rows() == []
    assert pane.attachment_list.hint.isVisible()
    assert pane.counter.summary.text().startswith("SMS · ")


# Profile, send again, focus.


def test_switching_profile_refills_senders_and_keeps_typed_text(qtbot, pane):
    qtbot.keyClicks(pane.recipient, US_NUMBER)
    qtbot.keyClicks(pane.editor, "Hello")
    other = Profile(name="sales", senders=("777",), default_priority=None, default_receipt=False)
    pane.set_profile(other)
    assert [pane.sender_box.itemText(i) for i in range(pane.sender_box.count())] == ["777"]
    assert pane.sender_box.currentText() == "777"
    assert pane.priority.currentText() == "Account default"
    assert not pane.receipt.isChecked()
    assert pane.recipient.text() == US_NUMBER
    assert pane.editor.toPlainText() == "Hello"
    with qtbot.waitSignal(pane.sendRequested) as sent:
        pane.request_send()
    assert sent.args[0].profile == "sales"


def test_profile_switch_keeps_a_sender_the_operator_typed(qtbot, pane):
    pane.sender_box.lineEdit().clear()
    qtbot.keyClicks(pane.sender_box.lineEdit(), "MyBrand")
    pane.set_profile(Profile(name="sales", senders=("777",)))
    assert pane.sender_box.currentText() == "MyBrand"


def test_profile_region_changes_how_the_number_is_read(qtbot, pane):
    qtbot.keyClicks(pane.recipient, "202 555 0143")
    pane.set_profile(Profile(name="us", senders=("1",), default_region="US"))
    assert pane.recipient_preview.text() == "→ +1 202-555-0143 (US)"


def test_send_again_loads_a_message(qtbot, pane, png):
    old = NewMessage(
        message_id="a" * 32,
        profile="support",
        phone_number="12025550143",
        sender="Acme",
        body="Your code is 1234",
        endpoint=PROFILE.endpoint,
        priority=Priority.INTERACTIVE_LOW,
        carrier=31,
        receipt=False,
        app_id="crm",
        attachments=(Attachment("image/png", png.read_bytes(), "photo.png"),),
    )
    pane.load_message(old)
    assert pane.recipient_preview.text() == "→ +1 202-555-0143 (US)"
    assert pane.sender_box.currentText() == "Acme"
    assert pane.priority.currentText() == "Interactive, low"
    assert not pane.receipt.isChecked()
    assert pane.carrier.isVisible()
    assert (pane.carrier.text(), pane.app_id.text()) == ("31", "crm")
    assert pane.editor.toPlainText() == "Your code is 1234"
    qtbot.waitUntil(lambda: pane.attachment_list.rows()[0].has_thumbnail)
    with qtbot.waitSignal(pane.sendRequested) as sent:
        pane.request_send()
    again = sent.args[0]
    assert again.message_id != old.message_id
    assert (again.phone_number, again.carrier, again.attachments) == (
        old.phone_number,
        31,
        old.attachments,
    )


def test_send_again_from_the_store(qtbot, pane, tmp_path):
    sent = NewMessage(
        message_id="b" * 32,
        profile="support",
        phone_number="447700900123",
        sender="12345",
        body="Reminder: appointment at 10:00",
        endpoint=PROFILE.endpoint,
        conversation_id="conv-9",
    )
    with open_store(tmp_path / "messages.db") as store:
        store.create_message(sent)
        stored = store.get_message(sent.message_id)
    pane.load_message(stored)
    assert pane.recipient_preview.text().startswith("→ +44 7700 900123 (GB)")
    assert pane.editor.toPlainText() == "Reminder: appointment at 10:00"
    assert pane.conversation_id.text() == "conv-9"
    assert pane.send_button.isEnabled()


def test_focus_recipient_selects_the_number(qtbot, pane):
    qtbot.keyClicks(pane.recipient, US_NUMBER)
    pane.editor.setFocus()
    pane.focus_recipient()
    assert pane.recipient.hasFocus()
    assert pane.recipient.selectedText() == US_NUMBER
