"""Canned replies in the shared store
(a part of :class:`console.store.postgres.PostgresStore`)."""

from __future__ import annotations


class PostgresCanned:
    """What :class:`PostgresStore` provides these methods with."""
