"""Reading MMS attachment files: their bytes and a MIME type detected from the content."""

from __future__ import annotations

import mimetypes
import re
import stat
from pathlib import Path

import puremagic

from console.protocol.mt_request import Attachment

MAX_ATTACHMENTS = 10
MAX_TOTAL_BYTES = 5 * 1024 * 1024


class AttachmentError(ValueError):
    """A file cannot be attached; the message says which and why."""


# What an MMS carries besides pictures, audio and video (the Add… dialog offers these).
_CARRIED_DOCUMENTS = frozenset(
    {"text/plain", "text/vcard", "text/x-vcard", "text/calendar", "application/pdf"}
)
_CARRIED_KINDS = ("image/", "audio/", "video/")
# Types whose files may be plain text throughout: the only ones a text file is taken for
# (a note that begins "BM" is not a bitmap).
_WRITTEN = ("text/", "image/svg+xml", "application/pdf")
# Control characters that do not occur in text (tab, line and page breaks do).
_NOT_TEXT = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


def _carried(content_type: str) -> bool:
    """Whether an MMS can carry a part of ``content_type``."""
    return content_type.startswith(_CARRIED_KINDS) or content_type in _CARRIED_DOCUMENTS


def detect_content_type(content: bytes, name: str) -> str:
    """The MIME type of ``content``, from the content alone: a file's name can say
    anything. Text with no mark of its own is ``text/plain``; ``name`` is for a refusal.

    Raises:
        AttachmentError: the content is of no type an MMS carries, or of none known.
    """
    found = _magic_types(content)
    text = _is_text(content)
    for content_type in found:
        if _carried(content_type) and (not text or content_type.startswith(_WRITTEN)):
            return content_type
    if text:
        # JSON, HTML, CSV…: text a phone shows as text.
        return "text/plain"
    what = f"it reads as {found[0]}" if found else "no known type was recognised in it"
    raise AttachmentError(
        f"{name}: its content is not a picture, audio, video or document type an MMS "
        f"can carry ({what})"
    )


def _magic_types(content: bytes) -> list[str]:
    """The types ``content`` matches by its magic bytes, likeliest first."""
    try:
        matches = puremagic.magic_string(content)
    except puremagic.PureError:
        return []
    found: list[str] = []
    for match in matches:
        # Some signatures name only the extension they stand for (".m4a", ".amr").
        mime = match.mime_type or mimetypes.guess_type(f"file{match.extension}")[0] or ""
        if mime and mime.lower() not in found:
            found.append(mime.lower())
    return found


def _is_text(content: bytes) -> bool:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        return False
    return _NOT_TEXT.search(text) is None


def load_attachment(path: Path) -> Attachment:
    """Read ``path`` as an attachment.

    Raises:
        AttachmentError: missing, unreadable, empty, too large, or of a type an MMS does
            not carry.
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
                f"{path}: {format_size(size)} is over the {format_size(MAX_TOTAL_BYTES)} limit"
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
            f"{path}: {format_size(len(content))} is over the {format_size(MAX_TOTAL_BYTES)} limit"
        )
    content_type = detect_content_type(content, str(path))
    return Attachment(content_type=content_type, content=content, filename=path.name)


def check_count(attachments: tuple[Attachment, ...]) -> None:
    """Raise :class:`AttachmentError` when there are more attachments than one message takes."""
    if len(attachments) > MAX_ATTACHMENTS:
        raise AttachmentError(
            f"{len(attachments)} attachments; at most {MAX_ATTACHMENTS} fit in one message"
        )


def total_text(total: int) -> str:
    """``total`` bytes of attachments against what one message takes (``1.3 MiB of 5.0
    MiB``), and past it by how much, and what to do."""
    text = f"{format_size(total)} of {format_size(MAX_TOTAL_BYTES)}"
    if total > MAX_TOTAL_BYTES:
        text += f": {format_size(total - MAX_TOTAL_BYTES)} over, remove some"
    return text


def check_limits(attachments: tuple[Attachment, ...]) -> None:
    """Raise :class:`AttachmentError` when the set as a whole is too many or too large."""
    check_count(attachments)
    total = sum(len(a.content) for a in attachments)
    if total > MAX_TOTAL_BYTES:
        raise AttachmentError(f"attachments {total_text(total)}")


def format_size(count: int) -> str:
    """``count`` bytes as the window and the command line show sizes: ``24 bytes``,
    ``1.1 KiB``, ``3.8 MiB`` (one decimal from KiB up)."""
    if count < 1024:
        return f"{count} bytes"
    if count < 1024**2:
        return f"{count / 1024:.1f} KiB"
    if count < 1024**3:
        return f"{count / 1024**2:.1f} MiB"
    return f"{count / 1024**3:.1f} GiB"
