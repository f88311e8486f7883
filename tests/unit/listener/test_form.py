"""Decoding callback fields: the quick path for plain bodies must read them as parse_qsl does."""

from __future__ import annotations

import asyncio
import base64
import random
from urllib.parse import parse_qsl

import pytest
from hypothesis import given
from hypothesis import strategies as st

from console.listener.form import DEFAULT_LIMITS, FORM, FieldLimits, UnreadableBody, decode_fields
from console.listener.large_form import CHUNK, decode_large

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


_CONTENT_TEXT = st.text(alphabet="ab+/=%2BFfD3dé", max_size=60)
_PAD = "&pad=" + "p" * 70_000  # makes the body large
_ROOMY = FieldLimits(max_text_bytes=100_000)


def _large(body: str) -> tuple[list[tuple[str, str]], dict[str, bytes]]:
    return asyncio.run(decode_large(b"", FORM, body.encode(), _ROOMY))


@given(_FORM_TEXT, _CONTENT_TEXT)
def test_a_large_body_reads_as_parse_qsl_and_b64decode_read_it(text: str, content: str) -> None:
    name = "mms_attachment[0].content"
    body = f"{text}&{name}={content}{_PAD}"
    # Attachment content may be anything (kept as it came when it is not base64); only
    # the other fields must be UTF-8.
    expected = parse_qsl(body, keep_blank_values=True, errors="surrogateescape")
    if any(n != name and not _utf8(n + v) for n, v in expected):
        for read in (_large, _small):
            with pytest.raises(UnreadableBody):
                read(body)
        return
    fields, decoded = _large(body)
    assert fields == expected
    assert _small(body) == expected
    try:
        picture = base64.b64decode(dict(expected)[name], validate=True)
    except ValueError:
        assert decoded == {}
    else:
        assert decoded == {name: picture}


