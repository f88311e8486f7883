"""Conversations at a million messages in a hundred thousand threads: what the window's
conversations pane reads, on a SQLite file and on a shared PostgreSQL store.

Run: ``.venv/bin/python tests/benchmarks/bench_threads.py [--messages N] [--rounds N]
[--backends sqlite,postgres]``. The rows are built once (``thread_store.py``: a million
messages to a hundred thousand customers, a few far busier than most, a tenth as many
replies) and reused; the SQLite figures are read from a copy of that file, the PostgreSQL
ones from a server started here with every commit durable, loaded with the same rows by
COPY (``bench_postgres_log.copy_store``; the threads are made by the schema's triggers as
the rows go in). The operator has read every thread but the newest few hundred.

Each round, on a store the window would keep open:

* Thread list opens: the first page of threads (100, with the operator's unread counts,
  claims and opt-outs) and the total of unread replies for the title. Target <= 300 ms.
* Switching threads: the newest 200 items of a thread picked from the first pages (every
  outgoing one with its state and attachments), and marking it read. Target <= 100 ms.
  Also for one of the busiest threads (hundreds of messages).
* Thread search: by a part of a customer's number (four to six digits, as typed), by a
  common word, and by a rare text (a parcel's number cut to four digits). Each round a
  new one. Target <= 150 ms.
* Unread total alone.

Printed per figure and backend: p50 and p95 over the rounds, against the target.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import psycopg  # noqa: E402

from console.store.interface import MessageStore  # noqa: E402
from console.store.postgres import PostgresStore  # noqa: E402
from console.store.sqlite import SqliteStore  # noqa: E402
from console.store.threads import ThreadQuery  # noqa: E402
from tests.benchmarks.bench_postgres_log import copy_store  # noqa: E402
from tests.benchmarks.thread_store import ensure_store  # noqa: E402
from tests.support.postgres_server import PostgresServer  # noqa: E402

OPERATOR = "alice"
UNREAD_THREADS = 300
TARGETS_MS = {
    "thread list opens": 300.0,
    "switch thread": 100.0,
    "switch to a busiest thread": 100.0,
    "search: number fragment": 150.0,
    "search: common word": 150.0,
    "search: rare text": 150.0,
    "unread total": 300.0,
}
COMMON_WORDS = ("parcel", "invoice", "shipped", "appointment", "verification", "payment")

Read = Callable[[MessageStore], object]


# ``?`` or ``%s``: the operator, then how many of the newest threads stay unread.
_READ_ALL_BUT_NEWEST = (
    "INSERT INTO thread_reads (thread_id, operator, seen)"
    " SELECT id, {0}, incoming FROM threads WHERE incoming > 0 AND id NOT IN"
    " (SELECT id FROM threads ORDER BY last_at DESC, id DESC LIMIT {0})"
)


def _read_all_but_newest(execute: Callable[[str, tuple[object, ...]], object], mark: str) -> None:
    execute("DELETE FROM thread_reads", ())
    execute(_READ_ALL_BUT_NEWEST.format(mark), (OPERATOR, UNREAD_THREADS))


def picks(source: Path, rounds: int) -> dict[str, list[object]]:
    """What each round asks for: threads to switch to, numbers and texts to search."""
    rng = random.Random(5)
    conn = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    try:
        # Threads as (number, sender): each backend numbers them its own way.
        listed = conn.execute(
            "SELECT phone_number, sender FROM threads ORDER BY last_at DESC LIMIT 500"
        ).fetchall()
        busiest = conn.execute(
            "SELECT phone_number, sender FROM messages WHERE id % 10 = 0"
            " GROUP BY 1, 2 ORDER BY count(*) DESC LIMIT 50"
        ).fetchall()
        numbers = [
            r[0]
            for r in conn.execute(
                "SELECT phone_number FROM threads ORDER BY random() LIMIT ?", (rounds,)
            )
        ]
        bodies = [
            r[0]
            for r in conn.execute(
                "SELECT body FROM messages WHERE body LIKE 'Your parcel %' ORDER BY id LIMIT ?",
                (rounds * 20,),
            )
        ]
    finally:
        conn.close()
    fragments = []
    for number in numbers:
        size = rng.randint(4, 6)
        start = rng.randrange(len(number) - size + 1)
        digits = number[start : start + size]
        # As typed: some with a space or a dash in it.
        cut = rng.randrange(1, size)
        fragments.append(
            rng.choice((digits, f"{digits[:cut]} {digits[cut:]}", f"{digits[:cut]}-{digits[cut:]}"))
        )
    rare = list(dict.fromkeys(f"parcel {b.split()[2][:4]}" for b in bodies))
    return {
        "switch thread": [rng.choice(listed) for _ in range(rounds)],
        "switch to a busiest thread": [busiest[n % len(busiest)] for n in range(rounds)],
        "search: number fragment": fragments,
        "search: common word": [COMMON_WORDS[n % len(COMMON_WORDS)] for n in range(rounds)],
        "search: rare text": [rare[n % len(rare)] for n in range(rounds)],
    }


def reads(
    store: MessageStore, chosen: dict[str, list[object]], rounds: int
) -> dict[str, list[Read]]:
    def opens(store: MessageStore) -> object:
        return store.threads(ThreadQuery(), OPERATOR), store.unread_total(OPERATOR)

    def switch(pair: object) -> Read:
        assert isinstance(pair, tuple)
        number, sender = pair
        thread = store.thread_for(number, sender, OPERATOR)
        assert thread is not None
        thread_id = thread.id

        def read(store: MessageStore) -> object:
            items = store.thread_items(thread_id)
            store.mark_read(thread_id, OPERATOR)
            return items

        return read

    def search(text: object) -> Read:
        return lambda store: store.threads(ThreadQuery(str(text)), OPERATOR)

    found: dict[str, list[Read]] = {"thread list opens": [opens] * rounds}
    for name in ("switch thread", "switch to a busiest thread"):
        found[name] = [switch(t) for t in chosen[name]]
    for name in ("search: number fragment", "search: common word", "search: rare text"):
        found[name] = [search(t) for t in chosen[name]]
    found["unread total"] = [lambda s: s.unread_total(OPERATOR)] * rounds
    return found


Figures = dict[str, tuple[list[float], list[int]]]


def _size(found: object) -> int:
    """How many threads or items a read returned (the unread total: the number)."""
    if isinstance(found, tuple):
        found = found[0]
    return len(found) if isinstance(found, list) else int(str(found))


def measure(store: MessageStore, chosen: dict[str, list[object]], rounds: int) -> Figures:
    """Milliseconds and sizes of each read per round."""
    each = reads(store, chosen, rounds)
    figures: Figures = {name: ([], []) for name in each}
    for calls in each.values():
        calls[0](store)  # the first call of a kind warms what a window has warm
    for number in range(rounds):
        for name, calls in each.items():
            started = time.perf_counter()
            found = calls[number](store)
            figures[name][0].append((time.perf_counter() - started) * 1000)
            figures[name][1].append(_size(found))
    return figures


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def report(backend: str, figures: Figures) -> bool:
    print(f"\n{backend}")
    print(f"{'figure':<30}{'p50':>10}{'p95':>10}{'max':>10}{'rows':>8}   target")
    met = True
    for name, (values, sizes) in figures.items():
        median, high = statistics.median(values), p95(values)
        target = TARGETS_MS[name]
        ok = high <= target
        met = met and ok
        print(
            f"{name:<30}{median:7.1f} ms{high:7.1f} ms{max(values):7.1f} ms"
            f"{statistics.median(sizes):8.0f}   <= {target:.0f} ms {'PASS' if ok else 'FAIL'}"
        )
    return met


def run_sqlite(source: Path, folder: Path, chosen: dict[str, list[object]], rounds: int) -> bool:
    copy = folder / "messages.sqlite3"
    shutil.copyfile(source, copy)
    conn = sqlite3.connect(copy, isolation_level=None)
    try:
        _read_all_but_newest(conn.execute, "?")
    finally:
        conn.close()
    with SqliteStore(copy) as store:
        figures = measure(store, chosen, rounds)
    return report("SQLite (a file of its own)", figures)


def run_postgres(source: Path, folder: Path, chosen: dict[str, list[object]], rounds: int) -> bool:
    server = PostgresServer(folder / "postgres", durable=True)
    server.start()
    try:
        url = server.url(server.create_database("threads"))
        seconds = copy_store(source, url)
        print(f"\ncopied into PostgreSQL in {seconds:.0f} s")
        with psycopg.connect(url) as conn:
            _read_all_but_newest(conn.execute, "%s")
        with PostgresStore(url) as store:
            figures = measure(store, chosen, rounds)
        return report("PostgreSQL (durable commits)", figures)
    finally:
        server.remove()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--messages", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--backends", default="sqlite,postgres")
    args = parser.parse_args()

    source = ensure_store(args.messages)
    chosen = picks(source, args.rounds)
    met = True
    with tempfile.TemporaryDirectory() as folder:
        for backend in args.backends.split(","):
            run = run_sqlite if backend == "sqlite" else run_postgres
            met = run(source, Path(folder), chosen, args.rounds) and met
    print(f"\nload average while measuring: {os.getloadavg()[0]:.2f}")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
