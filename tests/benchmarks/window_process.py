"""The benchmarked window's process and its display, for ``bench_window.py``.

The window runs ``window_probe.py`` in a process of its own, on Xvfb when it is
installed (else Qt's offscreen platform); it says what it measured as JSON lines on
stdout and takes commands on stdin.
"""

from __future__ import annotations

import json
import os
import queue
import select
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TextIO

ROOT = Path(__file__).resolve().parents[2]
PROBE = ROOT / "tests" / "benchmarks" / "window_probe.py"
SCREEN = "1600x1000x24"


@contextmanager
def display(platform: str) -> Iterator[tuple[dict[str, str], str]]:
    """Environment settings for the window's display, and its description."""
    if platform == "offscreen" or shutil.which("Xvfb") is None:
        yield {"QT_QPA_PLATFORM": "offscreen"}, "Qt offscreen platform (no X server)"
        return
    read_end, write_end = os.pipe()
    server = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write_end), "-screen", "0", SCREEN, "-nolisten", "tcp"],
        pass_fds=(write_end,),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    os.close(write_end)
    try:
        ready, _, _ = select.select([read_end], [], [], 10.0)
        number = os.read(read_end, 32).decode().strip() if ready else ""
        if not number.isdigit():
            raise SystemExit("Xvfb did not start")
        yield {"DISPLAY": f":{number}"}, f"Xvfb :{number} ({SCREEN}, no window manager)"
    finally:
        os.close(read_end)
        server.terminate()
        server.wait(timeout=10)


class Window:
    """The window process: its events on stdout, commands on stdin.

    ``probe_args``: ``window_probe.py``'s command line (data folder, store, what to type).
    """

    def __init__(self, probe_args: Sequence[str], env: dict[str, str], log: TextIO) -> None:
        self.spawned = time.time()
        self.process = subprocess.Popen(
            [sys.executable, str(PROBE), *probe_args],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=log,
            text=True,
            cwd=ROOT,
            env=env,
        )
        self.events: queue.Queue[dict[str, Any] | None] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            try:
                self.events.put(json.loads(line))
            except ValueError:
                continue
        self.events.put(None)

    def next_event(self, timeout: float) -> dict[str, Any]:
        try:
            event = self.events.get(timeout=timeout)
        except queue.Empty:
            raise RuntimeError(f"the window said nothing for {timeout:.0f} s") from None
        if event is None:
            raise RuntimeError(f"the window ended (exit status {self.process.wait()})")
        if event["event"] == "error":
            raise RuntimeError(f"the window reported: {event['text']}")
        return event

    def expect(self, name: str, timeout: float) -> dict[str, Any]:
        event = self.next_event(timeout)
        if event["event"] != name:
            raise RuntimeError(f"expected {name!r} from the window, got {event}")
        return event

    def send(self, command: str) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(command + "\n")
        self.process.stdin.flush()

    def memory_mb(self) -> tuple[float, float]:
        """Resident set size now and at its peak, in MB."""
        values = {}
        status = Path(f"/proc/{self.process.pid}/status").read_text()
        for line in status.splitlines():
            name, _, value = line.partition(":")
            if name in ("VmRSS", "VmHWM"):
                values[name] = int(value.split()[0]) / 1024
        return values["VmRSS"], values["VmHWM"]

    def cpu_seconds(self) -> float:
        """CPU time the window process has used, all threads, user and system."""
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rpartition(")")[2].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def close(self) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                return self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
        return self.process.wait()


def machine_cpu() -> tuple[float, float]:
    """Busy and total CPU time of the whole machine so far, in clock ticks."""
    ticks = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = ticks[3] + ticks[4]
    return sum(ticks) - idle, sum(ticks)
