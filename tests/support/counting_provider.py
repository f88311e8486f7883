"""A provider on loopback that counts, per message_id, what reached it.

It answers like the provider: 0 (accepted) to the first request for a message_id and 7
(duplicate) to every later one, each after ``delay`` seconds. For each message_id it keeps
how many requests came, how many were accepted, and the most that were in flight at the
same moment, which is what shows two senders sending one message at once.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl


class CountingProvider:
    """Start with ``with CountingProvider() as provider:``; ``provider.url`` is the endpoint."""

    def __init__(self, delay: float = 0.0) -> None:
        self.delay = delay
        self.requests: Counter[str] = Counter()
        self.accepted: Counter[str] = Counter()
        self.in_flight: Counter[str] = Counter()
        self.max_in_flight: Counter[str] = Counter()
        # When each request for a message_id arrived and was answered (time.time()).
        self.arrivals: list[tuple[str, float]] = []
        self.answers: list[tuple[str, float, int]] = []
        self._lock = threading.Lock()
        provider = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: object) -> None:
                return

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                fields = dict(parse_qsl(self.rfile.read(length).decode("utf-8")))
                code = provider._answer(fields.get("message_id", ""))
                payload = f"result_code={code}".encode()
                try:
                    self.send_response(200)
                    self.send_header("Content-Type", "text/plain")
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                except OSError:
                    self.close_connection = True  # the sender is gone (killed)

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        host, port = self._server.server_address[:2]
        self.url = f"http://{host!s}:{port}/httpapi/receiver"
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    def _answer(self, message_id: str) -> int:
        with self._lock:
            self.requests[message_id] += 1
            self.in_flight[message_id] += 1
            self.max_in_flight[message_id] = max(
                self.max_in_flight[message_id], self.in_flight[message_id]
            )
            self.arrivals.append((message_id, time.time()))
        try:
            if self.delay:
                time.sleep(self.delay)
        finally:
            with self._lock:
                self.in_flight[message_id] -= 1
                code = 7 if self.accepted[message_id] else 0
                if code == 0:
                    self.accepted[message_id] += 1
                self.answers.append((message_id, time.time(), code))
        return code

    def __enter__(self) -> CountingProvider:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()
