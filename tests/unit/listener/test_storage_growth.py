"""What callbacks cost on disk: junk bodies, reply texts, and commits that survive power loss."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import httpx
import pytest

from console.store.sqlite import SqliteStore
from console.timeline import message_timeline
from tests.support.cli import run_cli
from tests.support.listener import running_listener


def _store_bytes(data_dir: Path) -> int:
    return sum(p.stat().st_size for p in data_dir.glob("messages.sqlite3*"))


def test_junk_bodies_cost_their_head_not_their_size(data_dir: Path) -> None:
    junk = b"not a form " * (8 * 1024 * 1024 // 11)
    with running_listener(data_dir) as listener, httpx.Client(timeout=30) as client:
        for number in range(12):
            response = client.post(
                listener.url,
                content=junk + b"%d" % number,
                headers={"content-type": "application/json"},
            )
            assert response.status_code == 400
    assert _store_bytes(data_dir) < 8 * 1024 * 1024  # twelve bodies of 8 MiB came in
    listed = run_cli(data_dir, "quarantine", "--json")
    entries = [json.loads(line) for line in listed.stdout.splitlines()]
    assert len(entries) == 12
    assert all(e["body_truncated"] and e["body_length"] == len(junk) + len(str(n)) for n, e in
               zip(range(11, -1, -1), entries, strict=True))  # fmt: skip
    assert len(listed.stdout) < 12 * 200 * 1024


def test_a_replys_text_is_stored_once_and_still_shown_with_its_fields(data_dir: Path) -> None:
    text = "Unique-reply-text-7f3a9c " * 20
    with running_listener(data_dir) as listener:
        response = httpx.post(
            listener.url,
            data={
                "type": "MO",
                "message_id": "mo-once",
                "shortcode": "12345",
                "phone_number": "12025550100",
                "message": text,
            },
            timeout=5,
        )
    assert response.status_code == 200
    with sqlite3.connect(data_dir / "messages.sqlite3") as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    # Once whole, and once the start of it that the conversations list shows (its first
    # 200 characters: 8 of the 25-character pieces).
    found = (data_dir / "messages.sqlite3").read_bytes().count(b"Unique-reply-text-7f3a9c")
    assert found == 20 + 8
    with SqliteStore(data_dir / "messages.sqlite3") as store:
        timeline = message_timeline(store, "mo-once")
    assert timeline is not None
    (event,) = timeline.events
    assert event.detail == text
    assert ("message", text) in event.raw


def test_the_listener_commits_so_that_a_power_cut_keeps_what_it_acknowledged(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened: list[dict[str, Any]] = []
    real_init = SqliteStore.__init__

    def recording(self: SqliteStore, path: Path, **kwargs: Any) -> None:
        opened.append(kwargs)
        real_init(self, path, **kwargs)

    monkeypatch.setattr(SqliteStore, "__init__", recording)
    with running_listener(data_dir) as listener:
        assert httpx.post(listener.url, data={"type": "receipt"}, timeout=5).status_code == 400
    assert [o.get("synchronous") for o in opened] == ["FULL"]
