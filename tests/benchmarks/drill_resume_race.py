"""Drill: two consoles resume the same undecided messages at once.

``python tests/benchmarks/drill_resume_race.py [--messages 1000] [--delay 0.02]`` stores
that many undecided messages in a PostgreSQL database (a server of its own, fsync on),
then starts two ``sms-console --store URL resume`` processes together against a provider
on loopback that answers each request after ``--delay`` seconds and counts, per
message_id, the requests, the acceptances and the most in flight at once. It prints those
figures and exits 1 unless every message was sent once, accepted once, never twice at the
same moment, and is accepted in the store.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import psycopg  # noqa: E402

from console.store.models import MessageStatus  # noqa: E402
from console.store.postgres import PostgresStore, schema  # noqa: E402
from tests.support.cli import cli_env, command, unpaced  # noqa: E402
from tests.support.counting_provider import CountingProvider  # noqa: E402
from tests.support.postgres_server import PostgresServer  # noqa: E402
from tests.unit.store.test_store_contract import new_message  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=1000)
    parser.add_argument("--delay", type=float, default=0.02, help="seconds per answer")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        base = Path(folder)
        server = PostgresServer(base / "postgres", durable=True)
        server.start()
        try:
            url = server.url(server.create_database())
            with psycopg.connect(url) as conn:
                schema.migrate(conn)
            return drill(url, base, args.messages, args.delay)
        finally:
            server.remove()


def drill(url: str, base: Path, count: int, delay: float) -> int:
    ids = [f"race-{i:05d}" for i in range(count)]
    with CountingProvider(delay=delay) as provider:
        with PostgresStore(url) as store:
            for message_id in ids:
                store.create_message(new_message(message_id, endpoint=provider.url))
        print(f"{count} undecided messages stored; two resume processes start together")
        started = time.monotonic()
        runs = [
            subprocess.Popen(
                command(
                    unpaced(base / f"console{i}"),
                    "--store",
                    url,
                    "resume",
                    "--endpoint",
                    provider.url,
                    "--retry-wait",
                    "0.1",
                ),
                env=cli_env(),
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for i in range(2)
        ]
        outputs = [run.communicate(timeout=600) for run in runs]
        elapsed = time.monotonic() - started
    with PostgresStore(url) as store:
        statuses = {m.message_id: m.status for m in store.messages(limit=count + 1)}
        leases_left = sum(1 for m in store.messages(limit=count + 1) if m.lease_owner)

    resumed = [
        {line.removeprefix("resuming ") for line in out.splitlines() if line.startswith("resuming")}
        for out, _err in outputs
    ]
    requests = sum(provider.requests.values())
    accepted_once = sum(1 for i in ids if provider.accepted[i] == 1 and provider.requests[i] == 1)
    duplicates = requests - len(provider.requests)
    max_in_flight = max(provider.max_in_flight.values(), default=0)
    in_store = sum(1 for i in ids if statuses.get(i) is MessageStatus.ACCEPTED)
    print(f"resume 1: exit {runs[0].returncode}, resumed {len(resumed[0])}")
    print(f"resume 2: exit {runs[1].returncode}, resumed {len(resumed[1])}")
    print(f"resumed by both:                      {len(resumed[0] & resumed[1])}")
    print(f"requests at the provider:             {requests}")
    print(f"messages accepted once, sent once:    {accepted_once} of {count}")
    print(f"duplicate requests:                   {duplicates}")
    print(f"most in flight at once for one id:    {max_in_flight}")
    print(f"accepted in the store:                {in_store} of {count}")
    print(f"leases left held:                     {leases_left}")
    print(f"time: {elapsed:.1f} s ({count / elapsed:.0f} messages/s, both processes)")
    problems = [
        f"resume {n + 1} exited {run.returncode}: {err.strip()[-500:]}"
        for n, (run, (_out, err)) in enumerate(zip(runs, outputs, strict=True))
        if run.returncode != 0
    ]
    if resumed[0] & resumed[1]:
        problems.append("a message was resumed by both processes")
    if accepted_once != count or duplicates or max_in_flight != 1:
        problems.append("a message was not sent exactly once")
    if in_store != count or leases_left:
        problems.append("the store does not show every message accepted and released")
    if not resumed[0] or not resumed[1]:
        problems.append("one process resumed everything: the two never raced")
    for problem in problems:
        print(f"FAILED: {problem}")
    print("OK" if not problems else "FAILED")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
