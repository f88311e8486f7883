"""Conversations, on both backends: a thread per customer number and our sender, listed
newest activity first, with each operator's unread replies, and the messages of one."""

from __future__ import annotations

from dataclasses import replace

from console.protocol.mt_request import Attachment
from console.store.interface import MessageStore
from console.store.models import (
    AttemptResult,
    Decision,
    IncomingReply,
    MessageStatus,
    StoredMessage,
)
from console.store.suppression import ManualChange
from console.store.threads import ItemKey, Outcome, ThreadQuery, ThreadRow
from tests.support.store_backends import Backend
from tests.unit.store.test_store_contract import new_message, receipt

ANN = "12025550100"
BEN = "13125550199"
CARL = "447700900123"
SHORT = "12345"
ALICE = "alice"
BOB = "bob"


def sent(
    store: MessageStore,
    message_id: str,
    at: float,
    number: str = ANN,
    sender: str = SHORT,
    body: str = "Your order has shipped",
) -> StoredMessage:
    return store.create_message(
        new_message(message_id, phone_number=number, sender=sender, body=body), now=at
    )


def replied(
    store: MessageStore,
    message_id: str,
    at: float,
    number: str = ANN,
    shortcode: str = SHORT,
    body: str = "Thanks!",
    attachments: tuple[Attachment, ...] = (),
) -> bool:
    return store.add_reply(
        IncomingReply(
            message_id, shortcode, number, None, body, at, "203.0.113.7", "raw", attachments
        )
    )


def listed(store: MessageStore, text: str = "", operator: str = ALICE) -> list[ThreadRow]:
    return store.threads(ThreadQuery(text), operator)


def the_thread(store: MessageStore, number: str = ANN, operator: str = ALICE) -> ThreadRow:
    found = store.thread_for(number, SHORT, operator)
    assert found is not None
    return found


def test_threads_come_newest_activity_first_with_their_last_line(store: MessageStore) -> None:
    sent(store, "m-ann", 100.0, ANN, body="Your parcel is on its way")
    sent(store, "m-ben", 200.0, BEN, body="Your code is 1234")
    sent(store, "m-carl", 300.0, CARL)
    # Our other sender writing to Ann is another conversation.
    sent(store, "m-ann-2", 150.0, ANN, sender="ACME")
    replied(store, "mo-ann", 400.0, ANN, body="Where is it?")

    threads = listed(store)

    assert [(t.phone_number, t.sender) for t in threads] == [
        (ANN, SHORT),
        (CARL, SHORT),
        (BEN, SHORT),
        (ANN, "ACME"),
    ]
    top = threads[0]
    assert (top.last_at, top.last_direction, top.last_message_id, top.last_body) == (
        400.0,
        "in",
        "mo-ann",
        "Where is it?",
    )
    assert (threads[2].last_direction, threads[2].last_body) == ("out", "Your code is 1234")
    assert top.unread == 1
    assert threads[1].unread == 0
    assert (top.claimed_by, top.claimed_until, top.opted_out_at) == (None, None, None)


def test_pages_continue_after_the_last_key_even_among_equal_times(store: MessageStore) -> None:
    numbers = [f"1202555{n:04d}" for n in range(7)]
    for n, number in enumerate(numbers):
        # Five of them at the very same time.
        sent(store, f"m-{n}", 100.0 if n < 5 else 100.0 + n, number)

    pages: list[list[ThreadRow]] = []
    before = None
    while True:
        page = store.threads(ThreadQuery(), ALICE, before, limit=2)
        if not page:
            break
        pages.append(page)
        before = page[-1].key

    seen = [t for page in pages for t in page]
    assert [len(p) for p in pages] == [2, 2, 2, 1]
    assert [t.key for t in seen] == sorted((t.key for t in seen), reverse=True)
    assert sorted(t.phone_number for t in seen) == numbers


def test_a_late_reply_counts_but_leaves_the_newer_last_line(store: MessageStore) -> None:
    sent(store, "m-1", 100.0, body="Your order has shipped")
    # Received before the message was sent, stored after it (a slow provider).
    replied(store, "mo-1", 50.0, body="Hello?")
    # A message dated before the last line does not replace it either.
    sent(store, "m-0", 80.0, body="An old one")

    thread = the_thread(store)

    assert (thread.last_at, thread.last_message_id, thread.last_direction) == (
        100.0,
        "m-1",
        "out",
    )
    assert thread.last_body == "Your order has shipped"
    assert thread.unread == 1


