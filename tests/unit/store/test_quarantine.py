"""The quarantine keeps heads of large bodies and stays within its caps, saying what it dropped."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from pathlib import Path

from console.store.interface import MessageStore
from console.store.migrations import MIGRATIONS
from console.store.models import QuarantineCap, QuarantinedCallback
from console.store.sqlite import SqliteStore
from tests.support.cli import run_cli
from tests.support.store_backends import Backend


def junk(number: int, body: bytes = b"junk", **extra: object) -> QuarantinedCallback:
    return QuarantinedCallback(
        float(number), "203.0.113.9", "POST", "/callbacks/<token>", (), body, f"bad {number}",
        **extra,  # type: ignore[arg-type]
    )  # fmt: skip


def test_a_large_body_is_kept_as_its_head_with_length_and_hash(store: MessageStore) -> None:
    whole = b"x" * 100_000
    store.quarantine(
        junk(
            1,
            whole[:65536],
            body_length=len(whole),
            body_sha256=hashlib.sha256(whole).hexdigest(),
        )
    )
    store.quarantine(junk(2, b"small"))
    small, large = store.quarantined()
    assert (large.body_length, len(large.body), large.truncated) == (100_000, 65536, True)
    assert large.body_sha256 == hashlib.sha256(whole).hexdigest()
    assert (small.body, small.body_length, small.truncated) == (b"small", 5, False)
    assert small.body_sha256 == hashlib.sha256(b"small").hexdigest()


def test_past_the_count_cap_the_oldest_entries_go_and_are_counted(backend: Backend) -> None:
    cap = QuarantineCap(max_entries=50, max_bytes=10**9)
    with backend.open(quarantine_cap=cap) as store:
        for number in range(120):
            store.quarantine(junk(number))
            assert store.quarantine_summary().entries <= 50
        kept = [r.reason for r in store.quarantined(limit=1000)]
        summary = store.quarantine_summary()
    # The newest are kept; a few more than needed go at once (down to 99% of the cap).
    assert 49 <= len(kept) <= 50
    assert kept == [f"bad {n}" for n in range(119, 119 - len(kept), -1)]
    assert (summary.entries, summary.dropped) == (len(kept), 120 - len(kept))


def test_past_the_size_cap_the_oldest_entries_go(backend: Backend) -> None:
    cap = QuarantineCap(max_entries=1000, max_bytes=30_000)
    with backend.open(quarantine_cap=cap) as store:
        for number in range(100):
            store.quarantine(junk(number, b"b" * 1000))
            assert store.quarantine_summary().stored_bytes <= 30_000
        kept = [r.reason for r in store.quarantined(limit=1000)]
        summary = store.quarantine_summary()
    # Each entry takes its body, target and headers: 1000 + 18 + 2 bytes.
    assert 28 <= len(kept) <= 29
    assert kept == [f"bad {n}" for n in range(99, 99 - len(kept), -1)]
    assert (summary.stored_bytes, summary.dropped) == (1020 * len(kept), 100 - len(kept))


def test_a_store_opened_with_smaller_caps_drops_the_oldest_entries_at_once(
    backend: Backend,
) -> None:
    with backend.open() as store:
        for number in range(100):
            store.quarantine(junk(number))
    with backend.open(quarantine_cap=QuarantineCap(max_entries=40, max_bytes=10**9)) as store:
        kept = [r.reason for r in store.quarantined(limit=1000)]
        summary = store.quarantine_summary()
    assert 39 <= len(kept) <= 40
    assert kept == [f"bad {n}" for n in range(99, 99 - len(kept), -1)]
    assert (summary.entries, summary.dropped) == (len(kept), 100 - len(kept))


def test_entries_kept_before_the_caps_existed_are_counted_and_described(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    conn = sqlite3.connect(path)
    for number, script in enumerate(MIGRATIONS[:2], start=1):
        conn.executescript(f"BEGIN;\n{script}\nPRAGMA user_version = {number};\nCOMMIT;")
    conn.execute(
        "INSERT INTO quarantine (received_at, source_address, method, target, headers, body,"
        " reason) VALUES (1.0, '203.0.113.9', 'POST', '/cb', '[]', ?, 'old')",
        (b"old body",),
    )
    conn.commit()
    conn.close()
    with SqliteStore(path) as store:
        (old,) = store.quarantined()
        summary = store.quarantine_summary()
    assert (old.body_length, old.body_sha256) == (8, hashlib.sha256(b"old body").hexdigest())
    assert (summary.entries, summary.stored_bytes) == (1, len(b"old body/cb[]"))


def test_the_quarantine_command_says_what_was_cut_and_dropped(data_dir: Path) -> None:
    cap = QuarantineCap(max_entries=100, max_bytes=10**9)
    with SqliteStore(data_dir / "messages.sqlite3", quarantine_cap=cap) as store:
        for number in range(100):
            store.quarantine(junk(number))
        store.quarantine(junk(100, b"h" * 10, body_length=9_000_000, body_sha256="ab" * 32))
        store.quarantine(junk(101))
    plain = run_cli(data_dir, "quarantine", "--limit", "2")
    assert plain.returncode == 0
    assert "2 older entries were dropped" in plain.stdout
    assert "(9,000,000 bytes, first 10 kept)" in plain.stdout
    listed = run_cli(data_dir, "quarantine", "--json", "--limit", "2")
    assert "2 older entries were dropped" in listed.stderr
    newest, cut = (json.loads(line) for line in listed.stdout.splitlines())
    assert (newest["body_truncated"], cut["body_truncated"]) == (False, True)
    assert (cut["body_length"], cut["body_sha256"]) == (9_000_000, "ab" * 32)
