"""``--store`` and ``sms-console db`` in-process, over SQLite files and an in-memory keychain
(PostgreSQL: tests/unit/postgres/ and tests/e2e/test_cli_db.py)."""

from __future__ import annotations

import io
import json
import sqlite3
import sys
import time
import warnings
from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest

from console.cli.main import main
from console.keychain.database import database_service_name
from console.store import migrations
from console.store.location import PostgresTarget
from console.store.models import IncomingReceipt, QuarantinedCallback
from console.store.sqlite import SqliteStore
from tests.support.keyrings import MemoryKeyring

SECRET = "db-Secr3t&pw"
NEWER = len(migrations.MIGRATIONS) + 1


@pytest.fixture(autouse=True)
def environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("SMS_CONSOLE_STORE", "PGPASSWORD", "PGPASSFILE", "PGHOST", "PGUSER"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def memory_keyring() -> Iterator[MemoryKeyring]:
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


def run(data_dir: Path, *args: str, stdin: str = "") -> int:
    saved = sys.stdin
    sys.stdin = io.StringIO(stdin)
    try:
        return main(["--data-dir", str(data_dir), *args])
    finally:
        sys.stdin = saved


def newer_store(path: Path) -> None:
    SqliteStore(path).close()
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {NEWER}")
    conn.close()


def test_migrate_then_status_on_the_data_directorys_store(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = data_dir / "messages.sqlite3"
    every = ", ".join(str(v) for v in range(1, NEWER))
    assert run(data_dir, "db", "status") == 0
    out = capsys.readouterr().out
    assert f"store: {path} (SQLite)" in out
    assert "schema version: none yet" in out
    assert f"pending migrations: {every} (applied when the store is next opened" in out

    assert run(data_dir, "db", "migrate") == 0
    assert (
        capsys.readouterr().out
        == f"applied versions {every} to {path}; now at version {NEWER - 1}\n"
    )
    assert run(data_dir, "db", "migrate") == 0
    assert capsys.readouterr().out == f"already at version {NEWER - 1}: {path}\n"

    assert run(data_dir, "db", "status", "--json") == 0
    status = json.loads(capsys.readouterr().out)
    assert status["store"] == str(path)
    assert status["kind"] == "sqlite"
    assert status["schema_version"] == status["program_schema_version"] == NEWER - 1
    assert status["pending"] == []
    assert status["usable"] is True


def test_a_store_from_a_newer_program_stops_every_command_naming_both_versions(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "newer.sqlite3"
    newer_store(path)
    for args in (("log",), ("quarantine",), ("db", "migrate")):
        assert run(data_dir, "--store", f"sqlite://{path}", *args) == 4, args
        err = capsys.readouterr().err
        assert err.startswith(f"sms-console: cannot use the message store {path}: "), err
        assert f"{NEWER}" in err
        assert f"{NEWER - 1}" in err
    assert run(data_dir, "--store", f"sqlite://{path}", "db", "status") == 4
    out = capsys.readouterr().out
    assert f"schema version: {NEWER}\n" in out
    assert (
        f"cannot use it: the store's schema is version {NEWER}, newer than this program's "
        f"version {NEWER - 1}: upgrade this program"
    ) in out


def test_the_option_and_then_the_environment_choose_the_sqlite_file(
    data_dir: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    chosen, other = tmp_path / "chosen.sqlite3", tmp_path / "other.sqlite3"
    with SqliteStore(chosen) as store:
        store.add_receipt(IncomingReceipt("in-chosen", 2, 0, time.time(), "127.0.0.1", "r"))
        store.quarantine(
            QuarantinedCallback(time.time(), "127.0.0.1", "POST", "/cb", (), b"odd", "why")
        )
    monkeypatch.setenv("SMS_CONSOLE_STORE", f"sqlite://{other}")
    assert run(data_dir, "--store", f"sqlite://{chosen}", "log") == 0
    assert "in-chosen" in capsys.readouterr().out
    assert run(data_dir, "--store", f"sqlite://{chosen}", "quarantine", "--json") == 0
    assert json.loads(capsys.readouterr().out)["body"] == "odd"

    assert run(data_dir, "log") == 0
    assert capsys.readouterr().out == ""
    assert other.exists()
    assert not (data_dir / "messages.sqlite3").exists()

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SMS_CONSOLE_STORE", "sqlite:chosen.sqlite3")
    assert run(data_dir, "log") == 0
    assert "in-chosen" in capsys.readouterr().out


def test_a_bad_store_url_is_bad_input_for_any_command_and_for_demo_mode(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(data_dir, "--store", "mysql://db/sms", "log") == 2
    assert capsys.readouterr().err == (
        "sms-console: --store: unsupported scheme 'mysql'; use sqlite:///path or postgresql://…\n"
    )
    monkeypatch.setenv("SMS_CONSOLE_STORE", "postgresql://ops:hunter22@db/sms")
    assert run(data_dir, "credentials", "show") == 2
    err = capsys.readouterr().err
    assert err.startswith("sms-console: SMS_CONSOLE_STORE: the URL carries a password: ")
    assert "hunter22" not in err
    monkeypatch.setenv("SMS_CONSOLE_STORE", "postgresql://ops@db/sms")
    assert main(["--demo"]) == 2
    assert "SMS_CONSOLE_STORE: demo mode keeps its messages in its own data folder" in (
        capsys.readouterr().err
    )


def test_db_password_set_files_it_for_the_stores_server_database_and_user(
    data_dir: Path, memory_keyring: MemoryKeyring, capsys: pytest.CaptureFixture[str]
) -> None:
    url = "postgresql://ops@db.example:6543/sms?sslmode=require"
    args = ("--store", url, "db", "password")
    assert run(data_dir, *args, "set", "--password-stdin", stdin=SECRET + "\n") == 0
    target = PostgresTarget("db.example", "6543", "sms", "ops")
    assert memory_keyring.entries == {(database_service_name(target), "ops"): SECRET}
    out = capsys.readouterr().out
    assert out.startswith("stored: the password of ops@db.example:6543/sms (")
    assert SECRET not in out

    assert run(data_dir, *args, "set", "--password-stdin") == 2
    assert "no password given" in capsys.readouterr().err
    assert run(data_dir, *args, "delete") == 0
    assert capsys.readouterr().out == "deleted\n"
    assert memory_keyring.entries == {}


def test_db_password_needs_a_postgresql_store(
    data_dir: Path, memory_keyring: MemoryKeyring, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(data_dir, "db", "password", "set", "--password-stdin", stdin="x\n") == 2
    assert "the store is a SQLite file, which has no password" in capsys.readouterr().err
    assert memory_keyring.entries == {}


def test_db_roles_prints_the_sql_shipped_with_the_package(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(data_dir, "db", "roles") == 0
    shipped = Path(__file__).parents[2] / "console" / "store" / "postgres" / "roles.sql"
    assert capsys.readouterr().out == shipped.read_text()


def test_db_password_set_reads_a_pipe_without_asking(
    data_dir: Path, memory_keyring: MemoryKeyring, capsys: pytest.CaptureFixture[str]
) -> None:
    url = "postgresql://ops@db.example:6543/sms?sslmode=require"
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # getpass's "Can not control echo" would be one
        assert run(data_dir, "--store", url, "db", "password", "set", stdin=SECRET + "\n") == 0
    target = PostgresTarget("db.example", "6543", "sms", "ops")
    assert memory_keyring.entries == {(database_service_name(target), "ops"): SECRET}
    captured = capsys.readouterr()
    assert "Warning" not in captured.err
    assert "Password:" not in captured.out + captured.err


def test_an_empty_log_or_quarantine_says_so_on_standard_error(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(data_dir, "log") == 0
    captured = capsys.readouterr()
    assert (captured.out, captured.err) == ("", "no messages\n")
    assert run(data_dir, "--operator", "root", "log", "--mine") == 0
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith("no messages sent by root: give --operator NAME")
    assert run(data_dir, "quarantine") == 0
    captured = capsys.readouterr()
    assert (captured.out, captured.err) == ("", "no refused callbacks in the quarantine\n")
