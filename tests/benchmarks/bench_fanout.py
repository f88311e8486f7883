"""Fan-out: three consoles on one shared store see every receipt a receiver takes.

A PostgreSQL server that makes every commit durable (fsync and synchronous commit on),
one ``sms-console receiver --store`` process, and three console processes, each a real
:class:`~console.session.Session` on the store (``fanout_console.py``). ``dr_load.py``
posts ``--rate`` delivery receipts a second for ``--seconds``, each for a message_id of
its own, and records when each 2xx answer was read in full. Each console prints when its
session reported each message_id changed. A receipt's latency at a console is that time
less its 2xx; a receipt a console never reported is missing, one it reported twice is
doubled (the coalescer merges changes it holds at once, so a second report of one
message_id is a change delivered twice).

Run: ``.venv/bin/python tests/benchmarks/bench_fanout.py [--rate 500] [--seconds 20]``.
PASS when every console's p95 is at most ``--p95-ms`` (300) and nothing is missing.
"""

from __future__ import annotations

import argparse
import json
import math
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT))

import psycopg  # noqa: E402

from console.store.postgres import schema  # noqa: E402
from tests.support.postgres_server import PostgresServer  # noqa: E402

CONSOLES = 3
TOKEN = "fanout-token-0123456789abcdef"
# How long the consoles are given after the last 2xx before what they missed is counted.
SETTLE_SECONDS = 5.0


class Console:
    """One console process and the arrivals it printed, read on a thread."""

    def __init__(self, data_dir: Path, url: str) -> None:
        data_dir.mkdir(mode=0o700)
        self.process = subprocess.Popen(
            [sys.executable, str(HERE / "fanout_console.py"), str(data_dir), url],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            cwd=ROOT,
        )
        assert self.process.stdout is not None
        if self.process.stdout.readline().strip() != "ready":
            raise RuntimeError("a console did not start")
        self.arrivals: list[tuple[float, str]] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            at, message_id = line.split()
            self.arrivals.append((float(at), message_id))

    def close(self) -> None:
        assert self.process.stdin is not None
        self.process.stdin.close()
        self.process.wait(timeout=30)
        self._reader.join(10)


def receiver(data_dir: Path, url: str) -> tuple[subprocess.Popen[str], str]:
    data_dir.mkdir(mode=0o700)
    process = subprocess.Popen(
        [sys.executable, "-m", "console", "--data-dir", str(data_dir), "--store", url,
         "receiver", "--port", "0", "--path-token", TOKEN],
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )  # fmt: skip
    assert process.stdout is not None
    line = process.stdout.readline()
    if not line.startswith("listening "):
        raise RuntimeError(f"the receiver did not start: {line!r}")
    return process, line.split()[1]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)] if ordered else math.nan


def measure(args: argparse.Namespace, base: Path, url: str) -> bool:
    receiving, callback_url = receiver(base / "receiver", url)
    consoles = [Console(base / f"console-{n}", url) for n in range(CONSOLES)]
    try:
        ids = [uuid.uuid4().hex for _ in range(round(args.rate * args.seconds))]
        (base / "ids.json").write_text(json.dumps(ids))
        subprocess.run(
            [sys.executable, str(HERE / "dr_load.py"), callback_url, str(base / "ids.json"),
             str(base / "load.json"), "--rate", str(args.rate), "--seconds", str(args.seconds),
             "--connections", str(args.connections)],
            check=True, cwd=ROOT, stdout=subprocess.DEVNULL, timeout=args.seconds + 120,
        )  # fmt: skip
        time.sleep(SETTLE_SECONDS)
    finally:
        for console in consoles:
            console.close()
        receiving.terminate()
        receiving.wait(timeout=30)
    load = json.loads((base / "load.json").read_text())
    acknowledged = {r[0]: r[4] for r in load["receipts"] if 200 <= r[5] < 300}
    print(
        f"load: {load['summary']['acknowledged']} of {load['summary']['sent']} receipts "
        f"answered 2xx at {load['summary']['rate']:.0f}/s, answer p95 "
        f"{load['summary']['answer_p95_ms']:.1f} ms"
    )
    passed = len(acknowledged) == len(ids)
    for number, console in enumerate(consoles):
        seen = Counter(message_id for _at, message_id in console.arrivals)
        first: dict[str, float] = {}
        for at, message_id in console.arrivals:
            first.setdefault(message_id, at)
        latencies = [(first[i] - acked) * 1000 for i, acked in acknowledged.items() if i in first]
        missing = sum(1 for i in acknowledged if i not in first)
        doubled = sum(1 for i in acknowledged if seen[i] > 1)
        p95 = percentile(latencies, 0.95)
        ok = p95 <= args.p95_ms and missing == 0
        passed = passed and ok
        print(
            f"console {number + 1}: p50 {percentile(latencies, 0.5):.0f} ms, p95 {p95:.0f} ms, "
            f"max {max(latencies, default=math.nan):.0f} ms, missing {missing}, "
            f"doubled {doubled} {'PASS' if ok else 'FAIL'}"
        )
    print("PASS" if passed else "FAIL")
    return passed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rate", type=float, default=500.0, help="receipts per second")
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--p95-ms", type=float, default=300.0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="sms-console-fanout-") as folder:
        base = Path(folder)
        server = PostgresServer(base / "postgres", durable=True)
        server.start()
        try:
            url = server.url(server.create_database("fanout"))
            with psycopg.connect(url) as conn:
                schema.migrate(conn)
            return 0 if measure(args, base, url) else 1
        finally:
            server.remove()


if __name__ == "__main__":
    sys.exit(main())