def _utf8(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _small(body: str) -> list[tuple[str, str]]:
    return decode_fields(b"", FORM, body.encode(), _ROOMY)


_ESCAPED = {"+": ["%2B", "%2b"], "/": ["/", "%2F", "%2f"], "=": ["=", "%3D", "%3d"]}


@given(st.binary(max_size=3000), st.randoms(use_true_random=False))
def test_a_large_picture_comes_out_whole_however_its_base64_is_escaped(
    picture: bytes, chooser: random.Random
) -> None:
    encoded = "".join(
        chooser.choice(_ESCAPED.get(c, [c, f"%{ord(c):02X}"]))
        for c in base64.b64encode(picture).decode()
    )
    fields, decoded = _large(f"type=MO&mms_attachment[0].content={encoded}{_PAD}")
    assert decoded == {"mms_attachment[0].content": picture}
    assert dict(fields)["mms_attachment[0].content"] == base64.b64encode(picture).decode()


def test_more_fields_than_the_limit_are_refused_before_decoding() -> None:
    limits = FieldLimits(max_fields=5)
    assert len(decode_fields(b"", FORM, b"a=1&b=2&c=3&d=4&e=5", limits)) == 5
    with pytest.raises(UnreadableBody, match="the callback has more than 5 fields"):
        decode_fields(b"", FORM, b"a=1&b=2&c=3&d=4&e=5&f=6", limits)
    with pytest.raises(UnreadableBody, match="the callback has more than 5 fields"):
        decode_fields(b"a&b&c&d&e&f", FORM, b"", limits)
    with pytest.raises(UnreadableBody, match="the callback has more than 5 fields"):
        decode_fields(b"a&b", FORM, b"c=1&d=2&e=3&f=4", limits)
    parts = b"".join(
        b'--b\r\nContent-Disposition: form-data; name="f%d"\r\n\r\nv\r\n' % i for i in range(6)
    )
    with pytest.raises(UnreadableBody, match="more than 5 fields"):
        decode_fields(b"", b"multipart/form-data; boundary=b", parts + b"--b--\r\n", limits)
    large = b"&".join([b"f=" + b"x" * 20_000] * 6)
    with pytest.raises(UnreadableBody, match="the callback has more than 5 fields"):
        asyncio.run(decode_large(b"", FORM, large, FieldLimits(5, 10**6)))


def test_text_fields_share_one_size_limit_and_attachment_content_does_not_count() -> None:
    limits = FieldLimits(max_text_bytes=70_000)
    content = "QUJD" * 100_000
    body = f"message=hi&mms_attachment[0].content={content}".encode()
    fields, decoded = asyncio.run(decode_large(b"", FORM, body, limits))
    assert fields == [("message", "hi"), ("mms_attachment[0].content", content)]
    assert decoded == {"mms_attachment[0].content": b"ABC" * 100_000}
    too_long = b"a=" + b"x" * 40_000 + b"&message=" + b"y" * 40_000
    with pytest.raises(UnreadableBody, match="message is longer than the 70000 bytes"):
        decode_fields(b"", FORM, too_long, limits)
    with pytest.raises(UnreadableBody, match="message is longer than the 70000 bytes"):
        asyncio.run(decode_large(b"", FORM, too_long, limits))
    multipart = (
        b'--b\r\nContent-Disposition: form-data; name="message"\r\n\r\n'
        + b"z" * 80_000
        + b"\r\n--b--\r\n"
    )
    with pytest.raises(UnreadableBody, match="message is longer than"):
        decode_fields(b"", b"multipart/form-data; boundary=b", multipart, limits)


@pytest.mark.parametrize(
    "content",
    [b"%" * 100_000, b"QUJD" * 30_000 + b"\xff", b"QUJD" * 30_000 + b"Q", b"QU=D" * 30_000],
)
def test_attachment_content_that_is_not_base64_is_kept_as_it_came(content: bytes) -> None:
    body = b"type=MO&mms_attachment[0].content=" + content
    fields, decoded = asyncio.run(decode_large(b"", FORM, body, DEFAULT_LIMITS))
    assert decoded == {}
    kept = dict(fields)["mms_attachment[0].content"]
    assert kept.encode("utf-8", "surrogateescape") == content
    assert decode_fields(b"", FORM, body) == fields


def test_bytes_that_are_not_utf8_are_refused_outside_attachment_content() -> None:
    for body in (b"type=MO&message=caf\xe9", b"type=MO&message=caf%E9"):
        with pytest.raises(UnreadableBody, match="not UTF-8"):
            decode_fields(b"", FORM, body)
        with pytest.raises(UnreadableBody, match="not UTF-8"):
            asyncio.run(decode_large(b"", FORM, body + _PAD.encode(), _ROOMY))


@pytest.mark.parametrize("shift", [0, 1, 2, 3])
def test_a_picture_of_many_chunks_comes_out_whole_wherever_its_escapes_fall(shift: int) -> None:
    picture = random.Random(shift).randbytes(1_500_000)
    escaped = base64.b64encode(picture).replace(b"+", b"%2B").replace(b"/", b"%2f")
    body = b"a=" + b"x" * shift + b"&mms_attachment[0].content=" + escaped.replace(b"=", b"%3D")
    _fields, decoded = asyncio.run(decode_large(b"", FORM, body, DEFAULT_LIMITS))
    assert decoded["mms_attachment[0].content"] == picture


def test_padding_is_judged_over_the_whole_content_not_chunk_by_chunk() -> None:
    # Padding at the very end of a chunk, then more: no base64 decoder takes that.
    chunk = base64.b64encode(b"x" * (CHUNK // 4 * 3 - 1))
    assert len(chunk) == CHUNK
    assert chunk.endswith(b"=")
    content = chunk + base64.b64encode(b"more" * 100_000)
    with pytest.raises(ValueError, match="padding"):
        base64.b64decode(content, validate=True)
    body = b"type=MO&mms_attachment[0].content=" + content.replace(b"+", b"%2B")
    _fields, decoded = asyncio.run(decode_large(b"", FORM, body, DEFAULT_LIMITS))
    assert decoded == {}  # not decoded: kept as it came
