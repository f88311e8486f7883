"""Receivers trim the change feed: rows a day old go, in batches; recent ones stay."""

from __future__ import annotations

import time

import psycopg

from console.store.postgres.store import PostgresStore
from console.store.receivers import FORGET_AFTER, TRIM_BATCH


def test_change_rows_older_than_a_day_are_deleted_in_batches_and_recent_ones_kept(
    postgres_url: str,
) -> None:
    old = TRIM_BATCH + 7  # more than one batch
    with psycopg.connect(postgres_url) as conn:
        conn.execute(
            "INSERT INTO changes (kind, message_id, at)"
            " SELECT 'receipt', 'old-' || n, extract(epoch FROM now()) - %s - 60"
            " FROM generate_series(1, %s) n",
            (FORGET_AFTER, old),
        )
        conn.execute("INSERT INTO changes (kind, message_id) VALUES ('receipt', 'recent')")

    with PostgresStore(postgres_url) as store:
        removed = store.forget_old(time.time())

    with psycopg.connect(postgres_url) as conn:
        left = [row[0] for row in conn.execute("SELECT message_id FROM changes")]
    assert removed == old
    assert left == ["recent"]
