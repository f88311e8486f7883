"""One send per answer: over real sockets, and with the HTTP exchanges it must not break."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from console.listener.server import CallbackListener
from console.listener.write_batching import BatchedTransport
from console.store.sqlite import SqliteStore
from tests.support.listener import TOKEN, running_listener

BODY = b"type=receipt&message_id=m-%d&message_state=2&result_code=0"


class CountingSocket(socket.socket):
    """A real socket that counts the sends the event loop makes on it."""

    sends = 0

    def send(self, data: bytes, flags: int = 0) -> int:  # type: ignore[override]
        CountingSocket.sends += 1
        return super().send(data, flags)


@pytest.fixture
def listener(data_dir: Path) -> Iterator[CallbackListener]:
    with running_listener(data_dir) as running:
        yield running


def request(number: int, *headers: bytes) -> bytes:
    body = BODY % number
    lines = [
        b"POST /callbacks/" + TOKEN.encode() + b" HTTP/1.1",
        b"Host: test",
        b"Content-Type: application/x-www-form-urlencoded",
        b"Content-Length: %d" % len(body),
        *headers,
    ]
    return b"\r\n".join(lines) + b"\r\n\r\n" + body


def read_answers(sock: socket.socket, count: int) -> list[bytes]:
    data = b""
    while data.count(b"OK\n") < count:
        chunk = sock.recv(65536)
        if not chunk:
            break
        data += chunk
    return [b"HTTP/1.1" + part for part in data.split(b"HTTP/1.1")[1:]]


async def test_writes_in_one_pass_of_the_loop_go_out_in_one_send() -> None:
    loop = asyncio.get_running_loop()
    ours, theirs = socket.socketpair()
    counting = CountingSocket(ours.family, ours.type, fileno=ours.detach())
    theirs.setblocking(False)
    transport, _protocol = await loop.connect_accepted_socket(asyncio.Protocol, counting)
    batched = BatchedTransport(transport, loop)
    CountingSocket.sends = 0

    batched.write(b"HTTP/1.1 200 OK\r\ncontent-length: 3\r\n\r\n")
    batched.write(b"OK\n")
    assert CountingSocket.sends == 0  # held until the pass is over
    assert batched.get_write_buffer_size() == 41
    await asyncio.sleep(0)
    await asyncio.sleep(0)
    assert CountingSocket.sends == 1
    assert await loop.sock_recv(theirs, 100) == b"HTTP/1.1 200 OK\r\ncontent-length: 3\r\n\r\nOK\n"

    batched.write(b"last words")
    batched.close()  # what is held is sent before the connection closes
    received = b""
    while chunk := await loop.sock_recv(theirs, 100):
        received += chunk
    assert received == b"last words"
    theirs.close()


def test_pipelined_callbacks_are_each_answered_in_order(
    listener: CallbackListener, store: SqliteStore
) -> None:
    assert listener.port is not None
    with socket.create_connection(("127.0.0.1", listener.port), timeout=5) as sock:
        sock.sendall(request(1) + request(2) + request(3))
        answers = read_answers(sock, 3)
    assert [a.split(b"\r\n", 1)[0] for a in answers] == [b"HTTP/1.1 200 OK"] * 3
    assert all(a.endswith(b"\r\n\r\nOK\n") for a in answers)
    assert {r.message_id for r in store.orphan_receipts()} == {"m-1", "m-2", "m-3"}


def test_expect_continue_is_answered_before_the_body_is_sent(listener: CallbackListener) -> None:
    assert listener.port is not None
    with socket.create_connection(("127.0.0.1", listener.port), timeout=5) as sock:
        head, body = request(4, b"Expect: 100-continue").split(b"\r\n\r\n", 1)
        sock.sendall(head + b"\r\n\r\n")
        assert sock.recv(100).startswith(b"HTTP/1.1 100 Continue")
        sock.sendall(body)
        assert read_answers(sock, 1)[0].startswith(b"HTTP/1.1 200 OK")


def test_an_answer_before_closing_arrives_whole(listener: CallbackListener) -> None:
    assert listener.port is not None
    with socket.create_connection(("127.0.0.1", listener.port), timeout=5) as sock:
        sock.sendall(request(5, b"Connection: close"))
        received = b""
        while chunk := sock.recv(65536):
            received += chunk
    assert received.startswith(b"HTTP/1.1 200 OK")
    assert received.endswith(b"\r\n\r\nOK\n")
