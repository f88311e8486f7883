"""``--store``, ``SMS_CONSOLE_STORE`` and ``sms-console db`` as subprocesses, against real
SQLite files and a real PostgreSQL server."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import time
from pathlib import Path
from urllib.parse import quote

import httpx
import psycopg

from console.store import migrations
from console.store.postgres import schema
from console.store.sqlite import SqliteStore
from tests.support.cli import cli_env, command, run_cli
from tests.support.postgres_server import PostgresServer
from tests.support.shared_receiver import receipt, shared_receiver

PASSWORD = "Pg-Secr3t&pw:é/x"


def waiting_for_lock(url: str) -> int:
    with psycopg.connect(url) as conn:
        row = conn.execute(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted"
        ).fetchone()
    return int(row[0]) if row else 0


def test_two_migrates_at_once_both_succeed_and_apply_the_schema_once(
    postgres_server: PostgresServer, tmp_path: Path
) -> None:
    url = postgres_server.url(postgres_server.create_database())
    # Held while both start, so that both are inside `db migrate` together.
    holder = psycopg.connect(url, autocommit=True)
    holder.execute("SELECT pg_advisory_lock(%s)", (schema.MIGRATION_LOCK,))
    runs = [
        subprocess.Popen(
            command(tmp_path / f"data{i}", "--store", url, "db", "migrate"),
            env=cli_env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for i in range(2)
    ]
    try:
        deadline = time.monotonic() + 30
        while waiting_for_lock(url) < 2:
            assert time.monotonic() < deadline, "the two runs never waited for each other"
            assert all(run.poll() is None for run in runs), runs[0].communicate()
            time.sleep(0.05)
    finally:
        holder.close()
    outputs = [run.communicate(timeout=60) for run in runs]

    assert [run.returncode for run in runs] == [0, 0], outputs
    assert sorted(out for out, _err in outputs) == [
        f"already at version {schema.VERSION}: {url}\n",
        f"applied versions {', '.join(map(str, range(1, schema.VERSION + 1)))} to {url}; "
        f"now at version {schema.VERSION}\n",
    ]
    with psycopg.connect(url) as conn:
        assert conn.execute("SELECT version FROM schema_version").fetchall() == [(schema.VERSION,)]
        schema.check(conn)


def test_status_shows_the_versions_and_an_old_schema_stops_with_its_own_status(
    postgres_server: PostgresServer, data_dir: Path
) -> None:
    url = postgres_server.url(postgres_server.create_database())

    before = run_cli(data_dir, "--store", url, "db", "status", "--json")
    assert before.returncode == 4, before.stderr
    status = json.loads(before.stdout)
    assert status["store"] == url
    assert status["kind"] == "postgresql"
    assert status["schema_version"] == 0
    assert status["program_schema_version"] == schema.VERSION
    assert status["pending"] == list(range(1, schema.VERSION + 1))
    assert status["usable"] is False
    assert status["problem"] == (
        f"the store's schema is version 0 and this program needs version {schema.VERSION}: "
        "run `sms-console db migrate` to upgrade it"
    )

    assert run_cli(data_dir, "--store", url, "db", "migrate").returncode == 0
    after = run_cli(data_dir, "--store", url, "db", "status")
    assert after.returncode == 0, after.stderr
    assert f"schema version: {schema.VERSION}\n" in after.stdout
    assert "pending migrations: none\n" in after.stdout

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("UPDATE schema_version SET version = %s", (schema.VERSION + 1,))
    newer = run_cli(data_dir, "--store", url, "db", "migrate")
    assert newer.returncode == 4
    assert newer.stderr == (
        f"sms-console: cannot use the message store {url}: the shared store's schema is "
        f"version {schema.VERSION + 1}, newer than this program's version {schema.VERSION}: "
        "upgrade this program\n"
    )


def test_a_bad_scheme_or_a_password_in_the_url_is_refused_without_showing_it(
    data_dir: Path,
) -> None:
    bad = run_cli(data_dir, "--store", "mysql://ops@db/sms", "log")
    assert bad.returncode == 2
    assert bad.stdout == ""
    assert bad.stderr == (
        "sms-console: --store: unsupported scheme 'mysql'; use sqlite:///path or postgresql://…\n"
    )

    encoded = quote(PASSWORD, safe="")
    for args, env in (
        (("--store", f"postgresql://ops:{encoded}@db.example/sms", "db", "status"), {}),
        (("--store", f"postgres://ops:{PASSWORD}@db.example/sms", "receiver"), {}),
        (("--store", f"postgresql://ops@db.example/sms?password={encoded}", "log"), {}),
        (("log",), {"SMS_CONSOLE_STORE": f"postgresql://ops:{encoded}@db.example/sms"}),
    ):
        result = run_cli(data_dir, *args, env=cli_env(**env))
        assert result.returncode == 2, result.stderr
        assert result.stdout == ""
        source = "SMS_CONSOLE_STORE" if env else "--store"
        assert result.stderr.startswith(f"sms-console: {source}: the URL carries a password: ")
        assert "PGPASSWORD" in result.stderr
        for form in (PASSWORD, encoded, "Secr3t"):
            assert form not in result.stderr
        log = data_dir / "console.log"
        assert not log.exists() or "Secr3t" not in log.read_text()


def test_the_environment_selects_the_sqlite_file_log_reads(tmp_path: Path, data_dir: Path) -> None:
    path = tmp_path / "elsewhere" / "x.sqlite3"
    SqliteStore(path).close()
    with sqlite3.connect(path) as conn:
        conn.execute(
            "INSERT INTO replies (message_id, shortcode, phone_number, body, received_at,"
            " source_address, raw) VALUES ('mo-elsewhere', '12345', '12025550100', 'hi', ?,"
            " '127.0.0.1', '')",
            (time.time(),),
        )
    conn.close()

    result = run_cli(data_dir, "log", "--json", env=cli_env(SMS_CONSOLE_STORE=f"sqlite://{path}"))

    assert result.returncode == 0, result.stderr
    (entry,) = [json.loads(line) for line in result.stdout.splitlines()]
    assert entry["message_id"] == "mo-elsewhere"
    assert not (data_dir / "messages.sqlite3").exists()


def test_the_receiver_stores_callbacks_in_the_chosen_store_and_stops_on_a_newer_one(
    tmp_path: Path, data_dir: Path
) -> None:
    path = tmp_path / "shared.sqlite3"
    with shared_receiver(data_dir, f"sqlite://{path}") as (_process, url):
        assert httpx.post(url, data=receipt("x-1"), timeout=5).status_code == 200
    with SqliteStore(path) as store:
        assert [r.message_id for r in store.orphan_receipts()] == ["x-1"]
    assert not (data_dir / "messages.sqlite3").exists()

    with sqlite3.connect(path) as conn:
        conn.execute(f"PRAGMA user_version = {len(migrations.MIGRATIONS) + 1}")
    conn.close()
    newer = run_cli(data_dir, "--store", f"sqlite://{path}", "receiver", "--port", "0")
    assert newer.returncode == 4
    assert newer.stderr.startswith(f"sms-console: cannot use the message store {path}: ")
    assert f"schema {len(migrations.MIGRATIONS) + 1}" in newer.stderr
