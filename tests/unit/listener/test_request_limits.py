"""Limits on what one request may cost: headers, pipelining, fields, body memory, a locked store."""

from __future__ import annotations

import base64
import select
import socket
import sqlite3
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

import httpx
import pytest

from console.store.sqlite import SqliteStore
from tests.support.listener import TOKEN, running_listener
from tests.support.raw_http import RECEIPT, closed_within, connect, read_response, request

HEAD_START = b"POST /callbacks/" + TOKEN.encode() + b" HTTP/1.1\r\nHost: x\r\n"


def test_too_many_headers_are_refused_with_431(data_dir: Path) -> None:
    with running_listener(data_dir) as listener:
        assert listener.port is not None
        with connect(listener.port) as sock:
            sock.sendall(request(headers=tuple((f"X-Extra-{i}", "v") for i in range(90))))
            assert read_response(sock)[0] == 200
        with connect(listener.port) as sock:
            sock.sendall(request(headers=tuple((f"X-Extra-{i}", "v") for i in range(150))))
            status, headers, body = read_response(sock)
            assert (status, headers.get("connection")) == (431, "close")
            assert b"headers" in body
            assert closed_within(sock, 2.0)


def test_headers_over_16_kib_are_refused_with_431(data_dir: Path) -> None:
    with running_listener(data_dir) as listener:
        assert listener.port is not None
        with connect(listener.port) as sock:
            sock.sendall(request(headers=(("X-Big", "a" * 12 * 1024),)))
            assert read_response(sock)[0] == 200
        with connect(listener.port) as sock:
            sock.sendall(HEAD_START + b"X-Big: " + b"a" * 17 * 1024)  # and no end in sight
            status, _headers, _body = read_response(sock)
            assert status == 431
            assert closed_within(sock, 2.0)


def _send_endless_header(sock: socket.socket) -> int:
    """Bytes sent before the listener cut the connection (64 MiB if it never did)."""
    sent = 0
    try:
        sock.sendall(HEAD_START + b"X-Big: ")
        for _ in range(4096):
            sock.sendall(b"a" * 16384)
            sent += 16384
    except OSError:
        return sent
    return sent


def test_an_endless_header_is_cut_long_before_it_ends(data_dir: Path) -> None:
    with running_listener(data_dir) as listener:
        assert listener.port is not None
        with connect(listener.port) as sock:
            assert _send_endless_header(sock) < 4 * 1024 * 1024


def _hung_up(sock: socket.socket, seconds: float) -> bool:
    # Without reading: the answers waiting in our buffer must stay unread.
    poller = select.poll()
    poller.register(sock, select.POLLRDHUP | select.POLLHUP | select.POLLERR)
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if poller.poll(100):
            return True
    return False


def test_pipelined_requests_whose_answers_are_never_read_are_cut_at_the_deadline(
    data_dir: Path,
) -> None:
    with running_listener(data_dir, request_timeout=1.5) as listener:
        assert listener.port is not None
        sock = socket.socket()
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        sock.connect(("127.0.0.1", listener.port))
        sock.setblocking(False)
        pipelined = b"".join(request({**RECEIPT, "message_id": f"p-{i}"}) for i in range(20_000))
        sent, stalled_since = 0, time.monotonic()
        while sent < len(pipelined) and time.monotonic() - stalled_since < 1.0:
            try:
                sent += sock.send(pipelined[sent : sent + 65536])
                stalled_since = time.monotonic()
            except BlockingIOError:
                time.sleep(0.01)
            except OSError:
                break
        try:
            assert _hung_up(sock, 1.5 + 4.0)
        finally:
            sock.close()
    with SqliteStore(data_dir / "messages.sqlite3") as store:
        # It stopped reading once its answers could not go out.
        assert len(store.orphan_receipts()) < 10_000


