"""Restart drill: a receiver on PostgreSQL, under load, while the server restarts.

Run: ``.venv/bin/python tests/benchmarks/drill_pg_restart.py [--workers N]``.
Starts a durable PostgreSQL server (fsync and synchronous commit on) and
``sms-console receiver --store postgresql://…`` as a subprocess, and posts unique receipts
from ``--workers`` (32) keep-alive clients throughout. After ``--settle`` (5) seconds the
server restarts with ``pg_ctl restart -m fast``, then again after as long with
``-m immediate`` (a crash: no checkpoint, recovery on start). Prints, for each restart,
how long the receiver answered anything but 2xx and what it answered, and at the end
counts the receipts stored against those acknowledged.

Targets: every acknowledged receipt stored, once; the receiver answers 2xx again within
5 s of the server accepting connections, with no restart of its own; while it cannot
store, it answers 503, never 2xx, and drops no connection.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402
import psycopg  # noqa: E402

from console.store.postgres import schema  # noqa: E402
from tests.support.postgres_server import PostgresServer  # noqa: E402

TOKEN = "drill-token-0123456789abcdef"
BACK_WITHIN = 5.0


@dataclass
class Tally:
    acknowledged: list[str] = field(default_factory=list)
    answers: collections.Counter[str] = field(default_factory=collections.Counter)
    # (time, succeeded) of every answer, to find the outages.
    timeline: list[tuple[float, bool]] = field(default_factory=list)


async def post_receipts(url: str, prefix: str, tally: Tally, stop: asyncio.Event) -> None:
    async with httpx.AsyncClient(timeout=10) as client:
        counter = 0
        while not stop.is_set():
            counter += 1
            message_id = f"{prefix}-{counter}"
            body = {"type": "receipt", "message_id": message_id, "message_state": "2"}
            try:
                answer = await client.post(url, data=body)
            except httpx.HTTPError as exc:
                tally.answers[type(exc).__name__] += 1
                tally.timeline.append((time.monotonic(), False))
                await asyncio.sleep(0.05)
                continue
            tally.answers[str(answer.status_code)] += 1
            tally.timeline.append((time.monotonic(), answer.is_success))
            if answer.is_success:
                tally.acknowledged.append(message_id)
            else:
                await asyncio.sleep(0.05)  # as a provider retrying would


@dataclass
class Restart:
    began: float
    accepting: float  # when pg_ctl had the server accept connections again
    outage: tuple[float, float] | None


def outage(timeline: list[tuple[float, bool]], since: float) -> tuple[float, float] | None:
    """From the first answer other than 2xx after ``since`` to the first 2xx after it."""
    failed = [t for t, ok in timeline if t >= since and not ok]
    if not failed:
        return None
    began = failed[0]
    recovered = [t for t, ok in timeline if t > began and ok]
    return began, recovered[0] if recovered else float("inf")


async def drill(
    url: str, server: PostgresServer, args: argparse.Namespace
) -> tuple[Tally, dict[str, Restart]]:
    tally = Tally()
    stop = asyncio.Event()
    workers = [
        asyncio.create_task(post_receipts(url, f"w{n}", tally, stop)) for n in range(args.workers)
    ]
    figures: dict[str, Restart] = {}
    await asyncio.sleep(args.settle)
    for mode in ("fast", "immediate"):
        began = time.monotonic()
        await asyncio.to_thread(server.restart, mode)
        accepting = time.monotonic()
        await asyncio.sleep(args.settle)
        figures[mode] = Restart(began, accepting, outage(tally.timeline, began))
    stop.set()
    await asyncio.gather(*workers)
    return tally, figures


def stored(url: str) -> tuple[int, set[str]]:
    with psycopg.connect(url) as conn:
        ids = [row[0] for row in conn.execute("SELECT message_id FROM receipts")]
    return len(ids), set(ids)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--workers", type=int, default=32)
    parser.add_argument("--settle", type=float, default=5.0)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="drill-pg-restart-") as tmp:
        work = Path(tmp)
        server = PostgresServer(work / "postgres", durable=True)
        server.start()
        receiver: subprocess.Popen[str] | None = None
        try:
            url = server.url(server.create_database("drill"))
            with psycopg.connect(url) as conn:
                schema.migrate(conn)
            receiver = subprocess.Popen(
                [sys.executable, "-m", "console", "--data-dir", str(work / "data"),
                 "--store", url, "receiver", "--port", "0", "--path-token", TOKEN],
                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, cwd=ROOT,
            )  # fmt: skip
            assert receiver.stdout is not None
            line = receiver.stdout.readline().split()
            if not line or line[0] != "listening":
                raise SystemExit("the receiver did not start")
            tally, figures = asyncio.run(drill(line[1], server, args))
            alive = receiver.poll() is None
            receiver.send_signal(signal.SIGTERM)
            receiver.communicate(timeout=60)
            rows, ids = stored(url)
        finally:
            if receiver is not None and receiver.poll() is None:
                receiver.kill()
            server.remove()

    ok = alive
    print(f"answers: {dict(tally.answers)}")
    for mode, restart in figures.items():
        took = restart.accepting - restart.began
        if restart.outage is None:
            print(f"restart -m {mode}: took {took:.2f} s; no answer failed")
            continue
        first_failed, recovered = restart.outage
        back = recovered - restart.accepting
        print(
            f"restart -m {mode}: took {took:.2f} s; answers failed for "
            f"{recovered - first_failed:.2f} s; 2xx again {max(back, 0):.2f} s after the "
            f"server accepted connections (target <= {BACK_WITHIN:.0f} s)"
        )
        ok = ok and back <= BACK_WITHIN
    missing = set(tally.acknowledged) - ids
    refused_other = sum(n for answer, n in tally.answers.items() if answer not in ("200", "503"))
    print(
        f"{len(tally.acknowledged)} acknowledged, {rows} stored, {len(ids)} distinct, "
        f"{len(missing)} acknowledged but missing; {refused_other} answers neither 2xx nor 503; "
        f"receiver {'still running' if alive else 'DIED'}"
    )
    ok = ok and not missing and rows == len(ids) and refused_other == 0
    print("drill: " + ("PASS" if ok else "FAIL"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
