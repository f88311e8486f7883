"""Answers written below the application, for requests refused before it sees them."""

from __future__ import annotations

from uvicorn.protocols.http.httptools_impl import STATUS_LINE


def canned_answer(status: int, text: str, *extra: bytes) -> bytes:
    """A whole answer that ends the connection, for refusals made below the application."""
    body = (text + "\n").encode()
    return b"".join(
        [
            STATUS_LINE[status],
            b"content-type: text/plain; charset=utf-8\r\n",
            b"content-length: %d\r\n" % len(body),
            *(header + b"\r\n" for header in extra),
            b"connection: close\r\n\r\n",
            body,
        ]
    )
