"""A receiver on a shared store whose server goes away and comes back: it answers 503
(with Retry-After) while it cannot store, never 2xx, and 2xx again within seconds of the
server's return, without a restart; every callback it acknowledged is in the log."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from console.store import deadlines
from tests.support.postgres_server import PostgresServer, hung
from tests.support.shared_receiver import (
    logged_ids,
    migrated_database,
    own_postgres_server,
    receipt,
    shared_receiver,
)

# The longest a receiver may take to answer 2xx again once the server is back.
BACK_WITHIN = 5.0


@pytest.fixture
def server() -> Iterator[PostgresServer]:
    with own_postgres_server() as started:
        yield started


def test_503_while_the_server_is_down_then_2xx_again_without_a_restart(
    server: PostgresServer, data_dir: Path
) -> None:
    url = migrated_database(server)
    acknowledged: list[str] = []
    with shared_receiver(data_dir, url) as (process, callback_url), httpx.Client() as client:

        def deliver(message_id: str) -> httpx.Response:
            answer = client.post(callback_url, data=receipt(message_id), timeout=10)
            if answer.is_success:
                acknowledged.append(message_id)
            return answer

        assert deliver("before").status_code == 200

        server.stop("fast")
        began = time.monotonic()
        while_down = [deliver(f"down-{n}") for n in range(6)]
        assert [a.status_code for a in while_down] == [503] * 6
        assert {a.headers.get("retry-after") for a in while_down} == {"5"}
        # Each refused at once, not after a wait for the server.
        assert time.monotonic() - began < 3

        server.start()
        back = time.monotonic()
        answer = deliver("after-0")
        number = 0
        while answer.status_code != 200 and time.monotonic() - back < BACK_WITHIN:
            assert answer.status_code == 503
            time.sleep(0.2)
            number += 1
            answer = deliver(f"after-{number}")
        assert answer.status_code == 200, f"still {answer.status_code} after {BACK_WITHIN} s"
        assert [deliver(f"later-{n}").status_code for n in range(5)] == [200] * 5
        assert process.poll() is None  # the same process throughout

    logged = logged_ids(data_dir, url)
    assert sorted(logged) == sorted(set(logged))  # each once
    assert set(acknowledged) <= set(logged)
    assert not any(m.startswith("down-") for m in logged)


def test_503_within_seconds_while_the_server_hangs_then_2xx_again(
    server: PostgresServer, data_dir: Path
) -> None:
    url = migrated_database(server)
    acknowledged: list[str] = []
    with shared_receiver(data_dir, url) as (process, callback_url), httpx.Client() as client:

        def deliver(message_id: str) -> httpx.Response:
            answer = client.post(callback_url, data=receipt(message_id), timeout=60)
            if answer.is_success:
                acknowledged.append(message_id)
            return answer

        assert deliver("before").status_code == 200
        with hung(server):
            for n in range(3):
                began = time.monotonic()
                assert deliver(f"hung-{n}").status_code == 503
                # At most a statement's deadline, or a try to connect again.
                assert time.monotonic() - began < deadlines.RECEIVER + 2

        back = time.monotonic()
        answer = deliver("after-0")
        number = 0
        while answer.status_code != 200 and time.monotonic() - back < BACK_WITHIN + 5:
            assert answer.status_code == 503
            time.sleep(0.2)
            number += 1
            answer = deliver(f"after-{number}")
        assert answer.status_code == 200
        assert process.poll() is None

    logged = logged_ids(data_dir, url)
    assert set(acknowledged) <= set(logged)
