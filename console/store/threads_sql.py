"""Conversation threads in the SQLite store, as SQL: the list (paged by key, searched by
number or text), a thread's messages and replies, read marks and claims.

The threads' rows are kept by the triggers of migration 9. A text search uses the log's
(see console.store.log_search): a text in few messages reads them through the full-text
index and lists their threads; a text in many reads the threads newest first, asking each
whether one of its messages holds it (one comes soon enough).
"""

# Statements here interpolate only this module's clauses and the log search's conditions;
# every value goes as a parameter.
# ruff: noqa: S608

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from typing import Any

from console.protocol.mt_request import Attachment
from console.store import log, rows
from console.store.log_search import number_search, text_search
from console.store.models import ReplyRecord, StoredMessage
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

# A thread's columns for an operator at a time (``?`` 1, 2: now; 3: the operator).
_ROW = (
    "SELECT t.id, t.phone_number, t.sender, t.last_at, t.last_direction, t.last_message_id,"
    " t.last_body, max(t.incoming - coalesce(r.seen, t.seen_by_all), 0),"
    " iif(t.claimed_until > ?, t.claimed_by, NULL),"
    " iif(t.claimed_until > ?, t.claimed_until, NULL), s.at, s.keyword"
    " FROM threads t"
    " LEFT JOIN thread_reads r ON r.thread_id = t.id AND r.operator = ?"
    " LEFT JOIN suppressions s ON s.phone_number = t.phone_number"
)
# Where the newest messages, ours, stand: read for the rows shown only (a join would read
# it for every thread a search matches before the page is cut).
_OUTCOMES = (
    "SELECT message_id, status, state, receipt, result_code FROM messages"
    " WHERE message_id IN (SELECT value FROM json_each(?))"
)
_NEWEST = " ORDER BY t.last_at DESC, t.id DESC"
_IDS = "SELECT value FROM json_each(?)"

Condition = tuple[str, list[Any]]


def _rows(
    conn: sqlite3.Connection, operator: str, now: float, where: str, params: list[Any]
) -> list[ThreadRow]:
    found = conn.execute(f"{_ROW} {where}", [now, now, operator, *params]).fetchall()
    ours = [r[5] for r in found if r[4] != "in"]
    outcomes = dict(map(outcome, conn.execute(_OUTCOMES, (json.dumps(ours),)))) if ours else {}
    return [thread_row(r, outcomes.get(r[5])) for r in found]


def _number_condition(text: str) -> Condition | None:
    number = number_search(text)
    if number is None:
        return None
    if number.at_start:
        return (
            "t.phone_number >= ? AND t.phone_number < ? || char(1114111)",
            [number.digits, number.digits],
        )
    return ("instr(t.phone_number, ?) > 0", [number.digits])


def _text_condition(conn: sqlite3.Connection, text: str) -> Condition | None:
    """The threads holding ``text`` in a message or reply; None when none can."""
    searches = (
        ("messages", "sender", text_search(conn, "messages", "messages_text", None, text)),
        ("replies", "shortcode", text_search(conn, "replies", "replies_text", None, text)),
    )
    few: list[Condition] = []
    scans: list[Condition] = []
    for table, sender, search in searches:
        if search is None:
            continue
        ids = log.few_ids(conn, search.alternatives)
        if ids is not None:
            if ids:
                few.append(
                    (
                        f"SELECT h.id FROM {table} m JOIN threads h"
                        f" ON h.phone_number = m.phone_number AND h.sender = m.{sender}"
                        f" WHERE m.id IN ({_IDS})",
                        [json.dumps(ids)],
                    )
                )
            continue
        scan, params = search.scan
        scans.append(
            (
                f"EXISTS (SELECT 1 FROM {table} WHERE phone_number = t.phone_number"
                f" AND {sender} = t.sender AND {scan})",
                params,
            )
        )
    terms = list(scans)
    if few:
        union = " UNION ".join(sql for sql, _ in few)
        # By id: alone, the few threads are read by id and sorted, not found in a scan.
        terms.append((f"t.id IN ({union})", [p for _, ps in few for p in ps]))
    if not terms:
        return None
    return (" OR ".join(f"({sql})" for sql, _ in terms), [p for _, ps in terms for p in ps])


