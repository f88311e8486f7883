"""The listener's access log: one line a request, written in batches, no secrets."""

from __future__ import annotations

import asyncio
import functools
import time
from pathlib import Path
from typing import TextIO

from console.escaping import escape_controls
from console.log_files import moved_aside, rotation_lock

# Rotate at this size, keeping one previous file.
MAX_BYTES = 20 * 1024 * 1024
FLUSH_DELAY = 0.2


@functools.lru_cache(maxsize=2)
def _stamp(second: int) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(second))


# at, source, method, target, status (None: closed without an answer), size, seconds, note
_Entry = tuple[float, str, str, str, int | None, int, float, str]


class AccessLog:
    """Appends lines to ``path``, a moment after the requests, many at a time."""

    def __init__(self, path: Path | None, path_token: str) -> None:
        self._path = path
        self._token = path_token
        self._entries: list[_Entry] = []
        self._file: TextIO | None = None
        self._scheduled = False

    def add(
        self, at: float, source: str, method: str, target: str, status: int | None, size: int,
        seconds: float, note: str,
    ) -> None:  # fmt: skip
        if self._path is None:
            return
        # Only recorded here; formatting waits for the flush, off the request's path.
        self._entries.append((at, source, method, target, status, size, seconds, note))
        if not self._scheduled:
            self._scheduled = True
            asyncio.get_running_loop().call_later(FLUSH_DELAY, self.flush)

    def _line(self, entry: _Entry) -> str:
        at, source, method, target, status, size, seconds, note = entry
        if self._token:
            target = target.replace(self._token, "<token>")
        line = (
            f"{_stamp(int(at))}Z {source} {method} {target[:200]} "
            f"{'-' if status is None else status} {size}B {seconds * 1000:.1f}ms {note[:200]}"
        )
        # Source, method, target and note can carry the client's text (a refusal's reason
        # quotes a field name): escaped, none of it can end this line and write another.
        return escape_controls(line) + "\n"

    def flush(self) -> None:
        self._scheduled = False
        if not self._entries or self._path is None:
            return
        if self._file is not None and moved_aside(self._path, self._file):
            self._file.close()
            self._file = None
        if self._file is None:
            self._file = self._path.open("a", encoding="utf-8")
        self._file.write("".join(map(self._line, self._entries)))
        self._file.flush()
        self._entries.clear()
        if self._file.tell() > MAX_BYTES:
            with rotation_lock(self._path):
                if not moved_aside(self._path, self._file):
                    self._path.replace(self._path.with_suffix(self._path.suffix + ".1"))
            self._file.close()
            self._file = None

    def close(self) -> None:
        self.flush()
        if self._file is not None:
            self._file.close()
            self._file = None
