"""The provider's side of the attack drill: real receipts at a steady rate, each one timed.

``python -m tests.benchmarks.drill_client --url URL --ca FILE --rate R --seconds S`` posts
receipts ``real-1``, ``real-2``, ... over a few kept-alive HTTPS connections, on a fixed
schedule, and prints one JSON line: how many were sent and answered 2xx, the other
answers, and the latencies.
"""

from __future__ import annotations

import argparse
import http.client
import json
import ssl
import statistics
import threading
import time
from urllib.parse import urlencode, urlsplit

CONNECTIONS = 4


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True)
    parser.add_argument("--ca", required=True)
    parser.add_argument("--rate", type=float, default=200)
    parser.add_argument("--seconds", type=float, required=True)
    args = parser.parse_args()
    url = urlsplit(args.url)
    context = ssl.create_default_context(cafile=args.ca)
    total = int(args.rate * args.seconds)
    start = time.monotonic() + 0.5
    latencies: list[float] = []
    failures: dict[str, int] = {}
    lock = threading.Lock()

    def worker(first: int) -> None:
        connection = http.client.HTTPSConnection(
            url.hostname, url.port, context=context, timeout=10
        )
        for number in range(first, total + 1, CONNECTIONS):
            delay = start + number / args.rate - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            body = urlencode(
                {"type": "receipt", "message_id": f"real-{number}", "message_state": "2"}
            )
            began = time.monotonic()
            try:
                connection.request(
                    "POST",
                    url.path,
                    body,
                    {"Content-Type": "application/x-www-form-urlencoded"},
                )
                response = connection.getresponse()
                response.read()
                outcome = str(response.status)
            except (OSError, http.client.HTTPException) as exc:
                outcome = type(exc).__name__
                connection.close()
            took = time.monotonic() - began
            with lock:
                latencies.append(took)
                if not outcome.startswith("2"):
                    failures[outcome] = failures.get(outcome, 0) + 1
        connection.close()

    threads = [threading.Thread(target=worker, args=(i + 1,)) for i in range(CONNECTIONS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    latencies.sort()
    cuts = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else [0.0] * 99
    print(
        json.dumps(
            {
                "sent": total,
                "ok": total - sum(failures.values()),
                "failures": failures,
                "p50_ms": round(cuts[49] * 1000, 1),
                "p99_ms": round(cuts[98] * 1000, 1),
                "max_ms": round(latencies[-1] * 1000, 1) if latencies else 0.0,
            }
        ),
        flush=True,
    )


if __name__ == "__main__":
    main()
