"""The message log in SQL: messages and replies as one list, filtered and paged by key.

Each table contributes a branch read in (time, id) index order; a UNION ALL with the same
ORDER BY lets SQLite merge the two scans instead of sorting. Orphan receipts are not rows.
"""

# Statements here interpolate only this module's table and column names and placeholder
# lists; every value goes as a parameter.
# ruff: noqa: S608

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from console.protocol.mt_request import Priority
from console.store.models import (
    Direction,
    LogKey,
    LogKind,
    LogQuery,
    LogRow,
    LogState,
    MessageStatus,
)

PREVIEW_CHARS = 80
_IN_CHUNK = 500  # stays under SQLite's limit on parameters per statement
# A search matching at most this many rows of a table reads them by id and sorts them;
# one matching more reads the table in time order, where matches come soon enough.
FEW_MATCHES = 2000
# Shorter text is a number or a word, not the start of a message_id.
MIN_ID_PREFIX = 6

# Digits and what people type around them in a phone number.
_PHONE_TEXT = re.compile(r"[\d\s+().\-/]*\d[\d\s+().\-/]*")
# From this many digits the text is a whole number, whose dialling prefix can be dropped.
_WHOLE_NUMBER = 9


@dataclass(frozen=True)
class _Branch:
    kind: LogKind
    table: str
    time: str
    rows: str
    keys: str


_MESSAGES = _Branch(
    LogKind.MESSAGE,
    "messages",
    "created_at",
    "SELECT created_at, id, 0, message_id, phone_number, sender, priority,"
    " (SELECT COUNT(*) FROM attachments a WHERE a.message_ref = messages.id), receipt,"
    " status, result_code, status_detail, state, state_result_code, log_state, updated_at,"
    f" substr(body, 1, {PREVIEW_CHARS}) FROM messages",
    "SELECT created_at, id, 0 FROM messages",
)
_REPLIES = _Branch(
    LogKind.REPLY,
    "replies",
    "received_at",
    "SELECT received_at, id, 1, message_id, phone_number, shortcode, NULL,"
    " (SELECT COUNT(*) FROM reply_attachments a WHERE a.reply_ref = replies.id), 0,"
    " NULL, NULL, NULL, NULL, NULL, NULL, received_at,"
    f" substr(body, 1, {PREVIEW_CHARS}) FROM replies",
    "SELECT received_at, id, 1 FROM replies",
)


@dataclass(frozen=True)
class NumberSearch:
    """Digits to find in phone numbers: at their start, or anywhere."""

    digits: str
    at_start: bool


def number_search(text: str) -> NumberSearch | None:
    """How ``text`` searches phone numbers, or None when it is not a number."""
    stripped = text.strip()
    if not _PHONE_TEXT.fullmatch(stripped):
        return None
    digits = re.sub(r"\D", "", stripped)
    if stripped.startswith("+"):
        return NumberSearch(digits, at_start=True)
    if len(digits) >= _WHOLE_NUMBER and digits.startswith("00"):
        return NumberSearch(digits[2:], at_start=True)
    if len(digits) >= _WHOLE_NUMBER and digits.startswith("0"):
        # A national number: stored numbers are international, so what follows the trunk
        # 0 is somewhere after the country code.
        return NumberSearch(digits[1:], at_start=False)
    return NumberSearch(digits, at_start=False)


_Condition = tuple[str, tuple[Any, ...]]


class LogCache:
    """Which rows a search matched, kept while the database stays unchanged.

    Paging through a search's results asks the same question for every page.
    """

    def __init__(self) -> None:
        self._version: tuple[int, int] | None = None
        self._ids: dict[tuple[str, tuple[_Condition, ...]], list[int] | None] = {}

    def ids(
        self, conn: sqlite3.Connection, table: str, conditions: tuple[_Condition, ...]
    ) -> list[int] | None:
        """The ids of ``table`` rows meeting any of ``conditions``; None when there are many."""
        # data_version moves when another connection commits; total_changes with ours.
        (data_version,) = conn.execute("PRAGMA data_version").fetchone()
        version = (int(data_version), conn.total_changes)
        if version != self._version:
            self._version = version
            self._ids.clear()
        key = (table, conditions)
        if key not in self._ids:
            self._ids[key] = _few_ids(conn, table, conditions)
        return self._ids[key]


def _few_ids(
    conn: sqlite3.Connection, table: str, conditions: tuple[_Condition, ...]
) -> list[int] | None:
    # One statement per condition: each can use its own index, where an OR could not.
    found: set[int] = set()
    for condition, params in conditions:
        ids = conn.execute(
            f"SELECT id FROM {table} WHERE {condition} LIMIT ?", [*params, FEW_MATCHES + 1]
        ).fetchall()
        found.update(int(r[0]) for r in ids)
        if len(found) > FEW_MATCHES:
            return None
    return sorted(found)


