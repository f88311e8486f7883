"""The message log in the shared store: messages, replies and orphan receipts as one list,
filtered and paged by key, as the SQLite store's (see console.store.log).

Each table contributes a branch, read in the (time, id) order of its own index as far as
a page needs; the branches' rows are then ordered by the whole key (time, id, kind).
"""

# Statements here interpolate only this module's table and column names and the
# conditions of log_search_sql; every value goes as a parameter.
# ruff: noqa: S608

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import psycopg

from console.store.log_rows import ORPHAN_STATE, kinds, log_row
from console.store.models import (
    PREVIEW_CHARS,
    LogKey,
    LogKind,
    LogQuery,
    LogRow,
)
from console.store.postgres.log_search_sql import (
    Condition,
    dense,
    short_text,
    text_condition,
    trigrams_holding,
)

Cursor = psycopg.Cursor[tuple[Any, ...]]


@dataclass(frozen=True)
class _Branch:
    kind: LogKind
    table: str
    time: str
    rows: str
    keys: str
    has_content: bool  # a body and a phone number, which text searches
    log_state: str = "log_state"  # its rows' LogState, as SQL


# Every branch selects the columns _row reads, in its order.
_MESSAGES = _Branch(
    LogKind.MESSAGE,
    "messages",
    "created_at",
    "SELECT created_at, id, 0, message_id, phone_number, sender, priority,"
    " (SELECT COUNT(*) FROM attachments a WHERE a.message_ref = messages.id),"
    " receipt, status, result_code, status_detail, state, state_result_code, log_state,"
    f" updated_at, substr(body, 1, {PREVIEW_CHARS + 1}), operator, host FROM messages",
    "SELECT created_at, id, 0 FROM messages",
    has_content=True,
)
_REPLIES = _Branch(
    LogKind.REPLY,
    "replies",
    "received_at",
    "SELECT received_at, id, 1, message_id, phone_number, shortcode, NULL,"
    " (SELECT COUNT(*) FROM reply_attachments a WHERE a.reply_ref = replies.id),"
    " false, NULL, NULL::integer, NULL, NULL::integer, NULL::integer, NULL, received_at,"
    f" substr(body, 1, {PREVIEW_CHARS + 1}), NULL, NULL FROM replies",
    "SELECT received_at, id, 1 FROM replies",
    has_content=True,
)
# An orphan receipt's outcome is its delivery alone: not final yet counts as accepted.
_ORPHANS = _Branch(
    LogKind.ORPHAN_RECEIPT,
    "orphans",
    "received_at",
    "SELECT received_at, id, 2, message_id, '', '', NULL, 0::bigint, true, NULL,"
    f" NULL::integer, NULL, state, state_result_code, {ORPHAN_STATE}, received_at, '',"
    " NULL, NULL FROM orphans",
    "SELECT received_at, id, 2 FROM orphans",
    has_content=False,
    log_state=ORPHAN_STATE,
)


_BRANCHES = {b.kind: b for b in (_MESSAGES, _REPLIES, _ORPHANS)}


def _branches(query: LogQuery) -> list[_Branch]:
    return [_BRANCHES[kind] for kind in kinds(query)]


@dataclass(frozen=True)
class _Filter:
    """A query made ready for SQL once per call: the branches that can hold matches, and
    each one's text condition (if the query has text)."""

    query: LogQuery
    branches: list[tuple[_Branch, Condition | None]]


def _filter(cur: Cursor, query: LogQuery) -> _Filter:
    text = query.text.strip()
    trigrams = trigrams_holding(cur, text) if text and short_text(text) else None
    branches: list[tuple[_Branch, Condition | None]] = []
    for branch in _branches(query):
        listed = trigrams
        if listed and branch.has_content and dense(cur, branch.table, branch.time, text):
            listed = None
        condition = (
            text_condition(text, has_content=branch.has_content, trigrams=listed) if text else None
        )
        if text and condition is None:
            continue
        branches.append((branch, condition))
    return _Filter(query, branches)


def _after_or_before(branch: _Branch, key: LogKey, op: str, inclusive: bool) -> Condition:
    """``(time, id, kind) op key`` for rows of ``branch``, whose kind is fixed."""
    # With the kind fixed the comparison needs only time and id; whether it includes
    # equality depends on how the kinds compare.
    if op == "<":
        equal_ok = branch.kind < key.kind or (inclusive and branch.kind == key.kind)
    else:
        equal_ok = branch.kind > key.kind or (inclusive and branch.kind == key.kind)
    return (
        f"({branch.time}, id) {op}{'=' if equal_ok else ''} (%s::float8, %s::bigint)",
        [key.time, key.id],
    )


