"""Attachments are read off the GUI thread: the window keeps beating while a photo loads,
the list keeps the order the files were added in, and Send waits for all of them."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from console.attachments import MAX_TOTAL_BYTES
from console.protocol.mt_request import Attachment
from console.store.models import NewMessage
from console.ui.attachment_list import LOADING_TEXT
from console.ui.compose import ComposePane
from tests.support.heartbeat import Heartbeat
from tests.support.pictures import camera_photo
from tests.ui.driving import wait_for_attachments
from tests.ui.test_compose import PROFILE, drag_and_drop, file_mime, fill_valid

pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints")

STALL_MS = 50.0
# The machine may be busy with other work: the best of a few rounds is the code's figure.
ROUNDS = 3


@pytest.fixture
def pane(qtbot, qloop):
    widget = ComposePane(PROFILE)
    qtbot.addWidget(widget)
    widget.resize(520, 640)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


@pytest.fixture(scope="module")
def photo(qapp, tmp_path_factory) -> Path:
    path = camera_photo(tmp_path_factory.mktemp("camera") / "IMG_0412.jpg")
    assert 4 * 1024 * 1024 < path.stat().st_size <= MAX_TOTAL_BYTES
    return path


@pytest.fixture
def note(tmp_path: Path) -> Path:
    path = tmp_path / "notes.txt"
    path.write_text("Parcel left with the neighbour\n", encoding="utf-8")
    return path


def names(pane: ComposePane) -> list[str]:
    return [row.name_label.text() for row in pane.attachment_list.rows()]


def thumbnail_shown(pane: ComposePane) -> bool:
    rows = pane.attachment_list.rows()
    return bool(rows) and rows[0].has_thumbnail


def longest_stall_ms(qtbot, pane: ComposePane, attach) -> float:
    """The best round's longest heartbeat gap from ``attach`` until the thumbnail shows."""
    stalls = []
    for _round in range(ROUNDS):
        pane.attachment_list.clear()
        heartbeat = Heartbeat()
        heartbeat.start()
        qtbot.wait(30)
        attach()
        qtbot.waitUntil(lambda: thumbnail_shown(pane), timeout=10000)
        heartbeat.stop()
        stalls.append(heartbeat.longest_gap_ms())
        if stalls[-1] <= STALL_MS:
            break
    return min(stalls)


def test_dropping_a_camera_photo_does_not_freeze_the_window(qtbot, pane, photo):
    stall = longest_stall_ms(qtbot, pane, lambda: drag_and_drop(pane, file_mime(photo)))
    assert stall <= STALL_MS
    (row,) = pane.attachment_list.rows()
    assert row.detail_label.text() == "image/jpeg · 4.5 MiB"
    thumb = row.thumbnail.pixmap()
    assert (thumb.width(), thumb.height()) == (48, 36)


def test_sending_a_photo_again_does_not_freeze_the_window(qtbot, pane, photo):
    content = photo.read_bytes()
    again = NewMessage(
        message_id="c" * 32,
        profile="support",
        phone_number="12025550143",
        sender="Acme",
        body="The photo again",
        endpoint=PROFILE.endpoint,
        attachments=(Attachment("image/jpeg", content, photo.name),),
    )
    stall = longest_stall_ms(qtbot, pane, lambda: pane.load_message(again))
    assert stall <= STALL_MS
    assert pane.send_button.isEnabled()


def test_send_waits_until_every_attachment_is_read(qtbot, pane, photo):
    fill_valid(qtbot, pane, "The photo of the parcel")
    drag_and_drop(pane, file_mime(photo))
    (row,) = pane.attachment_list.rows()
    assert (row.name_label.text(), row.detail_label.text()) == (photo.name, LOADING_TEXT)
    assert not pane.send_button.isEnabled()
    assert pane.reason.text() == "Waiting for the attachments to load"
    with qtbot.assertNotEmitted(pane.sendRequested):
        qtbot.keyClick(pane.editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(pane.editor, Qt.Key.Key_Escape)

    wait_for_attachments(qtbot, pane.attachment_list)
    assert pane.send_button.isEnabled()
    assert not pane.reason.isVisible()
    with qtbot.waitSignal(pane.sendRequested) as sent:
        qtbot.mouseClick(pane.send_button, Qt.MouseButton.LeftButton)
    (attachment,) = sent.args[0].attachments
    assert attachment == Attachment("image/jpeg", photo.read_bytes(), photo.name)


def test_a_quick_file_added_after_a_slow_one_stays_after_it(qtbot, pane, photo, note):
    drag_and_drop(pane, file_mime(photo, note))
    assert names(pane) == [photo.name, "notes.txt"]
    wait_for_attachments(qtbot, pane.attachment_list)
    assert names(pane) == [photo.name, "notes.txt"]
    assert [a.filename for a in pane.attachment_list.attachments()] == [photo.name, "notes.txt"]


def test_a_photo_removed_while_it_loads_stays_removed(qtbot, pane, photo, note):
    drag_and_drop(pane, file_mime(photo, note))
    loading = pane.attachment_list.rows()[0]
    assert loading.detail_label.text() == LOADING_TEXT
    qtbot.mouseClick(loading.remove_button, Qt.MouseButton.LeftButton)
    wait_for_attachments(qtbot, pane.attachment_list)
    assert names(pane) == ["notes.txt"]
    # Added again, the photo is read after the first read ended: only its own result shows.
    drag_and_drop(pane, file_mime(photo))
    wait_for_attachments(qtbot, pane.attachment_list)
    assert names(pane) == ["notes.txt", photo.name]
    assert [a.filename for a in pane.attachment_list.attachments()] == ["notes.txt", photo.name]
    assert not pane.attachment_list.rejected.isVisible()


def test_a_photo_dropped_while_sending_survives_the_success(qtbot, pane, photo):
    fill_valid(qtbot, pane, "First")
    with qtbot.waitSignal(pane.sendRequested):
        qtbot.mouseClick(pane.send_button, Qt.MouseButton.LeftButton)
    pane.set_busy(True)
    drag_and_drop(pane, file_mime(photo))
    pane.set_busy(False)
    pane.show_outcome("Accepted by the provider.", ok=True)
    pane.clear_message()
    wait_for_attachments(qtbot, pane.attachment_list)
    assert names(pane) == [photo.name]