def listed(
    conn: sqlite3.Connection,
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
        condition = _number_condition(text) or _text_condition(conn, text)
        if condition is None:
            return []
        terms.append(condition)
    if before is not None:
        terms.append(("(t.last_at, t.id) < (?, ?)", [before.last_at, before.id]))
    where = " AND ".join(f"({sql})" for sql, _ in terms)
    params = [p for _, ps in terms for p in ps]
    return _rows(
        conn,
        operator,
        now,
        f"{'WHERE ' + where if where else ''}{_NEWEST} LIMIT ?",
        [*params, limit],
    )


def by_id(conn: sqlite3.Connection, thread_id: int, operator: str, now: float) -> ThreadRow | None:
    found = _rows(conn, operator, now, "WHERE t.id = ?", [thread_id])
    return found[0] if found else None


def by_pair(
    conn: sqlite3.Connection, phone_number: str, sender: str, operator: str, now: float
) -> ThreadRow | None:
    found = _rows(
        conn, operator, now, "WHERE t.phone_number = ? AND t.sender = ?", [phone_number, sender]
    )
    return found[0] if found else None


def holding(
    conn: sqlite3.Connection, message_ids: Iterable[str], operator: str, now: float
) -> list[ThreadRow]:
    """The threads of the messages and replies with these message_ids."""
    ids = json.dumps(list(dict.fromkeys(message_ids)))
    return _rows(
        conn,
        operator,
        now,
        # The few pairs drive the join: a row-value IN scanned every thread.
        "WHERE t.id IN (SELECT h.id FROM ("
        f"SELECT phone_number, sender FROM messages WHERE message_id IN ({_IDS})"
        f" UNION SELECT phone_number, shortcode FROM replies WHERE message_id IN ({_IDS})) p"
        " JOIN threads h ON h.phone_number = p.phone_number AND h.sender = p.sender)"
        f"{_NEWEST}",
        [ids, ids],
    )


def items(
    conn: sqlite3.Connection, thread_id: int, before: ItemKey | None, limit: int
) -> list[ThreadItem]:
    """A thread's newest ``limit`` items before ``before``, oldest first."""
    pair = conn.execute(
        "SELECT phone_number, sender FROM threads WHERE id = ?", (thread_id,)
    ).fetchone()
    if pair is None:
        return []
    older, key = "", []
    if before is not None:
        older = " AND ({t} < ? OR ({t} = ? AND message_id < ?))"
        key = [before.at, before.at, before.message_id]
    ids: dict[str, list[int]] = {}
    for table, time, sender in (
        ("messages", "created_at", "sender"),
        ("replies", "received_at", "shortcode"),
    ):
        where = f"phone_number = ? AND {sender} = ?{older.format(t=time)}"
        ids[table] = [
            r[0]
            for r in conn.execute(
                f"SELECT id FROM {table} WHERE {where}"
                f" ORDER BY {time} DESC, message_id DESC LIMIT ?",
                [*pair, *key, limit],
            )
        ]
    found = [ThreadItem(message=m) for m in _messages(conn, ids["messages"])]
    found += [ThreadItem(reply=r) for r in _replies(conn, ids["replies"])]
    return newest_first(found, limit)


def _messages(conn: sqlite3.Connection, ids: list[int]) -> list[StoredMessage]:
    if not ids:
        return []
    listed_ids = json.dumps(ids)
    files: dict[int, list[Attachment]] = {i: [] for i in ids}
    for ref, content_type, filename, content in conn.execute(
        "SELECT message_ref, content_type, filename, content FROM attachments"
        f" WHERE message_ref IN ({_IDS}) ORDER BY message_ref, position",
        (listed_ids,),
    ):
        files[ref].append(Attachment(content_type=content_type, content=content, filename=filename))
    found = rows.select(
        conn, f"SELECT {rows.MESSAGE_COLUMNS} FROM messages WHERE id IN ({_IDS})", (listed_ids,)
    )
    return [rows.message(r, tuple(files[r["id"]])) for r in found]


def _replies(conn: sqlite3.Connection, ids: list[int]) -> list[ReplyRecord]:
    if not ids:
        return []
    listed_ids = json.dumps(ids)
    files: dict[int, list[Attachment]] = {i: [] for i in ids}
    for ref, content_type, content, problem in conn.execute(
        "SELECT reply_ref, content_type, content, problem FROM reply_attachments"
        f" WHERE reply_ref IN ({_IDS}) ORDER BY reply_ref, position",
        (listed_ids,),
    ):
        files[ref].append(Attachment(content_type, content, problem=problem))
    found = rows.select(
        conn, f"SELECT {rows.REPLY_COLUMNS} FROM replies WHERE id IN ({_IDS})", (listed_ids,)
    )
    return [rows.reply(r, tuple(files[r["id"]])) for r in found]


# Read marks ------------------------------------------------------------------------------

# ``?`` 1: the operator; 2: the thread. The mark is written only when it moves.
_MARK = (
    "INSERT INTO thread_reads (thread_id, operator, seen)"
    " SELECT id, ?, {seen} FROM threads WHERE id = ?"
    " ON CONFLICT (thread_id, operator) DO UPDATE SET seen = excluded.seen"
    " WHERE seen <> excluded.seen"
)
MARK_READ = _MARK.format(seen="incoming")
MARK_UNREAD = _MARK.format(seen="max(incoming - 1, 0)")

UNREAD_TOTAL = (
    "SELECT coalesce(sum(max(t.incoming - coalesce(r.seen, t.seen_by_all), 0)), 0) FROM threads t"
    " LEFT JOIN thread_reads r ON r.thread_id = t.id AND r.operator = ? WHERE t.incoming > 0"
)


# Claims ----------------------------------------------------------------------------------


def claim(
    conn: sqlite3.Connection, thread_id: int, operator: str, until: float, now: float
) -> str | None:
    """Claim a thread in the caller's write transaction; who holds it after."""
    conn.execute(
        "UPDATE threads SET claimed_by = ?, claimed_until = ? WHERE id = ?"
        " AND (claimed_by IS NULL OR claimed_by = ? OR claimed_until <= ?)",
        (operator, until, thread_id, operator, now),
    )
    row = conn.execute(
        "SELECT claimed_by FROM threads WHERE id = ? AND claimed_until > ?", (thread_id, now)
    ).fetchone()
    return None if row is None else str(row[0])


RELEASE = (
    "UPDATE threads SET claimed_by = NULL, claimed_until = NULL WHERE id = ? AND claimed_by = ?"
)
