"""The shared store in PostgreSQL (team mode): the same interface as the SQLite store."""

from console.store.postgres.store import PostgresStore

__all__ = ["PostgresStore"]
