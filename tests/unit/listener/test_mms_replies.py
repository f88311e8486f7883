"""MMS replies posted to the listener over real HTTP: every attachment is stored, an odd one
with its problem told; a reply too large for the body limit is refused whole (413) so the
provider delivers it again, and anything within the limits is stored whole."""

from __future__ import annotations

import base64
from pathlib import Path
from urllib.parse import quote_from_bytes

import httpx

from console.listener.config import DEFAULT_MAX_BODY
from console.protocol.mt_request import Attachment
from console.store.models import ReplyRecord
from console.store.sqlite import SqliteStore
from tests.support.listener import running_listener

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(200)
FORM = {"content-type": "application/x-www-form-urlencoded"}


def mo(message_id: str, *parts: tuple[str, bytes]) -> bytes:
    """A reply's form body; each part's content exactly as given (already base64, or not)."""
    body = f"type=MO&message_id={message_id}&shortcode=12345&phone_number=12025550100&message=hi"
    for number, (content_type, content) in enumerate(parts):
        body += f"&mms_attachment[{number}].content_type={quote_from_bytes(content_type.encode())}"
        body += f"&mms_attachment[{number}].content={quote_from_bytes(content)}"
    return body.encode()


def stored(data_dir: Path, message_id: str) -> ReplyRecord | None:
    with SqliteStore(data_dir / "messages.sqlite3") as store:
        return store.reply(message_id)


def attachments(data_dir: Path, message_id: str) -> tuple[Attachment, ...]:
    reply = stored(data_dir, message_id)
    assert reply is not None
    return reply.attachments


def test_an_attachment_that_is_not_base64_is_stored_as_it_came_with_the_rest(
    data_dir: Path,
) -> None:
    odd = b"this is not base64 \xff\xfe"
    with running_listener(data_dir) as listener:
        small = httpx.post(
            listener.url,
            content=mo("small", ("image/png", odd), ("image/png", base64.b64encode(JPEG))),
            headers=FORM,
            timeout=10,
        )
        large = httpx.post(
            listener.url,
            content=mo("large", ("image/png", odd * 10_000)),
            headers=FORM,
            timeout=10,
        )
    assert (small.status_code, large.status_code) == (200, 200)
    first, second = attachments(data_dir, "small")
    assert first.content == odd
    assert first.problem == "could not be decoded: not base64; kept as received (said image/png)"
    assert (second.content, second.content_type) == (JPEG, "image/jpeg")
    assert second.problem == "said image/png, content is a JPEG picture"
    (whole,) = attachments(data_dir, "large")
    assert whole.content == odd * 10_000
    assert whole.problem is not None
    assert whole.problem.startswith("could not be decoded")


def test_a_reply_within_the_body_limit_is_stored_whole_and_one_over_it_is_refused(
    data_dir: Path,
) -> None:
    limit = 200_000
    overhead = len(mo("fits", ("image/jpeg", b"")))
    # The largest base64 that fits: the body is then exactly at the limit.
    fits = JPEG + bytes((limit - overhead) // 4 * 3 - len(JPEG))
    fitting = mo("fits", ("image/jpeg", base64.b64encode(fits)))
    assert limit - 4 < len(fitting) <= limit
    over = mo("over", ("image/jpeg", base64.b64encode(fits + bytes(3))))
    with running_listener(data_dir, max_body=limit) as listener:
        accepted = httpx.post(listener.url, content=fitting, headers=FORM, timeout=10)
        refused = httpx.post(listener.url, content=over, headers=FORM, timeout=10)
    assert accepted.status_code == 200
    assert attachments(data_dir, "fits")[0].content == fits
    assert refused.status_code == 413  # the provider keeps it and delivers again
    assert stored(data_dir, "over") is None
    with SqliteStore(data_dir / "messages.sqlite3") as store:
        assert store.quarantined() == []


def test_the_default_body_limit_takes_an_mms_of_nearly_six_mib_of_pictures(data_dir: Path) -> None:
    pictures = [JPEG + bytes(1_990_000 - len(JPEG) - i) for i in range(3)]
    body = mo("three", *(("image/jpeg", base64.b64encode(p)) for p in pictures))
    assert len(body) < DEFAULT_MAX_BODY
    with running_listener(data_dir) as listener:
        assert httpx.post(listener.url, content=body, headers=FORM, timeout=30).status_code == 200
    assert [a.content for a in attachments(data_dir, "three")] == pictures


def test_more_attachments_than_the_field_limit_are_refused_and_kept_in_quarantine(
    data_dir: Path,
) -> None:
    many = mo("many", *[("image/jpeg", base64.b64encode(JPEG))] * 48)  # 102 fields
    with running_listener(data_dir) as listener:
        answer = httpx.post(listener.url, content=many, headers=FORM, timeout=10)
    assert answer.status_code == 400
    assert "more than 100 fields" in answer.text
    assert stored(data_dir, "many") is None
    with SqliteStore(data_dir / "messages.sqlite3") as store:
        (kept,) = store.quarantined()
    assert kept.body_length == len(many)
