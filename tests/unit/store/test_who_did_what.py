"""Who did what, on both backends: each message keeps its operator and host, the log
filters to one operator's messages (*Mine*), and the audit trail lists what was done."""

from __future__ import annotations

import sqlite3
from dataclasses import replace

import pytest

from console.store import log
from console.store.audit import AuditAction, AuditEntry
from console.store.errors import DuplicateMessageId
from console.store.interface import MessageStore
from console.store.models import Direction, LogQuery, LogState, MessageStatus, NewMessage
from console.store.sqlite import SqliteStore
from tests.unit.store.test_log_store import decide, deliver, ids, reply, send

MINE = LogQuery(operator="alice")


def team_log(store: MessageStore) -> None:
    """Alice's and Bob's messages, a message from before operators were recorded, a
    reply and an orphan receipt, one after the other."""
    send(store, "a-1", at=100.0, operator="alice", host="desk-1")
    send(store, "b-1", at=110.0, operator="bob", host="desk-2")
    send(store, "old", at=115.0)
    reply(store, "r-1", at=120.0)
    send(store, "a-2", at=130.0, operator="alice", host="laptop", body="Refund issued")
    deliver(store, "orphan-1", 2, at=140.0)
    send(store, "b-2", at=150.0, operator="bob", host="desk-2")


def test_a_message_keeps_who_sent_it_and_from_where(store: MessageStore) -> None:
    send(store, "a-1", at=100.0, operator="alice", host="desk-1")
    send(store, "old", at=110.0)

    message = store.get_message("a-1")
    rows = store.log_page(LogQuery())

    assert message is not None
    assert (message.operator, message.host) == ("alice", "desk-1")
    assert [(r.message_id, r.operator, r.host) for r in rows] == [
        ("old", None, None),
        ("a-1", "alice", "desk-1"),
    ]
    assert [(m.operator, m.host) for m in store.messages()] == [(None, None), ("alice", "desk-1")]


def test_mine_keeps_only_that_operators_messages(store: MessageStore) -> None:
    team_log(store)

    head, count = store.log_head(MINE)

    assert ids(head) == ["a-2", "a-1"]
    assert count == 2
    assert store.log_count(MINE) == 2
    assert ids(store.log_page_oldest(MINE)) == ["a-1", "a-2"]
    assert ids(store.log_page(MINE, skip=1)) == ["a-1"]
    assert ids(store.log_page(LogQuery(operator="bob"), limit=1)) == ["b-2"]
    assert ids(store.log_rows(MINE, ["a-1", "b-1", "r-1", "orphan-1"])) == ["a-1"]


def test_the_messages_of_one_operator_are_listed_newest_first(store: MessageStore) -> None:
    team_log(store)

    assert [m.message_id for m in store.messages(operator="alice")] == ["a-2", "a-1"]
    assert [m.message_id for m in store.messages(limit=1, operator="bob")] == ["b-2"]
    assert store.messages(operator="nobody") == []
    assert len(store.messages()) == 5


def test_mine_leaves_out_replies_and_orphan_receipts_whatever_else_is_asked(
    store: MessageStore,
) -> None:
    team_log(store)
    decide(store, "a-1", MessageStatus.ACCEPTED, 0, at=101.0)
    deliver(store, "a-1", 2, at=102.0)

    delivered = LogQuery(operator="alice", state=LogState.DELIVERED)
    incoming = LogQuery(operator="alice", direction=Direction.IN)

    assert ids(store.log_page(delivered)) == ["a-1"]
    assert store.log_count(delivered) == 1
    assert store.log_page(incoming) == []
    assert store.log_count(incoming) == 0
    assert ids(store.log_page(LogQuery(operator="nobody"))) == []


@pytest.mark.usefixtures("matches")
def test_mine_narrows_a_text_search(store: MessageStore) -> None:
    team_log(store)
    send(store, "b-3", at=160.0, operator="bob", body="Refund issued")

    refunds = LogQuery(text="refund", operator="alice")

    assert ids(store.log_page(refunds)) == ["a-2"]
    assert store.log_head(refunds) == (store.log_page(refunds), 1)
    assert store.log_count(refunds) == 1
    assert store.log_count(LogQuery(text="refund")) == 2


def test_the_audit_trail_lists_entries_newest_first(store: MessageStore) -> None:
    store.add_audit(AuditEntry(100.0, "alice", "desk-1", AuditAction.SEND, "a-1"))
    store.add_audit(AuditEntry(200.0, "bob", "desk-2", AuditAction.EXPORT, None, "12 rows"))
    store.add_audit(AuditEntry(200.0, "alice", "desk-1", AuditAction.RETRY, "a-1", "resume"))
    store.add_audit(
        AuditEntry(300.0, "alice", "desk-1", AuditAction.SETTINGS, None, "changed theme")
    )

    entries = store.audit()

    assert [(e.at, e.operator, e.action, e.message_id, e.detail) for e in entries] == [
        (300.0, "alice", "settings", None, "changed theme"),
        (200.0, "alice", "retry", "a-1", "resume"),
        (200.0, "bob", "export", None, "12 rows"),
        (100.0, "alice", "send", "a-1", ""),
    ]
    assert entries[0].host == "desk-1"
    assert entries[0].id > entries[1].id > entries[2].id
    assert [e.action for e in store.audit(limit=2)] == ["settings", "retry"]
    assert [e.action for e in store.audit(since=200.0)] == ["settings", "retry", "export"]
    assert store.audit(since=301.0) == []


def test_a_message_and_its_send_entry_are_stored_together_or_not_at_all(
    store: MessageStore,
) -> None:
    new = NewMessage("a-1", "default", "12025550100", "12345", "Hi", "http://127.0.0.1:9/")
    entry = AuditEntry(100.0, "alice", "desk-1", AuditAction.SEND, "a-1")
    store.create_message(new, now=100.0, audit=entry)

    with pytest.raises(DuplicateMessageId):
        store.create_message(new, now=200.0, audit=replace(entry, at=200.0, operator="bob"))

    assert [(e.at, e.operator, e.message_id) for e in store.audit()] == [(100.0, "alice", "a-1")]


def test_mine_reads_the_operators_messages_from_their_index(sqlite_store: SqliteStore) -> None:
    for i in range(50):
        send(sqlite_store, f"m-{i}", at=float(i), operator="alice" if i % 10 == 0 else "bob")
    conn = sqlite3.connect(sqlite_store.path)
    statements: list[str] = []
    conn.set_trace_callback(statements.append)
    try:
        rows = log.page(conn, log.LogCache(), MINE, None, 10, 0, newest_first=True)
        conn.set_trace_callback(None)
        (select,) = [s for s in statements if "FROM messages" in s]
        plan = " | ".join(row[3] for row in conn.execute(f"EXPLAIN QUERY PLAN {select}"))
    finally:
        conn.close()

    assert ids(rows) == ["m-40", "m-30", "m-20", "m-10", "m-0"]
    assert "messages_operator_time" in plan
    assert "TEMP B-TREE" not in plan
