"""The shared store's log reads a page from the tables' time indexes and stops there: a
page never reads (and sorts) every row of the log, wherever it starts and whatever
matches."""

from __future__ import annotations

from typing import Any, ClassVar, Self

import psycopg
import pytest

from console.store.models import LogKey, LogKind, LogQuery
from console.store.postgres import log_sql

Statement = tuple[str, list[Any]]


class Recording(psycopg.Cursor[tuple[Any, ...]]):
    """A cursor that keeps every statement it runs, with its parameters."""

    statements: ClassVar[list[Statement]] = []

    def execute(self, query: Any, params: Any = None, **options: Any) -> Self:
        Recording.statements.append((query, list(params or [])))
        return super().execute(query, params, **options)


@pytest.fixture
def big_log(postgres_url: str) -> str:
    """20,000 messages (every number starting 4477), 2,000 replies, 500 orphan receipts."""
    with psycopg.connect(postgres_url) as conn:
        conn.execute(
            "INSERT INTO messages (message_id, profile, phone_number, sender, body, endpoint,"
            " method, receipt, status, created_at, updated_at)"
            " SELECT 'm-' || i, 'default', '4477009' || lpad(i::text, 5, '0'), '12345',"
            " 'parcel ' || i, 'x', 'POST', true, 'accepted', i, i"
            " FROM generate_series(1, 20000) i"
        )
        conn.execute(
            "INSERT INTO replies (message_id, shortcode, phone_number, body, received_at,"
            " source_address, raw) SELECT 'r-' || i, '12345', '12025550100', 'thanks',"
            " i * 10 + 0.5, '203.0.113.7', '' FROM generate_series(1, 2000) i"
        )
        conn.execute(
            "INSERT INTO receipts (message_id, message_state, received_at, source_address, raw,"
            " last_received_at) SELECT 'o-' || i, 2, i * 40 + 0.25, '203.0.113.7', '',"
            " i * 40 + 0.25 FROM generate_series(1, 500) i"
        )
        conn.execute("ANALYZE")
    return postgres_url


def test_pages_read_each_table_in_time_order_as_far_as_the_page_needs(big_log: str) -> None:
    middle = LogKey(10000.0, 10000, LogKind.MESSAGE)
    Recording.statements = []
    with psycopg.connect(big_log, cursor_factory=Recording) as conn:
        cur = conn.cursor()
        log_sql.page(cur, LogQuery(), None, 100, 0, newest_first=True)
        log_sql.page(cur, LogQuery(), middle, 100, 0, newest_first=True)
        log_sql.page(cur, LogQuery(), middle, 100, 0, newest_first=False)
        log_sql.page(cur, LogQuery(), middle, 100, 50, newest_first=True)
        log_sql.page(cur, LogQuery(text="+4477"), middle, 100, 0, newest_first=True)
        log_sql.page(cur, LogQuery(text="+4477", up_to=middle), None, 100, 0, newest_first=True)
        statements = list(Recording.statements)
        plans = [
            "\n".join(row[0] for row in conn.execute(f"EXPLAIN (ANALYZE, COSTS OFF) {sql}", params))
            for sql, params in statements
        ]

    assert len(plans) == 7
    for plan in plans:
        assert "Seq Scan on messages" not in plan, plan
        assert "messages_log_time" in plan, plan
        # No node read more rows of messages than a page and what it skips.
        scans = [line for line in plan.splitlines() if "on messages" in line]
        assert all(int(line.split("rows=")[1].split()[0]) <= 150 for line in scans), plan


def test_mine_reads_the_operators_messages_from_their_index(big_log: str) -> None:
    with psycopg.connect(big_log) as conn:
        conn.execute(
            "UPDATE messages SET operator = CASE WHEN id % 50 = 0 THEN 'alice' ELSE 'bob' END"
        )
        conn.execute("ANALYZE messages")
    mine = LogQuery(operator="alice")
    Recording.statements = []
    with psycopg.connect(big_log, cursor_factory=Recording) as conn:
        cur = conn.cursor()
        rows = log_sql.page(cur, mine, None, 100, 0, newest_first=True)
        log_sql.page(cur, mine, LogKey(10000.0, 10000, LogKind.MESSAGE), 100, 50, True)
        statements = list(Recording.statements)
        plans = [
            "\n".join(row[0] for row in conn.execute(f"EXPLAIN (ANALYZE, COSTS OFF) {sql}", params))
            for sql, params in statements
        ]

    assert len(rows) == 100
    assert {r.operator for r in rows} == {"alice"}
    assert len(plans) == 3
    for plan in plans:
        assert "messages_operator_time" in plan, plan
        assert "Seq Scan on messages" not in plan, plan
