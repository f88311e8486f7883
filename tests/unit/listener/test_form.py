"""Decoding callback fields: the quick path for plain bodies must read them as parse_qsl does."""

from __future__ import annotations

from urllib.parse import parse_qsl

import pytest
from hypothesis import given
from hypothesis import strategies as st

from console.listener.form import FORM, UnreadableBody, decode_fields

# Bodies built from the characters that matter to form decoding, escapes included.
_FORM_TEXT = st.text(alphabet="ab=&+%20Cé;x", max_size=40)


@given(_FORM_TEXT)
def test_form_body_reads_as_parse_qsl_reads_it(text: str) -> None:
    try:
        expected = parse_qsl(text, keep_blank_values=True, errors="strict")
    except UnicodeDecodeError:
        with pytest.raises(UnreadableBody, match="not UTF-8"):
            decode_fields(b"", FORM, text.encode())
        return
    assert decode_fields(b"", FORM, text.encode()) == expected


@given(_FORM_TEXT, _FORM_TEXT)
def test_query_fields_come_before_body_fields(query: str, body: str) -> None:
    try:
        expected = parse_qsl(query, keep_blank_values=True, errors="strict") + parse_qsl(
            body, keep_blank_values=True, errors="strict"
        )
    except UnicodeDecodeError:
        return
    content_type = b"application/x-www-form-urlencoded; charset=utf-8"
    assert decode_fields(query.encode(), content_type, body.encode()) == expected


def test_plain_receipt_body_gives_its_fields_in_order() -> None:
    body = b"type=receipt&message_id=m-1&&message_state=2&flag&result_code="
    assert decode_fields(b"", FORM, body) == [
        ("type", "receipt"),
        ("message_id", "m-1"),
        ("message_state", "2"),
        ("flag", ""),
        ("result_code", ""),
    ]
