from __future__ import annotations

import base64
import os
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


def test_unknown_content_falls_back_to_the_extension(tmp_path: Path) -> None:
    path = tmp_path / "card.vcf"
    path.write_text("BEGIN:VCARD\nFN:Ann\nEND:VCARD\n")
    assert load_attachment(path).content_type in ("text/vcard", "text/x-vcard")


def test_unrecognisable_file_is_refused_by_name(tmp_path: Path) -> None:
    path = tmp_path / "blob"
    path.write_bytes(b"\x01\x02\x03 nothing known")
    with pytest.raises(AttachmentError, match="blob: cannot tell"):
        load_attachment(path)


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
