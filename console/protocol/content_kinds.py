"""What a received attachment really is, told from its content, and whether that agrees
with the type it came with.

A reply's content type is the sender's word: a picture may be labelled as anything, and
a web page or script may be labelled a picture. Everything shown or saved goes by
:func:`kind_of`, never by the declared type: only real pictures are drawn, and a file is
saved with an extension that no program will run.
"""

from __future__ import annotations

import codecs
import mimetypes
import re
from dataclasses import dataclass

import puremagic

OCTET_STREAM = "application/octet-stream"
# Pictures drawn as thumbnails: raster formats whose decoders run no content of their own.
PICTURES = {
    "image/png": ("a PNG picture", ".png"),
    "image/jpeg": ("a JPEG picture", ".jpg"),
    "image/gif": ("a GIF picture", ".gif"),
    "image/webp": ("a WebP picture", ".webp"),
    "image/bmp": ("a BMP picture", ".bmp"),
}
# Other kinds an MMS carries, opened by the desktop's own player or viewer.
_MEDIA = {
    "application/pdf": ("a PDF document", ".pdf"),
    "audio/amr": ("AMR audio", ".amr"),
    "audio/mpeg": ("MP3 audio", ".mp3"),
    "audio/mp4": ("MPEG-4 audio", ".m4a"),
    "audio/ogg": ("Ogg audio", ".ogg"),
    "audio/wav": ("WAV audio", ".wav"),
    "video/mp4": ("an MPEG-4 video", ".mp4"),
    "video/3gpp": ("a 3GPP video", ".3gp"),
    "video/quicktime": ("a QuickTime video", ".mov"),
}
_ALIASES = {
    "image/jpg": "image/jpeg",
    "image/pjpeg": "image/jpeg",
    "image/x-ms-bmp": "image/bmp",
    "image/x-bmp": "image/bmp",
    "audio/mp3": "audio/mpeg",
    "audio/x-wav": "audio/wav",
    "audio/wave": "audio/wav",
    "audio/x-m4a": "audio/mp4",
    "text/x-vcard": "text/vcard",
    "text/directory": "text/vcard",
}
# Text a browser or viewer would run rather than show: never drawn, saved as .txt.
_ACTIVE = {"text/html": "HTML (a web page)", "image/svg+xml": "an SVG drawing (may hold script)"}
_ACTIVE_MARK = re.compile(
    rb"<\s*(svg|html|script|iframe|object|embed|!doctype\s+html)\b", re.IGNORECASE
)
_PLAIN = {
    "text/vcard": ("a contact card", ".vcf", b"BEGIN:VCARD"),
    "text/calendar": ("a calendar entry", ".ics", b"BEGIN:VCALENDAR"),
}
_BY_EXTENSION = {extension: mime for mime, (_words, extension) in (PICTURES | _MEDIA).items()} | {
    ".3ga": "video/3gpp",
    ".jfif": "image/jpeg",
    ".jpeg": "image/jpeg",
}
# Declared types plain text is fair content for.
_TEXTUAL = ("text/",)
_TEXTUAL_APPLICATIONS = frozenset(
    {"application/smil", "application/xml", "application/json", "application/x-smil"}
)
# Control characters that do not occur in text (tab, line and page breaks do).
_NOT_TEXT = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
# Enough of the start to tell text from data, and to find markup at its head.
_HEAD = 64 * 1024


@dataclass(frozen=True)
class ContentKind:
    """What some content is: its MIME type, in words, the extension to save it under,
    and whether it is a picture fit to draw."""

    mime: str
    words: str
    extension: str
    picture: bool = False
    # Also matched by the content (a signature can fit several types).
    also: tuple[str, ...] = ()

    @property
    def known(self) -> bool:
        return self.mime != OCTET_STREAM


def base_type(content_type: str) -> str:
    """``content_type`` without its parameters, in lower case, its common aliases joined."""
    base = content_type.split(";", 1)[0].strip().lower()
    return _ALIASES.get(base, base)


def kind_of(content: bytes) -> ContentKind:
    """What ``content`` is, from the content alone."""
    found = _magic_types(content)
    for mime in found:
        if mime in PICTURES:
            words, extension = PICTURES[mime]
            return ContentKind(mime, words, extension, picture=True, also=tuple(found))
        if mime in _MEDIA:
            words, extension = _MEDIA[mime]
            return ContentKind(mime, words, extension, also=tuple(found))
    head = _text_head(content)
    if head is not None:
        return _text_kind(content[:_HEAD], found)
    if found:
        return ContentKind(found[0], f"{found[0]} data", ".bin", also=tuple(found))
    return ContentKind(OCTET_STREAM, "data of no known type", ".bin")


def _text_kind(head: bytes, found: list[str]) -> ContentKind:
    for mime in found:
        if mime in _ACTIVE:
            return ContentKind(mime, _ACTIVE[mime], ".txt")
    mark = _ACTIVE_MARK.search(head)
    if mark is not None:
        mime = "image/svg+xml" if mark[1].lower() == b"svg" else "text/html"
        return ContentKind(mime, _ACTIVE[mime], ".txt")
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n").upper()
    for mime, (words, extension, opening) in _PLAIN.items():
        if start.startswith(opening):
            return ContentKind(mime, words, extension)
    return ContentKind("text/plain", "plain text", ".txt")


def check_declared(declared: str, content: bytes) -> tuple[str, str | None]:
    """The type to keep for an attachment declared ``declared``, and what is wrong, if
    anything: the content's own type when it says otherwise, and a problem saying so."""
    said = base_type(declared)
    shown = declared[:100]  # the sender's words, within reason
    kind = kind_of(content)
    if said == kind.mime or said in kind.also:
        return declared, None
    if not kind.known:
        if said in PICTURES or said in _MEDIA:
            # These are always recognised: content that is none of them is not one.
            words = (PICTURES.get(said) or _MEDIA[said])[0]
            return OCTET_STREAM, f"said {shown}, content is not {words}"
        return declared, None  # a kind not told from content: the sender's word stands
    if kind.mime == "text/plain" and (said.startswith(_TEXTUAL) or said in _TEXTUAL_APPLICATIONS):
        return declared, None
    if kind.mime in _PLAIN and said == "text/plain":
        return declared, None
    return kind.mime, f"said {shown}, content is {kind.words}"


def _magic_types(content: bytes) -> list[str]:
    """The types ``content`` matches by its magic bytes, likeliest first."""
    try:
        matches = puremagic.magic_string(content)
    except puremagic.PureError:
        return []
    except ValueError:  # empty content
        return []
    found: list[str] = []
    for match in matches:
        # Some signatures name only the extension they stand for (".m4a", ".amr").
        mime = match.mime_type if match.mime_type != OCTET_STREAM else ""
        mime = base_type(
            mime
            or _BY_EXTENSION.get(match.extension.lower(), "")
            or mimetypes.guess_type(f"file{match.extension}")[0]
            or ""
        )
        if mime and mime not in found:
            found.append(mime)
    return found


def _text_head(content: bytes) -> str | None:
    """The start of ``content`` as text, or None when it is not text."""
    if not content:
        return None
    decoder = codecs.getincrementaldecoder("utf-8-sig")()
    try:
        # A character cut at the end of the head is not yet an error.
        text = decoder.decode(content[:_HEAD], final=len(content) <= _HEAD)
    except UnicodeDecodeError:
        return None
    return None if _NOT_TEXT.search(text) else text


def is_text(content: bytes) -> bool:
    """Whether ``content`` (its start, for a large one) reads as text."""
    return _text_head(content) is not None
