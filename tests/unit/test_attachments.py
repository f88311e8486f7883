from __future__ import annotations

import base64
import os
import random
from pathlib import Path

import pytest

from console import attachments
from console.attachments import AttachmentError, check_limits, load_attachment
from console.protocol.mt_request import Attachment

PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)
GIF = b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00,"


def test_type_comes_from_the_content_not_the_name(tmp_path: Path) -> None:
    misnamed = tmp_path / "picture.txt"
    misnamed.write_bytes(PNG)
    loaded = load_attachment(misnamed)
    assert loaded.content_type == "image/png"
    assert loaded.content == PNG
    assert loaded.filename == "picture.txt"


def test_gif_is_recognised(tmp_path: Path) -> None:
    path = tmp_path / "a.bin"
    path.write_bytes(GIF)
    assert load_attachment(path).content_type == "image/gif"


def test_a_card_is_recognised_by_its_text(tmp_path: Path) -> None:
    path = tmp_path / "card"
    path.write_text("BEGIN:VCARD\nFN:Ann\nEND:VCARD\n")
    assert load_attachment(path).content_type == "text/vcard"


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"Left with the neighbour\n", "text/plain"),
        (b"BMW service on Monday\n", "text/plain"),  # a bitmap's two first bytes
        (b'{"parcel": 12}', "text/plain"),
        (b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + bytes(64), "video/mp4"),
        (b"\x00\x00\x00\x20ftypM4A \x00\x00\x00\x00M4A mp42isom" + bytes(64), "audio/mp4"),
        (b"%PDF-1.4\n1 0 obj\n", "application/pdf"),
    ],
)
def test_the_content_says_the_type_whatever_the_name(
    tmp_path: Path, content: bytes, expected: str
) -> None:
    path = tmp_path / "photo.jpg"
    path.write_bytes(content)
    assert load_attachment(path).content_type == expected


@pytest.mark.parametrize(
    ("content", "what"),
    [
        (random.Random(7).randbytes(64 * 1024), "no known type was recognised in it"),
        (b"\x01\x02\x03 nothing known", "no known type was recognised in it"),
        (
            b"PK\x03\x04" + bytes(64),
            "it reads as application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
    ],
)
def test_content_of_no_type_an_mms_carries_is_refused_with_what_it_is(
    tmp_path: Path, content: bytes, what: str
) -> None:
    path = tmp_path / "fake.jpg"
    path.write_bytes(content)
    with pytest.raises(AttachmentError) as refused:
        load_attachment(path)
    assert str(refused.value) == (
        f"{path}: its content is not a picture, audio, video or document type an MMS can "
        f"carry ({what})"
    )


@pytest.mark.parametrize(
    ("count", "shown"),
    [(24, "24 bytes"), (1024, "1.0 KiB"), (1131, "1.1 KiB"), (4_000_000, "3.8 MiB")],
)
def test_sizes_are_shown_with_one_decimal_from_kib_up(count: int, shown: str) -> None:
    assert attachments.format_size(count) == shown


@pytest.mark.parametrize(
    ("name", "make", "reason"),
    [
        ("missing.png", None, "no such file"),
        ("folder", "dir", "is a folder"),
        ("empty.png", "empty", "the file is empty"),
    ],
)
def test_unusable_files_are_refused_with_the_reason(
    tmp_path: Path, name: str, make: str | None, reason: str
) -> None:
    path = tmp_path / name
    if make == "dir":
        path.mkdir()
    elif make == "empty":
        path.write_bytes(b"")
    with pytest.raises(AttachmentError, match=reason):
        load_attachment(path)


def test_oversized_file_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(attachments, "MAX_TOTAL_BYTES", 100)
    path = tmp_path / "big.png"
    path.write_bytes(PNG + b"\x00" * 200)
    with pytest.raises(AttachmentError, match="over the 100 bytes limit"):
        load_attachment(path)


def test_too_many_or_too_large_together_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    part = Attachment("image/png", PNG)
    check_limits((part,) * attachments.MAX_ATTACHMENTS)
    with pytest.raises(AttachmentError, match="at most"):
        check_limits((part,) * (attachments.MAX_ATTACHMENTS + 1))
    monkeypatch.setattr(attachments, "MAX_TOTAL_BYTES", len(PNG) * 2)
    size = len(PNG)
    over = f"attachments {3 * size} bytes of {2 * size} bytes: {size} bytes over, remove some"
    with pytest.raises(AttachmentError, match=over):
        check_limits((part,) * 3)


def test_a_pipe_is_refused_without_reading_it(tmp_path: Path) -> None:
    fifo = tmp_path / "stream"
    os.mkfifo(fifo)

    with pytest.raises(AttachmentError, match="not a regular file"):
        load_attachment(fifo)
