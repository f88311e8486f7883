"""Persistence of messages, attempts and callbacks.

Callers use :class:`MessageStore`; :func:`open_store` picks the backend (SQLite today).
"""

from __future__ import annotations

from pathlib import Path

from console.store.interface import MessageStore
from console.store.sqlite import SqliteStore


def open_store(path: Path, *, any_thread: bool = False) -> MessageStore:
    """The store in ``path``; with ``any_thread``, usable from other threads, one at a time."""
    return SqliteStore(path, any_thread=any_thread)


__all__ = ["MessageStore", "SqliteStore", "open_store"]
