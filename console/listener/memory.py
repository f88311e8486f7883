"""Memory handed back to the system once a flood of connections is over.

Freed buffers stay in the C allocator's heap, counted in the process's size, until it is
asked to return them; after thousands of connections that can be a few hundred
megabytes. ``malloc_trim`` asks (glibc only; elsewhere nothing is done).
"""

from __future__ import annotations

import ctypes
import ctypes.util
from collections.abc import Callable

# Trimmed when the connections fall to a quarter of a peak of at least this many.
FLOOD = 256


def _trimmer() -> Callable[[], object] | None:
    name = ctypes.util.find_library("c")
    if name is None:
        return None
    try:
        trim = ctypes.CDLL(name).malloc_trim
    except (OSError, AttributeError):
        return None
    return lambda: trim(0)


class AfterFlood:
    """Told the number of connections now and then; trims once a flood has ebbed."""

    def __init__(self, trim: Callable[[], object] | None = None) -> None:
        self._trim = trim if trim is not None else _trimmer()
        self._peak = 0

    def connections(self, count: int) -> None:
        self._peak = max(self._peak, count)
        if self._peak >= FLOOD and count <= self._peak // 4:
            self._peak = count
            if self._trim is not None:
                self._trim()
