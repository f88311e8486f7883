"""One send per answer: over real sockets, and with the HTTP exchanges it must not break."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from console.listener.server import CallbackListener
from console.listener.write_batching import BatchedTransport, Flusher
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
    """``count`` whole HTTP answers, each cut at the end of its body."""
    data = b""
    answers: list[bytes] = []
    while len(answers) < count:
        head_end = data.find(b"\r\n\r\n")
        if head_end >= 0:
            head = data[:head_end].lower()
            length = int(head.split(b"content-length: ")[1].split(b"\r\n")[0])
            end = head_end + 4 + length
            if len(data) >= end:
                answers.append(data[:end])
                data = data[end:]
                continue
        chunk = sock.recv(65536)
        if not chunk:
            break
        data += chunk
    return answers


async def test_writes_in_one_pass_of_the_loop_go_out_in_one_send() -> None:
    loop = asyncio.get_running_loop()
    ours, theirs = socket.socketpair()
    counting = CountingSocket(ours.family, ours.type, fileno=ours.detach())
    theirs.setblocking(False)
    transport, _protocol = await loop.connect_accepted_socket(asyncio.Protocol, counting)
    batched = BatchedTransport(transport, Flusher(), loop)
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


def test_each_answer_of_the_listener_is_one_write(
    listener: CallbackListener, monkeypatch: pytest.MonkeyPatch
) -> None:
    writes: list[bytes] = []
    flush = BatchedTransport.flush

    def spying(self: BatchedTransport) -> None:
        writes.append(b"".join(self._held))
        flush(self)

    monkeypatch.setattr(BatchedTransport, "flush", spying)
    assert listener.port is not None
    with socket.create_connection(("127.0.0.1", listener.port), timeout=5) as sock:
        for number in range(3):
            sock.sendall(request(number))
            assert read_answers(sock, 1)[0].endswith(b"\r\n\r\nOK\n")
    answers = [w for w in writes if w]
    assert len(answers) == 3
    assert all(w.startswith(b"HTTP/1.1 200 OK\r\n") and w.endswith(b"OK\n") for w in answers)


def test_pipelined_callbacks_are_each_answered_in_order(
    listener: CallbackListener, store: SqliteStore
) -> None:
    assert listener.port is not None
    unreadable = request(2).replace(b"type=receipt", b"type=unknown")
    wrong_path = request(4).replace(TOKEN.encode(), b"not-the-token-at-all-000")
    with socket.create_connection(("127.0.0.1", listener.port), timeout=5) as sock:
        sock.sendall(request(1) + unreadable + request(3) + wrong_path + request(5))
        answers = read_answers(sock, 4)
        assert sock.recv(100) == b""  # a refusal ends the connection: 5 is not read
    assert [a.split(b"\r\n", 1)[0] for a in answers] == [
        b"HTTP/1.1 200 OK",
        b"HTTP/1.1 400 Bad Request",
        b"HTTP/1.1 200 OK",
        b"HTTP/1.1 404 Not Found",
    ]
    assert {r.message_id for r in store.orphan_receipts()} == {"m-1", "m-3"}


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
