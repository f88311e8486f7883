"""The change feed on a real server: every committed change once, whatever order the
writers commit in, across lost connections and a restarted server."""

from __future__ import annotations

import random
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from urllib.parse import quote

import psycopg
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from console.store.models import QuarantinedCallback
from console.store.postgres import PostgresStore
from console.store.postgres.change_feed import (
    EVERYTHING,
    ChangeCursor,
    ChangeFeed,
    FeedChange,
    FeedState,
    current_watermark,
)
from tests.conftest import PASSWORD
from tests.support.postgres_server import PostgresServer, cut_off, scratch_server


class Received:
    """What a feed delivered and reported, gathered from its thread."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.changes: list[FeedChange] = []
        self.states: list[FeedState] = []

    def add(self, changes: list[FeedChange]) -> None:
        with self.lock:
            self.changes.extend(changes)

    def state(self, state: FeedState) -> None:
        with self.lock:
            self.states.append(state)

    def ids(self) -> Counter[str]:
        with self.lock:
            return Counter(message_id for _kind, message_id in self.changes)


def wait_for(condition: Callable[[], bool], within: float = 20.0) -> None:
    deadline = time.monotonic() + within
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        time.sleep(0.01)


def write_change(conn: psycopg.Connection[tuple[object, ...]], message_id: str) -> None:
    """What the tables' triggers do for a change: its row, and a wake-up at commit."""
    conn.execute("INSERT INTO changes (kind, message_id) VALUES ('receipt', %s)", (message_id,))
    conn.execute("SELECT pg_notify('sms_console_changes', '')")


def committed(url: str, *message_ids: str) -> None:
    with psycopg.connect(url) as conn:
        for message_id in message_ids:
            write_change(conn, message_id)


@pytest.fixture
def feed_of(postgres_url: str) -> Iterator[Callable[[str], Received]]:
    feeds: list[ChangeFeed] = []

    def start(url: str) -> Received:
        received = Received()
        feed = ChangeFeed(url, received.add, received.state, first_pause=0.05)
        feed.start()
        feeds.append(feed)
        wait_for(lambda: FeedState(True) in received.states)
        return received

    yield start
    for feed in feeds:
        feed.stop()


def test_a_change_committed_after_a_later_one_is_delivered_once(
    postgres_url: str, feed_of: Callable[[str], Received]
) -> None:
    received = feed_of(postgres_url)
    with psycopg.connect(postgres_url) as early, psycopg.connect(postgres_url) as late:
        write_change(early, "early")  # takes its seq first, stays uncommitted
        write_change(late, "late")
        late.commit()
        wait_for(lambda: received.ids() == Counter(["late"]))
        early.commit()
        wait_for(lambda: received.ids() == Counter(["late", "early"]))
        seqs = {str(m): int(q) for m, q in early.execute("SELECT message_id, seq FROM changes")}
    assert seqs["early"] < seqs["late"]
    time.sleep(0.3)  # safety reads come and go: still once each
    assert received.ids() == Counter(["late", "early"])


def test_changes_committed_before_the_start_are_not_delivered(
    postgres_url: str, feed_of: Callable[[str], Received]
) -> None:
    committed(postgres_url, "before")
    received = feed_of(postgres_url)
    committed(postgres_url, "after")
    wait_for(lambda: received.ids() == Counter(["after"]))


def test_a_change_rolled_back_is_never_delivered(
    postgres_url: str, feed_of: Callable[[str], Received]
) -> None:
    received = feed_of(postgres_url)
    with psycopg.connect(postgres_url) as conn:
        write_change(conn, "undone")
        conn.rollback()
    committed(postgres_url, "kept")
    wait_for(lambda: "kept" in received.ids())
    time.sleep(0.2)
    assert received.ids() == Counter(["kept"])


# Steps of an interleaving: ("write", t), ("commit", t), ("rollback", t) for transaction t
# of a few, or ("read", 0) for the reader.
_STEPS = st.lists(
    st.tuples(st.sampled_from(["write", "write", "commit", "rollback", "read"]), st.integers(0, 2)),
    max_size=30,
)


@settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(steps=_STEPS)
# The pitfall itself: the first to take a seq commits after a later one was read.
@example(steps=[("write", 0), ("write", 1), ("commit", 1), ("read", 0), ("commit", 0)])
def test_every_interleaving_delivers_each_committed_change_once(
    postgres_url: str, steps: list[tuple[str, int]]
) -> None:
    reader = psycopg.connect(postgres_url, autocommit=True)
    writers = [psycopg.connect(postgres_url) for _ in range(3)]
    try:
        cursor = ChangeCursor(current_watermark(reader))
        cursor.read(reader)
        delivered: list[FeedChange] = []
        pending: list[list[str]] = [[] for _ in writers]
        kept: list[str] = []
        for action, t in steps:
            if action == "write":
                message_id = uuid.uuid4().hex
                write_change(writers[t], message_id)
                pending[t].append(message_id)
            elif action == "commit":
                writers[t].commit()
                kept += pending[t]
                pending[t] = []
            elif action == "rollback":
                writers[t].rollback()
                pending[t] = []
            else:
                delivered += cursor.read(reader)
        for t, writer in enumerate(writers):
            writer.commit()
            kept += pending[t]
        delivered += cursor.read(reader)
    finally:
        reader.close()
        for writer in writers:
            writer.close()
    assert Counter(message_id for _kind, message_id in delivered) == Counter(kept)


