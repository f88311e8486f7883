"""Consoles listening on the change feed are woken by a receiver's commit (which notifies
after it, in a transaction of its own) and by an operator's (whose triggers notify), and
find the change already there when they look."""

from __future__ import annotations

from collections.abc import Iterator

import psycopg
import pytest

from console.store.postgres.store import PostgresStore
from tests.unit.store.test_store_contract import new_message, receipt

CHANNEL = "sms_console_changes"


@pytest.fixture
def listening(postgres_url: str) -> Iterator[psycopg.Connection[tuple[object, ...]]]:
    with psycopg.connect(postgres_url, autocommit=True) as conn:
        conn.execute(f"LISTEN {CHANNEL}")
        yield conn


def changes_after_wakeup(conn: psycopg.Connection[tuple[object, ...]]) -> list[tuple[object, ...]]:
    woken = list(conn.notifies(timeout=5, stop_after=1))
    assert [n.channel for n in woken] == [CHANNEL]
    return conn.execute("SELECT kind, message_id FROM changes ORDER BY seq").fetchall()


def test_a_receivers_batch_wakes_the_consoles_once_it_is_committed(
    postgres_url: str, listening: psycopg.Connection[tuple[object, ...]]
) -> None:
    with PostgresStore(postgres_url) as receiver:
        receiver.stage_callbacks([receipt("m-1", 2, 1.0)])
        assert list(listening.notifies(timeout=0.5, stop_after=1)) == []
        receiver.commit_staged()

        assert changes_after_wakeup(listening) == [("receipt", "m-1")]


def test_an_operators_new_message_wakes_the_consoles(
    postgres_url: str, listening: psycopg.Connection[tuple[object, ...]]
) -> None:
    with PostgresStore(postgres_url) as operator:
        operator.create_message(new_message("m-2"))

    assert changes_after_wakeup(listening) == [("message", "m-2")]
