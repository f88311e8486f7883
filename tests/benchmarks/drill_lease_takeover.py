"""Drill: a console killed mid-send; its lease runs out and another finishes the message.

``python tests/benchmarks/drill_lease_takeover.py [--lease 5] [--delay 2]`` runs, against
a PostgreSQL server of its own (fsync on) and a provider on loopback that answers after
``--delay`` seconds:

1. ``sms-console --store URL send --lease L`` to that slow provider, ``kill -9``-ed while
   its request is in flight (the provider still accepts it; the answer reaches nobody);
2. ``sms-console resume`` at once: the message is held, it is left alone;
3. ``sms-console resume`` once the lease has run out: it takes the message over and sends
   it again with the same message_id; the provider's duplicate answer (7) after the lost
   answer means it was accepted.

It prints the timeline and exits 1 unless the message ends accepted, once at the provider,
with its own message_id, taken over only after its lease ran out.
"""

from __future__ import annotations

import argparse
import signal
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
from tests.support.cli import cli_env, command, run_cli  # noqa: E402
from tests.support.counting_provider import CountingProvider  # noqa: E402
from tests.support.postgres_server import PostgresServer  # noqa: E402


class Timeline:
    """Events as they happened, printed in time order (some are learnt late)."""

    def __init__(self) -> None:
        self.start = time.time()
        self._events: list[tuple[float, int, str]] = []

    def at(self, when: float, what: str, output: str = "") -> None:
        lines = [f"{when - self.start:7.2f} s  {what}"]
        lines += [f"           | {line}" for line in output.strip().splitlines()]
        self._events.append((when, len(self._events), "\n".join(lines)))

    def now(self, what: str, output: str = "") -> None:
        self.at(time.time(), what, output)

    def show(self) -> None:
        for _when, _order, text in sorted(self._events):
            print(text)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lease", type=float, default=5.0, help="the send's lease, seconds")
    parser.add_argument("--delay", type=float, default=2.0, help="seconds per answer")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        base = Path(folder)
        server = PostgresServer(base / "postgres", durable=True)
        server.start()
        try:
            url = server.url(server.create_database())
            with psycopg.connect(url) as conn:
                schema.migrate(conn)
            return drill(url, base, args.lease, args.delay)
        finally:
            server.remove()


def drill(url: str, base: Path, lease: float, delay: float) -> int:
    problems: list[str] = []
    timeline = Timeline()
    with CountingProvider(delay=delay) as provider:
        send = [
            "--store", url, "send", "--to", "12025550100", "--sender", "12345",
            "--text", "lease drill", "--endpoint", provider.url, "--retry-wait", "0.1",
            "--lease", f"{lease:g}",
        ]  # fmt: skip
        sender = subprocess.Popen(
            command(base / "killed", *send),
            env=cli_env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        timeline.now(f"send started (lease {lease:g} s, provider answers after {delay:g} s)")
        assert sender.stdout is not None
        message_id = sender.stdout.readline().strip().removeprefix("message_id ")
        timeline.now(f"message {message_id} stored, held by the sending process")
        while not provider.arrivals:
            time.sleep(0.01)
        timeline.at(provider.arrivals[0][1], "its request reached the provider")
        time.sleep(min(delay / 4, 0.5))
        sender.send_signal(signal.SIGKILL)
        sender.communicate(timeout=10)
        killed_at = time.time()
        timeline.at(killed_at, "send killed (kill -9) while its request was in flight")
        with PostgresStore(url) as store:
            held = store.get_message(message_id)
        assert held is not None
        lease_until = held.lease_until or 0.0
        timeline.at(
            killed_at,
            f"its lease, held by {held.lease_owner}, has {lease_until - killed_at:.2f} s left",
        )

        early = run_cli(base / "early", "--store", url, "resume", "--endpoint", provider.url)
        timeline.now(f"resume at once: exit {early.returncode}", early.stdout)
        if f"{message_id} is being sent by another program" not in early.stdout:
            problems.append("the resume at once did not leave the held message alone")

        while time.time() < lease_until:
            time.sleep(0.05)
        for message, at, code in provider.answers[:1]:
            timeline.at(at, f"provider accepted {message} (code {code}); the answer reached nobody")
        timeline.at(lease_until, "lease ran out")
        late = run_cli(
            base / "late", "--store", url, "resume", "--endpoint", provider.url, "--lease", "5"
        )
        if len(provider.arrivals) > 1:
            timeline.at(provider.arrivals[1][1], "the takeover's request reached the provider")
        timeline.now(f"resume after the lease: exit {late.returncode}", late.stdout)
        arrivals = list(provider.arrivals)
        accepted = provider.accepted[message_id]

    with PostgresStore(url) as store:
        final = store.get_message(message_id)
        attempts = store.attempts(message_id)
    assert final is not None
    timeline.show()
    print(f"requests at the provider: {[m for m, _ in arrivals]}")
    print(f"acceptances at the provider: {accepted}")
    print(
        f"attempts in the store: {[(a.number, a.result_code, a.transport_error) for a in attempts]}"
    )
    print(f"final: {final.status.value}: {final.status_detail}; lease {final.lease_owner}")
    if late.returncode != 0 or final.status is not MessageStatus.ACCEPTED:
        problems.append(f"the message ended {final.status.value}, exit {late.returncode}")
    if accepted != 1 or {m for m, _ in arrivals} != {message_id}:
        problems.append("the provider did not accept this one message_id exactly once")
    if len(arrivals) != 2 or arrivals[1][1] < lease_until:
        problems.append("the message was not sent again, once, after its lease ran out")
    if final.lease_owner is not None:
        problems.append("the lease was not released")
    for problem in problems:
        print(f"FAILED: {problem}")
    print("OK" if not problems else "FAILED")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
