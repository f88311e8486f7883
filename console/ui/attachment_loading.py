"""Reading an attachment and drawing its thumbnail, in a worker thread.

A camera photo takes a tenth of a second or more to decode: on the GUI thread that is a
frozen window. These functions are safe to run off it; only the final QPixmap (48 pixels
square) is made on the GUI thread, from the QImage they return.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QBuffer, QIODevice, QSize, Qt
from PySide6.QtGui import QImage, QImageReader

from console.attachments import AttachmentError, load_attachment
from console.protocol.mt_request import Attachment

THUMBNAIL_SIZE = 48


@dataclass(frozen=True)
class Loaded:
    """An attachment with its thumbnail; None when Qt cannot read it as an image."""

    attachment: Attachment
    thumbnail: QImage | None


def read_file(path: Path) -> Loaded:
    """Read ``path`` as an attachment and draw its thumbnail.

    Raises:
        AttachmentError: as :func:`console.attachments.load_attachment`; or its content
            begins as a kind of picture Qt reads, yet it cannot be decoded (damaged, or
            only its first bytes are a picture's): the phone could not show it either.
    """
    attachment = load_attachment(path)
    thumbnail = thumbnail_image(attachment.content)
    if thumbnail is None and attachment.content_type.startswith("image/"):
        buffer = _buffer(attachment.content)
        # A kind Qt has no reader for (HEIC without its plugin) goes as it is.
        if QImageReader(buffer).canRead():
            raise AttachmentError(
                f"{path}: its content begins as a picture ({attachment.content_type}), but "
                "the picture cannot be decoded: the file is damaged or not a picture"
            )
    return Loaded(attachment, thumbnail)


def with_thumbnail(attachment: Attachment) -> Loaded:
    """``attachment``, already in memory, with its thumbnail."""
    return Loaded(attachment, thumbnail_image(attachment.content))


def thumbnail_image(content: bytes) -> QImage | None:
    """``content`` decoded at thumbnail size, its proportions kept; None if not an image.

    QImageReader rather than QImage.fromData: its read() lets other Python threads run
    (fromData holds the interpreter lock throughout, so the GUI thread would stall all the
    same), and, told the size wanted, it decodes a JPEG at that size, which is far quicker.
    """
    buffer = _buffer(content)  # kept while the reader reads it
    reader = QImageReader(buffer)
    full = reader.size()
    wanted = QSize(THUMBNAIL_SIZE, THUMBNAIL_SIZE)
    if full.isValid():
        # A very wide or tall picture keeps at least a pixel's line rather than vanish.
        reader.setScaledSize(
            full.scaled(wanted, Qt.AspectRatioMode.KeepAspectRatio).expandedTo(QSize(1, 1))
        )
    image = reader.read()
    if image.isNull():
        return None
    if not full.isValid():  # a format that tells its size only once decoded
        image = image.scaled(
            wanted, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation
        )
    return image


def _buffer(content: bytes) -> QBuffer:
    buffer = QBuffer()
    buffer.setData(content)
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    return buffer
