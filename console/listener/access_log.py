"""The listener's access log: one line a request, written in batches, no secrets."""

from __future__ import annotations

import asyncio
import functools
import time
from pathlib import Path
from typing import TextIO

# Rotate at this size, keeping one previous file.
MAX_BYTES = 20 * 1024 * 1024
FLUSH_DELAY = 0.2


@functools.lru_cache(maxsize=2)
def _stamp(second: int) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(second))


class AccessLog:
    """Appends lines to ``path``, a moment after the requests, many at a time."""

    def __init__(self, path: Path | None, path_token: str) -> None:
        self._path = path
        self._token = path_token
        self._entries: list[tuple[float, str, str, str, int, int, float, str]] = []
        self._file: TextIO | None = None
        self._scheduled = False

    def add(
        self, at: float, source: str, method: str, target: str, status: int, size: int,
        seconds: float, note: str,
    ) -> None:  # fmt: skip
        if self._path is None:
            return
        # Only recorded here; formatting waits for the flush, off the request's path.
        self._entries.append((at, source, method, target, status, size, seconds, note))
        if not self._scheduled:
            self._scheduled = True
            asyncio.get_running_loop().call_later(FLUSH_DELAY, self.flush)

    def _line(self, entry: tuple[float, str, str, str, int, int, float, str]) -> str:
        at, source, method, target, status, size, seconds, note = entry
        if self._token:
            target = target.replace(self._token, "<token>")
        return (
            f"{_stamp(int(at))}Z {source} {method} {target[:200]} {status} {size}B "
            f"{seconds * 1000:.1f}ms {note[:200]}\n"
        )

    def flush(self) -> None:
        self._scheduled = False
        if not self._entries or self._path is None:
            return
        if self._file is None:
            self._file = self._path.open("a", encoding="utf-8")
        self._file.write("".join(map(self._line, self._entries)))
        self._file.flush()
        self._entries.clear()
        if self._file.tell() > MAX_BYTES:
            self._file.close()
            self._file = None
            self._path.replace(self._path.with_suffix(self._path.suffix + ".1"))

    def close(self) -> None:
        self.flush()
        if self._file is not None:
            self._file.close()
            self._file = None