def test_a_form_of_ten_thousand_fields_is_refused_and_kept(data_dir: Path) -> None:
    body = "&".join(f"f{i}=" + "x" * 800 for i in range(10_000)).encode()
    with running_listener(data_dir) as listener:
        response = httpx.post(
            listener.url,
            content=b"type=receipt&" + body,
            headers={"content-type": "application/x-www-form-urlencoded"},
            timeout=10,
        )
    assert response.status_code in (400, 413)
    assert "more than 100 fields" in response.text
    with SqliteStore(data_dir / "messages.sqlite3") as store:
        (kept,) = store.quarantined()
    assert kept.body_length == len(body) + len(b"type=receipt&")
    assert kept.body.startswith(b"type=receipt&f0=xxx")


def test_an_overlong_field_is_refused_and_a_large_picture_is_not(data_dir: Path) -> None:
    picture = bytes(range(256)) * (3 * 4096)  # 3 MiB, base64 with + / and =
    reply = {
        "type": "MO",
        "message_id": "mo-big",
        "shortcode": "12345",
        "phone_number": "12025550100",
        "message": "see picture",
        "mms_attachment[0].content_type": "image/png",
        "mms_attachment[0].content": base64.b64encode(picture).decode(),
    }
    with running_listener(data_dir) as listener:
        too_long = httpx.post(
            listener.url, data={**RECEIPT, "app_id": "a" * (100 * 1024)}, timeout=10
        )
        accepted = httpx.post(listener.url, data=reply, timeout=10)
    assert too_long.status_code in (400, 413)
    assert "app_id is longer than" in too_long.text
    assert accepted.status_code == 200
    with SqliteStore(data_dir / "messages.sqlite3") as store:
        stored = store.reply("mo-big")
    assert stored is not None
    assert stored.attachments[0].content == picture


def _probe_latencies(url: str, stop: threading.Event, worst: list[float]) -> None:
    with httpx.Client(timeout=10) as client:
        while not stop.is_set():
            started = time.monotonic()
            client.post(url + "-wrong", data=RECEIPT)  # answered 404 without the store
            worst.append(time.monotonic() - started)
            time.sleep(0.02)


@pytest.mark.parametrize(
    "body",
    [
        pytest.param(
            b"type=receipt&message_id=x&message_state=2&"
            + b"&".join(b"f%d=%s" % (i, b"%" * 800) for i in range(10_000)),
            id="ten-thousand-fields-of-bad-escapes",
        ),
        pytest.param(
            b"type=MO&message_id=x&shortcode=1&phone_number=2&mms_attachment[0].content_type=a"
            + b"&mms_attachment[0].content="
            + b"%" * (8 * 1024 * 1024 - 200),
            id="one-attachment-of-bad-escapes",
        ),
        pytest.param(
            b"type=MO&message_id=x&shortcode=1&phone_number=2&mms_attachment[0].content_type=a"
            + b"&mms_attachment[0].content="
            + urlencode({"": base64.b64encode(bytes(range(256)) * 22 * 1024)})[1:].encode(),
            id="a-valid-picture-of-almost-eight-mib",
        ),
        pytest.param(b"type=MO&" + b"%41" * 2_700_000 + b"=x", id="a-field-name-of-8-mib"),
        pytest.param(
            b"type=receipt&message_id=x&message_state=2&app_id=" + b"%" * 60_000,
            id="text-fields-full-of-bad-escapes",
        ),
    ],
)
def test_decoding_a_large_body_does_not_stall_other_requests(data_dir: Path, body: bytes) -> None:
    with running_listener(data_dir) as listener:
        stop, worst = threading.Event(), [0.0]
        probe = threading.Thread(target=_probe_latencies, args=(listener.url, stop, worst))
        probe.start()
        try:
            time.sleep(0.2)
            for _ in range(3):
                answer = httpx.post(
                    listener.url,
                    content=body,
                    headers={"content-type": "application/x-www-form-urlencoded"},
                    timeout=30,
                )
                assert answer.status_code in (200, 400, 413)
        finally:
            stop.set()
            probe.join()
    # The loop's own limit is 100 ms a request; this probe's requests add their own time.
    assert max(worst) < 0.5