def test_a_redelivered_reply_is_counted_once(store: MessageStore) -> None:
    sent(store, "m-1", 100.0)
    assert replied(store, "mo-1", 200.0)
    assert not replied(store, "mo-1", 200.0)
    store.record_callbacks(
        [IncomingReply("mo-1", SHORT, ANN, None, "Thanks!", 200.0, "203.0.113.7", "raw")] * 2
    )

    assert the_thread(store).unread == 1
    assert store.unread_total(ALICE) == 1


def test_replies_are_unread_until_the_operator_reads_them(store: MessageStore) -> None:
    sent(store, "m-1", 100.0)
    for n in range(3):
        replied(store, f"mo-{n}", 200.0 + n)
    sent(store, "m-ben", 100.0, BEN)
    replied(store, "mo-ben", 300.0, BEN)
    thread = the_thread(store)
    assert thread.unread == 3
    assert store.unread_total(ALICE) == 4

    store.mark_read(thread.id, ALICE)

    assert the_thread(store).unread == 0
    assert store.unread_total(ALICE) == 1
    # Each operator reads for themself.
    assert the_thread(store, operator=BOB).unread == 3
    assert store.unread_total(BOB) == 4

    replied(store, "mo-3", 210.0)
    assert the_thread(store).unread == 1
    assert store.unread_total(ALICE) == 2


def test_marking_unread_leaves_the_last_reply_unread(store: MessageStore) -> None:
    sent(store, "m-1", 100.0)
    replied(store, "mo-1", 200.0)
    replied(store, "mo-2", 210.0)
    thread = the_thread(store)
    store.mark_read(thread.id, ALICE)

    store.mark_unread(thread.id, ALICE)

    assert the_thread(store).unread == 1
    assert store.unread_total(ALICE) == 1
    store.mark_unread(thread.id, ALICE)  # again: still the last one only
    assert the_thread(store).unread == 1
    store.mark_read(thread.id, ALICE)
    assert the_thread(store).unread == 0


def test_a_read_mark_past_the_replies_leaves_none_unread(
    backend: Backend, store: MessageStore
) -> None:
    sent(store, "m-1", 100.0)
    replied(store, "mo-1", 200.0)
    store.mark_read(the_thread(store).id, ALICE)
    # As a mark kept from a store restored with fewer replies than it had.
    backend.execute("UPDATE thread_reads SET seen = 5")

    assert the_thread(store).unread == 0
    assert store.unread_total(ALICE) == 0


def test_a_thread_without_replies_has_none_to_mark_unread(store: MessageStore) -> None:
    thread = sent(store, "m-1", 100.0) and the_thread(store)

    store.mark_unread(thread.id, ALICE)

    assert the_thread(store).unread == 0
    assert store.unread_total(ALICE) == 0


def test_a_thread_holds_its_messages_and_replies_oldest_first(store: MessageStore) -> None:
    photo = Attachment("image/png", b"\x89PNG\r\n\x1a\nrest")
    sent(store, "m-1", 100.0, body="Your order has shipped")
    replied(store, "mo-1", 150.0, body="Look", attachments=(photo,))
    sent(store, "m-2", 200.0, body="Sorry about that")
    sent(store, "m-other", 120.0, BEN)
    number = store.begin_attempt("m-2", 201.0)
    store.finish_attempt(
        "m-2",
        number,
        AttemptResult(finished_at=202.0, http_status=200, result_code=0),
        Decision(MessageStatus.ACCEPTED, "accepted"),
    )
    store.add_receipt(receipt("m-2", 2, 210.0))

    items = store.thread_items(the_thread(store).id)

    assert [(i.direction, i.message_id, i.at) for i in items] == [
        ("out", "m-1", 100.0),
        ("in", "mo-1", 150.0),
        ("out", "m-2", 200.0),
    ]
    assert items[1].reply is not None
    assert items[1].reply.body == "Look"
    assert items[1].reply.attachments == (photo,)
    last = items[2].message
    assert last is not None
    assert (last.status, last.state, last.body) == (MessageStatus.ACCEPTED, 2, "Sorry about that")


