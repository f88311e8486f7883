"""The receiver on PostgreSQL next to the same receiver on SQLite, and two receivers on one
PostgreSQL database loaded together next to one.

Run: ``.venv/bin/python tests/benchmarks/bench_receiver_backends.py [--rounds N]``.
Needs ``wrk`` and PostgreSQL (Debian packages). Each run posts valid receipts with unique
ids over keep-alive connections (bench_listener's script and counting: ``wrk -t2 -c64``),
to ``sms-console receiver`` as a subprocess; the runs take turns within each round. The
server makes every commit durable (fsync and synchronous commit on), as SQLite's
synchronous FULL does. After each run the receipts stored are counted against wrk's 2xx:
every acknowledged receipt stored, once.

Targets (medians of the rounds): PostgreSQL at least 50% of SQLite's rate; two receivers
together at least one's total.
"""

from __future__ import annotations

import argparse
import shutil
import sqlite3
import statistics
import sys
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import psycopg  # noqa: E402

from console.store.postgres import schema  # noqa: E402
from tests.benchmarks.bench_listener import (  # noqa: E402
    TOKEN,
    WRK_SCRIPT,
    Load,
    _started,
    report,
    start,
    stop,
    wrk,
)
from tests.support.postgres_server import PostgresServer  # noqa: E402

PG_OF_SQLITE = 0.50
PAIR_OF_SINGLE = 1.0


@dataclass
class Round:
    sqlite: Load
    postgres: Load
    pair: list[Load]
    counted: bool

    @property
    def pg_of_sqlite(self) -> float:
        return self.postgres.rate / self.sqlite.rate

    @property
    def pair_rate(self) -> float:
        return sum(load.rate for load in self.pair)

    @property
    def pair_of_single(self) -> float:
        return self.pair_rate / self.postgres.rate

    @property
    def failed(self) -> int:
        return self.sqlite.failed + self.postgres.failed + sum(load.failed for load in self.pair)


def receiver_command(data_dir: Path, store: str | None) -> list[str]:
    chosen = ["--store", store] if store else []
    return [sys.executable, "-m", "console", "--data-dir", str(data_dir), *chosen,
            "receiver", "--port", "0", "--path-token", TOKEN]  # fmt: skip


def counted(name: str, acknowledged: int, rows: int, distinct: int, slack: int) -> bool:
    # wrk stops counting at its deadline; up to one request per connection may have been
    # answered after that, so stored may exceed acknowledged by at most that many.
    ok = rows == distinct and 0 <= rows - acknowledged <= slack
    print(
        f"count check ({name}): {acknowledged} acknowledged, {rows} stored, {distinct} "
        f"distinct ids: {'ok' if ok else 'MISMATCH'}"
    )
    return ok


def sqlite_counts(database: Path) -> tuple[int, int]:
    conn = sqlite3.connect(database)
    try:
        rows, distinct = conn.execute(
            "SELECT COUNT(*), COUNT(DISTINCT message_id) FROM receipts"
        ).fetchone()
    finally:
        conn.close()
    return int(rows), int(distinct)


def postgres_counts(url: str) -> tuple[int, int]:
    with psycopg.connect(url) as conn:
        row = conn.execute("SELECT COUNT(*), COUNT(DISTINCT message_id) FROM receipts").fetchone()
    assert row is not None
    return int(row[0]), int(row[1])


def fresh_database(server: PostgresServer, name: str) -> str:
    url = server.url(server.create_database(name))
    with psycopg.connect(url) as conn:
        schema.migrate(conn)
    return url


