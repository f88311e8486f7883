"""Sending-engine throughput against a local endpoint, next to a bare httpx loop.

Run: ``make bench`` (or ``.venv/bin/python tests/benchmarks/bench_engine.py [--messages N]``).
Each message is persisted before its attempt and after it, as in real use. Prints the
accepted MT/s of the engine and the ceiling of a bare httpx loop against the same server,
then checks the targets: at least 500 MT/s and at least 60% of that ceiling.
"""

from __future__ import annotations

import argparse
import asyncio
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from console.keychain import Credentials  # noqa: E402
from console.protocol.mt_request import FORM_CONTENT_TYPE, MtRequest  # noqa: E402
from console.sending.engine import EngineSettings, open_engine  # noqa: E402
from console.store.models import MessageStatus, NewMessage  # noqa: E402
from console.store.sqlite import SqliteStore  # noqa: E402

TARGET_RATE = 500.0
TARGET_SHARE = 0.60


def start_server() -> tuple[subprocess.Popen[str], str]:
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "tests" / "benchmarks" / "bare_server.py")],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    port = process.stdout.readline().split()[1]
    return process, f"http://127.0.0.1:{port}/httpapi/receiver"


def request(i: int) -> MtRequest:
    return MtRequest(
        login="bench",
        password="bench-password",
        phone_number="12025550100",
        sender="12345",
        message=f"Benchmark message {i}",
        message_id=f"bare-{i}",
    )


async def bare_loop(url: str, count: int, concurrency: int) -> float:
    """Requests per second of plain ``httpx`` posts, ``concurrency`` in flight."""
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(limits=limits) as client:
        next_index = 0

        async def worker() -> None:
            nonlocal next_index
            while next_index < count:
                i = next_index
                next_index += 1
                response = await client.post(
                    url,
                    content=request(i).form_body(),
                    headers={"Content-Type": FORM_CONTENT_TYPE},
                )
                assert response.content == b"result_code=0"

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        return count / (time.perf_counter() - started)


async def engine_run(url: str, count: int, concurrency: int, data_dir: Path) -> tuple[float, int]:
    with SqliteStore(data_dir / "bench.sqlite3") as store:
        messages = (
            NewMessage(
                message_id=f"engine-{i}",
                profile="bench",
                phone_number="12025550100",
                sender="12345",
                body=f"Benchmark message {i}",
                endpoint=url,
            )
            for i in range(count)
        )
        async with open_engine(
            store, Credentials("bench", "bench-password"), EngineSettings(), connections=concurrency
        ) as engine:
            started = time.perf_counter()
            accepted = await engine.send_many(messages, concurrency=concurrency)
            rate = accepted / (time.perf_counter() - started)
        stored = sum(
            1
            for m in store.messages(limit=count + 1)
            if m.status is MessageStatus.ACCEPTED and m.attempt_count == 1
        )
    return rate, stored


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--concurrency", type=int, default=4)
    args = parser.parse_args()

    server, url = start_server()
    try:
        asyncio.run(bare_loop(url, 500, 1))  # warm-up
        bare_single = asyncio.run(bare_loop(url, args.messages, 1))
        bare_pool = asyncio.run(bare_loop(url, args.messages, args.concurrency))
        ceiling = max(bare_single, bare_pool)
        with tempfile.TemporaryDirectory() as tmp:
            rate, stored = asyncio.run(engine_run(url, args.messages, args.concurrency, Path(tmp)))
        received = int(httpx.get(url.replace("/httpapi/receiver", "/stats")).text)
    finally:
        server.terminate()
        server.wait()

    share = rate / ceiling
    print(f"bare httpx, 1 connection:             {bare_single:8.0f} req/s")
    print(f"bare httpx, {args.concurrency} connections:            {bare_pool:8.0f} req/s")
    print(
        f"engine, {args.messages} messages, {args.concurrency} in flight: {rate:8.0f} accepted MT/s"
    )
    print(f"engine share of the bare ceiling:     {share:8.0%}")
    print(f"stored accepted after one attempt:    {stored:8d} of {args.messages}")
    print(f"requests the server received:         {received:8d}")
    ok = rate >= TARGET_RATE and share >= TARGET_SHARE and stored == args.messages
    print(
        f"targets (>= {TARGET_RATE:.0f} MT/s, >= {TARGET_SHARE:.0%} of ceiling, all stored): "
        + ("met" if ok else "NOT met")
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
