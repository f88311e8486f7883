"""The message log on the shared store at a million messages: what the window's log reads
from PostgreSQL for a search, a number filter and the two ends of the log.

Run: ``.venv/bin/python tests/benchmarks/bench_postgres_log.py [--messages N] [--rounds N]``.
The rows are those of ``bench_search.py``'s SQLite store (see ``big_store.py``), copied
into a PostgreSQL server started here with every commit durable. Each figure is the
median over ``--rounds`` of a read not asked before (a new text each round), on a store
of its own as the window's worker has. Target: each <= 150 ms.
"""

# The copy interpolates only this module's table and column names.
# ruff: noqa: S608

from __future__ import annotations

import argparse
import os
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

from console.log_pages import read_count, read_head  # noqa: E402
from console.log_search import COUNT_FIRST  # noqa: E402
from console.store.models import LogQuery  # noqa: E402
from console.store.postgres import PostgresStore, schema  # noqa: E402
from tests.benchmarks.bench_search import kinds  # noqa: E402
from tests.benchmarks.big_store import ensure_store  # noqa: E402
from tests.support.postgres_server import PostgresServer  # noqa: E402

TARGET_MS = 150.0
PAGE = 200

# Copied in id order, so that the identity columns give the same ids as in SQLite.
_TABLES = (
    (
        "messages",
        "message_id, profile, phone_number, sender, body, endpoint, method, priority, receipt,"
        " status, result_code, status_detail, attempt_count, state, state_result_code,"
        " state_at, created_at, updated_at",
    ),
    ("attachments", "message_ref, position, content_type, content"),
    (
        "replies",
        "message_id, shortcode, phone_number, body, received_at, source_address, raw",
    ),
    (
        "receipts",
        "message_id, message_state, result_code, received_at, source_address, raw,"
        " last_received_at",
    ),
)


def copy_store(source: Path, url: str) -> float:
    """Copy the SQLite store at ``source`` into the migrated database at ``url``; seconds."""
    started = time.perf_counter()
    lite = sqlite3.connect(source)
    try:
        with psycopg.connect(url) as conn:
            schema.migrate(conn)
            for table, columns in _TABLES:
                order = "message_ref, position" if table == "attachments" else "id"
                rows = lite.execute(f"SELECT {columns} FROM {table} ORDER BY {order}")
                with conn.cursor().copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                    for row in rows:
                        if table == "messages":
                            row = (*row[:8], bool(row[8]), *row[9:])
                        copy.write_row(row)
                conn.commit()
            # The load is not what consoles show as news.
            conn.execute("DELETE FROM changes")
            conn.commit()
            conn.autocommit = True
            conn.execute("VACUUM ANALYZE")
    finally:
        lite.close()
    return time.perf_counter() - started


def timed(store: PostgresStore, read: Callable[[PostgresStore], object]) -> float:
    started = time.perf_counter()
    read(store)
    return (time.perf_counter() - started) * 1000


def search(text: str) -> Callable[[PostgresStore], object]:
    def read(store: PostgresStore) -> object:
        rows, total = read_head(store, LogQuery(text=text), PAGE, COUNT_FIRST)
        return rows, total

    return read


def whole_count(text: str) -> Callable[[PostgresStore], object]:
    def read(store: PostgresStore) -> object:
        rows, total = read_head(store, LogQuery(text=text), 1, COUNT_FIRST)
        if total < COUNT_FIRST or not rows:
            return total
        return read_count(store, LogQuery(text=text, up_to=rows[0].key))

    return read


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--messages", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()

    source = ensure_store(args.messages)
    texts = kinds(source, args.rounds)
    with tempfile.TemporaryDirectory() as folder:
        server = PostgresServer(Path(folder) / "postgres", durable=True)
        server.start()
        try:
            url = server.url(server.create_database("log"))
            seconds = copy_store(source, url)
            print(f"copied {args.messages:,} messages into PostgreSQL in {seconds:.0f} s")
            return measure(url, texts, args.rounds)
        finally:
            server.remove()


def measure(url: str, texts: dict[str, list[str]], rounds: int) -> int:
    reads: dict[str, list[Callable[[PostgresStore], object]]] = {
        "newest page (Ctrl+Home)": [lambda s: s.log_head(LogQuery(), PAGE)] * rounds,
        "oldest page (Ctrl+End)": [lambda s: s.log_page_oldest(LogQuery(), None, PAGE)] * rounds,
    }
    for name, each_text in texts.items():
        reads[f"search: {name}"] = [search(t) for t in each_text]
    counts = {name: [whole_count(t) for t in each] for name, each in texts.items()}
    figures: dict[str, list[float]] = {name: [] for name in reads}
    count_figures: dict[str, list[float]] = {name: [] for name in counts}
    with PostgresStore(url) as store:
        for number in range(rounds):
            for name, each in reads.items():
                figures[name].append(timed(store, each[number]))
            for name, each in counts.items():
                count_figures[name].append(timed(store, each[number]))
    print(f"{'load average while measuring':<44}{os.getloadavg()[0]:6.2f}")
    print(f"{'read (PostgreSQL, 1M messages)':<44}{'median':>10} {'max':>8}  {'whole count':>11}")
    met = True
    for name, values in figures.items():
        median = statistics.median(values)
        met = met and median <= TARGET_MS
        kind = name.removeprefix("search: ")
        whole = f"{statistics.median(count_figures[kind]):8.1f} ms" if kind in counts else ""
        verdict = "PASS" if median <= TARGET_MS else "FAIL"
        print(
            f"{name:<44}{median:7.1f} ms {max(values):8.1f}  {whole:>11}   "
            f"target <= {TARGET_MS:.0f} ms  {verdict}"
        )
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
