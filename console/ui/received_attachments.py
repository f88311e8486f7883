"""A customer's MMS attachments: a thumbnail for each real picture, a line for every other,
with its kind, size and problem, and Open and Save… for each.

What is drawn, opened or saved goes by the content, never by the type it came with: a
"picture" that is a web page is shown as text and saved as ``.txt``. Used by the log's
detail and by a conversation's thread alike.
"""

from __future__ import annotations

import asyncio
import atexit
import functools
import re
import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QBuffer, QIODevice, QSize, QStandardPaths, Qt, QUrl
from PySide6.QtGui import QDesktopServices, QImage, QImageReader, QPixmap
from PySide6.QtWidgets import (
    QBoxLayout,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from console.attachments import format_size
from console.protocol.content_kinds import ContentKind, kind_of
from console.protocol.mt_request import Attachment
from console.ui.folders import start_folder
from console.ui.palette import Tone, tint

THUMBNAIL_SIZE = 96
# Pictures larger than this are drawn in a worker thread: decoding them takes a while.
DRAW_IN_THREAD = 64 * 1024
# A small file can claim a vast picture (a "decompression bomb"): not drawn past this.
MAX_PIXELS = 50_000_000
_QT_FORMATS = {
    "image/png": b"png",
    "image/jpeg": b"jpeg",
    "image/gif": b"gif",
    "image/webp": b"webp",
    "image/bmp": b"bmp",
}
_UNSAFE_NAME = re.compile(r"[^A-Za-z0-9_-]+")


def thumbnail(content: bytes, kind: ContentKind) -> QImage | None:
    """``content`` drawn at thumbnail size, read only as the picture format it is;
    None when it is no picture, or too large to draw. Safe off the GUI thread."""
    qt_format = _QT_FORMATS.get(kind.mime) if kind.picture else None
    if qt_format is None:
        return None
    buffer = QBuffer()
    buffer.setData(content)
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    reader = QImageReader(buffer, qt_format)
    reader.setDecideFormatFromContent(False)
    full = reader.size()
    if not full.isValid() or full.width() * full.height() > MAX_PIXELS:
        return None
    wanted = QSize(THUMBNAIL_SIZE, THUMBNAIL_SIZE)
    reader.setScaledSize(
        full.scaled(wanted, Qt.AspectRatioMode.KeepAspectRatio).expandedTo(QSize(1, 1))
    )
    image = reader.read()
    return None if image.isNull() else image


@functools.cache
def _private_folder() -> Path:
    """A folder only this user can read (``mkdtemp`` makes it so), gone when we end."""
    folder = Path(tempfile.mkdtemp(prefix="sms-console-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    return folder


def file_name(stem: str, number: int, kind: ContentKind) -> str:
    """A name no file system or shell misreads, with the extension of what it really is."""
    safe = _UNSAFE_NAME.sub("_", stem).strip("_")[:40] or "reply"
    return f"{safe}-{number}{kind.extension}"


class ReceivedAttachmentsView(QWidget):
    """The attachments of one received message; hidden when it has none."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("receivedAttachments")
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(4, 4, 4, 4)
        self._rows: list[QWidget] = []
        self._tasks: set[asyncio.Task[None]] = set()
        self._shown = 0  # which showing a late thumbnail belongs to
        self.last_folder = ""
        self.error = QLabel(self)
        self.error.setObjectName("saveError")
        self.error.setWordWrap(True)
        tint(self.error, Tone.ERROR)
        self.error.hide()
        self._layout.addWidget(self.error)
        self.hide()

    def show_attachments(self, attachments: Sequence[Attachment], stem: str = "reply") -> None:
        """Show ``attachments`` (of the message ``stem`` names, for file names)."""
        self._shown += 1
        self.error.hide()
        for row in self._rows:
            row.deleteLater()
        self._rows = [
            self._row(number, attachment, stem)
            for number, attachment in enumerate(attachments, start=1)
        ]
        for row in self._rows:
            self._layout.insertWidget(self._layout.count() - 1, row)
        self.setVisible(bool(self._rows))

    def set_stacked(self, stacked: bool) -> None:
        """Each picture above its words and buttons (a narrow place), or beside them."""
        direction = (
            QBoxLayout.Direction.TopToBottom if stacked else QBoxLayout.Direction.LeftToRight
        )
        for row in self._rows:
            layout = row.layout()
            if isinstance(layout, QBoxLayout):
                layout.setDirection(direction)

    def _row(self, number: int, attachment: Attachment, stem: str) -> QWidget:
        kind = kind_of(attachment.content)
        row = QWidget(self)
        row.setObjectName(f"receivedAttachment{number}")
        layout = QHBoxLayout(row)
        layout.setContentsMargins(0, 0, 0, 0)
        picture = QLabel(row)
        picture.setObjectName("thumbnail")
        picture.setFixedSize(THUMBNAIL_SIZE, THUMBNAIL_SIZE)
        picture.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(picture)
        words = [kind.words if kind.known else attachment.content_type]
        words.append(format_size(len(attachment.content)))
        text = QLabel(" · ".join(words), row)
        text.setObjectName("description")
        text.setWordWrap(True)
        text.setTextFormat(Qt.TextFormat.PlainText)  # the sender's words, never markup
        column = QVBoxLayout()
        column.addWidget(text)
        if attachment.problem:
            problem = QLabel(attachment.problem, row)
            problem.setObjectName("problem")
            problem.setWordWrap(True)
            problem.setTextFormat(Qt.TextFormat.PlainText)
            tint(problem, Tone.WARNING)
            column.addWidget(problem)
        layout.addLayout(column, 1)
        name = file_name(stem, number, kind)
        opener = QPushButton("Open", row)
        opener.setObjectName("open")
        # Data of no known kind is only saved: no program is chosen for it blindly.
        opener.setEnabled(kind.extension != ".bin")
        opener.clicked.connect(lambda: self.open_attachment(attachment.content, name))
        saver = QPushButton("Save…", row)
        saver.setObjectName("save")
        saver.clicked.connect(lambda: self.save_attachment(attachment.content, name))
        # Under its words, so that a narrow place (a conversation's bubble) still fits it.
        buttons = QHBoxLayout()
        buttons.addWidget(opener)
        buttons.addWidget(saver)
        buttons.addStretch(1)
        column.addLayout(buttons)
        if kind.picture:
            self._draw(picture, attachment.content, kind)
        else:
            picture.setText(kind.extension.lstrip(".").upper())
        return row

    def _draw(self, label: QLabel, content: bytes, kind: ContentKind) -> None:
        if len(content) <= DRAW_IN_THREAD:
            self._set(label, thumbnail(content, kind))
            return
        label.setText("…")
        shown = self._shown
        task = asyncio.get_running_loop().create_task(self._draw_later(label, content, kind, shown))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _draw_later(
        self, label: QLabel, content: bytes, kind: ContentKind, shown: int
    ) -> None:
        image = await asyncio.to_thread(thumbnail, content, kind)
        if shown == self._shown:  # else its row is gone
            self._set(label, image)

    @staticmethod
    def _set(label: QLabel, image: QImage | None) -> None:
        if image is None:
            label.setText("Not drawn")
            label.setToolTip("This picture cannot be drawn (damaged, or far too large).")
        else:
            label.setPixmap(QPixmap.fromImage(image))

    def save_attachment(self, content: bytes, name: str) -> None:
        """Ask where to save ``content`` (without blocking), then write it there."""
        folder = start_folder(QStandardPaths.StandardLocation.DownloadLocation, self.last_folder)
        dialog = QFileDialog(self, "Save attachment", str(Path(folder) / name))
        dialog.setObjectName("saveAttachmentDialog")
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.fileSelected.connect(lambda chosen: self._write(Path(chosen), content))
        dialog.open()

    def _write(self, path: Path, content: bytes) -> None:
        try:
            path.write_bytes(content)
        except OSError as exc:
            self.error.setText(f"{path} could not be written: {exc.strerror}")
            self.error.show()
            return
        self.error.hide()
        self.last_folder = str(path.parent)

    def open_attachment(self, content: bytes, name: str) -> Path:
        """Write ``content`` to a private temporary folder and open it with the desktop's
        program for its kind; the file's path."""
        path = _private_folder() / name
        path.write_bytes(content)
        if not QDesktopServices.openUrl(QUrl.fromLocalFile(str(path))):
            self.error.setText(
                f"No program on this computer opens {name}: use Save… to keep it and open it "
                "with a program of your choice."
            )
            self.error.show()
        return path
