"""One kind of attack on the listener, by many attackers at once, for the attack drill.

Run by ``drill_listener.py``: ``python -m tests.benchmarks.drill_attacks KIND --port P
--token T --seconds S --attackers N --subnet K``. Each attacker is a thread with a source
address of its own (127.K.x.y): it connects, attacks, waits until the listener cuts it
off, pauses half a second, and starts again. At the end it prints one JSON line: how many
connections were made and refused, and how long the longest one lasted.
"""

from __future__ import annotations

import argparse
import json
import os
import select
import socket
import ssl
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

PAUSE = 0.5  # between one connection cut off and the next

_CLIENT = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
_CLIENT.check_hostname = False
_CLIENT.verify_mode = ssl.CERT_NONE


@dataclass
class Tally:
    connections: int = 0
    refused: int = 0  # turned away at once (503 or hang-up before any answer)
    cut: int = 0  # closed by the listener after a while
    longest: float = 0.0  # seconds, for connections the listener closed
    open_at_end: list[float] = field(default_factory=list)  # ages of those still open
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def record(self, lifetime: float, closed: bool, answered: bool) -> None:
        with self.lock:
            self.connections += 1
            if not closed:
                self.open_at_end.append(round(lifetime, 1))
            elif not answered and lifetime < 1.0:
                self.refused += 1
            else:
                self.cut += 1
                self.longest = max(self.longest, lifetime)


class Target:
    def __init__(self, port: int, token: str, stop: threading.Event) -> None:
        self.ended = float("inf")  # when the drill ended
        self.port = port
        self.path = f"/callbacks/{token}".encode()
        self.stop = stop

    def connect(self, source: str, *, tls: bool = True, receive_buffer: int = 0) -> socket.socket:
        sock = socket.socket()
        if receive_buffer:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, receive_buffer)
        sock.settimeout(10)
        sock.bind((source, 0))
        sock.connect(("127.0.0.1", self.port))
        return _CLIENT.wrap_socket(sock) if tls else sock

    def request(self, body: bytes, path: bytes | None = None, extra: bytes = b"") -> bytes:
        return (
            b"POST " + (path or self.path) + b" HTTP/1.1\r\nHost: drill\r\n"
            b"Content-Type: application/x-www-form-urlencoded\r\n" + extra
            + b"Content-Length: %d\r\n\r\n" % len(body) + body
        )  # fmt: skip

    def closed(self, sock: socket.socket, seconds: float) -> bool:
        """Wait up to ``seconds`` (or the drill's end) for the listener to hang up."""
        poller = select.poll()
        poller.register(sock.fileno(), select.POLLRDHUP | select.POLLHUP | select.POLLERR)
        deadline = time.monotonic() + seconds
        while not self.stop.is_set() and time.monotonic() < deadline:
            if poller.poll(200):
                return True
        return False


def _answered(sock: socket.socket) -> bool:
    try:
        sock.settimeout(10)
        return sock.recv(4096).startswith(b"HTTP/1.1 2")
    except (OSError, ssl.SSLError):
        return False


# Each attack returns whether an answer came, and leaves when the connection is closed
# (then the listener cut it) or the drill ends.


def crlf(t: Target, sock: socket.socket, number: int) -> bool:
    # Half without the token (a 404), half with it; then a stray CRLF now and then.
    sock.sendall(t.request(b"type=receipt", path=b"/" if number % 2 else None))
    answered = bool(sock.recv(4096))
    while not t.closed(sock, 10):
        sock.sendall(b"\r\n")
    return answered


def slowloris(t: Target, sock: socket.socket, number: int) -> bool:
    sock.sendall(b"POST " + t.path + b" HTTP/1.1\r\nHost: drill\r\n")
    while not t.closed(sock, 1):
        sock.sendall(b"X")
    return False


def pipelined(t: Target, sock: socket.socket, number: int) -> bool:
    # As reported: 20,000 requests of 27 bytes (540 KB), and not one answer read.
    data, sent = b"GET / HTTP/1.1\r\nHost: x\r\n\r\n" * 20_000, 0
    sock.setblocking(False)
    stalled = time.monotonic()
    while sent < len(data) and time.monotonic() - stalled < 1 and not t.stop.is_set():
        try:
            sent += sock.send(data[sent : sent + 65536])
            stalled = time.monotonic()
        except (BlockingIOError, ssl.SSLWantWriteError):
            time.sleep(0.01)
    t.closed(sock, 1e9)  # never reads an answer
    return True


