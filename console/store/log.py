"""The message log in SQL: messages, replies and orphan receipts as one list, filtered
and paged by key.

Each table contributes a branch read in (time, id) index order; a UNION ALL with the same
ORDER BY lets SQLite merge the scans instead of sorting. Orphan receipts come from the
``orphans`` table the schema keeps (migration 5), one row per message_id.
"""

# Statements here interpolate only this module's table and column names and placeholder
# lists; every value goes as a parameter.
# ruff: noqa: S608

from __future__ import annotations

import json
import operator
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

from console.store.log_rows import ORPHAN_STATE, kinds, log_row
from console.store.log_search import Condition, TextSearch, text_search
from console.store.models import (
    PREVIEW_CHARS,
    LogKey,
    LogKind,
    LogQuery,
    LogRow,
)

# One character more is read than a preview shows: whether the text goes on past it.
_PREVIEW_READ = PREVIEW_CHARS + 1
_IN_CHUNK = 500  # stays under SQLite's limit on parameters per statement
# A search matching at most this many rows of a table reads them by id and sorts them;
# one matching more reads the table in time order, where matches come soon enough.
FEW_MATCHES = 2000


@dataclass(frozen=True)
class _Branch:
    kind: LogKind
    table: str
    time: str
    rows: str
    keys: str
    text_index: str | None  # the full-text table over its text, if it has text
    number_index: str | None  # the trigram table over its phone numbers, if it has them
    log_state: str = "log_state"  # its rows' LogState, as SQL


# Every branch names its columns as _row reads them; a UNION takes the first one's names.
_MESSAGES = _Branch(
    LogKind.MESSAGE,
    "messages",
    "created_at",
    "SELECT created_at AS time, id, 0 AS kind, message_id, phone_number, sender, priority,"
    " (SELECT COUNT(*) FROM attachments a WHERE a.message_ref = messages.id) AS attachments,"
    " receipt, status, result_code, status_detail, state, state_result_code, log_state,"
    f" updated_at, substr(body, 1, {_PREVIEW_READ}) AS preview, operator, host FROM messages",
    "SELECT created_at, id, 0 FROM messages",
    "messages_text",
    "messages_numbers",
)
_REPLIES = _Branch(
    LogKind.REPLY,
    "replies",
    "received_at",
    "SELECT received_at AS time, id, 1 AS kind, message_id, phone_number, shortcode AS sender,"
    " NULL AS priority,"
    " (SELECT COUNT(*) FROM reply_attachments a WHERE a.reply_ref = replies.id) AS attachments,"
    " 0 AS receipt, NULL AS status, NULL AS result_code, NULL AS status_detail, NULL AS state,"
    " NULL AS state_result_code, NULL AS log_state, received_at AS updated_at,"
    f" substr(body, 1, {_PREVIEW_READ}) AS preview, NULL AS operator, NULL AS host"
    " FROM replies",
    "SELECT received_at, id, 1 FROM replies",
    "replies_text",
    "replies_numbers",
)
# An orphan receipt's outcome is its delivery alone: not final yet counts as accepted.
_ORPHANS = _Branch(
    LogKind.ORPHAN_RECEIPT,
    "orphans",
    "received_at",
    "SELECT received_at AS time, id, 2 AS kind, message_id, '' AS phone_number, '' AS sender,"
    " NULL AS priority, 0 AS attachments, 1 AS receipt, NULL AS status, NULL AS result_code,"
    f" NULL AS status_detail, state, state_result_code, {ORPHAN_STATE} AS log_state,"
    " received_at AS updated_at, '' AS preview, NULL AS operator, NULL AS host FROM orphans",
    "SELECT received_at, id, 2 FROM orphans",
    None,
    None,
    ORPHAN_STATE,
)


_BRANCHES = {b.kind: b for b in (_MESSAGES, _REPLIES, _ORPHANS)}


