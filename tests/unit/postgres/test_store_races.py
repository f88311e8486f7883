"""Receivers and consoles on one shared store at once: the database keeps the rules.

Each test holds one store's transaction open (``stage_callbacks`` before
``commit_staged``) while another store, on its own connection and thread, writes the same
rows; the second waits on the database's locks, and what it does once the first commits
is what the rules say.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import psycopg
import pytest

from console.store.models import Claim, LogQuery, LogRow, QuarantineCap
from console.store.postgres import PostgresStore, callbacks_sql, outbox_sql
from tests.unit.store.test_store_contract import new_message, receipt


@pytest.fixture
def stores(postgres_url: str) -> Iterator[tuple[PostgresStore, PostgresStore]]:
    with PostgresStore(postgres_url) as first, PostgresStore(postgres_url) as second:
        yield first, second


class Worker(threading.Thread):
    """Runs ``job`` on a thread of its own; ``result`` is what it returned."""

    def __init__(self, job: Callable[[], Any]) -> None:
        super().__init__(daemon=True)
        self._job = job
        self.result: Any = None
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            self.result = self._job()
        except BaseException as exc:  # reported by the test's thread
            self.error = exc

    def outcome(self) -> Any:
        self.join(30)
        assert not self.is_alive()
        if self.error is not None:
            raise self.error
        return self.result


def wait_until_blocked(url: str, worker: Worker) -> None:
    """Return once a connection of the database waits for a lock (the worker's)."""
    with psycopg.connect(url, autocommit=True) as conn:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            row = conn.execute(
                "SELECT count(*) FROM pg_stat_activity"
                " WHERE datname = current_database() AND wait_event_type = 'Lock'"
            ).fetchone()
            if row is not None and row[0] > 0:
                return
            assert worker.is_alive(), "the worker ended without waiting"
            time.sleep(0.01)
    raise AssertionError("the worker never waited for the other transaction")


def log(store: PostgresStore) -> list[tuple[str, int | None]]:
    rows: list[LogRow] = store.log_page(LogQuery())
    return [(r.message_id, r.state) for r in rows]


@pytest.mark.parametrize(("first", "second"), [(2, 1), (1, 2), (2, 5)])
def test_receipts_applied_at_once_never_regress_a_final_state(
    postgres_url: str, stores: tuple[PostgresStore, PostgresStore], first: int, second: int
) -> None:
    one, other = stores
    one.create_message(new_message("m-1"))
    one.stage_callbacks([receipt("m-1", first, 1.0)])
    late = Worker(lambda: other.record_callbacks([receipt("m-1", second, 2.0)]))
    late.start()
    wait_until_blocked(postgres_url, late)  # on the message's row
    one.commit_staged()

    assert late.outcome() == [True]
    message = one.get_message("m-1")
    assert message is not None
    # The first final state stands; a non-final one is replaced by whatever comes next.
    assert message.state == (first if first in (2, 5) else second)
    assert [r.message_state for r in one.receipts("m-1")] == [first, second]


def test_the_same_receipt_stored_by_two_receivers_at_once_is_kept_once(
    postgres_url: str, stores: tuple[PostgresStore, PostgresStore]
) -> None:
    one, other = stores
    one.create_message(new_message("m-1"))
    assert one.stage_callbacks([receipt("m-1", 2, 1.0)]) == [True]
    again = Worker(lambda: other.record_callbacks([receipt("m-1", 2, 1.5)]))
    again.start()
    wait_until_blocked(postgres_url, again)  # on the receipt's identity
    one.commit_staged()

    assert again.outcome() == [False]
    (kept,) = one.receipts("m-1")
    assert (kept.received_at, kept.redeliveries) == (1.0, 1)
    assert one.get_message("m-1").state == 2  # type: ignore[union-attr]


def test_a_message_stored_while_its_receipt_is_being_stored_takes_its_state(
    postgres_url: str, stores: tuple[PostgresStore, PostgresStore]
) -> None:
    one, other = stores
    one.stage_callbacks([receipt("early", 2, 1.0)])  # an orphan, not committed yet
    created = Worker(lambda: other.create_message(new_message("early"), now=5.0))
    created.start()
    wait_until_blocked(postgres_url, created)  # on the orphan's row
    one.commit_staged()

    assert created.outcome().state == 2
    assert log(one) == [("early", 2)]


def test_a_receipt_stored_while_its_message_is_being_stored_moves_its_state(
    postgres_url: str, stores: tuple[PostgresStore, PostgresStore]
) -> None:
    one, _other = stores
    # A message half stored, as a console's create_message leaves it before its commit.
    with psycopg.connect(postgres_url) as creating:
        outbox_sql.insert_message(creating.cursor(), new_message("late"), 5.0)
        stored = Worker(lambda: one.add_receipt(receipt("late", 2, 6.0)))
        stored.start()
        wait_until_blocked(postgres_url, stored)  # on the orphan row the message took
        creating.commit()

    assert stored.outcome() is True
    assert log(one) == [("late", 2)]
    assert one.orphan_receipts() == []


def test_a_batch_that_deadlocks_with_another_receivers_is_stored_again(
    postgres_url: str, stores: tuple[PostgresStore, PostgresStore]
) -> None:
    one, _other = stores
    first, second = receipt("m-1", 2, 1.0), receipt("m-2", 2, 2.0)
    # Another receiver's transaction, taking the same receipts in the other order.
    with psycopg.connect(postgres_url) as receiver:
        cur = receiver.cursor()
        # The batch's server process finds the circle first, and rolls the batch back.
        cur.execute("SET deadlock_timeout = '20s'")
        callbacks_sql.add(cur, [first], QuarantineCap())
        batch = Worker(lambda: one.record_callbacks([second, first]))
        batch.start()
        wait_until_blocked(postgres_url, batch)  # on the first receipt
        # Waiting for the second in turn closes the circle.
        callbacks_sql.add(cur, [second], QuarantineCap())
        receiver.commit()

    assert batch.outcome() == [False, False]
    assert [r.redeliveries for m in ("m-1", "m-2") for r in one.receipts(m)] == [1, 1]


def test_a_claim_skips_a_message_another_console_is_claiming(
    stores: tuple[PostgresStore, PostgresStore], postgres_url: str
) -> None:
    one, _other = stores
    one.create_message(new_message("m-1"))
    one.create_message(new_message("m-2"))
    mine, theirs = Claim("host-a:1:aa", 60.0), Claim("host-b:2:bb", 60.0)
    with psycopg.connect(postgres_url) as locker:
        # Another console's claim of m-1, not committed yet.
        locker.execute("SELECT id FROM messages WHERE message_id = 'm-1' FOR UPDATE")
        started = time.monotonic()
        claimed = one.claim_undecided(mine, limit=1)
        waited = time.monotonic() - started
        locker.execute(
            "UPDATE messages SET lease_owner = %s, lease_until = 1e12 WHERE message_id = 'm-1'",
            (theirs.owner,),
        )
    # Skipped, not waited for (the store would wait up to its busy timeout, 30 s).
    assert [m.message_id for m in claimed] == ["m-2"]
    assert waited < 2
    assert one.claim_undecided(mine) == []