def header_bytes(t: Target, sock: socket.socket, number: int) -> bool:
    sock.sendall(b"POST " + t.path + b" HTTP/1.1\r\nHost: drill\r\nX-Big: ")
    while not t.stop.is_set():
        sock.sendall(b"a" * 1024)
    return False


def header_count(t: Target, sock: socket.socket, number: int) -> bool:
    sock.sendall(b"POST " + t.path + b" HTTP/1.1\r\nHost: drill\r\n")
    for index in range(100_000):
        if t.stop.is_set():
            break
        sock.sendall(b"X-%d: y\r\n" % index)
    return _answered(sock)


def tls_silent(t: Target, sock: socket.socket, number: int) -> bool:
    t.closed(sock, 1e9)
    return False


_MANY_FIELDS = b"type=receipt&" + b"&".join(b"f%d=%s" % (i, b"x" * 820) for i in range(10_000))


def many_fields(t: Target, sock: socket.socket, number: int) -> bool:
    answered = False
    while not t.stop.is_set():
        sock.sendall(t.request(_MANY_FIELDS))
        if not _answered(sock) and t.closed(sock, 0.5):
            break
        answered = True
    return answered


_JUNK = b"{not a form}" * (8 * 1024 * 1024 // 12)


def junk_bodies(t: Target, sock: socket.socket, number: int) -> bool:
    sock.sendall(t.request(_JUNK))
    return _answered(sock)


def log_injection(t: Target, sock: socket.socket, number: int) -> bool:
    body = b"type=receipt&message_id=x&message_id%0A2026-01-01T00:00:00Z+forged=1"
    while not t.stop.is_set():
        sock.sendall(t.request(body))
        if not sock.recv(4096):
            break
        time.sleep(0.2)
    return True


def one_address(t: Target, sock: socket.socket, number: int) -> bool:
    # Every attacker of this kind shares one address and holds eight connections.
    source = sock.getsockname()[0]
    extra = []
    try:
        for _ in range(7):
            extra.append(t.connect(source, tls=False))
        t.closed(sock, 1e9)
    finally:
        for other in extra:
            other.close()
    return False


ATTACKS: dict[str, tuple[Callable[[Target, socket.socket, int], bool], dict[str, object]]] = {
    "crlf": (crlf, {}),
    "slowloris": (slowloris, {}),
    "pipelined": (pipelined, {"receive_buffer": 4096}),
    "header-bytes": (header_bytes, {}),
    "header-count": (header_count, {}),
    "tls-silent": (tls_silent, {"tls": False}),
    "many-fields": (many_fields, {}),
    "junk-bodies": (junk_bodies, {}),
    "log-injection": (log_injection, {}),
    "one-address": (one_address, {"tls": False}),
}


def attacker(kind: str, t: Target, source: str, number: int, tally: Tally) -> None:
    attack, options = ATTACKS[kind]
    while not t.stop.is_set():
        started = time.monotonic()
        answered = False
        try:
            sock = t.connect(source, **options)  # type: ignore[arg-type]
        except (OSError, ssl.SSLError):
            tally.record(time.monotonic() - started, True, False)
            t.stop.wait(PAUSE)
            continue
        try:
            answered = attack(t, sock, number)
        except (OSError, ssl.SSLError):
            pass  # cut off mid-attack
        finally:
            sock.close()
        closed = not t.stop.is_set()
        tally.record(min(time.monotonic(), t.ended) - started, closed, answered)
        t.stop.wait(PAUSE)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("kind", choices=sorted(ATTACKS))
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--token", required=True)
    parser.add_argument("--seconds", type=float, required=True)
    parser.add_argument("--attackers", type=int, default=50)
    parser.add_argument("--subnet", type=int, required=True)
    args = parser.parse_args()
    # On a real network the attackers run on machines of their own; here they share the
    # listener's cores, and must not win simply by taking its CPU.
    os.nice(19)
    stop = threading.Event()
    target = Target(args.port, args.token, stop)
    tally = Tally()
    threads = []
    for number in range(args.attackers):
        source = (
            f"127.{args.subnet}.0.1" if args.kind == "one-address"
            else f"127.{args.subnet}.{number // 250}.{1 + number % 250}"
        )  # fmt: skip
        thread = threading.Thread(
            target=attacker, args=(args.kind, target, source, number, tally), daemon=True
        )
        thread.start()
        threads.append(thread)
    time.sleep(args.seconds)
    target.ended = time.monotonic()
    stop.set()
    for thread in threads:
        thread.join(15)
    with tally.lock:
        result = {name: value for name, value in vars(tally).items() if name != "lock"}
    print(json.dumps({"kind": args.kind, **result}), flush=True)


if __name__ == "__main__":
    main()