class LogCache:
    """Which rows a search matched, kept while the database stays unchanged.

    Paging through a search's results asks the same question for every page.
    """

    def __init__(self) -> None:
        self._version: tuple[int, int] | None = None
        self._ids: dict[tuple[Condition, ...], list[int] | None] = {}

    def ids(
        self, conn: sqlite3.Connection, alternatives: tuple[Condition, ...]
    ) -> list[int] | None:
        """The ids that ``alternatives`` select; None when there are many."""
        # data_version moves when another connection commits; total_changes with ours.
        (data_version,) = conn.execute("PRAGMA data_version").fetchone()
        version = (int(data_version), conn.total_changes)
        if version != self._version:
            self._version = version
            self._ids.clear()
        if alternatives not in self._ids:
            self._ids[alternatives] = few_ids(conn, alternatives)
        return self._ids[alternatives]


def few_ids(conn: sqlite3.Connection, alternatives: tuple[Condition, ...]) -> list[int] | None:
    """The ids that ``alternatives`` select; None when there are more than FEW_MATCHES."""
    # One statement per alternative: each can use its own index, where an OR could not.
    found: set[int] = set()
    for select, params in alternatives:
        ids = conn.execute(f"{select} LIMIT ?", [*params, FEW_MATCHES + 1]).fetchall()
        found.update(int(r[0]) for r in ids)
        if len(found) > FEW_MATCHES:
            return None
    return sorted(found)


def _branches(query: LogQuery) -> list[_Branch]:
    return [_BRANCHES[kind] for kind in kinds(query)]


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
    # The branches that can hold matches.
    branches: list[_Branch]
    # Per table: its text search, and the matching ids when they are few (None: use the
    # search's scan condition).
    text: dict[str, TextSearch]
    ids: dict[str, list[int] | None]


def _filter(conn: sqlite3.Connection, query: LogQuery, cache: LogCache | None) -> _Filter:
    """Prepare ``query``; with a ``cache``, a search matching few rows is read by id."""
    text = query.text.strip()
    branches: list[_Branch] = []
    searches: dict[str, TextSearch] = {}
    ids: dict[str, list[int] | None] = {}
    for branch in _branches(query):
        if text:
            search = text_search(conn, branch.table, branch.text_index, branch.number_index, text)
            if search is None:
                continue
            searches[branch.table] = search
            ids[branch.table] = None if cache is None else cache.ids(conn, search.alternatives)
        branches.append(branch)
    return _Filter(query, branches, searches, ids)


def _where(
    branch: _Branch, search: _Filter, before: LogKey | None, after: LogKey | None
) -> tuple[str, list[Any]]:
    terms: list[str] = []
    params: list[Any] = []
    if branch.table in search.text:
        ids = search.ids[branch.table]
        if ids is None:
            match, values = search.text[branch.table].scan
            terms.append(match)
            params += values
        else:
            terms.append("id IN (SELECT value FROM json_each(?))")
            params.append(json.dumps(ids))
    if search.query.state is not None:
        terms.append(f"{branch.log_state} = ?")
        params.append(search.query.state.value)
    if search.query.operator is not None:
        # Only messages are read then; index messages_operator_time serves it.
        terms.append("operator = ?")
        params.append(search.query.operator)
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
    # On equal (time, id) SQLite's merge emits its left input first: put first the kind that
    # comes first in this direction (orphan receipts, then replies, sort above messages).
    branches = sorted(search.branches, key=lambda b: b.kind, reverse=newest_first)
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
    if limit <= 0:
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
    if not search.branches:
        return []
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
    return _rows(conn, sql + " LIMIT ?", [*params, limit])


def head(
    conn: sqlite3.Connection,
    cache: LogCache,
    query: LogQuery,
    limit: int,
    count_limit: int | None = None,
) -> tuple[list[LogRow], int]:
    """The newest ``limit`` rows and the number of rows in all, counting no further than
    ``count_limit`` if given; call in one read snapshot."""
    search = _filter(conn, query, cache)
    rows = _page(conn, search, None, limit, 0, newest_first=True)
    # A short page holds every match, and spares a text search a second pass.
    if len(rows) < limit:
        return rows, len(rows)
    # Counted at least past the rows read: a count must hold them.
    return rows, _count(conn, search, None, None, count_limit and max(count_limit, limit + 1))