def test_a_thread_whose_newest_message_is_ours_says_where_it_stands(store: MessageStore) -> None:
    sent(store, "m-ann", 100.0, ANN)
    sent(store, "m-ben", 110.0, BEN)
    replied(store, "mo-carl", 90.0, CARL)
    sent(store, "m-carl", 95.0, CARL)
    replied(store, "mo-carl-2", 120.0, CARL)
    for message_id, decision, code in (
        ("m-ann", Decision(MessageStatus.FAILED, "sender denied"), 3),
        ("m-ben", Decision(MessageStatus.ACCEPTED, "accepted"), 0),
    ):
        number = store.begin_attempt(message_id, 130.0)
        store.finish_attempt(
            message_id,
            number,
            AttemptResult(finished_at=131.0, http_status=200, result_code=code),
            decision,
        )
    assert the_thread(store, BEN).last_outcome == Outcome(MessageStatus.ACCEPTED, None, True, 0)

    store.add_receipt(receipt("m-ben", 5, 140.0, code=1))

    assert the_thread(store, ANN).last_outcome == Outcome(MessageStatus.FAILED, None, True, 3)
    assert the_thread(store, BEN).last_outcome == Outcome(MessageStatus.ACCEPTED, 5, True, 0)
    # The customer wrote last: nothing of ours to tell.
    assert the_thread(store, CARL).last_outcome is None
    assert {t.phone_number: t.last_outcome for t in listed(store)}[BEN] == Outcome(
        MessageStatus.ACCEPTED, 5, True, 0
    )


def test_a_long_thread_is_read_newest_page_first(store: MessageStore) -> None:
    for n in range(5):
        sent(store, f"m-{n}", 100.0 + 10 * n)
        replied(store, f"mo-{n}", 105.0 + 10 * n)
    # Two at the very same time: the message_id orders them.
    sent(store, "m-tie-a", 200.0)
    replied(store, "m-tie-b", 200.0)
    thread = the_thread(store)

    newest = store.thread_items(thread.id, limit=4)
    older = store.thread_items(thread.id, before=newest[0].key, limit=4)
    oldest = store.thread_items(thread.id, before=older[0].key, limit=4)

    assert [i.message_id for i in newest] == ["m-4", "mo-4", "m-tie-a", "m-tie-b"]
    assert [i.message_id for i in older] == ["m-2", "mo-2", "m-3", "mo-3"]
    assert [i.message_id for i in oldest] == ["m-0", "mo-0", "m-1", "mo-1"]
    assert store.thread_items(thread.id, before=ItemKey(200.0, "m-tie-b"), limit=1)[
        0
    ].message_id == ("m-tie-a")
    assert store.thread_items(thread.id, before=oldest[0].key) == []


def test_threads_are_found_by_id_pair_and_by_changed_message(store: MessageStore) -> None:
    sent(store, "m-1", 100.0)
    sent(store, "m-2", 110.0, BEN)
    sent(store, "m-3", 120.0, CARL)
    replied(store, "mo-1", 130.0, BEN)
    ann = the_thread(store)

    assert store.thread(ann.id, ALICE) == ann
    assert store.thread(ann.id + 1000, ALICE) is None
    assert store.thread_for(ANN, "ACME", ALICE) is None
    changed = store.threads_for(["m-1", "mo-1", "m-1", "unknown"], ALICE)
    assert [(t.phone_number, t.unread) for t in changed] == [(BEN, 1), (ANN, 0)]
    assert store.threads_for([], ALICE) == []
    assert store.thread_items(ann.id + 1000) == []


def test_a_number_on_the_opt_out_list_says_since_when(
    backend: Backend, store: MessageStore
) -> None:
    sent(store, "m-1", 100.0)
    sent(store, "m-2", 110.0, BEN)
    backend.execute(
        "INSERT INTO suppressions (phone_number, at, keyword) VALUES ('12025550100', 150.0, 'STOP')"
    )

    assert [(t.phone_number, t.opted_out_at, t.opted_out_keyword) for t in listed(store)] == [
        (BEN, None, None),
        (ANN, 150.0, "STOP"),
    ]
    # Put there by hand: no keyword.
    store.suppress(BEN, ManualChange("alice", "desk-1", "asked by phone"), at=160.0)
    assert (the_thread(store, BEN).opted_out_at, the_thread(store, BEN).opted_out_keyword) == (
        160.0,
        None,
    )


def test_each_operator_sees_the_same_threads(store: MessageStore) -> None:
    sent(store, "m-1", 100.0)
    replied(store, "mo-1", 120.0)
    store.mark_read(the_thread(store).id, ALICE)

    alices, bobs = listed(store, operator=ALICE), listed(store, operator=BOB)

    assert [replace(t, unread=0) for t in alices] == [replace(t, unread=0) for t in bobs]
    assert [(t.unread) for t in alices + bobs] == [0, 1]
