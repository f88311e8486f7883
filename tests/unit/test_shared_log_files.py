"""Log files that two processes append to, as receivers sharing a data folder do: every
line is kept once, a file is rotated only when full, and after one process rotates a file
the other writes to the new one, not to the one moved aside."""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
from pathlib import Path

import pytest

from console.listener import access_log
from console.listener.access_log import AccessLog
from console.logging_setup import SharedRotatingFileHandler

LINES = 1500
MAX_BYTES = 20_000


def _log_lines(path: Path, name: str, ready: multiprocessing.synchronize.Barrier) -> None:
    handler = SharedRotatingFileHandler(path, MAX_BYTES, 100)
    logger = logging.getLogger(name)
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    ready.wait()
    for n in range(LINES):
        logger.info("%s line %05d %s", name, n, "x" * 60)
    handler.close()


def test_two_processes_rotating_one_log_keep_every_line_once(tmp_path: Path) -> None:
    path = tmp_path / "console.log"
    context = multiprocessing.get_context("spawn")
    with context.Manager() as manager:
        ready = manager.Barrier(2)
        writers = [
            context.Process(target=_log_lines, args=(path, name, ready)) for name in ("rx1", "rx2")
        ]
        for writer in writers:
            writer.start()
        for writer in writers:
            writer.join(60)
            assert writer.exitcode == 0

    files = sorted(tmp_path.glob("console.log*"), key=lambda p: p.name)
    files = [f for f in files if not f.name.endswith(".lock")]
    lines = [line for f in files for line in f.read_text().splitlines()]
    expected = {f"{name} line {n:05d} {'x' * 60}" for name in ("rx1", "rx2") for n in range(LINES)}
    assert sorted(lines) == sorted(expected)
    # Rotated only when full, by one process: none moved aside nearly empty, which would
    # push the old lines out early, and none grown far past the limit.
    rotated = [f.stat().st_size for f in files if f != path]
    assert len(rotated) > 3
    assert min(rotated) > MAX_BYTES / 2
    assert max(rotated) < 2 * MAX_BYTES


def test_an_access_log_rotated_by_another_process_is_followed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(access_log, "MAX_BYTES", 2000)
    path = tmp_path / "listener-access.log"

    async def run() -> None:
        first, second = AccessLog(path, "token"), AccessLog(path, "token")
        second.add(1.0, "192.0.2.1", "POST", "/callbacks/token", 200, 10, 0.001, "second's first")
        second.flush()
        for n in range(40):
            first.add(2.0, "192.0.2.1", "POST", "/callbacks/token", 200, 10, 0.001, f"first {n}")
        first.flush()  # past the limit: moved aside
        second.add(3.0, "192.0.2.1", "POST", "/callbacks/token", 200, 10, 0.001, "second's next")
        second.close()
        first.close()

    asyncio.run(run())

    moved = path.with_name("listener-access.log.1").read_text()
    assert "second's first" in moved
    assert "first 39" in moved
    assert "second's next" in path.read_text()