def measure_round(
    work: Path, server: PostgresServer, number: int, args: argparse.Namespace, script: Path
) -> Round:
    seconds, connections = args.seconds, args.connections

    data_dir = work / f"sqlite{number}"
    process, url = start(receiver_command(data_dir, None))
    on_sqlite = wrk(url, seconds, connections, script, f"sqlite{number}")
    stop(process)
    report("receiver on SQLite", on_sqlite)
    ok = counted("SQLite", on_sqlite.acknowledged, *sqlite_counts(data_dir / "messages.sqlite3"),
                 connections)  # fmt: skip

    store = fresh_database(server, f"single{number}")
    process, url = start(receiver_command(work / f"single{number}", store))
    on_postgres = wrk(url, seconds, connections, script, f"postgres{number}")
    stop(process)
    report("receiver on PostgreSQL", on_postgres)
    ok = (
        counted("PostgreSQL", on_postgres.acknowledged, *postgres_counts(store), connections) and ok
    )

    # Two receivers on one database, each loaded by a wrk of its own at the same time, as
    # the single one was (``--pair-connections`` each).
    store = fresh_database(server, f"pair{number}")
    started = [start(receiver_command(work / f"pair{number}-{n}", store)) for n in (1, 2)]
    pair: list[Load] = [on_postgres, on_postgres]  # replaced below

    def load(index: int, target: str) -> None:
        pair[index] = wrk(target, seconds, args.pair_connections, script, f"pair{number}-{index}")

    threads = [threading.Thread(target=load, args=(i, u)) for i, (_p, u) in enumerate(started)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for process, _url in started:
        stop(process)
    for index, one in enumerate(pair, 1):
        report(f"two receivers on PostgreSQL: #{index}", one)
    ok = counted("two receivers", sum(p.acknowledged for p in pair), *postgres_counts(store),
                 2 * args.pair_connections) and ok  # fmt: skip

    result = Round(on_sqlite, on_postgres, pair, ok)
    print(
        f"round {number}: PostgreSQL {result.pg_of_sqlite:.0%} of SQLite; two receivers "
        f"{result.pair_rate:.0f} DR/s, {result.pair_of_single:.2f}x one"
    )
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--pair-connections",
        type=int,
        help="connections of each of the two receivers' wrk (default: --connections, the "
        "load the single one had; half of it to share that load between them)",
    )
    args = parser.parse_args()
    args.pair_connections = args.pair_connections or args.connections
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is needed: apt-get install wrk")

    with tempfile.TemporaryDirectory(prefix="bench-receiver-") as tmp:
        work = Path(tmp)
        script = work / "receipts.lua"
        script.write_text(WRK_SCRIPT)
        server = PostgresServer(work / "postgres", durable=True)
        server.start()
        try:
            rounds = [
                measure_round(work, server, n, args, script) for n in range(1, args.rounds + 1)
            ]
        finally:
            server.remove()

    pg_of_sqlite = statistics.median(r.pg_of_sqlite for r in rounds)
    pair_of_single = statistics.median(r.pair_of_single for r in rounds)
    print(
        f"SQLite: median {statistics.median(r.sqlite.rate for r in rounds):.0f} DR/s; "
        f"PostgreSQL: median {statistics.median(r.postgres.rate for r in rounds):.0f} DR/s; "
        f"two PostgreSQL receivers: median {statistics.median(r.pair_rate for r in rounds):.0f}"
        " DR/s"
    )
    pg_ok = pg_of_sqlite >= PG_OF_SQLITE
    pair_ok = pair_of_single >= PAIR_OF_SINGLE
    counts_ok = all(r.counted and r.failed == 0 for r in rounds)
    print(
        f"PostgreSQL vs SQLite: median {pg_of_sqlite:.0%}, rounds "
        f"{', '.join(f'{r.pg_of_sqlite:.0%}' for r in rounds)} (target >= {PG_OF_SQLITE:.0%}): "
        f"{'PASS' if pg_ok else 'FAIL'}"
    )
    print(
        f"two receivers vs one (wrk -c{args.pair_connections} each): median {pair_of_single:.2f}x, "
        "rounds "
        f"{', '.join(f'{r.pair_of_single:.2f}x' for r in rounds)} "
        f"(target >= {PAIR_OF_SINGLE:.2f}x): {'PASS' if pair_ok else 'FAIL'}"
    )
    print(
        "every acknowledged receipt stored once, none refused: " + ("PASS" if counts_ok else "FAIL")
    )
    return 0 if pg_ok and pair_ok and counts_ok else 1


if __name__ == "__main__":
    try:
        sys.exit(main())
    finally:
        for leftover in _started:
            if leftover.poll() is None:
                leftover.kill()
