"""Reading MMS attachment files: their bytes and a MIME type detected from the content."""

from __future__ import annotations

import mimetypes
import stat
from pathlib import Path

import puremagic

from console.protocol.mt_request import Attachment

MAX_ATTACHMENTS = 10
MAX_TOTAL_BYTES = 5 * 1024 * 1024


class AttachmentError(ValueError):
    """A file cannot be attached; the message says which and why."""


def detect_content_type(content: bytes, filename: str) -> str:
    """The MIME type of ``content``, from its magic bytes, else from the file name."""
    try:
        detected = puremagic.from_string(content, mime=True)
    except puremagic.PureError:
        detected = ""
    if detected:
        return str(detected)
    guessed, _encoding = mimetypes.guess_type(filename)
    if guessed:
        return guessed
    raise AttachmentError(f"{filename}: cannot tell what kind of file this is")


def load_attachment(path: Path) -> Attachment:
    """Read ``path`` as an attachment.

    Raises:
        AttachmentError: missing, unreadable, empty, too large, or of unknown type.
    """
    try:
        # Size first: reading a huge file only to refuse it would freeze the caller; and only
        # a regular file, since a pipe or a device would never end.
        status = path.stat()
        if stat.S_ISDIR(status.st_mode):
            raise IsADirectoryError
        if not stat.S_ISREG(status.st_mode):
            raise AttachmentError(f"{path}: not a regular file")
        size = status.st_size
        if size > MAX_TOTAL_BYTES:
            raise AttachmentError(
                f"{path}: {_size(size)} is over the {_size(MAX_TOTAL_BYTES)} limit"
            )
        content = path.read_bytes()
    except FileNotFoundError:
        raise AttachmentError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise AttachmentError(f"{path}: is a folder, not a file") from None
    except OSError as exc:
        raise AttachmentError(f"{path}: cannot be read ({exc.strerror})") from None
    if not content:
        raise AttachmentError(f"{path}: the file is empty")
    if len(content) > MAX_TOTAL_BYTES:
        raise AttachmentError(
            f"{path}: {_size(len(content))} is over the {_size(MAX_TOTAL_BYTES)} limit"
        )
    return Attachment(
        content_type=detect_content_type(content, path.name), content=content, filename=path.name
    )


def check_count(attachments: tuple[Attachment, ...]) -> None:
    """Raise :class:`AttachmentError` when there are more attachments than one message takes."""
    if len(attachments) > MAX_ATTACHMENTS:
        raise AttachmentError(
            f"{len(attachments)} attachments; at most {MAX_ATTACHMENTS} fit in one message"
        )


def total_text(total: int) -> str:
    """``total`` bytes of attachments against what one message takes (``1.3 MiB of 5.0
    MiB``), and past it by how much, and what to do."""
    text = f"{_size(total)} of {_size(MAX_TOTAL_BYTES)}"
    if total > MAX_TOTAL_BYTES:
        text += f": {_size(total - MAX_TOTAL_BYTES)} over, remove some"
    return text


def check_limits(attachments: tuple[Attachment, ...]) -> None:
    """Raise :class:`AttachmentError` when the set as a whole is too many or too large."""
    check_count(attachments)
    total = sum(len(a.content) for a in attachments)
    if total > MAX_TOTAL_BYTES:
        raise AttachmentError(f"attachments {total_text(total)}")


def _size(count: int) -> str:
    if count >= 1024 * 1024:
        return f"{count / (1024 * 1024):.1f} MiB"
    if count >= 1024:
        return f"{count / 1024:.0f} KiB"
    return f"{count} bytes"
