"""Decoding a callback's fields from its query string and body, within limits.

A callback has a dozen short fields and, for an MMS reply, base64 attachments. Anything
else is refused before it costs much: more than ``max_fields`` fields, or text fields
(all but attachment content) longer than ``max_text_bytes`` together. This reads bodies
whole; ``large_form`` reads large ones a piece at a time, with the same results.
"""

from __future__ import annotations

import logging
import re
from typing import NamedTuple
from urllib.parse import parse_qsl, unquote

from python_multipart.exceptions import FormParserError
from python_multipart.multipart import MultipartParser, parse_options_header

from console.protocol.callbacks import ATTACHMENT_CONTENT

# The parser logs every malformed body at WARNING; we answer 400 and keep the body instead.
logging.getLogger("python_multipart").setLevel(logging.ERROR)

FORM = b"application/x-www-form-urlencoded"
MULTIPART = b"multipart/form-data"
_MAX_BOUNDARY = 70  # RFC 2046
# Bytes that were not UTF-8, as "surrogateescape" keeps them in text.
_NOT_UTF8 = re.compile("[\udc80-\udcff]")

__all__ = [
    "DEFAULT_LIMITS", "FORM", "MULTIPART", "FieldLimits", "UnreadableBody", "check_text_size",
    "decode_fields", "parse_options_header", "unquote_form",
]  # fmt: skip


class FieldLimits(NamedTuple):
    max_fields: int = 100
    max_text_bytes: int = 64 * 1024


DEFAULT_LIMITS = FieldLimits()


class UnreadableBody(ValueError):
    """The body is not a form we can read; the message says why."""


def unquote_form(text: str, where: str) -> str:
    """``text`` as a form decoder reads it: "+" a space, escapes undone, UTF-8."""
    if "%" not in text:
        return text.replace("+", " ")
    try:
        return unquote(text.replace("+", " "), errors="strict")
    except UnicodeDecodeError:
        raise UnreadableBody(f"the {where} has percent-escapes that are not UTF-8") from None


def check_text_size(name: str, size: int, text_left: int, limits: FieldLimits) -> int:
    """What is left of the text budget after field ``name`` of ``size`` bytes.

    Raises:
        UnreadableBody: the budget is spent.
    """
    if ATTACHMENT_CONTENT.fullmatch(name):
        return text_left
    text_left -= len(name) + size
    if text_left < 0:
        raise UnreadableBody(
            f"{name[:40]} is longer than the {limits.max_text_bytes} bytes allowed for "
            "all text fields together"
        )
    return text_left


def _too_many(fields: int, limits: FieldLimits) -> None:
    # Counted before any decoding work.
    if fields > limits.max_fields:
        raise UnreadableBody(f"the callback has more than {limits.max_fields} fields")


def _urlencoded(
    data: bytes, where: str, limits: FieldLimits, before: int = 0
) -> list[tuple[str, str]]:
    _too_many(before + data.count(b"&") + 1, limits)
    odd: str | None = None  # why the text is not all UTF-8: only attachment content may not be
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        odd = f"the {where} is not UTF-8"
        text = data.decode("utf-8", "surrogateescape")
    if "%" not in text and "+" not in text:
        # Nothing to unescape (receipts usually look like this): the same fields as
        # parse_qsl gives, at a fraction of its cost on the listener's busiest path.
        fields: list[tuple[str, str]] = []
        for part in text.split("&"):
            if part:
                name, _, value = part.partition("=")
                fields.append((name, value))
    else:
        try:
            fields = parse_qsl(text, keep_blank_values=True, errors="strict")
        except UnicodeDecodeError:
            odd = odd or f"the {where} has percent-escapes that are not UTF-8"
            fields = parse_qsl(text, keep_blank_values=True, errors="surrogateescape")
    if odd is not None:
        _only_content_is_not_utf8(fields, odd)
    if len(text) > limits.max_text_bytes:
        text_left = limits.max_text_bytes
        for name, value in fields:
            text_left = check_text_size(name, len(value), text_left, limits)
    return fields


