"""Receivers on one shared store: their heartbeats in ``db status``, and a callback
delivered to two of them stored once."""

from __future__ import annotations

import json
import signal
import socket
import threading
import time
from pathlib import Path
from typing import Any

import httpx

from console.store.postgres.store import PostgresStore
from console.store.receivers import HEARTBEAT_INTERVAL, STALE_AFTER, ReceiverBeat
from tests.support.cli import run_cli
from tests.support.shared_receiver import logged_ids, receipt, shared_receiver
from tests.unit.store.test_store_contract import new_message


def receivers_shown(data_dir: Path, url: str) -> list[dict[str, Any]]:
    """The receivers ``db status --json`` lists."""
    result = run_cli(data_dir, "--store", url, "db", "status", "--json")
    assert result.returncode == 0, result.stderr
    shown: list[dict[str, Any]] = json.loads(result.stdout)["receivers"]
    return shown


def test_db_status_shows_each_running_receivers_heartbeat_and_forgets_one_that_stops(
    postgres_url: str, data_dir: Path, tmp_path: Path
) -> None:
    began = time.time()
    with (
        shared_receiver(data_dir, postgres_url) as (first, first_url),
        shared_receiver(tmp_path / "second", postgres_url) as (second, _second_url),
    ):
        receivers = receivers_shown(data_dir, postgres_url)
        assert sorted(r["pid"] for r in receivers) == sorted([first.pid, second.pid])
        assert all(r["healthy"] and r["started_at"] >= began - 1 for r in receivers)
        assert all(r["last_callback_at"] is None for r in receivers)

        stored_at = time.time()
        assert httpx.post(first_url, data=receipt("hb-1"), timeout=10).status_code == 200
        time.sleep(HEARTBEAT_INTERVAL + 1)
        by_pid = {r["pid"]: r for r in receivers_shown(data_dir, postgres_url)}
        assert by_pid[first.pid]["last_callback_at"] >= stored_at - 1
        assert by_pid[first.pid]["seen_at"] > by_pid[first.pid]["started_at"]
        assert by_pid[second.pid]["last_callback_at"] is None

        second.send_signal(signal.SIGTERM)
        assert second.wait(30) == 0
        left = receivers_shown(data_dir, postgres_url)
        assert [r["pid"] for r in left] == [first.pid]

        text = run_cli(data_dir, "--store", postgres_url, "db", "status")
        assert "receivers: 1 (1 healthy, 0 stale)" in text.stdout
        assert f"pid {first.pid}: started " in text.stdout
        assert "last callback " in text.stdout
        assert ", healthy" in text.stdout


def test_a_receiver_that_stopped_beating_is_shown_stale(postgres_url: str, data_dir: Path) -> None:
    long_ago = time.time() - STALE_AFTER - 60
    with PostgresStore(postgres_url) as store:
        store.receiver_beat(ReceiverBeat("gone", "old-box", 99, long_ago - 600, long_ago, None))

    text = run_cli(data_dir, "--store", postgres_url, "db", "status")

    assert text.returncode == 0, text.stderr
    assert "receivers: 1 (0 healthy, 1 stale)" in text.stdout
    assert "old-box pid 99: " in text.stdout
    assert "last callback never" in text.stdout
    assert "STALE" in text.stdout
    (shown,) = receivers_shown(data_dir, postgres_url)
    assert shown["healthy"] is False


def test_a_callback_delivered_to_two_receivers_is_stored_once(
    postgres_url: str, data_dir: Path, tmp_path: Path
) -> None:
    with (
        shared_receiver(data_dir, postgres_url) as (_first, first_url),
        shared_receiver(tmp_path / "second", postgres_url) as (_second, second_url),
        httpx.Client() as client,
    ):
        for n in range(20):
            for url in (first_url, second_url):
                assert client.post(url, data=receipt(f"twice-{n}"), timeout=10).status_code == 200

    assert sorted(logged_ids(data_dir, postgres_url)) == sorted(f"twice-{n}" for n in range(20))


def test_two_receivers_racing_never_move_a_final_state_back(
    postgres_url: str, data_dir: Path, tmp_path: Path
) -> None:
    ids = [f"race-{n}" for n in range(30)]
    with PostgresStore(postgres_url) as store:
        for message_id in ids:
            store.create_message(new_message(message_id))
    with (
        shared_receiver(data_dir, postgres_url) as (_first, first_url),
        shared_receiver(tmp_path / "second", postgres_url) as (_second, second_url),
    ):

        def deliver(url: str, state: int) -> None:
            with httpx.Client() as client:
                for message_id in ids:
                    answer = client.post(url, data=receipt(message_id, state), timeout=10)
                    assert answer.status_code == 200

        # Delivered (final) through one, then "accepted" (not final) through the other,
        # for the same messages at the same time, over and over.
        for _round in range(3):
            racers = [
                threading.Thread(target=deliver, args=(first_url, 2)),
                threading.Thread(target=deliver, args=(second_url, 6)),
            ]
            for racer in racers:
                racer.start()
            for racer in racers:
                racer.join()

    with PostgresStore(postgres_url) as store:
        found = [store.get_message(m) for m in ids]
    assert [m.state if m else None for m in found] == [2] * len(ids)


def test_a_receiver_started_again_after_a_crash_removes_the_dead_ones_heartbeat(
    postgres_url: str, data_dir: Path
) -> None:
    # Another host's receiver that stopped beating: its pid says nothing here, so it stays.
    long_ago = time.time() - STALE_AFTER - 60
    with PostgresStore(postgres_url) as store:
        store.receiver_beat(ReceiverBeat("far", "other-box", 1, long_ago - 600, long_ago, None))
    with shared_receiver(data_dir, postgres_url) as (crashed, _url):
        crashed.send_signal(signal.SIGKILL)  # no chance to remove its own row
        crashed.wait(30)
    assert crashed.pid in [r["pid"] for r in receivers_shown(data_dir, postgres_url)]

    # Started again, as the service manager does after a crash.
    with shared_receiver(data_dir, postgres_url) as (again, _url):
        shown = receivers_shown(data_dir, postgres_url)
        assert sorted((r["host"], r["pid"]) for r in shown) == sorted(
            [("other-box", 1), (socket.gethostname(), again.pid)]
        )
        text = run_cli(data_dir, "--store", postgres_url, "db", "status")
        assert "receivers: 2 (1 healthy, 1 stale)" in text.stdout