def test_concurrent_writers_holding_transactions_open_lose_nothing(
    postgres_url: str, feed_of: Callable[[str], Received]
) -> None:
    received = feed_of(postgres_url)
    written: list[str] = []
    lock = threading.Lock()

    def writer(seed: int) -> None:
        rng = random.Random(seed)
        with psycopg.connect(postgres_url) as conn:
            for _ in range(60):
                ids = [uuid.uuid4().hex for _ in range(rng.randint(1, 3))]
                for message_id in ids:
                    write_change(conn, message_id)
                time.sleep(rng.random() * 0.01)  # others take later seqs and commit first
                conn.commit()
                with lock:
                    written.extend(ids)

    threads = [threading.Thread(target=writer, args=(seed,)) for seed in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wait_for(lambda: sum(received.ids().values()) >= len(written))
    time.sleep(0.3)
    assert received.ids() == Counter(written)


def test_a_feed_whose_connection_is_killed_catches_up(
    postgres_url: str, feed_of: Callable[[str], Received]
) -> None:
    received = feed_of(postgres_url)
    committed(postgres_url, "one")
    wait_for(lambda: "one" in received.ids())
    with psycopg.connect(postgres_url, autocommit=True) as admin:
        admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        committed(postgres_url, "two", "three")
    wait_for(lambda: {"two", "three"} <= set(received.ids()))
    committed(postgres_url, "four")
    wait_for(lambda: "four" in received.ids())
    assert received.ids() == Counter(["one", "two", "three", "four"])
    reachability = [state.reachable for state in received.states]
    assert reachability[-3:] == [True, False, True]


@pytest.fixture
def own_server() -> Iterator[PostgresServer]:
    with scratch_server() as server:
        yield server


def test_a_feed_catches_up_after_its_server_restarts(
    own_server: PostgresServer, feed_of: Callable[[str], Received]
) -> None:
    url = own_server.url(own_server.create_database())
    with psycopg.connect(url) as conn:
        conn.execute(
            "CREATE TABLE changes (seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,"
            " xact xid8 NOT NULL DEFAULT pg_current_xact_id(), kind TEXT NOT NULL,"
            " message_id TEXT NOT NULL)"
        )
    # A password in the URL (trusted, so unused) must not reach the reason shown.
    received = feed_of(f"{url}&password={quote(PASSWORD, safe='')}")
    committed(url, "before")
    wait_for(lambda: "before" in received.ids())
    own_server.stop()
    wait_for(lambda: not received.states[-1].reachable)
    own_server.start()
    committed(url, "while-away-1", "while-away-2")
    wait_for(lambda: received.states[-1].reachable)
    committed(url, "after")
    wait_for(lambda: "after" in received.ids())
    assert received.ids() == Counter(["before", "while-away-1", "while-away-2", "after"])
    reasons = [state.reason or "" for state in received.states if not state.reachable]
    assert reasons
    assert all(PASSWORD not in reason for reason in reasons)


def test_stop_is_quick_while_the_server_is_down(own_server: PostgresServer) -> None:
    url = own_server.url()
    received = Received()
    feed = ChangeFeed(url, received.add, received.state, first_pause=5.0)
    own_server.stop()
    feed.start()
    wait_for(lambda: bool(received.states))
    started = time.monotonic()
    feed.stop()
    assert time.monotonic() - started < 1.0
    assert received.states == [received.states[0]]
    assert not received.states[0].reachable


def test_a_cursor_that_read_too_long_ago_asks_for_everything(postgres_url: str) -> None:
    with psycopg.connect(postgres_url, autocommit=True) as conn:
        cursor = ChangeCursor(current_watermark(conn), catch_up_limit=0.5)
        assert cursor.read(conn) == []
        committed(postgres_url, "one")
        assert cursor.read(conn) == [("receipt", "one")]
        committed(postgres_url, "two")
        # The rows that said so may be gone: a day's rows are trimmed.
        conn.execute("DELETE FROM changes")
        time.sleep(0.6)
        assert cursor.read(conn) == [EVERYTHING]
        committed(postgres_url, "three")
        assert cursor.read(conn) == [("receipt", "three")]


def test_a_feed_cut_off_too_long_asks_for_everything_once_back(postgres_url: str) -> None:
    received = Received()
    feed = ChangeFeed(
        postgres_url,
        received.add,
        received.state,
        first_pause=0.05,
        longest_pause=0.2,
        catch_up_limit=1.0,
    )
    feed.start()
    try:
        wait_for(lambda: FeedState(True) in received.states)
        with cut_off(postgres_url):
            wait_for(lambda: not received.states[-1].reachable)
            time.sleep(1.2)
        wait_for(lambda: EVERYTHING in received.changes)
        committed(postgres_url, "after")
        wait_for(lambda: "after" in received.ids())
        assert received.changes.count(EVERYTHING) == 1
    finally:
        feed.stop()


def test_each_refused_callback_is_a_change_of_its_own(
    postgres_url: str, feed_of: Callable[[str], Received]
) -> None:
    received = feed_of(postgres_url)
    with PostgresStore(postgres_url) as store:
        for _ in range(3):
            store.quarantine(
                QuarantinedCallback(1.0, "203.0.113.9", "POST", "/cb", (), b"junk", "no type")
            )

    wait_for(lambda: sum(kind == "quarantine" for kind, _ in set(received.changes)) >= 3)
    assert len({c for c in received.changes if c[0] == "quarantine"}) == 3
