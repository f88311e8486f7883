"""The store's two backends side by side: receipts stored by batch, messages created, and
the log read, on a SQLite file (synchronous FULL, as the listener opens it) and on a
PostgreSQL server that makes every commit durable (fsync and synchronous commit on).

Run: ``.venv/bin/python tests/benchmarks/bench_store_backends.py [--rounds N]``.
Each figure is the median of ``--rounds`` rounds, the backends taking turns within a
round. The log's figures are read from a log of ``--log`` messages (and a reply for every
tenth), bulk-loaded into each backend's schema.
"""

# The bulk loads interpolate only this module's column lists and placeholders.
# ruff: noqa: S608

from __future__ import annotations

import argparse
import sqlite3
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import psycopg  # noqa: E402

from console.store.interface import MessageStore  # noqa: E402
from console.store.models import (  # noqa: E402
    CallbackItem,
    IncomingReceipt,
    LogKey,
    LogKind,
    LogQuery,
)
from console.store.postgres import PostgresStore, schema  # noqa: E402
from console.store.sqlite import SqliteStore  # noqa: E402
from tests.support.postgres_server import PostgresServer  # noqa: E402
from tests.unit.store.test_store_contract import new_message  # noqa: E402

Opener = Callable[[], MessageStore]

_MESSAGE_COLUMNS = (
    "message_id, profile, phone_number, sender, body, endpoint, method, receipt, status,"
    " created_at, updated_at"
)
_REPLY_COLUMNS = "message_id, shortcode, phone_number, body, received_at, source_address, raw"


def message_rows(prefix: str, count: int) -> list[tuple[object, ...]]:
    return [
        (f"{prefix}-{i}", "default", f"4477009{i % 100000:05d}", "12345",
         f"Your order {i} has shipped", "x", "POST", True, "accepted", float(i), float(i))
        for i in range(count)
    ]  # fmt: skip


def reply_rows(count: int) -> list[tuple[object, ...]]:
    return [
        (f"reply-{i}", "12345", f"1202555{i % 10000:04d}", "Thanks, got it", i + 0.5, "x", "")
        for i in range(0, count, 10)
    ]


@dataclass
class Backend:
    """A store for writes and one holding a big log, and a bulk load into each schema."""

    writes: Opener
    log: Opener
    load: Callable[[str, list[tuple[object, ...]], list[tuple[object, ...]]], None]


def sqlite_backend(base: Path, log_size: int) -> Backend:
    def load(
        database: str, messages: list[tuple[object, ...]], replies: list[tuple[object, ...]]
    ) -> None:
        with sqlite3.connect(base / f"{database}.sqlite3") as conn:
            conn.executemany(
                f"INSERT INTO messages ({_MESSAGE_COLUMNS}) VALUES ({', '.join('?' * 11)})",
                messages,
            )
            conn.executemany(
                f"INSERT INTO replies ({_REPLY_COLUMNS}) VALUES ({', '.join('?' * 7)})", replies
            )
        conn.close()

    for database in ("writes", "log"):
        SqliteStore(base / f"{database}.sqlite3").close()
    load("log", message_rows("log", log_size), reply_rows(log_size))
    return Backend(
        lambda: SqliteStore(base / "writes.sqlite3", synchronous="FULL", any_thread=True),
        lambda: SqliteStore(base / "log.sqlite3"),
        load,
    )


def postgres_backend(server: PostgresServer, log_size: int) -> Backend:
    urls = {name: server.url(server.create_database(name)) for name in ("writes", "log")}

    def load(
        database: str, messages: list[tuple[object, ...]], replies: list[tuple[object, ...]]
    ) -> None:
        with psycopg.connect(urls[database]) as conn:
            for table, columns, rows in (
                ("messages", _MESSAGE_COLUMNS, messages),
                ("replies", _REPLY_COLUMNS, replies),
            ):
                with conn.cursor().copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
            conn.execute("ANALYZE")

    for url in urls.values():
        with psycopg.connect(url) as conn:
            schema.migrate(conn)
    load("log", message_rows("log", log_size), reply_rows(log_size))
    return Backend(lambda: PostgresStore(urls["writes"]), lambda: PostgresStore(urls["log"]), load)


