"""What follows a chunked body (chunk extensions, trailers) is held to a head's limits,
and streaming it holds up no one else."""

from __future__ import annotations

import socket
import threading
import time
from pathlib import Path

import httpx

from tests.support.listener import TOKEN, running_listener
from tests.support.raw_http import closed_within, connect, read_response

CHUNKED_RECEIPT = (
    b"POST /callbacks/" + TOKEN.encode() + b" HTTP/1.1\r\nHost: x\r\n"
    b"Content-Type: application/x-www-form-urlencoded\r\n"
    b"Transfer-Encoding: chunked\r\n\r\n"
    b"2a\r\ntype=receipt&message_id=mm&message_state=2\r\n0\r\n"
)


def send_until_refused(sock: socket.socket, pieces: list[bytes]) -> None:
    try:
        for piece in pieces:
            sock.sendall(piece)
            time.sleep(0.001)  # each in a read of its own
    except OSError:
        pass  # refused and closed while sending: the answer is there to read


def test_trailers_over_16_kib_are_refused_with_431(data_dir: Path) -> None:
    with running_listener(data_dir) as listener:
        assert listener.port is not None
        with connect(listener.port) as sock:
            sock.sendall(CHUNKED_RECEIPT)
            send_until_refused(sock, [b"X-T%d: %s\r\n" % (n, b"v" * 1000) for n in range(20)])
            status, headers, body = read_response(sock)
            assert (status, headers.get("connection")) == (431, "close")
            assert b"trailers over 16384 bytes" in body
            assert closed_within(sock, 2.0)


def test_more_than_100_headers_and_trailers_are_refused_with_431(data_dir: Path) -> None:
    with running_listener(data_dir) as listener:
        assert listener.port is not None
        with connect(listener.port) as sock:
            sock.sendall(CHUNKED_RECEIPT)
            send_until_refused(sock, [b"X-T%d: v\r\n" % n for n in range(150)])
            status, _headers, body = read_response(sock)
            assert status == 431
            assert b"more than 100 request headers" in body


def test_a_few_trailers_are_accepted(data_dir: Path) -> None:
    with running_listener(data_dir) as listener:
        assert listener.port is not None
        with connect(listener.port) as sock:
            sock.sendall(CHUNKED_RECEIPT + b"X-Checksum: abc\r\n\r\n")
            assert read_response(sock)[0] == 200


def test_streaming_trailers_does_not_hold_up_other_callbacks(data_dir: Path) -> None:
    with running_listener(data_dir, request_timeout=10.0) as listener:
        assert listener.port is not None
        port = listener.port
        stop = threading.Event()

        def stream() -> None:
            with connect(port) as sock:
                sock.sendall(CHUNKED_RECEIPT)
                try:
                    while not stop.is_set():
                        sock.sendall(b"".join(b"X-T: %s\r\n" % (b"v" * 1000) for _ in range(64)))
                except OSError:
                    pass  # refused and closed: what should happen

        streamer = threading.Thread(target=stream)
        streamer.start()
        slowest = 0.0
        try:
            with httpx.Client(timeout=10) as client:
                url = f"http://127.0.0.1:{port}/callbacks/{TOKEN}"
                for number in range(10):
                    started = time.monotonic()
                    answer = client.post(
                        url,
                        data={"type": "receipt", "message_id": f"m{number}", "message_state": "2"},
                    )
                    assert answer.status_code == 200
                    slowest = max(slowest, time.monotonic() - started)
                    time.sleep(0.05)
        finally:
            stop.set()
            streamer.join()
        assert slowest < 0.5
