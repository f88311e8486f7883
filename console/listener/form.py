"""Decoding a callback's fields from its query string and body."""

from __future__ import annotations

import logging
from urllib.parse import parse_qsl

from python_multipart.exceptions import FormParserError
from python_multipart.multipart import MultipartParser, parse_options_header

# The parser logs every malformed body at WARNING; we answer 400 and keep the body instead.
logging.getLogger("python_multipart").setLevel(logging.ERROR)

FORM = b"application/x-www-form-urlencoded"
MULTIPART = b"multipart/form-data"


class UnreadableBody(ValueError):
    """The body is not a form we can read; the message says why."""


def _urlencoded(data: bytes, where: str) -> list[tuple[str, str]]:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise UnreadableBody(f"the {where} is not UTF-8") from None
    if "%" not in text and "+" not in text:
        # Nothing to unescape (receipts usually look like this): the same fields as
        # parse_qsl gives, at a fraction of its cost on the listener's busiest path.
        fields: list[tuple[str, str]] = []
        for part in text.split("&"):
            if part:
                name, _, value = part.partition("=")
                fields.append((name, value))
        return fields
    try:
        return parse_qsl(text, keep_blank_values=True, strict_parsing=False, errors="strict")
    except UnicodeDecodeError:
        raise UnreadableBody(f"the {where} has percent-escapes that are not UTF-8") from None


def _multipart(body: bytes, boundary: bytes) -> list[tuple[str, str]]:
    fields: list[tuple[str, str]] = []
    header_name = bytearray()
    header_value = bytearray()
    headers: dict[bytes, bytes] = {}
    data = bytearray()

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
        _disposition, options = parse_options_header(headers.get(b"content-disposition", b""))
        name = options.get(b"name")
        if name is None:
            raise UnreadableBody("a multipart part has no field name")
        try:
            fields.append((name.decode("utf-8"), bytes(data).decode("utf-8")))
        except UnicodeDecodeError:
            raise UnreadableBody("a multipart field is not UTF-8") from None

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


def decode_fields(query: bytes, content_type: bytes, body: bytes) -> list[tuple[str, str]]:
    """Fields from the query string followed by those of the body.

    Raises:
        UnreadableBody: with the reason to send back.
    """
    fields = _urlencoded(query, "query string") if query else []
    if not body:
        return fields
    # The usual header needs no parsing.
    media_type, options = (FORM, {}) if content_type == FORM else parse_options_header(content_type)
    if media_type == FORM or not media_type:
        return fields + _urlencoded(body, "body")
    if media_type == MULTIPART:
        boundary = options.get(b"boundary")
        if not boundary:
            raise UnreadableBody("multipart body without a boundary")
        return fields + _multipart(body, boundary)
    raise UnreadableBody(
        f"unsupported content type {media_type.decode('latin-1')[:60]!r}; "
        "send application/x-www-form-urlencoded"
    )
