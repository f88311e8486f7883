"""Canned replies in a SQLite store
(a part of :class:`console.store.sqlite.SqliteStore`)."""

from __future__ import annotations


class SqliteCanned:
    """What :class:`SqliteStore` provides these methods with."""
