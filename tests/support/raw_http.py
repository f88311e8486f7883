"""Talking to a listener over raw sockets, the way a misbehaving client would."""

from __future__ import annotations

import socket
import ssl
import time
from urllib.parse import urlencode

from tests.support.listener import TOKEN

RECEIPT = {"type": "receipt", "message_id": "m-1", "message_state": "2", "result_code": "0"}


def connect(port: int, source: str = "127.0.0.1", timeout: float = 5.0) -> socket.socket:
    """A TCP connection to the listener from ``source`` (any 127.x.y.z address works)."""
    return socket.create_connection(
        ("127.0.0.1", port), timeout=timeout, source_address=(source, 0)
    )


def request(
    fields: dict[str, str] | None = None,
    *,
    path: str | None = None,
    method: str = "POST",
    headers: tuple[tuple[str, str], ...] = (),
) -> bytes:
    """One complete HTTP/1.1 request, as bytes."""
    body = urlencode(fields if fields is not None else RECEIPT).encode()
    lines = [
        f"{method} {path if path is not None else '/callbacks/' + TOKEN} HTTP/1.1",
        "Host: listener",
        "Content-Type: application/x-www-form-urlencoded",
        f"Content-Length: {len(body)}",
        *(f"{name}: {value}" for name, value in headers),
    ]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


def read_response(sock: socket.socket | ssl.SSLSocket) -> tuple[int, dict[str, str], bytes]:
    """Status, headers and body of the next answer on ``sock``, reading no further."""
    head = b""
    while not head.endswith(b"\r\n\r\n"):
        byte = sock.recv(1)  # one at a time: pipelined answers follow this one
        if not byte:
            raise ConnectionError(f"closed before a whole answer: {head!r}")
        head += byte
    status_line, *header_lines = head.decode("latin-1").strip().split("\r\n")
    headers = {}
    for line in header_lines:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    body = b""
    while len(body) < int(headers.get("content-length", "0")):
        chunk = sock.recv(int(headers["content-length"]) - len(body))
        if not chunk:
            break
        body += chunk
    return int(status_line.split()[1]), headers, body


def closed_within(sock: socket.socket | ssl.SSLSocket, seconds: float) -> bool:
    """Whether the other side closes ``sock`` within ``seconds`` (what it sends is skipped)."""
    deadline = time.monotonic() + seconds
    try:
        while (left := deadline - time.monotonic()) > 0:
            sock.settimeout(left)
            if not sock.recv(65536):
                return True
    except (ConnectionResetError, BrokenPipeError, ssl.SSLError):
        return True
    except TimeoutError:
        return False
    return False


def refused(sock: socket.socket) -> bool:
    """Whether a fresh connection is turned away at once: an answer of 503 and a hang-up,
    or a hang-up alone (the listener does not keep what it will not serve)."""
    try:
        sock.sendall(request())
        sock.settimeout(3)
        answer = sock.recv(65536)
    except (ConnectionResetError, BrokenPipeError):
        return True
    except TimeoutError:
        return False
    return answer == b"" or (answer.startswith(b"HTTP/1.1 503 ") and closed_within(sock, 3))
