"""Attack drill: every known attack on the listener at once, while real receipts flow.

Run: ``make drill-listener`` (or ``.venv/bin/python tests/benchmarks/drill_listener.py``).
Starts ``sms-console receiver`` with HTTPS on a fresh data folder, then for ``--seconds``
(60) runs each attack of ``drill_attacks.py`` with ``--attackers`` (50) attackers, each
kind from addresses of its own, while ``drill_client.py`` posts real receipts at
``--rate`` (200) a second from 127.0.0.1. Prints the listener's resident memory, the real
receipts' answers, latencies and storage, and for each attack how its connections ended.

Targets: resident memory under 200 MB throughout; every real receipt answered 2xx with
p99 at most 100 ms, and stored; no attack connection open longer than the request
deadline (30 s) plus 5 s.
"""

from __future__ import annotations

import argparse
import json
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import trustme

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "drill-token-0123456789abcdef"
DEADLINE = 30.0
KINDS = (
    "crlf", "slowloris", "pipelined", "header-bytes", "header-count", "tls-silent",
    "many-fields", "junk-bodies", "log-injection", "one-address",
)  # fmt: skip


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


class Memory(threading.Thread):
    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.peak = rss_mib(pid)
        self.running = True

    def run(self) -> None:
        while self.running:
            self.peak = max(self.peak, rss_mib(self.pid))
            time.sleep(0.05)


def start_receiver(folder: Path) -> tuple[subprocess.Popen[str], str, Path]:
    authority = trustme.CA()
    certificate = authority.issue_cert("127.0.0.1")
    cert, key, ca = folder / "cert.pem", folder / "key.pem", folder / "ca.pem"
    certificate.cert_chain_pems[0].write_to_path(str(cert))
    certificate.private_key_pem.write_to_path(str(key))
    authority.cert_pem.write_to_path(str(ca))
    data = folder / "data"
    process = subprocess.Popen(
        [
            sys.executable, "-m", "console", "--data-dir", str(data), "receiver",
            "--port", "0", "--path-token", TOKEN, "--tls-cert", str(cert), "--tls-key", str(key),
        ],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
    )  # fmt: skip
    assert process.stdout is not None
    line = process.stdout.readline().split()
    if not line or line[0] != "listening":
        process.kill()
        raise SystemExit("the receiver did not start")
    return process, line[1], ca


def attack(
    kind: str, subnet: int, port: str, seconds: float, attackers: int
) -> subprocess.Popen[str]:
    command = [
        sys.executable, "-m", "tests.benchmarks.drill_attacks", kind, "--port", port,
        "--token", TOKEN, "--seconds", str(seconds), "--attackers", str(attackers),
        "--subnet", str(subnet),
    ]  # fmt: skip
    return subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, text=True)


def run(seconds: float, attackers: int, rate: float, kinds: tuple[str, ...]) -> bool:
    with tempfile.TemporaryDirectory(prefix="drill-") as temporary:
        folder = Path(temporary)
        receiver, url, ca = start_receiver(folder)
        port = url.split(":")[2].split("/")[0]
        try:
            time.sleep(1)
            idle = rss_mib(receiver.pid)
            memory = Memory(receiver.pid)
            memory.start()
            attacks = [
                attack(kind, 10 + index, port, seconds, attackers)
                for index, kind in enumerate(kinds)
            ]
            time.sleep(2)  # the attacks under way first
            client = subprocess.run(
                [
                    sys.executable, "-m", "tests.benchmarks.drill_client", "--url", url,
                    "--ca", str(ca), "--rate", str(rate), "--seconds", str(seconds - 4),
                ],
                cwd=ROOT, capture_output=True, text=True, check=True,
            )  # fmt: skip
            results = [json.loads(a.communicate(timeout=seconds + 60)[0]) for a in attacks]
            time.sleep(3)
            memory.running = False
            memory.join()
            after = rss_mib(receiver.pid)
        finally:
            receiver.send_signal(signal.SIGTERM)
            receiver.communicate(timeout=30)
        real = json.loads(client.stdout)
        with sqlite3.connect(folder / "data" / "messages.sqlite3") as conn:
            (stored,) = conn.execute(
                "SELECT COUNT(DISTINCT message_id) FROM receipts WHERE message_id LIKE 'real-%'"
            ).fetchone()
    return report(idle, memory.peak, after, real, stored, results)


def report(
    idle: float,
    peak: float,
    after: float,
    real: dict[str, object],
    stored: int,
    results: list[dict[str, object]],
) -> bool:
    print(f"resident memory: idle {idle:.0f} MB, peak {peak:.0f} MB, after {after:.0f} MB")
    print(
        f"real receipts: {real['sent']} sent, {real['ok']} answered 2xx, {stored} stored, "
        f"other answers {real['failures'] or 'none'}; latency p50 {real['p50_ms']} ms, "
        f"p99 {real['p99_ms']} ms, max {real['max_ms']} ms"
    )
    print("attack         connections  refused    cut  longest s  open at end")
    worst = 0.0
    for r in results:
        ages = r["open_at_end"]
        assert isinstance(ages, list)
        worst = max(worst, float(r["longest"]), *ages)  # type: ignore[arg-type]
        print(
            f"{r['kind']:<14} {r['connections']:>11} {r['refused']:>8} {r['cut']:>6} "
            f"{float(r['longest']):>10.1f}  "  # type: ignore[arg-type]
            f"{len(ages)} (oldest {max(ages, default=0):.1f} s)"
        )
    checks = {
        "memory under 200 MB": peak < 200,
        "every real receipt answered 2xx": real["ok"] == real["sent"],
        "every real receipt stored": stored == real["sent"],
        "real p99 at most 100 ms": float(real["p99_ms"]) <= 100,  # type: ignore[arg-type]
        f"attack connections closed within {DEADLINE + 5:.0f} s": worst <= DEADLINE + 5,
    }
    for name, passed in checks.items():
        print(f"{'PASS' if passed else 'FAIL'}  {name}")
    return all(checks.values())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--attackers", type=int, default=50)
    parser.add_argument("--rate", type=float, default=200)
    parser.add_argument(
        "--only", action="append", choices=KINDS, metavar="KIND", help="run only these attacks"
    )
    args = parser.parse_args()
    kinds = tuple(args.only) if args.only else KINDS
    sys.exit(0 if run(args.seconds, args.attackers, args.rate, kinds) else 1)


if __name__ == "__main__":
    main()
