"""A server that stops answering (its processes stopped, as a hung server or a network
gone silent looks) holds no call longer than the store's deadline: the call fails saying
the store is out of reach, later calls fail at once while it is held, and the store works
again once the server answers and it is connected again."""

from __future__ import annotations

import time

import psycopg
import pytest

from console.store.errors import StoreOutOfReach
from console.store.postgres import PostgresStore, schema
from console.store.postgres.change_feed import ChangeFeed, FeedState
from tests.support.postgres_server import hung, scratch_server
from tests.unit.store.test_store_contract import new_message

DEADLINE = 2.0


def test_a_call_on_a_hung_server_fails_within_the_deadline_and_the_store_recovers() -> None:
    with scratch_server() as server:
        url = server.url(server.create_database())
        with psycopg.connect(url) as conn:
            schema.migrate(conn)
        lost: list[str] = []
        with PostgresStore(url, deadline=DEADLINE) as store:
            store.hold_when_lost(lost.append)
            store.create_message(new_message("before"))
            with hung(server):
                started = time.monotonic()
                with pytest.raises(StoreOutOfReach) as raised:
                    store.count_messages()
                took = time.monotonic() - started
                assert took < DEADLINE + 1.0
                assert f"did not answer within {DEADLINE:g} s" in str(raised.value)
                assert lost == [f"the shared store did not answer within {DEADLINE:g} s"]

                # Held now: the next call fails at once, without trying to connect.
                started = time.monotonic()
                with pytest.raises(StoreOutOfReach):
                    store.get_message("before")
                assert time.monotonic() - started < 0.1

            store.reconnect()
            store.hold(None)
            assert store.get_message("before") is not None


def test_the_change_feed_reports_a_hung_server_unreachable_then_reachable() -> None:
    with scratch_server() as server:
        url = server.url(server.create_database())
        with psycopg.connect(url) as conn:
            schema.migrate(conn)
        states: list[FeedState] = []
        feed = ChangeFeed(url, lambda _changes: None, states.append, safety_interval=0.5)
        feed.start()
        try:
            deadline = time.monotonic() + 10
            while not states and time.monotonic() < deadline:
                time.sleep(0.05)
            assert states == [FeedState(True)]
            with hung(server):
                started = time.monotonic()
                while len(states) < 2 and time.monotonic() - started < 15:
                    time.sleep(0.05)
                # A safety read, then the feed's deadline.
                assert time.monotonic() - started < 0.5 + 3.0 + 1.0
                assert not states[1].reachable
                assert "did not answer within" in (states[1].reason or "")
            started = time.monotonic()
            while len(states) < 3 and time.monotonic() - started < 20:
                time.sleep(0.05)
            assert states[-1] == FeedState(True)
        finally:
            feed.stop()
