"""Conversation threads in the shared store, as SQL: the list (paged by key, searched by
number or text), a thread's messages and replies, read marks and claims, as the SQLite
store's (see console.store.threads_sql).

A number is found through the threads' own trigram index over their numbers. A text
uses the log's conditions (see console.store.postgres.log_search_sql): text found in
many of the newest messages or replies reads the threads newest first, asking each
whether one of its messages holds it; rarer text asks the trigram indexes for the
messages holding it and lists their threads.
"""

# Statements here interpolate only this module's clauses and the log search's conditions;
# every value goes as a parameter.
# ruff: noqa: S608

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import psycopg

from console.store.log_search import number_search
from console.store.postgres import callbacks_sql, outbox_sql
from console.store.postgres.log_search_sql import (
    Condition,
    dense,
    short_text,
    text_condition,
    trigrams_holding,
)
from console.store.threads import (
    ItemKey,
    ThreadItem,
    ThreadKey,
    ThreadQuery,
    ThreadRow,
    newest_first,
    outcome,
    thread_row,
)

Cursor = psycopg.Cursor[tuple[Any, ...]]

# A thread's columns for an operator at a time (%s 1, 2: now; 3: the operator).
_ROW = (
    "SELECT t.id, t.phone_number, t.sender, t.last_at, t.last_direction, t.last_message_id,"
    " t.last_body, greatest(t.incoming - coalesce(r.seen, t.seen_by_all), 0),"
    " CASE WHEN t.claimed_until > %s THEN t.claimed_by END,"
    " CASE WHEN t.claimed_until > %s THEN t.claimed_until END, s.at, s.keyword"
    " FROM threads t"
    " LEFT JOIN thread_reads r ON r.thread_id = t.id AND r.operator = %s"
    " LEFT JOIN suppressions s ON s.phone_number = t.phone_number"
)
# Where the newest messages, ours, stand: for the rows shown only (as the SQLite store).
_OUTCOMES = (
    "SELECT message_id, status, state, receipt, result_code FROM messages"
    " WHERE message_id = ANY(%s)"
)
_NEWEST = " ORDER BY t.last_at DESC, t.id DESC"


def _rows(cur: Cursor, operator: str, now: float, where: str, params: list[Any]) -> list[ThreadRow]:
    found = cur.execute(f"{_ROW} {where}", [now, now, operator, *params]).fetchall()
    ours = [r[5] for r in found if r[4] != "in"]
    outcomes = dict(map(outcome, cur.execute(_OUTCOMES, (ours,)).fetchall())) if ours else {}
    return [thread_row(r, outcomes.get(r[5])) for r in found]


def _number_condition(text: str) -> Condition | None:
    number = number_search(text)
    if number is None:
        return None
    # Digits need no escaping.
    pattern = f"{number.digits}%" if number.at_start else f"%{number.digits}%"
    return ("t.phone_number LIKE %s", [pattern])


def _text_condition(cur: Cursor, text: str) -> Condition | None:
    """The threads holding ``text`` in a message or reply; None when none can."""
    trigrams = trigrams_holding(cur, text) if short_text(text) else None
    tables = (("messages", "created_at", "sender"), ("replies", "received_at", "shortcode"))
    many = any(dense(cur, table, time, text) for table, time, _ in tables)
    terms: list[Condition] = []
    for table, _time, sender in tables:
        condition = text_condition(text, has_content=True, trigrams=None if many else trigrams)
        if condition is None:
            continue
        sql, params = condition
        if many:
            terms.append(
                (
                    f"EXISTS (SELECT 1 FROM {table} m WHERE m.phone_number = t.phone_number"
                    f" AND m.{sender} = t.sender AND {sql})",
                    params,
                )
            )
        else:
            terms.append((f"SELECT phone_number, {sender} FROM {table} WHERE {sql}", params))
    if not terms:
        return None
    params = [p for _, ps in terms for p in ps]
    if many:
        return (" OR ".join(f"({sql})" for sql, _ in terms), params)
    union = " UNION ".join(sql for sql, _ in terms)
    return (f"(t.phone_number, t.sender) IN ({union})", params)


def listed(
    cur: Cursor,
    query: ThreadQuery,
    operator: str,
    before: ThreadKey | None,
    limit: int,
    now: float,
) -> list[ThreadRow]:
    """A page of threads, newest activity first (see ThreadRecords.threads)."""
    terms: list[Condition] = []
    text = query.text.strip()
    if text:
        condition = _number_condition(text) or _text_condition(cur, text)
        if condition is None:
            return []
        terms.append(condition)
    if before is not None:
        terms.append(("(t.last_at, t.id) < (%s, %s)", [before.last_at, before.id]))
    where = " AND ".join(f"({sql})" for sql, _ in terms)
    params = [p for _, ps in terms for p in ps]
    return _rows(
        cur,
        operator,
        now,
        f"{'WHERE ' + where if where else ''}{_NEWEST} LIMIT %s",
        [*params, limit],
    )


