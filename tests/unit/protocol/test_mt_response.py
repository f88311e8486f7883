from __future__ import annotations

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from console.protocol.mt_response import RAW_LIMIT, MtAnswer, parse_answer, truncate

MAX_RAW = RAW_LIMIT + 40


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ("result_code=0", 0),
        (b"result_code=0", 0),
        (" result_code = 7 \r\n", 7),
        (b" result_code = 7 \r\n", 7),
        ("result_code=98\n", 98),
        ("RESULT_CODE=6", 6),
        ("status=ok&result_code=3", 3),
        ("result_code=4&message_id=abc", 4),
        ("status=ok\r\nresult_code=99\r\nextra=1\r\n", 99),
        ("a=1;result_code=2;b=2", 2),
        ("result_code=1,foo=bar", 1),
        (b"\xff\xfe junk\nresult_code=8\n", 8),
        ("result_code=-1", -1),
        ("result_code=142", 142),
    ],
)
def test_result_code_is_found(body: bytes | str, code: int) -> None:
    answer = parse_answer(body)
    assert answer == MtAnswer(
        result_code=code,
        raw=body.decode("utf-8", "replace") if isinstance(body, bytes) else body,
    )
    assert answer.parseable


@pytest.mark.parametrize(
    "body",
    [
        b"",
        "",
        "   \r\n",
        "<html><body><h1>502 Bad Gateway</h1></body></html>",
        b"<html><body>result_code=0</body></html>",
        "result_code=abc",
        "result_code=",
        "result_code",
        "result_code=1.5",
        "result_code=٣",
        "result_code=²",
        "code=0",
        "my_result_code=0",
        "OK",
        b"\x80\x81\xfe\xff",
        "result_code=0 1",
    ],
)
def test_answer_without_a_readable_code_keeps_the_raw_text(body: bytes | str) -> None:
    answer = parse_answer(body)
    assert answer.result_code is None
    assert not answer.parseable
    text = body.decode("utf-8", "replace") if isinstance(body, bytes) else body
    assert answer.raw == text


@pytest.mark.parametrize(
    "body", [b"result_code=--5", "result_code=--1", "result_code=-", "result_code=- 1"]
)
def test_malformed_signs_never_raise(body: bytes | str) -> None:
    answer = parse_answer(body)
    assert answer.result_code is None


def test_non_utf8_bytes_are_replaced_not_raised() -> None:
    answer = parse_answer(b"result_code=\xff\xfe")
    assert answer.result_code is None
    assert "\ufffd" in answer.raw


def test_html_error_page_is_kept_for_the_operator() -> None:
    page = "<html><head><title>503</title></head><body>Service Unavailable</body></html>"
    answer = parse_answer(page.encode())
    assert answer.result_code is None
    assert "Service Unavailable" in answer.raw


@pytest.mark.parametrize("size", [RAW_LIMIT + 1, 10_000, 2_000_000])
def test_huge_body_is_truncated(size: int) -> None:
    body = b"x" * size
    answer = parse_answer(body)
    assert answer.result_code is None
    assert len(answer.raw) <= MAX_RAW
    assert answer.raw.startswith("x" * RAW_LIMIT)
    assert str(size - RAW_LIMIT) in answer.raw


def test_huge_body_with_a_code_still_reports_it_with_truncated_raw() -> None:
    body = "result_code=6\n" + "padding " * 100_000
    answer = parse_answer(body)
    assert answer.result_code == 6
    assert len(answer.raw) <= MAX_RAW


def test_body_at_the_limit_is_kept_whole() -> None:
    body = "y" * RAW_LIMIT
    assert parse_answer(body).raw == body


def test_truncate_keeps_short_text_and_says_how_much_was_cut() -> None:
    assert truncate("short") == "short"
    assert truncate("abcdef", limit=4).startswith("abcd")
    assert "2" in truncate("abcdef", limit=4)


@settings(max_examples=200, deadline=None, database=None)
@given(st.binary(max_size=2_000))
def test_parse_answer_never_raises_on_arbitrary_bytes(body: bytes) -> None:
    answer = parse_answer(body)
    assert len(answer.raw) <= MAX_RAW
    assert answer.parseable == (answer.result_code is not None)


@settings(max_examples=200, deadline=None, database=None)
@given(st.text(max_size=2_000))
def test_parse_answer_never_raises_on_arbitrary_text(body: str) -> None:
    answer = parse_answer(body)
    assert len(answer.raw) <= MAX_RAW


@settings(max_examples=200, deadline=None, database=None)
@given(
    st.text(alphabet="0123456789-+ ._x", max_size=8),
    st.sampled_from(["", "\n", "&x=1", "\r\n"]),
)
@example("--5", "")
def test_parse_answer_never_raises_on_odd_code_values(value: str, tail: str) -> None:
    answer = parse_answer(f"result_code={value}{tail}".encode())
    if answer.result_code is not None:
        assert str(answer.result_code).lstrip("-").isdigit()
