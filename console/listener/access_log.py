"""The listener's access log: one line a request, written in batches, no secrets."""

from __future__ import annotations

import asyncio
import functools
import time
from pathlib import Path
from typing import TextIO

from console.redaction import redact

# Rotate at this size, keeping one previous file.
MAX_BYTES = 20 * 1024 * 1024
FLUSH_DELAY = 0.2


@functools.lru_cache(maxsize=2)
def _stamp(second: int) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(second))


class AccessLog:
    """Appends lines to ``path``; call :meth:`flush` to write what has accumulated."""

    def __init__(self, path: Path | None, path_token: str) -> None:
        self._path = path
        self._token = path_token
        self._lines: list[str] = []
        self._file: TextIO | None = None
        self._scheduled = False

    def add(
        self, source: str, method: str, target: str, status: int, size: int, seconds: float,
        note: str,
    ) -> None:  # fmt: skip
        if self._path is None:
            return
        stamp = _stamp(int(time.time()))
        target = target.replace(self._token, "<token>") if self._token else target
        self._lines.append(
            f"{stamp}Z {source} {method} {redact(target)[:200]} {status} {size}B "
            f"{seconds * 1000:.1f}ms {redact(note)[:200]}\n"
        )
        if not self._scheduled:
            # Written a moment later, so a burst of requests costs one write.
            self._scheduled = True
            asyncio.get_running_loop().call_later(FLUSH_DELAY, self.flush)

    def flush(self) -> None:
        self._scheduled = False
        if not self._lines or self._path is None:
            return
        if self._file is None:
            self._file = self._path.open("a", encoding="utf-8")
        self._file.writelines(self._lines)
        self._file.flush()
        self._lines.clear()
        if self._file.tell() > MAX_BYTES:
            self._file.close()
            self._file = None
            self._path.replace(self._path.with_suffix(self._path.suffix + ".1"))

    def close(self) -> None:
        self.flush()
        if self._file is not None:
            self._file.close()
            self._file = None