def by_id(cur: Cursor, thread_id: int, operator: str, now: float) -> ThreadRow | None:
    found = _rows(cur, operator, now, "WHERE t.id = %s", [thread_id])
    return found[0] if found else None


def by_pair(
    cur: Cursor, phone_number: str, sender: str, operator: str, now: float
) -> ThreadRow | None:
    found = _rows(
        cur, operator, now, "WHERE t.phone_number = %s AND t.sender = %s", [phone_number, sender]
    )
    return found[0] if found else None


def holding(cur: Cursor, message_ids: Iterable[str], operator: str, now: float) -> list[ThreadRow]:
    """The threads of the messages and replies with these message_ids."""
    ids = list(dict.fromkeys(message_ids))
    return _rows(
        cur,
        operator,
        now,
        "WHERE (t.phone_number, t.sender) IN ("
        "SELECT phone_number, sender FROM messages WHERE message_id = ANY(%s)"
        " UNION SELECT phone_number, shortcode FROM replies WHERE message_id = ANY(%s))"
        f"{_NEWEST}",
        [ids, ids],
    )


def items(cur: Cursor, thread_id: int, before: ItemKey | None, limit: int) -> list[ThreadItem]:
    """A thread's newest ``limit`` items before ``before``, oldest first."""
    pair = cur.execute(
        "SELECT phone_number, sender FROM threads WHERE id = %s", (thread_id,)
    ).fetchone()
    if pair is None:
        return []
    older, key = "", []
    if before is not None:
        older = ' AND ({t} < %s OR ({t} = %s AND message_id COLLATE "C" < %s))'
        key = [before.at, before.at, before.message_id]
    ids: dict[str, list[int]] = {}
    for table, time, sender in (
        ("messages", "created_at", "sender"),
        ("replies", "received_at", "shortcode"),
    ):
        where = f"phone_number = %s AND {sender} = %s{older.format(t=time)}"
        ids[table] = [
            r[0]
            for r in cur.execute(
                f"SELECT id FROM {table} WHERE {where}"
                f' ORDER BY {time} DESC, message_id COLLATE "C" DESC LIMIT %s',
                [*pair, *key, limit],
            )
        ]
    found = [
        ThreadItem(message=m)
        for m in outbox_sql.read_messages(
            cur, "WHERE id = ANY(%s)", (ids["messages"],), attachments=True
        )
    ]
    found += [
        ThreadItem(reply=r)
        for r in callbacks_sql.read_replies(cur, " WHERE id = ANY(%s)", (ids["replies"],))
    ]
    return newest_first(found, limit)


# Read marks ------------------------------------------------------------------------------

# %s 1: the operator; 2: the thread. The mark is written only when it moves.
_MARK = (
    "INSERT INTO thread_reads AS r (thread_id, operator, seen)"
    " SELECT id, %s, {seen} FROM threads WHERE id = %s"
    " ON CONFLICT (thread_id, operator) DO UPDATE SET seen = excluded.seen"
    " WHERE r.seen <> excluded.seen"
)
MARK_READ = _MARK.format(seen="incoming")
MARK_UNREAD = _MARK.format(seen="greatest(incoming - 1, 0)")

UNREAD_TOTAL = (
    "SELECT coalesce(sum(greatest(t.incoming - coalesce(r.seen, t.seen_by_all), 0)), 0)"
    " FROM threads t"
    " LEFT JOIN thread_reads r ON r.thread_id = t.id AND r.operator = %s WHERE t.incoming > 0"
)


# Claims ----------------------------------------------------------------------------------


def claim(cur: Cursor, thread_id: int, operator: str, until: float, now: float) -> str | None:
    """Claim a thread; who holds it after. The update's condition is tested again on a row
    another transaction claimed meanwhile (once it commits), so of two operators claiming
    at once one gets it; the other reads, in a snapshot of its own, who did."""
    row = cur.execute(
        "UPDATE threads SET claimed_by = %s, claimed_until = %s WHERE id = %s"
        " AND (claimed_by IS NULL OR claimed_by = %s OR claimed_until <= %s)"
        " RETURNING claimed_by",
        (operator, until, thread_id, operator, now),
    ).fetchone()
    if row is None:
        row = cur.execute(
            "SELECT claimed_by FROM threads WHERE id = %s AND claimed_until > %s",
            (thread_id, now),
        ).fetchone()
    return None if row is None else str(row[0])


RELEASE = (
    "UPDATE threads SET claimed_by = NULL, claimed_until = NULL WHERE id = %s AND claimed_by = %s"
)
