"""Requests found by probing the listener from outside: each is answered, none breaks it."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.support.listener import TOKEN, running_listener
from tests.support.raw_http import closed_within, connect, read_response

PATH = b"/callbacks/" + TOKEN.encode()
RECEIPT = b"type=receipt&message_id=odd&message_state=2"


@pytest.mark.parametrize(
    "request_bytes",
    [
        b"CONNECT 127.0.0.1:22 HTTP/1.1\r\nHost: 127.0.0.1:22\r\n\r\n",
        b"POST http://[::1" + PATH + b" HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n",
    ],
    ids=["connect", "unreadable-target"],
)
def test_a_target_that_cannot_be_read_is_answered_400(
    data_dir: Path, request_bytes: bytes, caplog: pytest.LogCaptureFixture
) -> None:
    with running_listener(data_dir) as listener:
        assert listener.port is not None
        with connect(listener.port) as sock:
            sock.sendall(request_bytes)
            status, headers, _body = read_response(sock)
            assert (status, headers.get("connection")) == (400, "close")
            assert closed_within(sock, 2.0)
        assert httpx.post(listener.url, content=RECEIPT, headers=_FORM).status_code == 200
    assert "Traceback" not in caplog.text
    assert not [r for r in caplog.records if r.levelname == "ERROR"]


_FORM = {"content-type": "application/x-www-form-urlencoded"}


def test_a_multipart_boundary_longer_than_70_characters_is_refused_as_400(data_dir: Path) -> None:
    with running_listener(data_dir) as listener:
        answer = httpx.post(
            listener.url,
            content=b"0123456789",
            headers={"content-type": "multipart/form-data; boundary=" + "b" * 5000},
        )
        assert answer.status_code == 400  # quarantined: the provider need not send it again
        assert "boundary is longer than 70 characters" in answer.text


def test_a_body_in_tiny_chunks_is_refused_and_holds_up_no_one(data_dir: Path) -> None:
    with running_listener(data_dir) as listener:
        assert listener.port is not None
        with connect(listener.port) as sock:
            sock.sendall(
                b"POST " + PATH + b" HTTP/1.1\r\nHost: x\r\n"
                b"Content-Type: application/x-www-form-urlencoded\r\n"
                b"Transfer-Encoding: chunked\r\n\r\n"
            )
            with contextlib.suppress(OSError):  # refused and closed while sending
                sock.sendall(b"1\r\na\r\n" * 20_000)
            status, _headers, body = read_response(sock)
            assert status == 400
            assert b"chunks under 512 bytes on average" in body
        started = time.monotonic()
        assert httpx.post(listener.url, content=RECEIPT, headers=_FORM).status_code == 200
        assert time.monotonic() - started < 1.0


def test_a_chunked_body_in_reasonable_chunks_is_taken(data_dir: Path) -> None:
    with running_listener(data_dir) as listener:
        padded = RECEIPT + b"&x=" + b"a" * 60_000

        def pieces() -> Iterator[bytes]:
            for start in range(0, len(padded), 600):  # 101 chunks
                yield padded[start : start + 600]

        answer = httpx.post(listener.url, content=pieces(), headers=_FORM)
        assert answer.status_code == 200


def test_a_connection_past_its_age_is_closed_soon_idle_or_busy(
    data_dir: Path,
) -> None:
    with running_listener(data_dir, request_timeout=2.0, keep_alive_timeout=60.0) as listener:
        assert listener.port is not None
        receipt = (
            b"POST " + PATH + b" HTTP/1.1\r\nHost: x\r\n"
            b"Content-Type: application/x-www-form-urlencoded\r\n"
            b"Content-Length: %d\r\n\r\n" % len(RECEIPT) + RECEIPT
        )
        with connect(listener.port) as sock:
            opened = time.monotonic()
            sock.sendall(receipt)
            assert read_response(sock)[0] == 200
            time.sleep(1.5)
            sock.sendall(receipt)
            assert read_response(sock)[0] == 200
            # Past its age and idle: closed a few seconds later, keep-alive or not.
            assert closed_within(sock, 5.0)
            assert time.monotonic() - opened < 2.0 + 3.0 + 1.5
        with connect(listener.port) as sock:
            opened = time.monotonic()
            sock.sendall(receipt)
            assert read_response(sock)[0] == 200
            time.sleep(1.0)
            # A request that never ends, begun before the age limit.
            try:
                for _ in range(40):
                    sock.sendall(b"P")
                    time.sleep(0.25)
            except OSError:
                pass
            assert closed_within(sock, 1.0)
            assert time.monotonic() - opened < 2.0 + 3.0 + 1.5
