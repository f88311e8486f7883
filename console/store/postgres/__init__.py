"""The shared store in PostgreSQL (team mode): the same interface as the SQLite store."""
