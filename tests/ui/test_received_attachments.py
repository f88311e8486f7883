"""A customer's MMS in the log's detail: a thumbnail for a real picture (drawn off the GUI
thread when large), a line with its problem for an attachment that is not what it says,
and Save… and Open that write its exact bytes under a safe name."""

from __future__ import annotations

import base64
import random
from pathlib import Path

import pytest
from PySide6.QtCore import QBuffer, QIODevice, QObject, Qt, QUrl, Slot
from PySide6.QtGui import QDesktopServices, QImage
from PySide6.QtWidgets import QFileDialog, QLabel, QPushButton, QWidget

from console.paths import database_path
from console.protocol.callbacks import parse_callback
from console.store.models import IncomingReply
from console.store.sqlite import SqliteStore
from console.ui.received_attachments import DRAW_IN_THREAD, THUMBNAIL_SIZE
from tests.ui.test_detail_of_a_row import click_row

pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints")

SVG = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect/></svg>'


def noisy_png(width: int, height: int) -> bytes:
    """A photo-like PNG: noise does not compress, so it is large."""
    pixels = random.Random(7).randbytes(width * height * 4)
    image = QImage(pixels, width, height, QImage.Format.Format_RGB32)
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    assert image.save(buffer, "PNG")
    return bytes(buffer.data())


def store_reply(data_dir: Path, message_id: str, *parts: tuple[str, bytes]) -> None:
    """An MO as the listener reads and stores it."""
    fields = [("type", "MO"), ("message_id", message_id), ("shortcode", "12345")]
    fields += [("phone_number", "447700900123"), ("message", "Here you go")]
    for number, (content_type, content) in enumerate(parts):
        fields.append((f"mms_attachment[{number}].content_type", content_type))
        fields.append((f"mms_attachment[{number}].content", base64.b64encode(content).decode()))
    parsed = parse_callback(fields)
    assert not hasattr(parsed, "message_state")
    with SqliteStore(database_path(data_dir)) as store:
        store.add_reply(
            IncomingReply(
                message_id, "12345", "447700900123", None, "Here you go", 1000.0,
                "203.0.113.7", "type=MO", parsed.attachments,  # type: ignore[union-attr]
            )
        )  # fmt: skip


def row_of(window, number: int) -> QWidget:
    row = window.findChild(QWidget, f"receivedAttachment{number}")
    assert row is not None
    assert row.isVisible()
    return row


class Opened(QObject):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[QUrl] = []

    @Slot(QUrl)
    def open(self, url: QUrl) -> None:
        self.urls.append(url)


def test_a_reply_picture_is_a_thumbnail_and_a_disguised_script_is_not(
    qtbot, windows, data_dir, tmp_path
) -> None:
    photo = noisy_png(640, 480)
    assert len(photo) > DRAW_IN_THREAD
    store_reply(data_dir, "mo-pic", ("image/png", photo), ("image/png", SVG))
    window = windows.open(data_dir)

    detail = click_row(qtbot, window, "mo-pic")

    assert "MMS, 2 attachments" in detail
    picture = row_of(window, 1).findChild(QLabel, "thumbnail")
    qtbot.waitUntil(lambda: not picture.pixmap().isNull(), timeout=5000)
    assert picture.pixmap().width() == THUMBNAIL_SIZE
    assert picture.pixmap().height() == THUMBNAIL_SIZE * 480 // 640
    assert row_of(window, 1).findChild(QLabel, "description").text().startswith("a PNG picture")
    script = row_of(window, 2)
    assert script.findChild(QLabel, "thumbnail").pixmap().isNull()
    assert script.findChild(QLabel, "problem").text() == (
        "said image/png, content is an SVG drawing (may hold script)"
    )

    # Save… asks where, then writes the exact bytes.
    qtbot.mouseClick(row_of(window, 1).findChild(QPushButton, "save"), Qt.MouseButton.LeftButton)
    dialog = window.findChild(QFileDialog, "saveAttachmentDialog")
    assert dialog is not None
    assert dialog.isVisible()
    assert dialog.selectedFiles()[0].endswith("mo-pic-1.png")
    target = tmp_path / "saved.png"
    dialog.selectFile(str(target))
    dialog.accept()
    qtbot.waitUntil(target.exists, timeout=5000)
    assert target.read_bytes() == photo

    # Open hands the desktop a private copy named for what the content is: text, not SVG.
    opened = Opened()
    QDesktopServices.setUrlHandler("file", opened, "open")
    try:
        qtbot.mouseClick(script.findChild(QPushButton, "open"), Qt.MouseButton.LeftButton)
    finally:
        QDesktopServices.unsetUrlHandler("file")
    (url,) = opened.urls
    path = Path(url.toLocalFile())
    assert path.name == "mo-pic-2.txt"
    assert path.read_bytes() == SVG
    assert path.parent.stat().st_mode & 0o077 == 0


def test_a_reply_without_attachments_shows_none(qtbot, windows, data_dir) -> None:
    store_reply(data_dir, "mo-pic", ("image/png", noisy_png(8, 8)))
    store_reply(data_dir, "mo-text")
    window = windows.open(data_dir)
    click_row(qtbot, window, "mo-pic")
    assert window.findChild(QWidget, "receivedAttachments").isVisible()
    click_row(qtbot, window, "mo-text")
    assert not window.findChild(QWidget, "receivedAttachments").isVisible()


def test_an_attachment_no_program_opens_says_so_and_points_to_save(
    qtbot, windows, data_dir, monkeypatch
) -> None:
    # Nothing here decides what a desktop can open: the desktop's answer is stood in for.
    monkeypatch.setattr(QDesktopServices, "openUrl", staticmethod(lambda _url: False))
    store_reply(data_dir, "mo-doc", ("text/plain", b"Order 4411, damaged on arrival"))
    window = windows.open(data_dir)
    click_row(qtbot, window, "mo-doc")
    error = window.findChild(QLabel, "saveError")
    assert not error.isVisible()

    qtbot.mouseClick(row_of(window, 1).findChild(QPushButton, "open"), Qt.MouseButton.LeftButton)

    assert error.isVisible()
    assert error.text().startswith("No program on this computer opens mo-doc-1.txt")
    assert "Save…" in error.text()


def test_many_attachments_scroll_and_leave_the_detail_its_room(qtbot, windows, data_dir) -> None:
    pictures = [("image/png", noisy_png(8, 8)) for _ in range(8)]
    store_reply(data_dir, "mo-many", *pictures)
    window = windows.open(data_dir)
    window.resize(1280, 800)

    click_row(qtbot, window, "mo-many")

    area = window.findChild(QWidget, "replyFilesArea")
    qtbot.waitUntil(area.isVisible)
    qtbot.wait(50)
    # The timeline keeps the larger share; the eight rows scroll in theirs.
    assert window.detail.height() > area.height()
    assert row_of(window, 8).findChild(QPushButton, "save") is not None
