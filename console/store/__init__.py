"""Persistence of messages, attempts and callbacks.

Callers use :class:`MessageStore`; :func:`open_store` picks the backend (SQLite today).
"""

from __future__ import annotations

from pathlib import Path

from console.store.interface import MessageStore
from console.store.sqlite import SqliteStore


def open_store(path: Path) -> MessageStore:
    return SqliteStore(path)


__all__ = ["MessageStore", "SqliteStore", "open_store"]
