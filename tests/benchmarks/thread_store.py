"""A message store with a million messages in a hundred thousand conversations, for the
threads' benchmark.

The rows are those of ``big_store.py`` (the same bodies, outcomes and times), each
message sent to one of ``THREADS`` customers (number and sender), a few customers far
busier than most; a tenth as many customer replies come in on the same threads. The file
is created through the real migrations (the threads are kept by their triggers as the
rows go in), cached under the system temp directory and reused while the migrations and
this generator stay the same. To build it alone:
``python -m tests.benchmarks.thread_store [messages]``.
"""

from __future__ import annotations

import hashlib
import random
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

from console.store.migrations import MIGRATIONS
from console.store.sqlite import SqliteStore
from tests.benchmarks.big_store import CACHE_DIR, START, message_rows, phone_number

GENERATOR_VERSION = 1
THREADS = 100_000
REPLY_SHARE = 0.1
# Customers' replies: short answers, and questions that name what they are about.
REPLIES = (
    "Thanks!",
    "When will it arrive?",
    "Yes please",
    "Can you call me?",
    "Where is my parcel {n}?",
    "I did not order this",
    "Please deliver to the neighbour",
)
SENDERS = ("12345", "54321")


def store_path(messages: int) -> Path:
    """Where the store is cached: a changed schema or generator makes a new file."""
    schema = hashlib.sha256("".join(MIGRATIONS).encode()).hexdigest()[:12]
    return CACHE_DIR / f"threads-{messages}-{schema}-g{GENERATOR_VERSION}.sqlite3"


def ensure_store(messages: int) -> Path:
    """The store of ``messages`` messages, built first if it is not cached; says which."""
    path = store_path(messages)
    cached = path.exists()
    started = time.perf_counter()
    if not cached:
        subprocess.run(
            [sys.executable, "-m", "tests.benchmarks.thread_store", str(messages)],
            check=True,
            cwd=Path(__file__).resolve().parents[2],
            stdout=subprocess.DEVNULL,
        )
    how = "reused" if cached else f"built in {time.perf_counter() - started:.0f} s"
    print(f"store: {path} ({path.stat().st_size / 2**20:.0f} MB, {how})")
    return path


def customers(rng: random.Random) -> list[tuple[str, str]]:
    """``THREADS`` distinct (number, sender) pairs."""
    found: dict[tuple[str, str], None] = {}
    while len(found) < THREADS:
        found[(phone_number(rng), rng.choice(SENDERS))] = None
    return list(found)


def _pick(rng: random.Random, count: int) -> int:
    # One message in five goes to the busiest hundredth of the customers.
    if rng.random() < 0.2:
        return rng.randrange(count // 100)
    return rng.randrange(count)


def _messages(
    rng: random.Random, messages: int, pairs: list[tuple[str, str]]
) -> Iterator[tuple[object, ...]]:
    for row in message_rows(rng, messages):
        number, sender = pairs[_pick(rng, len(pairs))]
        yield (*row[:2], number, sender, *row[4:])


def fill(path: Path, messages: int, seed: int = 11) -> None:
    """Create ``path`` with the real schema, ``messages`` messages and their replies."""
    SqliteStore(path).close()
    rng = random.Random(seed)
    pairs = customers(rng)
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("PRAGMA synchronous=OFF")
        conn.execute("PRAGMA cache_size=-524288")
        conn.execute("BEGIN")
        conn.executemany(
            "INSERT INTO messages (message_id, profile, phone_number, sender, body, endpoint,"
            " method, priority, receipt, status, result_code, status_detail, attempt_count,"
            " state, state_result_code, state_at, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            _messages(rng, messages, pairs),
        )
        (newest,) = conn.execute("SELECT MAX(created_at) FROM messages").fetchone()
        conn.executemany(
            "INSERT INTO replies (message_id, shortcode, phone_number, body, received_at,"
            " source_address, raw) VALUES (?, ?, ?, ?, ?, '203.0.113.7', '')",
            (
                (
                    f"mo-{i}",
                    pairs[j][1],
                    pairs[j][0],
                    rng.choice(REPLIES).format(n=rng.randrange(10**6, 10**7)),
                    rng.uniform(START, newest),
                )
                for i in range(int(messages * REPLY_SHARE))
                for j in (_pick(rng, len(pairs)),)
            ),
        )
        conn.execute("COMMIT")
        conn.execute("ANALYZE")
    finally:
        conn.close()


def thread_store(messages: int) -> Path:
    path = store_path(messages)
    if path.exists():
        return path
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    building = path.with_suffix(".building")
    for leftover in CACHE_DIR.glob(building.name + "*"):
        leftover.unlink()
    fill(building, messages)
    building.rename(path)
    return path


if __name__ == "__main__":
    print(thread_store(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000))
