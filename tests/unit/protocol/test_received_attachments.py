"""A reply's attachments: each decoded and its declared type checked against its content;
none is ever dropped, and what is wrong with one is said."""

from __future__ import annotations

import base64

import pytest

from console.protocol.callbacks import ReplyFields, parse_callback
from console.protocol.content_kinds import check_declared, kind_of
from console.protocol.mt_request import Attachment

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(20)
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(20)
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
HTML = b"\n  <html><body><script>steal()</script></body></html>"


def reply(
    *parts: tuple[str | None, str | None], numbers: list[int] | None = None
) -> tuple[Attachment, ...]:
    fields = [("type", "MO"), ("message_id", "mo-1"), ("shortcode", "1"), ("phone_number", "2")]
    for number, (content_type, content) in zip(numbers or range(len(parts)), parts, strict=True):
        if content_type is not None:
            fields.append((f"mms_attachment[{number}].content_type", content_type))
        if content is not None:
            fields.append((f"mms_attachment[{number}].content", content))
    parsed = parse_callback(fields)
    assert isinstance(parsed, ReplyFields)
    return parsed.attachments


def b64(content: bytes) -> str:
    return base64.b64encode(content).decode()


def test_an_attachment_that_is_what_it_says_has_no_problem() -> None:
    (picture,) = reply(("image/png", b64(PNG)))
    assert (picture.content_type, picture.content, picture.problem) == ("image/png", PNG, None)


def test_content_that_is_not_base64_is_kept_as_it_came_and_said_so() -> None:
    (kept,) = reply(("image/png", "not base64!"))
    assert kept.content == b"not base64!"
    assert kept.problem == ("could not be decoded: not base64; kept as received (said image/png)")
    assert kept.content_type == "text/plain"  # what the content is, not a picture


def test_a_picture_of_another_kind_keeps_the_contents_own_type() -> None:
    (picture,) = reply(("image/png", b64(JPEG)))
    assert picture.content == JPEG
    assert picture.content_type == "image/jpeg"
    assert picture.problem == "said image/png, content is a JPEG picture"


@pytest.mark.parametrize(
    ("content", "found"),
    [(SVG, "image/svg+xml"), (HTML, "text/html")],
)
def test_script_labelled_a_picture_is_taken_for_what_it_is_and_never_a_picture(
    content: bytes, found: str
) -> None:
    (part,) = reply(("image/png", b64(content)))
    assert part.content == content
    assert part.content_type == found
    assert part.problem is not None
    assert part.problem.startswith("said image/png, content is ")
    kind = kind_of(content)
    assert not kind.picture
    assert kind.extension == ".txt"  # saved where no browser runs it


def test_missing_type_missing_content_and_gaps_are_kept_and_told() -> None:
    parts = reply(
        (None, b64(PNG)), ("image/gif", None), ("text/plain", b64(b"hi")), numbers=[0, 1, 5]
    )
    assert [p.content_type for p in parts] == [
        "image/png",
        "application/octet-stream",
        "text/plain",
    ]
    assert [p.content for p in parts] == [PNG, b"", b"hi"]
    assert parts[0].problem == "no content type was given"
    assert parts[1].problem == "no content was given; said image/gif, content is not a GIF picture"
    assert parts[2].problem == "numbered 5, though only 2 came before"


def test_types_that_cannot_be_told_from_content_keep_the_senders_word() -> None:
    assert check_declared("application/smil", b"<smil><body/></smil>") == ("application/smil", None)
    assert check_declared("text/plain; charset=utf-8", b"hello") == (
        "text/plain; charset=utf-8",
        None,
    )
    assert check_declared("image/jpg", JPEG) == ("image/jpg", None)
    assert check_declared("audio/amr", b"#!AMR\n" + bytes(20)) == ("audio/amr", None)
    assert check_declared("image/png", b"\x00\x01junk") == (
        "application/octet-stream",
        "said image/png, content is not a PNG picture",
    )
