"""A reply's attachments come back as stored, each with what was wrong with it as it came,
whichever way the reply was written (one at a time, a batch, a staged batch)."""

from __future__ import annotations

from console.protocol.mt_request import Attachment
from console.store.interface import MessageStore
from console.store.models import IncomingReply

RAW = b"not base64! \xff"
ATTACHMENTS = (
    Attachment("image/jpeg", b"\xff\xd8\xff\xe0", problem="said image/png, content is a JPEG"),
    Attachment("text/plain", RAW, problem="could not be decoded: not base64; kept as received"),
    Attachment("image/png", b"\x89PNG\r\n\x1a\n"),
)


def reply(message_id: str) -> IncomingReply:
    return IncomingReply(
        message_id, "12345", "12025550100", None, "see", 1.0, "203.0.113.9", "type=MO", ATTACHMENTS
    )


def test_each_attachment_keeps_its_problem_and_bytes_whichever_way_it_was_stored(
    store: MessageStore,
) -> None:
    assert store.add_reply(reply("one")) is True
    assert store.record_callbacks([reply("batch")]) == [True]
    assert store.stage_callbacks([reply("staged")]) == [True]
    store.commit_staged()
    for message_id in ("one", "batch", "staged"):
        kept = store.reply(message_id)
        assert kept is not None
        assert kept.attachments == ATTACHMENTS
    assert [r.attachments for r in store.replies("12025550100")] == [ATTACHMENTS] * 3


def test_a_threads_items_carry_each_attachments_problem(store: MessageStore) -> None:
    store.add_reply(reply("one"))
    thread = store.thread_for("12025550100", "12345", "ann")
    assert thread is not None

    (item,) = store.thread_items(thread.id)

    assert item.reply is not None
    assert item.reply.attachments == ATTACHMENTS
