"""Reading a large callback body a piece at a time, so that no one request holds the loop.

An MMS reply can carry megabytes of base64. Unescaped and decoded whole, it takes the event
loop's thread for longer than any request may (over 100 ms on a slow machine). Here each
attachment's content is unescaped and decoded a chunk at a time, letting other requests
run between chunks; the rest of the body is read as small bodies are, with the same
limits (``form.FieldLimits``). The fields come out as ``form.decode_fields`` gives them,
with each attachment's content also decoded from base64, by field name (content that
is not base64 is left for the protocol to keep as it came).
"""

from __future__ import annotations

import asyncio
import binascii
import re
from urllib.parse import unquote_to_bytes

from console.listener.form import (
    FORM,
    MULTIPART,
    FieldLimits,
    UnreadableBody,
    check_text_size,
    decode_fields,
    parse_options_header,
    unquote_form,
)
from console.protocol.callbacks import ATTACHMENT_CONTENT

# Of encoded text, between two chances for other requests to run; a multiple of 4.
CHUNK = 256 * 1024
# Of content that is not base64, whose escapes are undone in Python, byte by byte.
_SLOW_CHUNK = 16 * 1024
_ESCAPE = re.compile(rb"%[0-9A-Fa-f]{2}")
_MAX_NAME = 256
# What the content of an attachment can hold in a form body: base64, and escapes.
_FORM_BASE64 = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=%"
_ESCAPES = tuple(
    (escape, char)
    for char, code in ((b"+", b"2B"), (b"/", b"2F"), (b"=", b"3D"))
    for escape in (b"%" + code, b"%" + code.lower())
)


async def decode_large(
    query: bytes, content_type: bytes, body: bytes, limits: FieldLimits
) -> tuple[list[tuple[str, str]], dict[str, bytes]]:
    """The fields of a large callback, and its attachments' contents decoded.

    Raises:
        UnreadableBody: with the reason to send back.
    """
    media_type, _options = parse_options_header(content_type)
    if media_type == MULTIPART:
        fields = decode_fields(query, content_type, body, limits)
        texts = {
            name: value.encode("ascii")
            for name, value in fields
            if ATTACHMENT_CONTENT.fullmatch(name) and value.isascii()
        }
    elif media_type in (FORM, b""):
        fields, texts = await _form(query, body, limits)
    else:
        return decode_fields(query, content_type, body, limits), {}
    decoded = {}
    for name, text in texts.items():
        content = await _from_base64(text)
        if content is not None:  # else the text is kept as it came, and said to be
            decoded[name] = content
    return fields, decoded


async def _form(
    query: bytes, body: bytes, limits: FieldLimits
) -> tuple[list[tuple[str, str]], dict[str, bytes]]:
    fields = decode_fields(query, FORM, b"", limits)
    if len(fields) + body.count(b"&") + 1 > limits.max_fields:
        raise UnreadableBody(f"the callback has more than {limits.max_fields} fields")
    await asyncio.sleep(0)
    contents: dict[str, bytes] = {}
    text_left = limits.max_text_bytes
    for part in body.split(b"&"):
        await asyncio.sleep(0)
        if not part:
            continue
        raw_name, _, raw_value = part.partition(b"=")
        if len(raw_name) > _MAX_NAME:  # no field of ours has a long name: not worth decoding
            raise UnreadableBody(f"a field name is longer than {_MAX_NAME} bytes")
        name = unquote_form(_text(raw_name), "body")
        if ATTACHMENT_CONTENT.fullmatch(name):
            content = await _unescape(raw_value)
            await asyncio.sleep(0)
            if content is None:
                kept = await _unescape_any(raw_value)
                fields.append((name, kept.decode("utf-8", "surrogateescape")))
            else:
                contents[name] = content
                fields.append((name, content.decode("ascii")))
            continue
        text_left = check_text_size(name, len(raw_value), text_left, limits)
        fields.append((name, unquote_form(_text(raw_value), "body")))
    return fields, contents


def _text(raw: bytes) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        raise UnreadableBody("the body is not UTF-8") from None


async def _unescape(raw: bytes) -> bytes | None:
    """The content as a form decoder reads it ("+" a space, escapes undone), a chunk at a
    time; None when it is more than base64 with escapes."""
    pieces = []
    start = 0
    while start < len(raw):
        end = min(start + CHUNK, len(raw))
        cut = raw.find(b"%", end - 2, end) if end < len(raw) else -1
        if cut > start:
            end = cut  # no escape cut in two
        piece = raw[start:end]
        if piece.translate(None, _FORM_BASE64):
            return None
        if b"+" in piece:
            piece = piece.replace(b"+", b" ")
        escapes = piece.count(b"%")
        if escapes:
            if escapes * 3 > len(piece):
                return None  # escapes that base64 does not need
            for escape, char in _ESCAPES:
                piece = piece.replace(escape, char)
            if b"%" in piece:
                piece = unquote_to_bytes(piece)  # escapes base64 never needs: the slow way
                if not piece.isascii():
                    return None
        pieces.append(piece)
        start = end
        await asyncio.sleep(0)
    return b"".join(pieces)


async def _unescape_any(raw: bytes) -> bytes:
    """The bytes of content that is not base64, escapes undone, a small chunk at a time
    (undoing many escapes is slow)."""
    pieces = []
    start = 0
    while start < len(raw):
        end = min(start + _SLOW_CHUNK, len(raw))
        cut = raw.find(b"%", end - 2, end) if end < len(raw) else -1
        if cut > start:
            end = cut
        piece = raw[start:end].replace(b"+", b" ")
        # Undoing escapes goes byte by byte in Python: only when there are some to undo.
        pieces.append(unquote_to_bytes(piece) if _ESCAPE.search(piece) else piece)
        start = end
        await asyncio.sleep(0)
    return b"".join(pieces)


async def _from_base64(text: bytes) -> bytes | None:
    """``base64.b64decode(text, validate=True)``, a chunk at a time; None when ``text`` is
    not base64.

    Chunks are whole groups of four characters, and the last takes what is left after
    the last full chunk, so padding is judged as in one piece.
    """
    padding = text.find(b"=")
    if padding != -1 and text.rstrip(b"=") != text[:padding]:
        # Padding only ends the text; judged here, as a chunk on its own could not.
        return None
    pieces = []
    start = 0
    while True:
        end = start + CHUNK if len(text) - start >= 2 * CHUNK else len(text)
        try:
            pieces.append(binascii.a2b_base64(text[start:end], strict_mode=True))
        except binascii.Error:
            return None
        if end == len(text):
            return b"".join(pieces)
        start = end
        await asyncio.sleep(0)