def count(
    conn: sqlite3.Connection,
    cache: LogCache,
    query: LogQuery,
    before: LogKey | None,
    after: LogKey | None,
) -> int:
    return _count(conn, _filter(conn, query, cache), before, after)


def _count(
    conn: sqlite3.Connection,
    search: _Filter,
    before: LogKey | None,
    after: LogKey | None,
    limit: int | None = None,
) -> int:
    """The rows of ``search`` between the keys; with a ``limit``, at most that many."""
    # Whole text searches of many rows are counted in their index: a scan of the table
    # would read every message's text. With other conditions the scan stays. A snapshot's
    # rows are the index's less the few newer than it, which its time index finds.
    up_to = search.query.up_to
    whole = search.query.state is None and search.query.operator is None
    whole = whole and not (before or after)
    whole = whole and (up_to is None or limit is None)
    newer = _Filter(replace(search.query, up_to=None), search.branches, search.text, search.ids)
    total = 0
    for branch in search.branches:
        text = search.text.get(branch.table)
        less: list[Condition] = []
        if whole and text is not None and text.counts and search.ids[branch.table] is None:
            counts = list(text.counts)
            if up_to is not None:
                where, params = _where(branch, newer, None, up_to)
                less.append((f"FROM {branch.table}{where}", tuple(params)))
        else:
            where, params = _where(branch, search, before, after)
            counts = [(f"FROM {branch.table}{where}", tuple(params))]
        for clause, values in counts:
            if limit is None:
                sql, args = f"SELECT COUNT(*) {clause}", values
            else:
                sql, args = (
                    f"SELECT COUNT(*) FROM (SELECT 1 {clause} LIMIT ?)",
                    (
                        *values,
                        limit - total,
                    ),
                )
            (found,) = conn.execute(sql, args).fetchone()
            total += int(found)
            if limit is not None and total >= limit:
                return limit
        for clause, values in less:
            (found,) = conn.execute(f"SELECT COUNT(*) {clause}", values).fetchone()
            total -= int(found)
    return total


def by_message_ids(
    conn: sqlite3.Connection, query: LogQuery, message_ids: Iterable[str]
) -> list[LogRow]:
    """The rows of ``query`` whose message_id is among ``message_ids``, newest first."""
    ids = list(dict.fromkeys(message_ids))
    # These few rows are tested against the search directly.
    search = _filter(conn, query, None)
    rows: list[LogRow] = []
    for branch in search.branches:
        where, params = _where(branch, search, None, None)
        joiner = " AND " if where else " WHERE "
        for start in range(0, len(ids), _IN_CHUNK):
            chunk = ids[start : start + _IN_CHUNK]
            sql = f"{branch.rows}{where}{joiner}message_id IN ({', '.join('?' * len(chunk))})"
            rows += _rows(conn, sql, [*params, *chunk])
    rows.sort(key=lambda r: r.key, reverse=True)
    return rows


# The columns every branch selects, by name, in the order log_row takes them.
_COLUMNS = (
    "time", "id", "kind", "message_id", "phone_number", "sender", "priority", "attachments",
    "receipt", "status", "result_code", "status_detail", "state", "state_result_code",
    "log_state", "updated_at", "preview", "operator", "host",
)  # fmt: skip


def _rows(conn: sqlite3.Connection, sql: str, params: list[Any]) -> list[LogRow]:
    cursor = conn.execute(sql, params)
    # Each column is found by its name once a statement; sqlite3.Row would look every
    # name up again in every row.
    names = [column[0] for column in cursor.description]
    pick = operator.itemgetter(*(names.index(name) for name in _COLUMNS))
    return [log_row(*pick(r)) for r in cursor]