def _only_content_is_not_utf8(fields: list[tuple[str, str]], reason: str) -> None:
    """Refuse with ``reason`` unless the bytes that are not UTF-8 are all in attachment
    content, which is kept as it came when it is not base64."""
    for name, value in fields:
        if _NOT_UTF8.search(name) or (
            not ATTACHMENT_CONTENT.fullmatch(name) and _NOT_UTF8.search(value)
        ):
            raise UnreadableBody(reason)


def _multipart(
    body: bytes, boundary: bytes, limits: FieldLimits, before: int
) -> list[tuple[str, str]]:
    _too_many(before + body.count(b"--" + boundary) - 1, limits)
    fields: list[tuple[str, str]] = []
    header_name = bytearray()
    header_value = bytearray()
    headers: dict[bytes, bytes] = {}
    data = bytearray()
    text_left = limits.max_text_bytes

    def on_header_field(chunk: bytes, start: int, end: int) -> None:
        header_name.extend(chunk[start:end])

    def on_header_value(chunk: bytes, start: int, end: int) -> None:
        header_value.extend(chunk[start:end])

    def on_header_end() -> None:
        headers[bytes(header_name).lower()] = bytes(header_value)
        header_name.clear()
        header_value.clear()

    def on_part_begin() -> None:
        headers.clear()
        data.clear()

    def on_part_data(chunk: bytes, start: int, end: int) -> None:
        data.extend(chunk[start:end])

    def on_part_end() -> None:
        nonlocal text_left
        _disposition, options = parse_options_header(headers.get(b"content-disposition", b""))
        name = options.get(b"name")
        if name is None:
            raise UnreadableBody("a multipart part has no field name")
        try:
            field_name = name.decode("utf-8")
            # Attachment content that is not base64 is kept as it came, whatever its bytes.
            errors = "surrogateescape" if ATTACHMENT_CONTENT.fullmatch(field_name) else "strict"
            field = (field_name, bytes(data).decode("utf-8", errors))
        except UnicodeDecodeError:
            raise UnreadableBody("a multipart field is not UTF-8") from None
        text_left = check_text_size(field[0], len(data), text_left, limits)
        fields.append(field)

    if len(boundary) > _MAX_BOUNDARY:
        raise UnreadableBody(f"the multipart boundary is longer than {_MAX_BOUNDARY} characters")
    parser = MultipartParser(
        boundary,
        {
            "on_header_field": on_header_field,
            "on_header_value": on_header_value,
            "on_header_end": on_header_end,
            "on_part_begin": on_part_begin,
            "on_part_data": on_part_data,
            "on_part_end": on_part_end,
        },
    )
    try:
        parser.write(body)
        parser.finalize()
    except FormParserError as exc:
        raise UnreadableBody(f"the multipart body is malformed ({exc})") from None
    return fields


def decode_fields(
    query: bytes, content_type: bytes, body: bytes, limits: FieldLimits = DEFAULT_LIMITS
) -> list[tuple[str, str]]:
    """Fields from the query string followed by those of the body.

    Raises:
        UnreadableBody: with the reason to send back.
    """
    fields = _urlencoded(query, "query string", limits) if query else []
    if not body:
        return fields
    # The usual header needs no parsing.
    media_type, options = (FORM, {}) if content_type == FORM else parse_options_header(content_type)
    if media_type == FORM or not media_type:
        return fields + _urlencoded(body, "body", limits, len(fields))
    if media_type == MULTIPART:
        boundary = options.get(b"boundary")
        if not boundary:
            raise UnreadableBody("multipart body without a boundary")
        return fields + _multipart(body, boundary, limits, len(fields))
    raise UnreadableBody(
        f"unsupported content type {media_type.decode('latin-1')[:60]!r}; "
        "send application/x-www-form-urlencoded"
    )