def _branches(query: LogQuery) -> list[_Branch]:
    found = []
    if query.direction is not Direction.IN:
        found.append(_MESSAGES)
    if query.direction is not Direction.OUT and query.state is None:
        found.append(_REPLIES)
    return found


def _after_or_before(
    branch: _Branch, key: LogKey, op: str, inclusive: bool
) -> tuple[str, list[Any]]:
    """``(time, id, kind) op key`` for rows of ``branch``, whose kind is fixed."""
    # With the kind fixed the tuple comparison needs only time and id; whether the id
    # comparison includes equality depends on how the kinds compare.
    if op == "<":
        equal_ok = branch.kind < key.kind or (inclusive and branch.kind == key.kind)
    else:
        equal_ok = branch.kind > key.kind or (inclusive and branch.kind == key.kind)
    return (
        f"{branch.time} {op}= ? AND ({branch.time} {op} ? OR id {op}{'=' if equal_ok else ''} ?)",
        [key.time, key.time, key.id],
    )


@dataclass(frozen=True)
class _Filter:
    """A query made ready for SQL once per call."""

    query: LogQuery
    # Per table: the text search as a condition, in the form that keeps a scan in time
    # order, and the matching ids when they are few (None: use the condition).
    matches: dict[str, tuple[str, list[Any]]]
    ids: dict[str, list[int] | None]


def _text_matches(
    conn: sqlite3.Connection, branch: _Branch, text: str
) -> tuple[tuple[str, list[Any]], tuple[_Condition, ...]]:
    """The search for ``text`` in ``branch``: one condition, and the same as alternatives.

    The one condition filters a scan in time order, so it must not tempt the planner into
    reading the phone number index instead; each alternative may use any index.
    """
    number = number_search(text)
    if number is not None and number.at_start:
        term = "{0}phone_number >= ? AND {0}phone_number < ?"
        params: tuple[Any, ...] = (number.digits, number.digits + "\U0010ffff")
    elif number is not None:
        term = "instr(phone_number, ?) > 0"
        params = (number.digits,)
    else:
        term = "body LIKE ? ESCAPE '\\'"
        escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        params = (f"%{escaped}%",)
    alternatives: list[_Condition] = [(term.format(""), params)]
    scan = [(term.format("+"), params)]
    upper = text + "\U0010ffff"
    # Only a table holding such an id needs that test: it costs a look-up per row scanned.
    if (
        len(text) >= MIN_ID_PREFIX
        and conn.execute(
            f"SELECT 1 FROM {branch.table} WHERE message_id >= ? AND message_id < ? LIMIT 1",
            (text, upper),
        ).fetchone()
    ):
        by_id = (
            f"id IN (SELECT id FROM {branch.table} WHERE message_id >= ? AND message_id < ?)",
            (text, upper),
        )
        alternatives.append(("message_id >= ? AND message_id < ?", (text, upper)))
        scan.append(by_id)
    return (
        ("(" + " OR ".join(f"({t})" for t, _ in scan) + ")", [p for _, ps in scan for p in ps]),
        tuple(alternatives),
    )


def _filter(conn: sqlite3.Connection, query: LogQuery, cache: LogCache | None) -> _Filter:
    """Prepare ``query``; with a ``cache``, a search matching few rows is read by id."""
    text = query.text.strip()
    matches: dict[str, tuple[str, list[Any]]] = {}
    ids: dict[str, list[int] | None] = {}
    if text:
        for branch in _branches(query):
            scan, alternatives = _text_matches(conn, branch, text)
            matches[branch.table] = scan
            ids[branch.table] = (
                None if cache is None else cache.ids(conn, branch.table, alternatives)
            )
    return _Filter(query, matches, ids)


def _where(
    branch: _Branch, search: _Filter, before: LogKey | None, after: LogKey | None
) -> tuple[str, list[Any]]:
    terms: list[str] = []
    params: list[Any] = []
    if branch.table in search.matches:
        ids = search.ids[branch.table]
        if ids is None:
            match, values = search.matches[branch.table]
            terms.append(match)
            params += values
        else:
            terms.append("id IN (SELECT value FROM json_each(?))")
            params.append(json.dumps(ids))
    if search.query.state is not None:
        terms.append("log_state = ?")
        params.append(search.query.state.value)
    bounds = ((search.query.up_to, "<", True), (before, "<", False), (after, ">", False))
    for key, op, inclusive in bounds:
        if key is not None:
            term, values = _after_or_before(branch, key, op, inclusive)
            terms.append(term)
            params += values
    return (" WHERE " + " AND ".join(terms) if terms else ""), params


