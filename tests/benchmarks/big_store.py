"""A message store of realistic shape and a million rows, for the log's benchmarks.

The file is created through the real migrations and filled with bulk inserts in the real
schema; it is cached under the system temp directory and reused while the migrations and
this generator stay the same. To build it alone:
``python -m tests.benchmarks.big_store [messages]``.
"""

from __future__ import annotations

import hashlib
import random
import sqlite3
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

from console.protocol.mt_request import Priority
from console.store.migrations import MIGRATIONS
from console.store.sqlite import SqliteStore

GENERATOR_VERSION = 1
CACHE_DIR = Path(tempfile.gettempdir()) / "sms-console-bench"

START = 1_700_000_000.0
ENDPOINT = "https://smsc-api.genesyscloud.com/httpapi/receiver"
REPLY_SHARE = 0.02
MMS_SHARE = 0.01
ORPHAN_RECEIPTS = 1_000

# (country and area prefix, digits after it): numbers customers really have.
_NUMBER_PLANS = (("1202555", 4), ("1312555", 4), ("44770090", 4), ("4915112", 7), ("3361234", 5))
_SENDERS = ("12345", "54321", "ACME", "ACME Support")
_BODIES = (
    "Your order {n} has shipped and will arrive tomorrow.",
    "Your verification code is {n}. It expires in 10 minutes.",
    "Reminder: your appointment is on Monday at 10:30. Reply STOP to opt out.",
    "We received your payment for invoice {n}. Thank you!",
    "Your parcel {n} is waiting at the pick-up point until Friday.",
)
_REPLIES = ("Thanks!", "STOP", "When will it arrive?", "Yes please", "Can you call me?")
_PRIORITIES = (None, *(p.value for p in Priority))

# (status, delivery state, result code, share): the mix an operator's log accumulates.
_OUTCOMES = (
    ("accepted", 2, 0, 0.80),
    ("accepted", None, 0, 0.06),
    ("accepted", 1, 0, 0.03),
    ("accepted", 5, 0, 0.02),
    ("accepted", 3, 0, 0.01),
    ("accepted", 8, 0, 0.01),
    ("failed", None, 4, 0.04),
    ("needs_operator", None, 7, 0.01),
    ("retry_wait", None, 6, 0.01),
    ("queued", None, None, 0.01),
)


def store_path(messages: int) -> Path:
    """Where the store is cached: a changed schema or generator makes a new file."""
    schema = hashlib.sha256("".join(MIGRATIONS).encode()).hexdigest()[:12]
    return CACHE_DIR / f"log-{messages}-{schema}-g{GENERATOR_VERSION}.sqlite3"


def ensure_store(messages: int) -> Path:
    """The store of ``messages`` messages, built first if it is not cached; says which."""
    path = store_path(messages)
    cached = path.exists()
    started = time.perf_counter()
    if not cached:
        # In a process of its own, so that building does not count in the caller's memory.
        subprocess.run(
            [sys.executable, "-m", "tests.benchmarks.big_store", str(messages)],
            check=True,
            cwd=Path(__file__).resolve().parents[2],
            stdout=subprocess.DEVNULL,
        )
    how = "reused" if cached else f"built in {time.perf_counter() - started:.0f} s"
    print(f"store: {path} ({path.stat().st_size / 2**20:.0f} MB, {how})")
    return path


def big_store(messages: int = 1_000_000) -> Path:
    """The path of a filled store with ``messages`` outbound messages, built if missing."""
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


def phone_number(rng: random.Random) -> str:
    prefix, digits = rng.choice(_NUMBER_PLANS)
    return prefix + str(rng.randrange(10**digits)).zfill(digits)


def message_rows(rng: random.Random, messages: int) -> Iterator[tuple[object, ...]]:
    weights = [o[3] for o in _OUTCOMES]
    at = START
    for _ in range(messages):
        at += rng.expovariate(1 / 30.0)
        status, state, code, _share = rng.choices(_OUTCOMES, weights)[0]
        yield (
            uuid.UUID(int=rng.getrandbits(128)).hex,
            "default",
            phone_number(rng),
            rng.choice(_SENDERS),
            rng.choice(_BODIES).format(n=rng.randrange(10**6, 10**7)),
            ENDPOINT,
            "POST",
            rng.choice(_PRIORITIES),
            1,
            status,
            code,
            None if code is None else f"result code {code}",
            0 if status == "queued" else 1,
            state,
            None if state is None else 0,
            None if state is None else at + 5.0,
            at,
            at if state is None else at + 5.0,
        )


def fill(path: Path, messages: int, seed: int = 7) -> None:
    """Create ``path`` with the real schema and ``messages`` rows, plus replies and orphans."""
    SqliteStore(path).close()
    rng = random.Random(seed)
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("PRAGMA synchronous=OFF")
        conn.execute("PRAGMA cache_size=-262144")
        conn.execute("BEGIN")
        conn.executemany(
            "INSERT INTO messages (message_id, profile, phone_number, sender, body, endpoint,"
            " method, priority, receipt, status, result_code, status_detail, attempt_count,"
            " state, state_result_code, state_at, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            message_rows(rng, messages),
        )
        (newest,) = conn.execute("SELECT MAX(created_at) FROM messages").fetchone()
        mms = rng.sample(range(1, messages + 1), int(messages * MMS_SHARE))
        conn.executemany(
            "INSERT INTO attachments (message_ref, position, content_type, content)"
            " VALUES (?, 0, 'image/png', ?)",
            ((ref, b"\x89PNG\r\n\x1a\n" + bytes(64)) for ref in mms),
        )
        conn.executemany(
            "INSERT INTO replies (message_id, shortcode, phone_number, body, received_at,"
            " source_address, raw) VALUES (?, ?, ?, ?, ?, '203.0.113.7', '')",
            (
                (
                    f"mo-{i}",
                    rng.choice(_SENDERS[:2]),
                    phone_number(rng),
                    rng.choice(_REPLIES),
                    rng.uniform(START, newest),
                )
                for i in range(int(messages * REPLY_SHARE))
            ),
        )
        conn.executemany(
            "INSERT INTO receipts (message_id, message_state, result_code, received_at,"
            " source_address, raw, last_received_at) VALUES (?, 2, 0, ?, '203.0.113.7', '', ?)",
            ((f"unknown-{i}", newest, newest) for i in range(ORPHAN_RECEIPTS)),
        )
        conn.execute("COMMIT")
    finally:
        conn.close()


if __name__ == "__main__":
    print(big_store(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000))
