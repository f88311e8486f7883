"""Delivery receipts posted at a steady rate, each one's acknowledgement time recorded.

Run by ``bench_window.py``:
``python tests/benchmarks/dr_load.py URL IDS_JSON OUT_JSON [--rate R] [--seconds S]``.
Receipt ``i`` is due at ``start + i / rate`` (an open schedule: a late receipt is sent as
soon as a connection is free, so the average rate holds) and is for message
``i % len(ids)``. As with a real provider, two receipts for one message may be in flight
at once, on different connections, and be stored in either order; the benchmark reads the
order they were stored in from the store.

Each message's receipts cycle through the states that are not final (accepted by
aggregator, en route, unknown), so each receipt changes what its row shows. The
``result_code`` is the receipt's number for its message: it makes each receipt a new one
rather than a redelivery of an earlier one, and it tells which receipt a painted row shows.

Posts are form-encoded HTTP/1.1 over keep-alive connections, written and read on raw
asyncio streams so that one core can hold the rate. ``time.time()`` is taken as soon as a
2xx answer has been read in full. OUT_JSON gets every receipt and a summary.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

STATES = (6, 1, 7)  # accepted by aggregator, en route, unknown: none is final


@dataclass
class Receipt:
    message_id: str
    number: int
    due: float
    sent: float = 0.0
    acknowledged: float = 0.0
    status: int = 0

    @property
    def state(self) -> int:
        return STATES[self.number % len(STATES)]


class Target:
    """Where receipts go: one HTTP/1.1 URL, reached over several kept-alive connections."""

    def __init__(self, url: str) -> None:
        parts = urlsplit(url)
        if parts.scheme != "http" or parts.hostname is None or parts.port is None:
            raise SystemExit(f"need an http://host:port/path URL, not {url}")
        self.host = parts.hostname
        self.port = parts.port
        self.path = parts.path

    def request(self, receipt: Receipt) -> bytes:
        body = (
            f"type=receipt&message_id={receipt.message_id}&message_state={receipt.state}"
            f"&result_code={receipt.number}"
        ).encode()
        head = (
            f"POST {self.path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\n"
            "Content-Type: application/x-www-form-urlencoded\r\n"
            f"Content-Length: {len(body)}\r\n\r\n"
        ).encode()
        return head + body


async def read_status(reader: asyncio.StreamReader) -> int:
    """Read one whole response; its status code."""
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    length = 0
    for line in lines[1:]:
        name, _, value = line.partition(":")
        if name.strip().lower() == "content-length":
            length = int(value)
    if length:
        await reader.readexactly(length)
    return status


class Load:
    def __init__(self, target: Target, ids: list[str], rate: float, seconds: float) -> None:
        self.target = target
        self.rate = rate
        self.total = round(rate * seconds)
        self.ids = ids
        self.jobs: asyncio.Queue[Receipt | None] = asyncio.Queue()
        self.done: list[Receipt] = []
        self.errors = 0
        self.max_lag = 0.0

    async def connection(self) -> None:
        reader, writer = await asyncio.open_connection(self.target.host, self.target.port)
        try:
            while (job := await self.jobs.get()) is not None:
                job.sent = time.time()
                try:
                    writer.write(self.target.request(job))
                    job.status = await read_status(reader)
                except (OSError, asyncio.IncompleteReadError, ValueError):
                    self.errors += 1
                    writer.close()
                    reader, writer = await asyncio.open_connection(
                        self.target.host, self.target.port
                    )
                job.acknowledged = time.time()
                self.max_lag = max(self.max_lag, job.sent - job.due)
                self.done.append(job)
        finally:
            writer.close()

    async def dispatch(self, connections: int) -> tuple[float, float]:
        workers = [asyncio.create_task(self.connection()) for _ in range(connections)]
        await asyncio.sleep(0.2)  # let the connections open before the clock starts
        start = time.time()
        for index in range(self.total):
            due = start + index / self.rate
            wait = due - time.time()
            if wait > 0:
                await asyncio.sleep(wait)
            number, message = divmod(index, len(self.ids))
            self.jobs.put_nowait(Receipt(self.ids[message], number, due))
        for _ in workers:
            self.jobs.put_nowait(None)
        await asyncio.gather(*workers)
        return start, time.time()


def summary(load: Load, start: float, end: float) -> dict[str, Any]:
    acknowledged = [r for r in load.done if 200 <= r.status < 300]
    last_ack = max((r.acknowledged for r in acknowledged), default=start)
    answered = sorted((r.acknowledged - r.sent) * 1000 for r in acknowledged) or [math.nan]
    return {
        "sent": len(load.done),
        "acknowledged": len(acknowledged),
        "not_2xx": len(load.done) - len(acknowledged) - load.errors,
        "errors": load.errors,
        "seconds": last_ack - start,
        "rate": len(acknowledged) / (last_ack - start) if last_ack > start else 0.0,
        "max_lag_ms": load.max_lag * 1000,
        "answer_p50_ms": answered[len(answered) // 2],
        "answer_p95_ms": answered[math.ceil(len(answered) * 0.95) - 1],
        "start": start,
        "end": end,
    }


async def run(args: argparse.Namespace, ids: list[str]) -> dict[str, Any]:
    load = Load(Target(args.url), ids, args.rate, args.seconds)
    start, end = await load.dispatch(args.connections)
    return {
        "summary": summary(load, start, end),
        "receipts": [
            [r.message_id, r.number, r.state, r.sent, r.acknowledged, r.status] for r in load.done
        ],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("url")
    parser.add_argument("ids", help="JSON file: the message_ids to send receipts for")
    parser.add_argument("out", help="JSON file to write")
    parser.add_argument("--rate", type=float, default=1000.0, help="receipts per second")
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--connections", type=int, default=32)
    args = parser.parse_args()
    result = asyncio.run(run(args, json.loads(Path(args.ids).read_text())))
    Path(args.out).write_text(json.dumps(result))
    print(json.dumps(result["summary"]))


if __name__ == "__main__":
    main()
