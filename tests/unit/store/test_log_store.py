"""The message log on both backends: messages, replies and orphan receipts in one list,
paged by key, counted, searched and filtered."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from console.protocol.mt_request import Attachment, Priority
from console.store import log
from console.store.interface import MessageStore
from console.store.log_search import NumberSearch, number_search
from console.store.migrations import MIGRATIONS
from console.store.models import (
    PREVIEW_CHARS,
    AttemptResult,
    Decision,
    Direction,
    IncomingReceipt,
    IncomingReply,
    LogKey,
    LogKind,
    LogQuery,
    LogRow,
    LogState,
    MessageStatus,
    NewMessage,
)
from console.store.sqlite import SqliteStore
from tests.support.store_backends import Backend

EVERYTHING = LogQuery()


def send(
    store: MessageStore,
    message_id: str,
    at: float,
    phone: str = "12025550100",
    body: str = "Your order has shipped",
    **changes: object,
) -> None:
    fields: dict[str, object] = {
        "message_id": message_id,
        "profile": "default",
        "phone_number": phone,
        "sender": "12345",
        "body": body,
        "endpoint": "http://127.0.0.1:9/httpapi/receiver",
    }
    fields.update(changes)
    store.create_message(NewMessage(**fields), now=at)  # type: ignore[arg-type]


def decide(
    store: MessageStore, message_id: str, status: MessageStatus, code: int | None, at: float
) -> None:
    number = store.begin_attempt(message_id, at)
    store.finish_attempt(
        message_id,
        number,
        AttemptResult(finished_at=at, http_status=200, result_code=code),
        Decision(status, f"decided {status.value}"),
    )


def deliver(store: MessageStore, message_id: str, state: int, at: float) -> None:
    store.add_receipt(
        IncomingReceipt(
            message_id=message_id,
            message_state=state,
            result_code=0,
            received_at=at,
            source_address="203.0.113.7",
            raw=f"type=receipt&message_id={message_id}&message_state={state}",
        )
    )


def reply(
    store: MessageStore,
    message_id: str,
    at: float,
    phone: str = "447700900123",
    body: str = "Thanks!",
    attachments: tuple[Attachment, ...] = (),
) -> None:
    store.add_reply(
        IncomingReply(
            message_id=message_id,
            shortcode="12345",
            phone_number=phone,
            carrier=None,
            body=body,
            received_at=at,
            source_address="203.0.113.7",
            raw=f"type=MO&message_id={message_id}",
            attachments=attachments,
        )
    )


def ids(rows: list[LogRow]) -> list[str]:
    return [r.message_id for r in rows]


def mixed_log(store: MessageStore, messages: int = 30) -> list[str]:
    """Messages with a reply after every fifth; returns message_ids newest first."""
    order = []
    for i in range(messages):
        send(store, f"m-{i:03}", at=1000.0 + i * 10)
        order.append(f"m-{i:03}")
        if i % 5 == 4:
            reply(store, f"r-{i:03}", at=1005.0 + i * 10)
            order.append(f"r-{i:03}")
    return order[::-1]


def page_through(store: MessageStore, query: LogQuery, size: int, newest_first: bool) -> list[str]:
    seen: list[str] = []
    bound: LogKey | None = None
    while True:
        if newest_first:
            rows = store.log_page(query, before=bound, limit=size)
        else:
            rows = store.log_page_oldest(query, after=bound, limit=size)
        if not rows:
            return seen
        seen += ids(rows)
        bound = rows[-1].key


def test_log_interleaves_messages_replies_and_orphan_receipts_newest_first(
    store: MessageStore,
) -> None:
    send(store, "m-1", at=100.0)
    reply(store, "r-1", at=150.0)
    deliver(store, "nobody-sent-this", 2, at=175.0)
    send(store, "m-2", at=200.0)

    rows = store.log_page(EVERYTHING)

    assert ids(rows) == ["m-2", "nobody-sent-this", "r-1", "m-1"]
    assert [r.direction for r in rows] == [Direction.OUT, Direction.IN, Direction.IN, Direction.OUT]
    assert [r.kind for r in rows] == [
        LogKind.MESSAGE,
        LogKind.ORPHAN_RECEIPT,
        LogKind.REPLY,
        LogKind.MESSAGE,
    ]
    assert store.log_count(EVERYTHING) == 4


@pytest.mark.parametrize("size", [1, 4, 7, 100])
def test_paging_by_key_shows_every_row_once_in_order_from_either_end(
    store: MessageStore, size: int
) -> None:
    expected = mixed_log(store)

    assert page_through(store, EVERYTHING, size, newest_first=True) == expected
    assert page_through(store, EVERYTHING, size, newest_first=False) == expected[::-1]


def test_rows_of_the_same_moment_keep_one_order_both_ways(store: MessageStore) -> None:
    # Same time and same row id in both tables: the kind decides, identically both ways.
    for i in range(1, 4):
        send(store, f"m-{i}", at=500.0)
        reply(store, f"r-{i}", at=500.0)
    expected = ["r-3", "m-3", "r-2", "m-2", "r-1", "m-1"]

    assert ids(store.log_page(EVERYTHING)) == expected
    for size in (1, 2, 5):
        assert page_through(store, EVERYTHING, size, newest_first=True) == expected
        assert page_through(store, EVERYTHING, size, newest_first=False) == expected[::-1]


def test_skip_jumps_into_the_middle_from_either_end(store: MessageStore) -> None:
    expected = mixed_log(store)
    middle = store.log_page(EVERYTHING, limit=3, skip=10)
    from_bottom = store.log_page_oldest(EVERYTHING, limit=3, skip=10)
    after_key = store.log_page(EVERYTHING, before=middle[0].key, limit=2, skip=2)

    assert ids(middle) == expected[10:13]
    assert ids(from_bottom) == expected[::-1][10:13]
    assert ids(after_key) == expected[13:15]
    assert store.log_page(EVERYTHING, skip=len(expected)) == []


def test_count_between_keys_gives_a_rows_position(store: MessageStore) -> None:
    expected = mixed_log(store)
    rows = store.log_page(EVERYTHING, limit=len(expected))

    assert store.log_count(EVERYTHING, after=rows[9].key) == 9
    assert store.log_count(EVERYTHING, before=rows[9].key) == len(expected) - 10
    assert store.log_count(EVERYTHING, before=rows[2].key, after=rows[9].key) == 6


def test_a_snapshot_leaves_out_rows_that_arrive_later(store: MessageStore) -> None:
    mixed_log(store, messages=5)
    top = store.log_page(EVERYTHING, limit=1)[0]
    snapshot = LogQuery(up_to=top.key)
    send(store, "late", at=9999.0)
    reply(store, "late-reply", at=9999.0)

    assert store.log_count(snapshot) == 6
    assert store.log_page(snapshot, limit=1)[0].message_id == top.message_id
    assert store.log_page_oldest(snapshot, limit=10)[-1].message_id == top.message_id
    assert store.log_count(EVERYTHING) == 8


@pytest.mark.parametrize(
    ("typed", "found"),
    [
        ("+1 (202) 555-0100", ["m-us"]),
        ("+1 202", ["m-us"]),
        ("(202) 555-0100", ["m-us"]),
        ("0044 7700 900123", ["r-uk", "m-uk"]),
        ("07700 900123", ["r-uk", "m-uk"]),
        ("0123", ["r-uk", "m-uk"]),
        ("555", ["m-us"]),
        ("4477", ["r-uk", "m-uk"]),
        ("+7700", []),
        ("999999", []),
    ],
)
def test_number_search_finds_numbers_however_they_are_typed(
    store: MessageStore, matches: str, typed: str, found: list[str]
) -> None:
    send(store, "m-us", at=100.0, phone="12025550100", body="Call 447700900123 today")
    send(store, "m-uk", at=200.0, phone="447700900123")
    reply(store, "r-uk", at=300.0, phone="447700900123")
    query = LogQuery(text=typed)

    assert ids(store.log_page(query)) == found
    assert store.log_count(query) == len(found)
    assert store.log_head(query, limit=1) == (store.log_page(query, limit=1), len(found))


def test_a_number_with_its_country_code_is_found_from_the_start() -> None:
    assert number_search("+44 7700 900123") == NumberSearch("447700900123", at_start=True)
    assert number_search("0044 7700 900123") == NumberSearch("447700900123", at_start=True)
    assert number_search("07700 900123") == NumberSearch("7700900123", at_start=False)
    assert number_search("0100") == NumberSearch("0100", at_start=False)
    assert number_search("order 12") is None
    assert number_search("--") is None


@pytest.mark.parametrize("size", [1, 3, 50])
def test_paging_through_a_search_shows_each_match_once(
    store: MessageStore, matches: str, size: int
) -> None:
    for i in range(20):
        send(store, f"m-{i:02}", at=100.0 + i, phone=f"4477009001{i:02}")
        send(store, f"other-{i:02}", at=100.5 + i, phone=f"1202555{i:04}")
    query = LogQuery(text="07700 9001")
    expected = [f"m-{i:02}" for i in range(19, -1, -1)]

    assert page_through(store, query, size, newest_first=True) == expected
    assert page_through(store, query, size, newest_first=False) == expected[::-1]
    assert ids(store.log_page(query, limit=3, skip=5)) == expected[5:8]
    assert ids(store.log_page_oldest(query, limit=3, skip=5)) == expected[::-1][5:8]
    assert store.log_head(query, limit=3) == (store.log_page(query, limit=3), 20)


def test_a_search_sees_messages_stored_after_it_by_any_connection(
    store: MessageStore, backend: Backend
) -> None:
    query = LogQuery(text="+44")
    send(store, "first", at=100.0, phone="447700900123")
    assert store.log_count(query) == 1

    send(store, "ours", at=200.0, phone="447700900124")
    assert store.log_count(query) == 2
    with backend.open() as other:
        send(other, "theirs", at=300.0, phone="447700900125")
    assert ids(store.log_page(query)) == ["theirs", "ours", "first"]


def test_text_search_finds_message_text_ignoring_case_and_ids_by_prefix(
    store: MessageStore, matches: str
) -> None:
    send(store, "a1b2c3d4e5", at=100.0, body="Your PARCEL is waiting")
    send(store, "d4e5f6a7b8", at=200.0, body="Your order has shipped")
    reply(store, "r-9", at=300.0, body="where is my parcel?")

    assert ids(store.log_page(LogQuery(text="parcel"))) == ["r-9", "a1b2c3d4e5"]
    assert ids(store.log_page(LogQuery(text="d4e5f6"))) == ["d4e5f6a7b8"]
    assert ids(store.log_page(LogQuery(text="d4e5f6a7b8"))) == ["d4e5f6a7b8"]
    # Too short to be meant as the start of an id.
    assert ids(store.log_page(LogQuery(text="d4e5"))) == []
    assert ids(store.log_page(LogQuery(text="  shipped "))) == ["d4e5f6a7b8"]
    assert store.log_count(LogQuery(text="parcel")) == 2


def test_a_numeric_message_id_is_found_by_its_digits(store: MessageStore) -> None:
    send(store, "m-1", at=100.0, phone="12025550100")
    reply(store, "8800123456", at=200.0, phone="447700900123")

    assert ids(store.log_page(LogQuery(text="880012"))) == ["8800123456"]
    assert store.log_count(LogQuery(text="8800123456")) == 1


def test_wildcard_characters_in_the_search_are_taken_literally(store: MessageStore) -> None:
    send(store, "m-1", at=100.0, body="Save 20% today")
    send(store, "m-2", at=200.0, body="Save 20 euros today")
    send(store, "m-3", at=300.0, body="file_name.txt attached")
    send(store, "m-4", at=400.0, body="filename attached")

    assert ids(store.log_page(LogQuery(text="20%"))) == ["m-1"]
    assert ids(store.log_page(LogQuery(text="file_"))) == ["m-3"]


def test_direction_filter_keeps_one_side_of_the_conversation(store: MessageStore) -> None:
    expected = mixed_log(store, messages=10)

    outbound = store.log_page(LogQuery(direction=Direction.OUT), limit=100)
    inbound = store.log_page(LogQuery(direction=Direction.IN), limit=100)

    assert ids(outbound) == [i for i in expected if i.startswith("m-")]
    assert ids(inbound) == ["r-009", "r-004"]
    assert store.log_count(LogQuery(direction=Direction.IN)) == 2
    assert page_through(store, LogQuery(direction=Direction.OUT), 3, newest_first=False) == [
        i for i in expected[::-1] if i.startswith("m-")
    ]


def outcomes(store: MessageStore) -> None:
    send(store, "queued", at=100.0)
    send(store, "retrying", at=110.0)
    decide(store, "retrying", MessageStatus.RETRY_WAIT, 6, at=111.0)
    send(store, "refused", at=120.0)
    decide(store, "refused", MessageStatus.FAILED, 4, at=121.0)
    send(store, "stuck", at=130.0)
    decide(store, "stuck", MessageStatus.NEEDS_OPERATOR, 7, at=131.0)
    send(store, "accepted", at=140.0)
    decide(store, "accepted", MessageStatus.ACCEPTED, 0, at=141.0)
    send(store, "en-route", at=150.0)
    decide(store, "en-route", MessageStatus.ACCEPTED, 0, at=151.0)
    deliver(store, "en-route", 1, at=152.0)
    send(store, "delivered", at=160.0)
    decide(store, "delivered", MessageStatus.ACCEPTED, 0, at=161.0)
    deliver(store, "delivered", 2, at=162.0)
    send(store, "expired", at=170.0)
    decide(store, "expired", MessageStatus.ACCEPTED, 0, at=171.0)
    deliver(store, "expired", 3, at=172.0)
    send(store, "rejected", at=180.0)
    decide(store, "rejected", MessageStatus.ACCEPTED, 0, at=181.0)
    deliver(store, "rejected", 8, at=182.0)
    # The answer was lost, yet the handset got it: delivery decides.
    send(store, "delivered-early", at=190.0)
    decide(store, "delivered-early", MessageStatus.RETRY_WAIT, None, at=191.0)
    deliver(store, "delivered-early", 2, at=192.0)
    reply(store, "a-reply", at=200.0)


@pytest.mark.parametrize(
    ("state", "found"),
    [
        (LogState.PENDING, ["retrying", "queued"]),
        (LogState.ACCEPTED, ["en-route", "accepted"]),
        (LogState.DELIVERED, ["delivered-early", "delivered"]),
        (LogState.UNDELIVERED, ["rejected", "expired"]),
        (LogState.FAILED, ["refused"]),
        (LogState.ATTENTION, ["stuck"]),
    ],
)
def test_state_filter_groups_messages_by_what_happened_to_them(
    store: MessageStore, state: LogState, found: list[str]
) -> None:
    outcomes(store)
    query = LogQuery(state=state)

    rows = store.log_page(query)

    assert ids(rows) == found
    assert {r.log_state for r in rows} == {state}
    assert store.log_count(query) == len(found)


def test_a_state_filter_shows_no_replies_even_inbound(store: MessageStore) -> None:
    outcomes(store)

    assert store.log_page(LogQuery(state=LogState.DELIVERED, direction=Direction.IN)) == []
    assert store.log_count(LogQuery(state=LogState.DELIVERED, direction=Direction.IN)) == 0


def test_filters_combine(store: MessageStore) -> None:
    outcomes(store)
    send(store, "delivered-elsewhere", at=300.0, phone="447700900999")
    decide(store, "delivered-elsewhere", MessageStatus.ACCEPTED, 0, at=301.0)
    deliver(store, "delivered-elsewhere", 2, at=302.0)

    query = LogQuery(text="447700900999", state=LogState.DELIVERED, direction=Direction.OUT)

    assert ids(store.log_page(query)) == ["delivered-elsewhere"]


def test_a_row_carries_what_the_log_shows(store: MessageStore) -> None:
    body = "Line one\nline two " + "x" * 200
    photo = Attachment("image/png", b"\x89PNG", "photo.png")
    send(
        store,
        "m-1",
        at=100.0,
        body=body,
        priority=Priority.INTERACTIVE,
        attachments=(photo, photo),
    )
    decide(store, "m-1", MessageStatus.ACCEPTED, 0, at=101.0)
    deliver(store, "m-1", 5, at=130.0)
    reply(store, "r-1", at=200.0, attachments=(photo,))

    reply_row, message_row = store.log_page(EVERYTHING)

    assert message_row.priority is Priority.INTERACTIVE
    assert message_row.attachments == 2
    assert message_row.is_mms
    assert message_row.receipt
    assert message_row.status is MessageStatus.ACCEPTED
    assert message_row.result_code == 0
    assert message_row.status_detail == "decided accepted"
    assert message_row.state == 5
    assert message_row.state_result_code == 0
    assert message_row.log_state is LogState.UNDELIVERED
    assert message_row.time == 100.0
    assert message_row.updated_at == 130.0
    assert message_row.preview == ("Line one line two " + "x" * 200)[:80]
    assert message_row.phone_number == "12025550100"
    assert message_row.sender == "12345"

    assert reply_row.direction is Direction.IN
    assert reply_row.sender == "12345"
    assert reply_row.phone_number == "447700900123"
    assert reply_row.attachments == 1
    assert reply_row.status is None
    assert reply_row.log_state is None
    assert reply_row.updated_at == 200.0
    assert reply_row.preview == "Thanks!"


def test_a_row_says_whether_its_text_goes_on_past_the_preview(store: SqliteStore) -> None:
    # Characters, not bytes: é and 📦 count one each.
    send(store, "exactly", at=100.0, body="é" * PREVIEW_CHARS)
    send(store, "one-more", at=101.0, body="é" * PREVIEW_CHARS + "!")
    reply(store, "long-reply", at=102.0, body="\U0001f4e6" * (PREVIEW_CHARS + 20))
    reply(store, "short-reply", at=103.0)

    rows = {row.message_id: row for row in store.log_page(EVERYTHING)}

    assert (rows["exactly"].preview, rows["exactly"].preview_cut) == (
        "é" * PREVIEW_CHARS,
        False,
    )
    assert (rows["one-more"].preview, rows["one-more"].preview_cut) == (
        "é" * PREVIEW_CHARS,
        True,
    )
    assert rows["long-reply"].preview == "\U0001f4e6" * PREVIEW_CHARS
    assert rows["long-reply"].preview_cut
    assert not rows["short-reply"].preview_cut


def test_rows_by_message_id_show_the_latest_state_and_respect_the_query(
    store: MessageStore,
) -> None:
    mixed_log(store, messages=10)
    decide(store, "m-003", MessageStatus.ACCEPTED, 0, at=5000.0)
    deliver(store, "m-003", 2, at=5001.0)

    rows = store.log_rows(EVERYTHING, ["m-003", "r-004", "unknown", "m-003"])
    delivered = store.log_rows(LogQuery(state=LogState.DELIVERED), ["m-003", "m-004"])

    assert ids(rows) == ["r-004", "m-003"]
    assert rows[1].state == 2
    assert rows[1].updated_at == 5001.0
    assert ids(delivered) == ["m-003"]
    assert store.log_rows(EVERYTHING, []) == []


def test_rows_by_message_id_cope_with_long_id_lists(store: MessageStore) -> None:
    for i in range(1200):
        send(store, f"m-{i}", at=float(i))

    rows = store.log_rows(EVERYTHING, [f"m-{i}" for i in range(1200)])

    assert len(rows) == 1200
    assert rows[0].message_id == "m-1199"


def test_paging_merges_index_scans_instead_of_sorting_the_log(
    sqlite_store: SqliteStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A full sort would make every page of a million-row log take seconds; a search
    # matching many rows must keep reading in time order too.
    monkeypatch.setattr(log, "FEW_MATCHES", -1)
    mixed_log(sqlite_store, messages=5)
    middle = sqlite_store.log_page(EVERYTHING, skip=3, limit=1)[0].key
    conn = sqlite3.connect(sqlite_store.path)
    statements: list[str] = []
    conn.set_trace_callback(statements.append)
    cache = log.LogCache()
    try:
        log.page(conn, cache, EVERYTHING, None, 10, 0, newest_first=True)
        log.page(conn, cache, EVERYTHING, middle, 10, 2, newest_first=True)
        log.page(conn, cache, EVERYTHING, middle, 10, 2, newest_first=False)
        log.page(conn, cache, LogQuery(text="0100"), middle, 10, 0, newest_first=True)
        log.page(conn, cache, LogQuery(text="+1202"), middle, 10, 0, newest_first=True)
        conn.set_trace_callback(None)
        plans = [
            " | ".join(row[3] for row in conn.execute(f"EXPLAIN QUERY PLAN {sql}"))
            for sql in statements
            if "UNION ALL" in sql
        ]
    finally:
        conn.close()

    assert len(plans) == 7
    for plan in plans:
        assert "messages_log_time" in plan
        assert "replies_log_time" in plan
        assert "TEMP B-TREE" not in plan


def test_a_store_from_before_the_log_gains_it_on_opening(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    conn = sqlite3.connect(path, isolation_level=None)
    conn.executescript(f"BEGIN;\n{MIGRATIONS[0]}\nPRAGMA user_version = 1;\nCOMMIT;")
    conn.execute(
        "INSERT INTO messages (message_id, profile, phone_number, sender, body, endpoint,"
        " method, receipt, status, result_code, state, created_at, updated_at)"
        " VALUES ('old', 'default', '12025550100', '12345', 'hello', 'x', 'POST', 1,"
        " 'accepted', 0, 2, 10.0, 12.0)"
    )
    conn.close()

    with SqliteStore(path) as upgraded:
        rows = upgraded.log_page(LogQuery(state=LogState.DELIVERED))

    assert ids(rows) == ["old"]
