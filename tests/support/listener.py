"""A real callback listener on a loopback port, in a thread, over a real SQLite file."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

from console.listener.config import ListenerConfig
from console.listener.server import AfterCommit, CallbackListener

TOKEN = "test-token-0123456789abcdef"


@contextmanager
def running_listener(
    data_dir: Path, after_commit: AfterCommit | None = None, **settings: Any
) -> Iterator[CallbackListener]:
    config = replace(ListenerConfig(port=0, path_token=TOKEN), **settings)
    listener = CallbackListener(
        config,
        data_dir / "messages.sqlite3",
        access_log=data_dir / "listener-access.log",
        after_commit=after_commit,
    )
    listener.start_in_thread()
    try:
        yield listener
    finally:
        listener.stop()
