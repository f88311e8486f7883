"""A real callback listener on a loopback port, in a thread, over a real SQLite file."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

from console.listener.config import ListenerConfig
from console.listener.server import CallbackListener, OnChanges, callback_store

TOKEN = "test-token-0123456789abcdef"


@contextmanager
def running_listener(
    data_dir: Path, on_changes: OnChanges | None = None, **settings: Any
) -> Iterator[CallbackListener]:
    config = replace(ListenerConfig(port=0, path_token=TOKEN), **settings)
    listener = CallbackListener(
        config,
        callback_store(data_dir / "messages.sqlite3"),
        access_log=data_dir / "listener-access.log",
        on_changes=on_changes,
    )
    listener.start_in_thread()
    try:
        yield listener
    finally:
        listener.stop()
