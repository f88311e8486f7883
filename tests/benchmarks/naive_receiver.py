"""The naive baseline for the listener benchmark: stdlib ThreadingHTTPServer, one commit each.

Prints ``listening <port>``; stores every receipt with its own transaction before answering.
"""

from __future__ import annotations

import socket
import sqlite3
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl

_local = threading.local()


def connection(path: str) -> sqlite3.Connection:
    conn: sqlite3.Connection | None = getattr(_local, "conn", None)
    if conn is None:
        conn = sqlite3.connect(path, timeout=30)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        _local.conn = conn
    return conn


def main() -> None:
    database = sys.argv[1]
    setup = sqlite3.connect(database)
    setup.execute(
        "CREATE TABLE IF NOT EXISTS receipts (id INTEGER PRIMARY KEY, message_id TEXT UNIQUE,"
        " message_state INTEGER, result_code INTEGER, raw TEXT)"
    )
    setup.commit()
    setup.close()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: object) -> None:
            return

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
            fields = dict(parse_qsl(body))
            conn = connection(database)
            with conn:
                conn.execute(
                    "INSERT OR IGNORE INTO receipts (message_id, message_state, result_code, raw)"
                    " VALUES (?, ?, ?, ?)",
                    (fields["message_id"], fields["message_state"], fields["result_code"], body),
                )
            self.send_response(200)
            self.send_header("Content-Length", "3")
            self.end_headers()
            self.wfile.write(b"OK\n")

    class Server(ThreadingHTTPServer):
        def handle_error(self, request: object, client_address: object) -> None:
            # wrk hangs up on its open connections when its time is over; that is no error.
            if not isinstance(sys.exc_info()[1], ConnectionError):
                super().handle_error(request, client_address)  # type: ignore[arg-type]

    server = Server(("127.0.0.1", 0), Handler)
    server.socket.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    server.daemon_threads = True
    print(f"listening {server.server_address[1]}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
