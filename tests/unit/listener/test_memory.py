"""Memory is handed back once a flood of connections has ebbed, and only then."""

from __future__ import annotations

import subprocess
import sys

from console.listener.memory import AfterFlood


def test_memory_is_trimmed_once_a_flood_has_ebbed() -> None:
    trims: list[int] = []
    watch = AfterFlood(lambda: trims.append(1))
    for count in (10, 300, 1000, 600, 251):
        watch.connections(count)
    assert trims == []
    watch.connections(250)  # a quarter of the peak
    assert trims == [1]
    for count in (200, 100, 0):
        watch.connections(count)
    assert trims == [1]  # the next trim waits for the next flood


def test_a_few_connections_never_cost_a_trim() -> None:
    trims: list[int] = []
    watch = AfterFlood(lambda: trims.append(1))
    for count in (100, 200, 0, 255, 0):
        watch.connections(count)
    assert trims == []


_FLOOD_AND_TRIM = """
import os
from pathlib import Path
from console.listener.memory import AfterFlood

def resident():
    return int(Path("/proc/self/statm").read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE")

before = resident()
# Bodies of 60 KB between small survivors, as a flood of connections leaves them: freed,
# they stay in the heap until it is trimmed.
pairs = [(b"x" * 60_000 + bytes([i % 256]), bytes(600 + i % 7)) for i in range(2000)]
survivors = [small for _big, small in pairs]
del pairs
held = resident() - before
watch = AfterFlood()
watch.connections(1000)
watch.connections(0)
print(held // 2**20, (resident() - before) // 2**20, len(survivors))
"""


def test_buffers_freed_after_a_flood_leave_the_process() -> None:
    # In a process of its own: what the heap keeps depends on all that came before.
    run = subprocess.run(
        [sys.executable, "-c", _FLOOD_AND_TRIM], capture_output=True, text=True, check=True
    )
    held, after, survivors = map(int, run.stdout.split())
    assert survivors == 2000
    assert held > 80, f"the heap kept only {held} MiB: nothing to show here"
    assert after < 20, f"{after} MiB still held after the trim"
