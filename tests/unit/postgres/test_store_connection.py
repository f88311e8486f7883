"""Opening the shared store, its errors, and stopping a read another thread runs."""

from __future__ import annotations

import time
from pathlib import Path
from urllib.parse import quote, quote_plus

import psycopg
import pytest

from console.store.errors import IncompatibleStore, StoreBusy, StoreError, StoreOutOfReach
from console.store.location import StoreLocation
from console.store.models import LogQuery
from console.store.postgres import PostgresStore, schema
from console.store.postgres.connection import connect
from tests.conftest import PASSWORD
from tests.support.postgres_server import PostgresServer, scratch_server
from tests.support.shared_receiver import migrated_database
from tests.unit.postgres.test_store_races import Worker, wait_until_blocked
from tests.unit.store.test_store_contract import new_message, receipt

_ENCODED = quote(PASSWORD, safe="")


def _urls(server: PostgresServer) -> list[str]:
    socket = quote(str(server.socket_dir))
    return [
        # A database that does not exist.
        f"postgresql://postgres:{_ENCODED}@/no_such_database?host={socket}",
        # A server that does not answer.
        f"postgresql://postgres:{_ENCODED}@127.0.0.1:1/messages?connect_timeout=2",
        # URLs libpq cannot read, some of which it quotes whole in its error.
        f"postgresql://postgres:{_ENCODED}@[::1/messages",
        f"postgresql://postgres:{_ENCODED}@localhost:port/messages",
        f"postgresql://postgres:{PASSWORD}@localhost/messages",
        f"postgresql://postgres@/messages?host={socket}&password={_ENCODED}&bad=%zz",
        f"host={socket} dbname=no_such_database password='{PASSWORD}'",
    ]


def test_a_store_that_cannot_be_opened_says_why_without_the_password(
    postgres_server: PostgresServer,
) -> None:
    for url in _urls(postgres_server):
        with pytest.raises(StoreError) as raised:
            PostgresStore(url)
        text = "".join(str(e) for e in (raised.value, raised.value.__cause__) if e)
        text += getattr(raised.value, "reason", "")
        for form in (PASSWORD, _ENCODED, quote_plus(PASSWORD), PASSWORD[:8]):
            assert form not in text, (url, text)
        assert raised.value.__cause__ is None
        assert "could not be opened" in text


def test_a_url_given_its_password_by_the_console_is_named_as_the_operator_wrote_it() -> None:
    written = "postgresql://alice@127.0.0.1:1/sms?connect_timeout=2"
    location = StoreLocation.postgresql(written).with_password(PASSWORD)

    with pytest.raises(StoreOutOfReach) as raised:
        PostgresStore(location.connection_url())

    assert f"the shared store at {written} could not be opened" in str(raised.value)
    assert "password" not in str(raised.value)


def test_the_reason_a_store_could_not_be_opened_is_told(postgres_server: PostgresServer) -> None:
    url = _urls(postgres_server)[0]
    with pytest.raises(StoreError, match=r'database "no_such_database" does not exist'):
        PostgresStore(url)


def test_a_server_out_of_reach_is_told_apart_from_a_store_that_cannot_be_used(
    postgres_server: PostgresServer, tmp_path: Path
) -> None:
    # Nothing listens there: trying again later may succeed.
    for url in (
        "postgresql://postgres@127.0.0.1:1/messages",
        f"postgresql://postgres@/messages?host={quote(str(tmp_path))}",
        "postgresql://postgres@no-such-host.invalid/messages",
    ):
        with pytest.raises(StoreOutOfReach) as raised:
            PostgresStore(url)
        assert raised.value.reason in str(raised.value)
    # The server answers, and says no: trying again cannot fix that.
    for url in (_urls(postgres_server)[0], postgres_server.url(user="no_such_role")):
        with pytest.raises(StoreError) as refused:
            PostgresStore(url)
        assert not isinstance(refused.value, StoreOutOfReach), str(refused.value)


def test_a_database_not_migrated_yet_is_not_migrated_by_opening_it(
    postgres_server: PostgresServer,
) -> None:
    url = postgres_server.url(postgres_server.create_database())
    with pytest.raises(IncompatibleStore, match="db migrate"):
        PostgresStore(url)
    with psycopg.connect(url) as conn:
        assert schema.version(conn) == 0


def test_interrupt_stops_a_read_running_on_another_thread(postgres_url: str) -> None:
    with PostgresStore(postgres_url, any_thread=True) as store:
        store.create_message(new_message("m-1"))
        store.interrupt()  # nothing runs: no harm done
        assert store.count_messages() == 1
        # A read that waits for another connection's lock until it is stopped.
        with psycopg.connect(postgres_url) as locker:
            locker.execute("LOCK TABLE messages IN ACCESS EXCLUSIVE MODE")
            reading = Worker(lambda: store.log_head(LogQuery(text="order")))
            reading.start()
            wait_until_blocked(postgres_url, reading)
            started = time.monotonic()
            store.interrupt()
            with pytest.raises(StoreError, match="interrupted"):
                reading.outcome()
            assert time.monotonic() - started < 5
        rows, total = store.log_head(LogQuery(text="order"))
    assert ([r.message_id for r in rows], total) == (["m-1"], 1)


def test_a_write_waiting_past_the_busy_timeout_gives_up_writing_nothing(
    postgres_url: str,
) -> None:
    with PostgresStore(postgres_url, busy_timeout=0.2) as store:
        store.create_message(new_message("m-1"))
        with psycopg.connect(postgres_url) as locker:
            locker.execute("SELECT 1 FROM messages FOR UPDATE")
            with pytest.raises(StoreBusy):
                store.begin_attempt("m-1", 1.0)
        assert store.attempts("m-1") == []
        assert store.begin_attempt("m-1", 2.0) == 1


def test_a_callback_with_a_nul_character_is_kept(postgres_url: str) -> None:
    # PostgreSQL's text has no NUL: it is kept, and found, as U+FFFD.
    with PostgresStore(postgres_url) as store:
        store.create_message(new_message("m-1", body="before\x00after"))
        found = store.get_message("m-1")
        assert found is not None
        assert found.body == "before\ufffdafter"
        rows = store.log_page(LogQuery(text="e\x00a"))
    assert [r.message_id for r in rows] == ["m-1"]


def test_a_store_whose_server_is_gone_raises_a_store_error_then_reconnects() -> None:
    with scratch_server() as server:
        url = migrated_database(server)
        with PostgresStore(url) as store:
            store.create_message(new_message("m-1"))
            server.stop()
            with pytest.raises(StoreError):
                store.get_message("m-1")
            server.start()
            time.sleep(1.1)  # connections are tried again at most once a second
            # The server is back: the next call connects again, with no new store.
            assert store.add_receipt(receipt("m-1", 2, 1.0)) is True
            found = store.get_message("m-1")
            assert found is not None
            assert found.state == 2


def test_a_connection_to_a_silent_server_is_given_up_not_waited_on_for_ever(
    postgres_url: str,
) -> None:
    conn = connect(postgres_url, busy_timeout=5.0, synchronous="NORMAL")
    try:
        given = conn.info.get_parameters()
    finally:
        conn.close()
    assert given["keepalives"] == "1"
    assert given["tcp_user_timeout"] == "10000"
    # A URL's own choice stands.
    conn = connect(f"{postgres_url}&tcp_user_timeout=3000", busy_timeout=5.0, synchronous="NORMAL")
    try:
        assert conn.info.get_parameters()["tcp_user_timeout"] == "3000"
    finally:
        conn.close()
