"""The store's contract, on both backends: messages, attempts, receipts, replies and
quarantined callbacks as they are kept and read back."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from console.protocol.mt_request import Attachment, HttpMethod, Priority
from console.store.errors import (
    DuplicateMessageId,
    IncompatibleStore,
    StoreError,
    UnknownMessage,
)
from console.store.interface import MessageStore
from console.store.migrations import MIGRATIONS
from console.store.models import (
    AttemptResult,
    Decision,
    IncomingReceipt,
    IncomingReply,
    MessageStatus,
    NewMessage,
    QuarantinedCallback,
)
from console.store.sqlite import SqliteStore
from tests.support.store_backends import Backend


def new_message(message_id: str = "m-1", **changes: object) -> NewMessage:
    fields: dict[str, object] = {
        "message_id": message_id,
        "profile": "default",
        "phone_number": "12025550100",
        "sender": "12345",
        "body": "Your order has shipped",
        "endpoint": "http://127.0.0.1:9/httpapi/receiver",
    }
    fields.update(changes)
    return NewMessage(**fields)  # type: ignore[arg-type]


def receipt(message_id: str, state: int, at: float, code: int | None = 0) -> IncomingReceipt:
    return IncomingReceipt(
        message_id=message_id,
        message_state=state,
        result_code=code,
        received_at=at,
        source_address="203.0.113.7",
        raw=f"type=receipt&message_id={message_id}&message_state={state}",
    )


def test_new_file_is_migrated_to_wal_and_latest_schema(sqlite_store: SqliteStore) -> None:
    conn = sqlite3.connect(sqlite_store.path)
    try:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
    finally:
        conn.close()


def test_database_from_a_newer_program_is_refused_with_a_reason(tmp_path: Path) -> None:
    path = tmp_path / "future.sqlite3"
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 1}")
    conn.close()
    with pytest.raises(IncompatibleStore, match="newer version"):
        SqliteStore(path)


def test_message_round_trips_with_attachments_and_survives_reopening(backend: Backend) -> None:
    photo = Attachment("image/png", b"\x89PNG\r\n\x1a\nrest", "photo.png")
    with backend.open() as first:
        first.create_message(
            new_message(
                priority=Priority.INTERACTIVE,
                carrier=42,
                receipt=False,
                app_id="crm",
                conversation_id="c-9",
                method=HttpMethod.GET,
                attachments=(photo,),
            )
        )
    with backend.open() as second:
        found = second.get_message("m-1")
    assert found is not None
    assert found.status is MessageStatus.QUEUED
    assert (found.priority, found.carrier, found.receipt) == (Priority.INTERACTIVE, 42, False)
    assert (found.app_id, found.conversation_id, found.method) == ("crm", "c-9", HttpMethod.GET)
    assert found.attachments == (photo,)


def test_same_message_id_cannot_be_stored_twice(store: MessageStore) -> None:
    store.create_message(new_message())
    with pytest.raises(DuplicateMessageId, match="m-1"):
        store.create_message(new_message(body="other"))
    assert store.count_messages() == 1


def test_attempts_are_numbered_and_recorded_with_the_decision(store: MessageStore) -> None:
    store.create_message(new_message())
    first = store.begin_attempt("m-1", 100.0)
    assert store.get_message("m-1").status is MessageStatus.SENDING  # type: ignore[union-attr]
    store.finish_attempt(
        "m-1",
        first,
        AttemptResult(finished_at=101.0, http_status=200, result_code=6, raw_response="x"),
        Decision(MessageStatus.RETRY_WAIT, "throttled", retry_at=131.0),
    )
    second = store.begin_attempt("m-1", 131.0)
    store.finish_attempt(
        "m-1",
        second,
        AttemptResult(finished_at=132.0, http_status=200, result_code=0),
        Decision(MessageStatus.ACCEPTED, "ok"),
    )
    attempts = store.attempts("m-1")
    assert [(a.number, a.result_code, a.decision) for a in attempts] == [
        (1, 6, MessageStatus.RETRY_WAIT),
        (2, 0, MessageStatus.ACCEPTED),
    ]
    assert attempts[0].retry_at == 131.0
    message = store.get_message("m-1")
    assert message is not None
    assert (message.status, message.result_code, message.attempt_count) == (
        MessageStatus.ACCEPTED,
        0,
        2,
    )


def test_an_attempt_never_finished_reads_as_outcome_unknown(store: MessageStore) -> None:
    store.create_message(new_message())
    store.begin_attempt("m-1", 1.0)
    (attempt,) = store.attempts("m-1")
    assert attempt.finished_at is None
    assert attempt.outcome_known is False


def test_attempt_for_unknown_message_is_an_error(store: MessageStore) -> None:
    with pytest.raises(UnknownMessage):
        store.begin_attempt("nope", 1.0)


def test_undecided_lists_only_messages_still_in_progress(store: MessageStore) -> None:
    for name in ("queued", "waiting", "done"):
        store.create_message(new_message(name))
    number = store.begin_attempt("waiting", 1.0)
    store.finish_attempt(
        "waiting",
        number,
        AttemptResult(finished_at=2.0, transport_error="dropped", outcome_known=False),
        Decision(MessageStatus.RETRY_WAIT, "retry", retry_at=32.0),
    )
    number = store.begin_attempt("done", 1.0)
    store.finish_attempt(
        "done",
        number,
        AttemptResult(finished_at=2.0, http_status=200, result_code=2),
        Decision(MessageStatus.FAILED, "auth"),
    )
    assert [m.message_id for m in store.undecided()] == ["queued", "waiting"]


def test_final_state_is_never_replaced_by_a_late_receipt(store: MessageStore) -> None:
    store.create_message(new_message())
    store.add_receipt(receipt("m-1", 6, 1.0))
    store.add_receipt(receipt("m-1", 2, 3.0))
    store.add_receipt(receipt("m-1", 1, 4.0))  # en route, arriving late
    store.add_receipt(receipt("m-1", 5, 5.0, code=1))  # a contradicting final
    message = store.get_message("m-1")
    assert message is not None
    assert (message.state, message.state_at) == (2, 3.0)
    assert [r.message_state for r in store.receipts("m-1")] == [6, 2, 1, 5]


def test_non_final_receipts_move_the_state_forward(store: MessageStore) -> None:
    store.create_message(new_message())
    store.add_receipt(receipt("m-1", 6, 1.0))
    store.add_receipt(receipt("m-1", 1, 2.0))
    assert store.get_message("m-1").state == 1  # type: ignore[union-attr]


def test_identical_redelivery_is_counted_not_added(store: MessageStore) -> None:
    store.create_message(new_message())
    assert store.add_receipt(receipt("m-1", 2, 1.0)) is True
    assert store.add_receipt(receipt("m-1", 2, 9.0)) is False
    (kept,) = store.receipts("m-1")
    assert kept.redeliveries == 1
    assert kept.received_at == 1.0


def test_receipt_before_its_message_is_an_orphan_until_the_message_exists(
    store: MessageStore,
) -> None:
    store.add_receipt(receipt("early", 2, 1.0))
    assert [r.message_id for r in store.orphan_receipts()] == ["early"]
    message = store.create_message(new_message("early"))
    assert message.state == 2
    assert store.orphan_receipts() == []
    assert len(store.receipts("early")) == 1


def test_callback_batch_is_stored_whole(store: MessageStore) -> None:
    reply = IncomingReply("mo-1", "12345", "12025550100", None, "hi", 1.0, "203.0.113.9", "")
    bad = QuarantinedCallback(1.0, "203.0.113.9", "POST", "/cb", (), b"junk", "no type")
    results = store.record_callbacks(
        [receipt("a", 1, 1.0), receipt("a", 1, 1.5), reply, bad, receipt("b", 2, 2.0)]
    )
    assert results == [True, False, True, True, True]
    assert {r.message_id for r in store.orphan_receipts()} == {"a", "b"}
    assert [r.message_id for r in store.replies()] == ["mo-1"]
    assert [q.reason for q in store.quarantined()] == ["no type"]


def test_a_failing_batch_stores_nothing(store: MessageStore) -> None:
    class Broken(IncomingReceipt):
        pass

    broken = Broken("x", 2, 0, 1.0, object(), "raw")  # type: ignore[arg-type]
    with pytest.raises((sqlite3.ProgrammingError, StoreError)):
        store.record_callbacks([receipt("a", 1, 1.0), broken])
    assert store.orphan_receipts() == []


def test_receipt_keeps_every_raw_field_and_source(store: MessageStore) -> None:
    raw = "type=receipt&message_id=m&message_state=2&extra=kept"
    store.add_receipt(
        IncomingReceipt("m", 2, 0, 1.0, "198.51.100.1", raw, app_id="crm", conversation_id="c")
    )
    (kept,) = store.receipts("m")
    assert kept.raw == raw
    assert (kept.source_address, kept.app_id, kept.conversation_id) == ("198.51.100.1", "crm", "c")


def test_replies_are_kept_once_with_their_attachments(store: MessageStore) -> None:
    reply = IncomingReply(
        message_id="mo-1",
        shortcode="12345",
        phone_number="12025550100",
        carrier="7",
        body="Thanks!",
        received_at=5.0,
        source_address="203.0.113.9",
        raw="type=MO",
        attachments=(Attachment("image/jpeg", b"\xff\xd8\xff"),),
    )
    assert store.add_reply(reply) is True
    assert store.add_reply(reply) is False
    (kept,) = store.replies("12025550100")
    assert kept.body == "Thanks!"
    assert kept.redeliveries == 1
    assert kept.attachments == reply.attachments
    assert store.replies("447700900000") == []


def test_quarantine_keeps_the_request_byte_for_byte(store: MessageStore) -> None:
    body = b"\xff\xfe not a form \x00"
    store.quarantine(
        QuarantinedCallback(
            received_at=1.0,
            source_address="203.0.113.5",
            method="POST",
            target="/cb/token?x=1",
            headers=(("content-type", "application/octet-stream"),),
            body=body,
            reason="not a form body",
        )
    )
    (kept,) = store.quarantined()
    assert kept.body == body
    assert kept.headers == (("content-type", "application/octet-stream"),)
    assert (kept.reason, kept.target) == ("not a form body", "/cb/token?x=1")


def test_messages_page_newest_first_by_keyset(store: MessageStore) -> None:
    for i in range(5):
        store.create_message(new_message(f"m{i}"))
    first = store.messages(limit=2)
    assert [m.message_id for m in first] == ["m4", "m3"]
    second = store.messages(limit=2, before_id=first[-1].id)
    assert [m.message_id for m in second] == ["m2", "m1"]


def test_a_second_connection_sees_committed_writes(backend: Backend, store: MessageStore) -> None:
    store.create_message(new_message())
    with backend.open() as other:
        other.add_receipt(receipt("m-1", 2, 1.0))
    assert store.get_message("m-1").state == 2  # type: ignore[union-attr]