def receipts_per_second(backend: Backend, batch: int, writers: int, tag: str) -> float:
    """Receipts for known messages stored a second by ``writers`` stores at once, ``batch``
    a transaction."""
    total = 2000 if batch > 1 else 300
    for number in range(writers):
        backend.load("writes", message_rows(f"{tag}-{number}", total), [])
    stores = [backend.writes() for _ in range(writers)]

    def write(number: int) -> None:
        items: list[CallbackItem] = [
            IncomingReceipt(f"{tag}-{number}-{i}", 6, 0, float(i), "203.0.113.7", "type=receipt")
            for i in range(total)
        ]
        for start in range(0, total, batch):
            stores[number].record_callbacks(items[start : start + batch])

    threads = [threading.Thread(target=write, args=(n,)) for n in range(writers)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    for store in stores:
        store.close()
    return total * writers / elapsed


def creates_per_second(backend: Backend, tag: str) -> float:
    with backend.writes() as store:
        started = time.perf_counter()
        for i in range(200):
            store.create_message(new_message(f"{tag}-{i}"))
        return 200 / (time.perf_counter() - started)


def log_ms(backend: Backend, read: Callable[[MessageStore], object]) -> float:
    with backend.log() as store:
        read(store)  # statements prepared, pages cached
        started = time.perf_counter()
        for _ in range(5):
            read(store)
        return (time.perf_counter() - started) / 5 * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--log", type=int, default=200_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        base = Path(folder)
        server = PostgresServer(base / "postgres", durable=True)
        server.start()
        try:
            backends = {
                "sqlite": sqlite_backend(base, args.log),
                "postgres": postgres_backend(server, args.log),
            }
            run(backends, args.rounds, args.log)
        finally:
            server.remove()


Figure = tuple[str, Callable[[Backend, str], float]]


def run(backends: dict[str, Backend], rounds: int, log_size: int) -> None:
    middle = LogKey(log_size / 2, log_size // 2, LogKind.MESSAGE)

    def below_middle(store: MessageStore) -> object:
        return store.log_page(LogQuery(), before=middle)

    def head(text: str) -> Callable[[MessageStore], object]:
        return lambda store: store.log_head(LogQuery(text=text), count_limit=10_000)

    figures: list[Figure] = [
        ("receipts/s, 1 a batch", lambda b, t: receipts_per_second(b, 1, 1, t)),
        ("receipts/s, 100 a batch", lambda b, t: receipts_per_second(b, 100, 1, t)),
        ("receipts/s, 100 a batch, 2 writers", lambda b, t: receipts_per_second(b, 100, 2, t)),
        ("messages created/s", creates_per_second),
        ("log head, 100 rows and count (ms)", lambda b, t: log_ms(b, head(""))),
        ("log page in the middle (ms)", lambda b, t: log_ms(b, below_middle)),
        ("search 'shipped', every message (ms)", lambda b, t: log_ms(b, head("shipped"))),
        ("search 'order 12345 ' (ms)", lambda b, t: log_ms(b, head("order 12345 "))),
        ("search '0012', digits anywhere (ms)", lambda b, t: log_ms(b, head("0012"))),
    ]  # fmt: skip
    results: dict[tuple[str, str], list[float]] = {}
    for number in range(rounds):
        for index, (label, measure) in enumerate(figures):
            for name, backend in backends.items():
                results.setdefault((label, name), []).append(measure(backend, f"r{number}-{index}"))
    print(f"log: {log_size} messages and {log_size // 10} replies; medians of {rounds} rounds")
    print(f"{'':40} {'sqlite':>10} {'postgres':>10}")
    for label, _measure in figures:
        cells = [statistics.median(results[(label, name)]) for name in backends]
        print(f"{label:40}" + "".join(f" {c:10.1f}" for c in cells))


if __name__ == "__main__":
    main()