def test_a_locked_store_is_answered_503_within_seconds_and_nothing_else_waits(
    data_dir: Path,
) -> None:
    with running_listener(data_dir) as listener:
        holder = sqlite3.connect(data_dir / "messages.sqlite3", isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")  # another program holds the write lock
        blocked: list[tuple[httpx.Response, float]] = []

        def post_receipt() -> None:
            started = time.monotonic()
            response = httpx.post(listener.url, data=RECEIPT, timeout=10)
            blocked.append((response, time.monotonic() - started))

        try:
            waiting = threading.Thread(target=post_receipt)
            waiting.start()
            time.sleep(0.3)
            started = time.monotonic()
            elsewhere = httpx.post(listener.url + "-wrong", data=RECEIPT, timeout=10)
            elsewhere_took = time.monotonic() - started
            waiting.join()
        finally:
            holder.execute("ROLLBACK")
            holder.close()
        after = httpx.post(listener.url, data=RECEIPT, timeout=10)
    ((response, waited),) = blocked
    assert response.status_code == 503
    assert "try again" in response.text
    assert 1.0 < waited < 4.0
    assert elsewhere.status_code == 404
    assert elsewhere_took < 0.5
    assert after.status_code == 200


def test_large_bodies_in_flight_share_a_memory_budget(data_dir: Path) -> None:
    head = HEAD_START + b"Content-Type: application/x-www-form-urlencoded\r\n"
    size = 1536 * 1024
    with running_listener(
        data_dir, max_body=2 * 1024 * 1024, large_body_memory=2 * 1024 * 1024
    ) as listener:
        assert listener.port is not None
        with connect(listener.port) as slow:
            slow.sendall(head + b"Content-Length: %d\r\n\r\n" % size + b"a" * (size // 2))
            time.sleep(0.3)
            with connect(listener.port) as announced:
                # What is only announced costs nothing: the budget is taken as bytes come.
                announced.sendall(head + b"Content-Length: %d\r\n\r\n" % size)
                with connect(listener.port) as second:
                    second.sendall(head + b"Content-Length: %d\r\n\r\n" % size + b"a" * size)
                    status, headers, _body = read_response(second)
                    assert (status, headers.get("connection")) == (503, "close")
                    assert "retry-after" in headers
            slow.sendall(b"a" * (size - size // 2))
            assert read_response(slow)[0] == 400
        with connect(listener.port) as third:
            third.sendall(head + b"Content-Length: %d\r\n\r\n" % size + b"a" * size)
            assert read_response(third)[0] == 400


def test_a_body_larger_than_the_memory_for_large_bodies_is_still_accepted(data_dir: Path) -> None:
    with running_listener(data_dir, max_body=40_000_000) as listener:
        response = httpx.post(
            listener.url, data={**RECEIPT, "app_id": "x"}, timeout=10
        )  # the listener starts, with room for one body of the largest size
    assert response.status_code == 200


def test_many_short_headers_in_one_small_head_are_refused_with_431(data_dir: Path) -> None:
    with running_listener(data_dir) as listener:
        assert listener.port is not None
        with connect(listener.port) as sock:
            head = HEAD_START + b"a:b\r\n" * 150
            assert len(head) < 1024  # the whole head comes in one piece
            sock.sendall(head + b"Content-Length: 0\r\n\r\n")
            assert read_response(sock)[0] == 431


def test_a_body_that_is_not_http_is_refused_at_once(data_dir: Path) -> None:
    with running_listener(data_dir, request_timeout=10.0) as listener:
        assert listener.port is not None
        with connect(listener.port) as sock:
            sock.sendall(
                HEAD_START + b"Transfer-Encoding: chunked\r\n\r\n" + b"zz-not-a-chunk-size\r\n"
            )
            started = time.monotonic()
            status, headers, body = read_response(sock)
            assert (status, headers.get("connection")) == (400, "close")
            assert b"not valid HTTP" in body
            assert time.monotonic() - started < 2.0  # not at the deadline