def _compound(
    search: _Filter,
    before: LogKey | None,
    after: LogKey | None,
    newest_first: bool,
    keys_only: bool,
) -> tuple[str, list[Any]]:
    branches = _branches(search.query)
    # On equal (time, id) SQLite's merge emits its left input first: put first the kind that
    # comes first in this direction (replies sort above messages).
    branches.sort(key=lambda b: b.kind, reverse=newest_first)
    parts: list[str] = []
    params: list[Any] = []
    for branch in branches:
        where, values = _where(branch, search, before, after)
        parts.append((branch.keys if keys_only else branch.rows) + where)
        params += values
    order = "DESC" if newest_first else "ASC"
    return " UNION ALL ".join(parts) + f" ORDER BY 1 {order}, 2 {order}", params


def page(
    conn: sqlite3.Connection,
    cache: LogCache,
    query: LogQuery,
    bound: LogKey | None,
    limit: int,
    skip: int,
    newest_first: bool,
) -> list[LogRow]:
    """Up to ``limit`` rows beyond ``bound`` in the given order, after ``skip`` of them."""
    if not _branches(query) or limit <= 0:
        return []
    return _page(conn, _filter(conn, query, cache), bound, limit, skip, newest_first)


def _page(
    conn: sqlite3.Connection,
    search: _Filter,
    bound: LogKey | None,
    limit: int,
    skip: int,
    newest_first: bool,
) -> list[LogRow]:
    before, after = (bound, None) if newest_first else (None, bound)
    if skip > 0:
        # Step over the skipped rows reading keys only (index entries), then page on.
        sql, params = _compound(search, before, after, newest_first, keys_only=True)
        found = conn.execute(sql + " LIMIT 1 OFFSET ?", [*params, skip - 1]).fetchone()
        if found is None:
            return []
        bound = LogKey(found[0], found[1], LogKind(found[2]))
        before, after = (bound, None) if newest_first else (None, bound)
    sql, params = _compound(search, before, after, newest_first, keys_only=False)
    return [_row(r) for r in conn.execute(sql + " LIMIT ?", [*params, limit])]


def head(
    conn: sqlite3.Connection, cache: LogCache, query: LogQuery, limit: int
) -> tuple[list[LogRow], int]:
    """The newest ``limit`` rows and the number of rows in all; call in one read snapshot."""
    if not _branches(query):
        return [], 0
    search = _filter(conn, query, cache)
    rows = _page(conn, search, None, limit, 0, newest_first=True)
    # A short page holds every match, and spares a text search a second pass.
    return rows, len(rows) if len(rows) < limit else _count(conn, search, None, None)


def count(
    conn: sqlite3.Connection,
    cache: LogCache,
    query: LogQuery,
    before: LogKey | None,
    after: LogKey | None,
) -> int:
    return _count(conn, _filter(conn, query, cache), before, after)


def _count(
    conn: sqlite3.Connection, search: _Filter, before: LogKey | None, after: LogKey | None
) -> int:
    total = 0
    for branch in _branches(search.query):
        where, params = _where(branch, search, before, after)
        (found,) = conn.execute(f"SELECT COUNT(*) FROM {branch.table}{where}", params).fetchone()
        total += int(found)
    return total


def by_message_ids(
    conn: sqlite3.Connection, query: LogQuery, message_ids: Iterable[str]
) -> list[LogRow]:
    """The rows of ``query`` whose message_id is among ``message_ids``, newest first."""
    ids = list(dict.fromkeys(message_ids))
    # These few rows are tested against the search directly.
    search = _filter(conn, query, None)
    rows: list[LogRow] = []
    for branch in _branches(query):
        where, params = _where(branch, search, None, None)
        joiner = " AND " if where else " WHERE "
        for start in range(0, len(ids), _IN_CHUNK):
            chunk = ids[start : start + _IN_CHUNK]
            sql = f"{branch.rows}{where}{joiner}message_id IN ({', '.join('?' * len(chunk))})"
            rows += [_row(r) for r in conn.execute(sql, [*params, *chunk])]
    rows.sort(key=lambda r: r.key, reverse=True)
    return rows


def _row(r: tuple[Any, ...]) -> LogRow:
    return LogRow(
        key=LogKey(r[0], r[1], LogKind(r[2])),
        message_id=r[3],
        phone_number=r[4],
        sender=r[5],
        priority=Priority(r[6]) if r[6] else None,
        attachments=r[7],
        receipt=bool(r[8]),
        status=MessageStatus(r[9]) if r[9] else None,
        result_code=r[10],
        status_detail=r[11],
        state=r[12],
        state_result_code=r[13],
        log_state=LogState(r[14]) if r[14] else None,
        updated_at=r[15],
        # One line, whatever the message's own line breaks.
        preview=" ".join(r[16].split()),
    )
