"""An attachment is typed by its content: a file that is no type an MMS carries, or a
picture that cannot be decoded, is refused with the reason; a misnamed one is typed right."""

from __future__ import annotations

import random

import pytest

from tests.ui.driving import wait_for_attachments
from tests.ui.test_attachment_total import shown
from tests.ui.test_compose import drag_and_drop, file_mime
from tests.ui.test_main_window import compose

pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints")


def test_random_bytes_named_jpg_are_refused_with_the_reason(qtbot, window, tmp_path):
    pane = window.compose
    attachments = pane.attachment_list
    compose(qtbot, window, "The photo of the parcel")
    fake = tmp_path / "fake.jpg"
    fake.write_bytes(random.Random(7).randbytes(4 * 1024 * 1024))

    drag_and_drop(pane, file_mime(fake))
    wait_for_attachments(qtbot, attachments)
    qtbot.waitUntil(attachments.rejected.isVisible, timeout=10000)
    assert attachments.rows() == []
    assert attachments.rejected.text() == (
        f"Not attached: {fake}: its content is not a picture, audio, video or document type "
        "an MMS can carry (no known type was recognised in it)"
    )
    # Nothing of it goes: the message is still a plain SMS, and can be sent as one.
    assert pane.counter.summary.text().startswith("SMS · ")
    assert pane.send_button.isEnabled()


# The JPEG decoder says what it makes of the bytes; that is not the point here.
@pytest.mark.qt_log_ignore("JFIF", "marker", "JPEG", "Corrupt", "Premature")
def test_a_picture_that_cannot_be_decoded_is_refused(qtbot, window, tmp_path):
    pane = window.compose
    attachments = pane.attachment_list
    # A JPEG's first bytes, then nothing a decoder can make a picture of.
    broken = tmp_path / "IMG_0413.jpg"
    broken.write_bytes(b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + random.Random(8).randbytes(20000))

    drag_and_drop(pane, file_mime(broken))
    wait_for_attachments(qtbot, attachments)
    qtbot.waitUntil(attachments.rejected.isVisible, timeout=10000)
    assert attachments.rows() == []
    assert attachments.rejected.text() == (
        f"Not attached: {broken}: its content begins as a picture (image/jpeg), but the "
        "picture cannot be decoded: the file is damaged or not a picture"
    )


def test_a_file_named_for_one_type_is_sent_as_the_type_of_its_content(qtbot, window, png, tmp_path):
    pane = window.compose
    attachments = pane.attachment_list
    misnamed = tmp_path / "scan.jpg"
    misnamed.write_bytes(png.read_bytes())
    note = tmp_path / "note.jpg"
    note.write_text("Left with the neighbour at number 12\n", encoding="utf-8")

    drag_and_drop(pane, file_mime(misnamed, note))
    wait_for_attachments(qtbot, attachments)
    picture, text = attachments.rows()
    assert picture.detail_label.text().startswith("image/png · ")
    assert picture.has_thumbnail
    assert text.detail_label.text() == "text/plain · 37 bytes"
    assert not attachments.rejected.isVisible()


def test_the_total_and_each_attachment_give_sizes_alike(qtbot, window, tmp_path):
    pane = window.compose
    attachments = pane.attachment_list
    note = tmp_path / "note.txt"
    note.write_text("Parcel notes\n" * 87, encoding="utf-8")  # 1,131 bytes
    drag_and_drop(pane, file_mime(note))
    wait_for_attachments(qtbot, attachments)
    (row,) = attachments.rows()
    assert row.detail_label.text() == "text/plain · 1.1 KiB"
    assert "1.1 KiB of 5.0 MiB" in shown(pane)
