"""Fixtures for the window's tests: offscreen Qt, and one asyncio loop driven by Qt.

These tests run in their own pytest process (``make ui``): qasync's loop is marked as the
running loop of the main thread for the whole session, as it is in the real program.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Coroutine, Iterator
from typing import Any, TypeVar

import pytest
import qasync

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

T = TypeVar("T")


@pytest.fixture(scope="session")
def qloop(qapp: Any) -> Iterator[asyncio.AbstractEventLoop]:
    """The session's asyncio loop; it runs whenever Qt processes events (qtbot waits).

    The loop is never closed (that would quit the application), so the threads behind
    ``asyncio.to_thread`` are stopped here: Qt aborts the process at exit when a QThread
    is destroyed while it still runs.
    """
    loop = qasync.QEventLoop(qapp, already_running=True)
    executor = qasync.QThreadExecutor()
    loop.set_default_executor(executor)
    asyncio.set_event_loop(loop)
    yield loop
    loop.set_default_executor(None)
    executor.shutdown(wait=True)


def run_async(
    qtbot: Any, loop: asyncio.AbstractEventLoop, coro: Coroutine[Any, Any, T], timeout: float = 10.0
) -> T:
    """Run ``coro`` on the Qt-driven loop until it finishes, processing Qt events meanwhile."""
    task = loop.create_task(coro)
    qtbot.waitUntil(task.done, timeout=int(timeout * 1000))
    return task.result()
