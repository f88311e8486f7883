"""Where the benchmarked window's million messages are, for ``bench_window.py``.

``LocalStore``: the SQLite store copied into each run's data folder, the window's own
file. ``SharedStore``: a PostgreSQL database (a server started here, every commit
durable) loaded once with the same rows and reset before each run; the window opens it
with ``--store URL`` as a console in team mode does, with its embedded listener turned on
(``embedded_on_shared``) so that live receipts still reach it through its own listener.

Before each run the 200 newest messages are accepted and awaiting a receipt (the ones
live receipts are for), and a profile and a listener on a free port are written. What the
runs type into the filter box is picked from the same rows (``customers``,
``searched_texts``).
"""

# The SQLite query's placeholders are built from the number of ids only.
# ruff: noqa: S608

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import psycopg

from console.settings import ListenerSettings, Settings, save_settings
from tests.benchmarks.bench_postgres_log import copy_store
from tests.benchmarks.window_receipts import stored_places
from tests.support.postgres_server import PostgresServer

TOKEN = "bench-token-0123456789abcdef"
AWAITING_RECEIPTS = 200

COMMON_WORDS = ("parcel", "invoice", "shipped", "appointment", "verification", "payment")

_AWAITING = (
    "UPDATE messages SET status = 'accepted', result_code = 0, status_detail = NULL,"
    " receipt = {true}, state = NULL, state_result_code = NULL, state_at = NULL"
    " WHERE id IN (SELECT id FROM messages ORDER BY created_at DESC LIMIT {limit})"
)


def customers(store: Path, wanted: int) -> list[str]:
    """Distinct North American numbers among the newest messages, newest first."""
    conn = sqlite3.connect(f"file:{store}?mode=ro", uri=True)
    try:
        rows = conn.execute(
            "SELECT phone_number FROM messages ORDER BY created_at DESC LIMIT 5000"
        ).fetchall()
    finally:
        conn.close()
    numbers = [n for (n,) in rows if n.startswith(("1202555", "1312555"))]
    return list(dict.fromkeys(numbers))[:wanted]


def searched_texts(store: Path, wanted: int) -> list[str]:
    """A common word and a rare text in turn, ``wanted`` of each. A rare text is a parcel's
    number cut to its first four digits: a few dozen messages in a million."""
    conn = sqlite3.connect(f"file:{store}?mode=ro", uri=True)
    try:
        rows = conn.execute(
            "SELECT body FROM messages WHERE body LIKE 'Your parcel %' ORDER BY id LIMIT ?",
            (wanted * 10,),
        ).fetchall()
    finally:
        conn.close()
    rare = list(dict.fromkeys(f"parcel {body.split()[2][:4]}" for (body,) in rows))[:wanted]
    common = [COMMON_WORDS[n % len(COMMON_WORDS)] for n in range(wanted)]
    return [text for pair in zip(common, rare, strict=True) for text in pair]


def _settings(data_dir: Path, *, shared: bool) -> None:
    listener = ListenerSettings(port=0, path_token=TOKEN, embedded_on_shared=shared)
    save_settings(data_dir / "profiles.json", Settings(listener=listener))


class LocalStore:
    """The window's own SQLite file, a fresh copy of the big store each run."""

    described = "SQLite file in the data folder (a fresh copy each run)"
    oldest_target_ms = 200.0

    def __init__(self, source: Path) -> None:
        self._source = source

    def prepare(self, data_dir: Path) -> None:
        database = data_dir / "messages.sqlite3"
        shutil.copyfile(self._source, database)
        conn = sqlite3.connect(database)
        try:
            conn.execute(_AWAITING.format(true=1, limit="?"), (AWAITING_RECEIPTS,))
            conn.commit()
        finally:
            conn.close()
        _settings(data_dir, shared=False)

    def probe_args(self, data_dir: Path) -> list[str]:
        return ["--data-dir", str(data_dir)]

    def stored_order(self, data_dir: Path, ids: list[str]) -> dict[tuple[str, int], int]:
        """Each receipt's place among its message's receipts (see ``stored_places``)."""
        conn = sqlite3.connect(f"file:{data_dir / 'messages.sqlite3'}?mode=ro", uri=True)
        try:
            rows = conn.execute(
                f"SELECT message_id, result_code FROM receipts"
                f" WHERE message_id IN ({', '.join('?' * len(ids))}) ORDER BY id",
                ids,
            ).fetchall()
        finally:
            conn.close()
        return stored_places(rows)

    def close(self) -> None:
        """Nothing outlives a run."""


class SharedStore:
    """A PostgreSQL database with the big store's rows, for windows on ``--store URL``.

    Starting it copies the rows in (``copy_seconds``); ``close`` removes the server.
    """

    oldest_target_ms = 150.0

    def __init__(self, source: Path, folder: Path) -> None:
        self._server = PostgresServer(folder, durable=True)
        self._server.start()
        try:
            self.url = self._server.url(self._server.create_database("window"))
            self.copy_seconds = copy_store(source, self.url)
            with psycopg.connect(self._server.url()) as conn:
                row = conn.execute("SELECT current_setting('server_version')").fetchone()
        except BaseException:
            self._server.remove()
            raise
        version = row[0] if row else "?"
        self.described = f"PostgreSQL {version} (durable commits), through --store URL"

    def prepare(self, data_dir: Path) -> None:
        """The state a fresh copy would have for what a run changes: the newest messages
        without receipts, no lease left by the last window, no news queued."""
        with psycopg.connect(self.url) as conn:
            conn.execute(
                "DELETE FROM receipts WHERE message_id IN"
                " (SELECT message_id FROM messages ORDER BY created_at DESC LIMIT %s)",
                (AWAITING_RECEIPTS,),
            )
            conn.execute(_AWAITING.format(true="true", limit="%s"), (AWAITING_RECEIPTS,))
            conn.execute(
                "UPDATE messages SET lease_owner = NULL, lease_until = NULL"
                " WHERE lease_owner IS NOT NULL"
            )
            conn.execute("DELETE FROM changes")
            conn.commit()
            conn.autocommit = True
            conn.execute("VACUUM ANALYZE messages, receipts, changes")
        _settings(data_dir, shared=True)

    def probe_args(self, data_dir: Path) -> list[str]:
        return ["--data-dir", str(data_dir), "--store", self.url]

    def stored_order(self, _data_dir: Path, ids: list[str]) -> dict[tuple[str, int], int]:
        """Each receipt's place among its message's receipts (see ``stored_places``)."""
        with psycopg.connect(self.url) as conn:
            rows = conn.execute(
                "SELECT message_id, result_code FROM receipts"
                " WHERE message_id = ANY(%s) ORDER BY id",
                (ids,),
            ).fetchall()
        return stored_places(rows)

    def close(self) -> None:
        self._server.remove()
