"""Receipts for a message_id never sent from here are one log row each: the delivery-state
rule of known messages, placed at the latest receipt, paged, counted and filtered."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from console.history import orphan_entries
from console.store import log
from console.store.interface import MessageStore
from console.store.migrations import MIGRATIONS
from console.store.models import Direction, LogKind, LogQuery, LogState
from console.store.sqlite import SqliteStore
from tests.unit.store.test_log_store import (
    EVERYTHING,
    deliver,
    ids,
    mixed_log,
    page_through,
    send,
)


def test_an_orphan_is_one_row_at_its_latest_receipt_with_the_state_that_stands(
    store: MessageStore,
) -> None:
    deliver(store, "elsewhere", 6, at=100.0)
    deliver(store, "elsewhere", 2, at=200.0)
    deliver(store, "elsewhere", 1, at=300.0)  # late: Delivered stands
    deliver(store, "elsewhere", 2, at=400.0)  # a redelivery moves nothing

    (row,) = store.log_page(EVERYTHING)

    assert row.kind is LogKind.ORPHAN_RECEIPT
    assert row.direction is Direction.IN
    assert (row.message_id, row.state, row.state_result_code) == ("elsewhere", 2, 0)
    assert (row.time, row.updated_at) == (300.0, 300.0)
    assert row.log_state is LogState.DELIVERED
    assert (row.status, row.phone_number, row.preview) == (None, "", "")
    # The same as the command line's log says.
    (entry,) = orphan_entries(store.orphan_receipts())
    assert (entry.fields["state"], entry.created_at) == (row.state, row.time)


def test_until_a_final_state_the_latest_receipt_decides(store: MessageStore) -> None:
    deliver(store, "elsewhere", 1, at=100.0)
    deliver(store, "elsewhere", 6, at=200.0)

    (row,) = store.log_page(EVERYTHING)

    assert (row.state, row.time, row.log_state) == (6, 200.0, LogState.ACCEPTED)


@pytest.mark.parametrize("size", [1, 4, 100])
def test_orphans_page_and_count_with_the_rest_from_either_end(
    store: MessageStore, size: int
) -> None:
    expected = mixed_log(store, messages=10)
    # One between rows, one at the very time and row id of a message, one newest.
    deliver(store, "o-between", 2, at=1042.0)
    deliver(store, "o-tied", 2, at=1010.0)
    deliver(store, "o-newest", 5, at=5000.0)
    expected.insert(expected.index("m-004"), "o-between")
    expected.insert(expected.index("m-001"), "o-tied")
    expected.insert(0, "o-newest")

    assert page_through(store, EVERYTHING, size, newest_first=True) == expected
    assert page_through(store, EVERYTHING, size, newest_first=False) == expected[::-1]
    assert ids(store.log_page(EVERYTHING, limit=3, skip=5)) == expected[5:8]
    rows = store.log_page(EVERYTHING, limit=len(expected))
    assert store.log_count(EVERYTHING) == len(expected)
    assert store.log_count(EVERYTHING, after=rows[9].key) == 9
    assert store.log_head(EVERYTHING, limit=2) == (rows[:2], len(expected))


def test_state_and_direction_filters_take_an_orphan_by_its_delivery(store: MessageStore) -> None:
    send(store, "sent", at=50.0)
    deliver(store, "o-delivered", 2, at=100.0)
    deliver(store, "o-expired", 3, at=200.0)
    deliver(store, "o-en-route", 1, at=300.0)

    assert ids(store.log_page(LogQuery(state=LogState.DELIVERED))) == ["o-delivered"]
    assert ids(store.log_page(LogQuery(state=LogState.UNDELIVERED))) == ["o-expired"]
    assert ids(store.log_page(LogQuery(state=LogState.ACCEPTED))) == ["o-en-route"]
    assert ids(store.log_page(LogQuery(direction=Direction.IN))) == [
        "o-en-route",
        "o-expired",
        "o-delivered",
    ]
    assert ids(store.log_page(LogQuery(direction=Direction.OUT))) == ["sent"]
    query = LogQuery(direction=Direction.IN, state=LogState.DELIVERED)
    assert ids(store.log_page(query)) == ["o-delivered"]
    assert store.log_count(query) == 1


def test_text_finds_an_orphan_by_the_start_of_its_message_id(store: MessageStore) -> None:
    deliver(store, "abc123def", 2, at=100.0)
    send(store, "m-1", at=200.0, body="abc123 in a message")

    assert ids(store.log_page(LogQuery(text="abc123"))) == ["m-1", "abc123def"]
    assert ids(store.log_page(LogQuery(text="abc123def"))) == ["abc123def"]
    assert store.log_count(LogQuery(text="abc123")) == 2
    assert ids(store.log_page(LogQuery(text="abc"))) == ["m-1"]  # too short for an id
    assert ids(store.log_page(LogQuery(text="123def"))) == []  # not its start


def test_an_orphan_becomes_its_message_when_the_message_is_stored(store: MessageStore) -> None:
    deliver(store, "early", 2, at=100.0)
    assert ids(store.log_rows(EVERYTHING, ["early"])) == ["early"]

    send(store, "early", at=200.0)

    (row,) = store.log_rows(EVERYTHING, ["early"])
    assert row.kind is LogKind.MESSAGE
    assert row.state == 2
    assert ids(store.log_page(EVERYTHING)) == ["early"]
    assert store.log_count(EVERYTHING) == 1
    deliver(store, "early", 1, at=300.0)
    assert store.log_count(EVERYTHING) == 1


def test_rows_by_message_id_give_an_orphans_row_as_the_query_sees_it(
    store: MessageStore,
) -> None:
    deliver(store, "o-1", 6, at=100.0)
    deliver(store, "o-2", 2, at=200.0)

    assert ids(store.log_rows(EVERYTHING, ["o-1", "o-2", "unknown"])) == ["o-2", "o-1"]
    assert ids(store.log_rows(LogQuery(state=LogState.DELIVERED), ["o-1", "o-2"])) == ["o-2"]
    assert store.log_rows(LogQuery(direction=Direction.OUT), ["o-1"]) == []
    deliver(store, "o-1", 2, at=300.0)
    (moved,) = store.log_rows(EVERYTHING, ["o-1"])
    assert (moved.time, moved.state) == (300.0, 2)


def test_paging_merges_the_orphans_index_scan_too(sqlite_store: SqliteStore) -> None:
    mixed_log(sqlite_store, messages=5)
    deliver(sqlite_store, "o-1", 2, at=1012.0)
    conn = sqlite3.connect(sqlite_store.path)
    statements: list[str] = []
    conn.set_trace_callback(statements.append)
    try:
        log.page(conn, log.LogCache(), EVERYTHING, None, 10, 2, newest_first=True)
        log.page(conn, log.LogCache(), EVERYTHING, None, 10, 0, newest_first=False)
        conn.set_trace_callback(None)
        plans = [
            " | ".join(row[3] for row in conn.execute(f"EXPLAIN QUERY PLAN {sql}"))
            for sql in statements
            if "UNION ALL" in sql
        ]
    finally:
        conn.close()

    assert len(plans) == 3
    for plan in plans:
        assert "orphans_log_time" in plan
        assert "TEMP B-TREE" not in plan


def test_a_store_from_before_orphan_rows_gains_them_on_opening(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    conn = sqlite3.connect(path, isolation_level=None)
    for number, script in enumerate(MIGRATIONS[:4], start=1):
        conn.executescript(f"BEGIN;\n{script}\nPRAGMA user_version = {number};\nCOMMIT;")
    conn.execute(
        "INSERT INTO messages (message_id, profile, phone_number, sender, body, endpoint,"
        " method, receipt, status, state, created_at, updated_at)"
        " VALUES ('known', 'default', '12025550100', '12345', 'hi', 'x', 'POST', 1,"
        " 'accepted', 2, 10.0, 12.0)"
    )
    conn.executemany(
        "INSERT INTO receipts (message_id, message_state, result_code, received_at,"
        " source_address, raw, last_received_at) VALUES (?, ?, ?, ?, '203.0.113.7', '', ?)",
        [
            ("known", 2, 0, 12.0, 12.0),
            ("o-late-en-route", 6, 0, 20.0, 20.0),
            ("o-late-en-route", 2, 0, 30.0, 30.0),
            ("o-late-en-route", 1, 0, 40.0, 40.0),
            ("o-undelivered", 1, None, 25.0, 25.0),
            ("o-undelivered", 5, 34, 26.0, 26.0),
        ],
    )
    conn.close()

    with SqliteStore(path) as upgraded:
        rows = upgraded.log_page(EVERYTHING)

    assert [(r.message_id, r.kind, r.time, r.state, r.state_result_code) for r in rows] == [
        ("o-late-en-route", LogKind.ORPHAN_RECEIPT, 40.0, 2, 0),
        ("o-undelivered", LogKind.ORPHAN_RECEIPT, 26.0, 5, 34),
        ("known", LogKind.MESSAGE, 10.0, 2, None),
    ]
