"""Time from launching the installed console to its window shown on an X server (Xvfb).

The window counts as shown when the X server reports it viewable: Qt maps it from its
running event loop, so from then on the window answers input. Used by the frozen-build
test, and on its own to measure::

    python -m tests.packaging.startup ROOT [--runs 5]

where ROOT is a folder the .deb was unpacked into (``dpkg-deb -x``).
"""

from __future__ import annotations

import argparse
import os
import re
import signal
import statistics
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

TITLE = "SMS Operator Console"
POLL = 0.01
_CHILD = re.compile(r'^\s*(0x[0-9a-f]+) "([^"]*)"')


@dataclass(frozen=True)
class Launch:
    seconds: float
    returncode: int
    stderr: str


@contextmanager
def xvfb() -> Iterator[str]:
    """An X server of our own on a free display; its name, e.g. ``:3``."""
    read_end, write_end = os.pipe()
    server = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write_end), "-screen", "0", "1600x1000x24", "-nolisten", "tcp"],
        pass_fds=(write_end,),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    os.close(write_end)
    try:
        with os.fdopen(read_end) as announced:
            number = announced.readline().strip()
        if not number:
            raise RuntimeError("Xvfb did not start")
        yield f":{number}"
    finally:
        server.terminate()
        server.wait(10)


def viewable_window(display: str) -> bool:
    env = {**os.environ, "DISPLAY": display}
    listing = subprocess.run(
        ["xwininfo", "-root", "-children"], env=env, capture_output=True, check=False
    ).stdout.decode("utf-8", "replace")
    for line in listing.splitlines():
        match = _CHILD.match(line)
        # Qt titles a window "<its title> — <application name>", or the name alone.
        if match and match.group(2).endswith(TITLE):
            info = subprocess.run(
                ["xwininfo", "-id", match.group(1)], env=env, capture_output=True, check=False
            ).stdout.decode("utf-8", "replace")
            if "Map State: IsViewable" in info:
                return True
    return False


def launch(command: list[str], display: str, env: dict[str, str], limit: float) -> Launch:
    """Start ``command``, wait for its window, close it with SIGTERM; the time it took."""
    started = time.monotonic()
    process = subprocess.Popen(
        command,
        env={**env, "DISPLAY": display},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    seconds = float("inf")
    try:
        while time.monotonic() - started < limit and process.poll() is None:
            if viewable_window(display):
                seconds = time.monotonic() - started
                break
            time.sleep(POLL)
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
        _, stderr = process.communicate(timeout=30)
    return Launch(seconds, process.returncode, stderr)


def desktop_environment(home: Path) -> dict[str, str]:
    """A desktop user's environment, in folders of its own."""
    runtime = home / "runtime"
    runtime.mkdir(mode=0o700, parents=True, exist_ok=True)
    return {
        "PATH": "/usr/bin:/bin",
        "LANG": "C.UTF-8",
        "HOME": str(home),
        "XDG_RUNTIME_DIR": str(runtime),
        "XDG_DATA_HOME": str(home / "data"),
        "XDG_CONFIG_HOME": str(home / "config"),
        "TMPDIR": str(home),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("root", type=Path, help="folder the .deb was unpacked into")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    launcher = str(args.root / "usr" / "bin" / "sms-console")
    times = []
    with tempfile.TemporaryDirectory() as home, xvfb() as display:
        env = desktop_environment(Path(home))
        for mode in ("--demo", None):
            for run in range(args.runs):
                command = [launcher, mode] if mode else [launcher]
                result = launch(command, display, env, limit=30)
                label = mode or "profile"
                print(f"{label} run {run + 1}: {result.seconds:.2f} s", flush=True)
                times.append(result.seconds)
    print(f"median {statistics.median(times):.2f} s, slowest {max(times):.2f} s")


if __name__ == "__main__":
    main()
