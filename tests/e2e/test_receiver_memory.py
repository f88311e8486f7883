"""``sms-console receiver`` under floods that used to bloat it: its memory stays small."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from tests.e2e.test_receiver import TOKEN, receipt, receiver


def _rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS")


class Peak:
    """The largest resident size of a process, sampled until stopped."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.mib = _rss_mib(pid)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample)
        self._thread.start()

    def _sample(self) -> None:
        while not self._stop.wait(0.05):
            self.mib = max(self.mib, _rss_mib(self.pid))

    def stop(self) -> float:
        self._stop.set()
        self._thread.join()
        return self.mib


def _flood(
    port: int, connections: int, seconds: float, attack: Callable[[socket.socket], None]
) -> None:
    def one(index: int) -> None:
        sock = socket.socket()
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)  # and never read
        sock.settimeout(seconds)
        try:
            sock.bind((f"127.0.{1 + index // 200}.{2 + index % 200}", 0))
            sock.connect(("127.0.0.1", port))
            attack(sock)
        except OSError:
            pass  # cut off by the listener: what should happen
        finally:
            sock.close()

    threads = [threading.Thread(target=one, args=(i,)) for i in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(seconds + 10)


def _pipelined(sock: socket.socket) -> None:
    without_token = b"GET / HTTP/1.1\r\nHost: x\r\n\r\n" * 20_000
    body = b"type=receipt&message_id=p&message_state=2"
    with_token = (
        b"POST /callbacks/" + TOKEN.encode() + b" HTTP/1.1\r\nHost: x\r\n"
        b"Content-Type: application/x-www-form-urlencoded\r\n"
        b"Content-Length: %d\r\n\r\n" % len(body) + body
    ) * 20_000
    sock.sendall(without_token if sock.getsockname()[1] % 2 else with_token)
    time.sleep(4)


def _pipelined_bodies(sock: socket.socket) -> None:
    # Twelve receipts padded to just under 64 KiB each, sent back to back, never read.
    body = b"type=receipt&message_id=pb&message_state=2&x=" + b"A" * 65_000
    one = (
        b"POST /callbacks/" + TOKEN.encode() + b" HTTP/1.1\r\nHost: x\r\n"
        b"Content-Type: application/x-www-form-urlencoded\r\n"
        b"Content-Length: %d\r\n\r\n" % len(body) + body
    )
    sock.sendall(one * 12)
    time.sleep(4)


def _half_bodies(sock: socket.socket) -> None:
    # A body announced at 64 KiB, sent but for its last bytes, and left there.
    sock.sendall(
        b"POST /callbacks/" + TOKEN.encode() + b" HTTP/1.1\r\nHost: x\r\n"
        b"Content-Type: application/x-www-form-urlencoded\r\n"
        b"Content-Length: 65536\r\n\r\n" + b"type=receipt&message_id=" + b"h" * 64_976
    )
    time.sleep(4)


def _endless_headers(sock: socket.socket) -> None:
    sock.sendall(b"POST /callbacks/" + TOKEN.encode() + b" HTTP/1.1\r\nHost: x\r\n")
    deadline = time.monotonic() + 4
    while time.monotonic() < deadline:
        sock.sendall(b"X-Filler-" + b"a" * 1000 + b": b\r\n")


@pytest.fixture
def running(data_dir: Path) -> Iterator[tuple[int, str]]:
    with receiver(data_dir) as (process, url):
        yield process.pid, url


@pytest.mark.parametrize(
    ("attack", "connections", "growth"),
    [
        (_pipelined, 50, 100),
        (_pipelined_bodies, 400, 100),
        # 1,000 bodies of 64 KiB held would be 64 MiB on their own; the budget holds 32.
        (_half_bodies, 1000, 64),
        (_endless_headers, 128, 100),
    ],
    ids=["pipelined-never-read", "pipelined-bodies-never-read", "half-bodies", "endless-headers"],
)
def test_a_flood_leaves_memory_small_and_callbacks_prompt(
    running: tuple[int, str],
    attack: Callable[[socket.socket], None],
    connections: int,
    growth: int,
) -> None:
    pid, url = running
    port = int(url.split(":")[2].split("/")[0])
    before = _rss_mib(pid)
    peak = Peak(pid)
    flood = threading.Thread(target=_flood, args=(port, connections, 6.0, attack))
    flood.start()
    slowest = 0.0
    with httpx.Client(timeout=10) as client:
        time.sleep(1)
        for number in range(20):
            started = time.monotonic()
            assert client.post(url, data=receipt(f"during-{number}")).status_code == 200
            slowest = max(slowest, time.monotonic() - started)
            time.sleep(0.1)
    flood.join()
    highest = peak.stop()
    assert highest - before < growth, f"resident memory grew from {before:.0f} to {highest:.0f} MiB"
    assert slowest < 1.0