def _where(
    branch: _Branch,
    text: Condition | None,
    search: _Filter,
    before: LogKey | None,
    after: LogKey | None,
) -> Condition:
    terms: list[str] = []
    params: list[Any] = []
    if text is not None:
        terms.append(text[0])
        params += text[1]
    if search.query.state is not None:
        terms.append(f"{branch.log_state} = %s")
        params.append(search.query.state.value)
    if search.query.operator is not None:
        # Only messages are read then; index messages_operator_time serves it.
        terms.append("operator = %s")
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
    rows: int,
) -> Condition:
    """The branches' rows beyond the keys, ordered by the whole key. Each branch reads at
    most ``rows`` in its own index order, then stops: the planner does not merge a UNION
    ALL of filtered branches from their index scans, and would read and sort every match."""
    order = "DESC" if newest_first else "ASC"
    parts: list[str] = []
    params: list[Any] = []
    for branch, text in search.branches:
        where, values = _where(branch, text, search, before, after)
        select = branch.keys if keys_only else branch.rows
        parts.append(f"({select}{where} ORDER BY {branch.time} {order}, id {order} LIMIT %s)")
        params += [*values, rows]
    return (
        f"SELECT * FROM ({' UNION ALL '.join(parts)}) page"
        f" ORDER BY 1 {order}, 2 {order}, 3 {order}",
        params,
    )


def page(
    cur: Cursor,
    query: LogQuery,
    bound: LogKey | None,
    limit: int,
    skip: int,
    newest_first: bool,
) -> list[LogRow]:
    """Up to ``limit`` rows beyond ``bound`` in the given order, after ``skip`` of them."""
    if limit <= 0:
        return []
    return _page(cur, _filter(cur, query), bound, limit, skip, newest_first)


def _page(
    cur: Cursor,
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
        # Step over the skipped rows reading keys only, then page on from the last.
        sql, params = _compound(search, before, after, newest_first, keys_only=True, rows=skip)
        found = cur.execute(sql + " LIMIT 1 OFFSET %s", [*params, skip - 1]).fetchone()
        if found is None:
            return []
        bound = LogKey(found[0], found[1], LogKind(found[2]))
        before, after = (bound, None) if newest_first else (None, bound)
    sql, params = _compound(search, before, after, newest_first, keys_only=False, rows=limit)
    return [log_row(*r) for r in cur.execute(sql + " LIMIT %s", [*params, limit])]


def head(
    cur: Cursor, query: LogQuery, limit: int, count_limit: int | None = None
) -> tuple[list[LogRow], int]:
    """The newest ``limit`` rows and the number of rows in all, counting no further than
    ``count_limit`` if given; call in one snapshot."""
    search = _filter(cur, query)
    rows = _page(cur, search, None, limit, 0, newest_first=True)
    # A short page holds every match.
    if len(rows) < limit:
        return rows, len(rows)
    # Counted at least past the rows read: a count must hold them.
    return rows, _count(cur, search, None, None, count_limit and max(count_limit, limit + 1))


def count(cur: Cursor, query: LogQuery, before: LogKey | None, after: LogKey | None) -> int:
    return _count(cur, _filter(cur, query), before, after)


def _count(
    cur: Cursor,
    search: _Filter,
    before: LogKey | None,
    after: LogKey | None,
    limit: int | None = None,
) -> int:
    """The rows of ``search`` between the keys; with a ``limit``, at most that many."""
    total = 0
    for branch, text in search.branches:
        where, params = _where(branch, text, search, before, after)
        if limit is None:
            sql = f"SELECT COUNT(*) FROM {branch.table}{where}"
        else:
            sql = f"SELECT COUNT(*) FROM (SELECT 1 FROM {branch.table}{where} LIMIT %s) s"
            params = [*params, limit - total]
        row = cur.execute(sql, params).fetchone()
        assert row is not None
        total += int(row[0])
        if limit is not None and total >= limit:
            return limit
    return total


def by_message_ids(cur: Cursor, query: LogQuery, message_ids: Iterable[str]) -> list[LogRow]:
    """The rows of ``query`` whose message_id is among ``message_ids``, newest first."""
    ids = list(dict.fromkeys(message_ids))
    if not ids:
        return []
    search = _filter(cur, query)
    rows: list[LogRow] = []
    for branch, text in search.branches:
        where, params = _where(branch, text, search, None, None)
        joiner = " AND " if where else " WHERE "
        sql = f"{branch.rows}{where}{joiner}message_id = ANY(%s::text[])"
        rows += [log_row(*r) for r in cur.execute(sql, [*params, ids])]
    rows.sort(key=lambda r: r.key, reverse=True)
    return rows
