"""What the command line says when a shared store cannot be opened: the URL once,
libpq's lines as clauses, a refused or missing password with the command that keeps one
(its URL quoted for a shell), and ``db status --json`` still one JSON object."""

from __future__ import annotations

import json
import shlex
from collections.abc import Iterator
from pathlib import Path

import keyring
import psycopg
import pytest
from _pytest.capture import CaptureResult

from console.cli.main import main
from console.store.errors import StoreError
from console.store.location import StoreLocation
from console.store.postgres import PostgresStore
from console.store.postgres.open_failure import libpq_reason
from tests.support.keyrings import MemoryKeyring
from tests.support.postgres_server import PostgresServer, scratch_server

USER = "words_owner"
SECRET = "Words-s3cret-pw"
DOWN = "postgresql://ann@127.0.0.1:1/sms?connect_timeout=2&sslmode=disable"


@pytest.fixture(scope="module")
def server() -> Iterator[PostgresServer]:
    """A server that asks USER for a password over its socket (and trusts the rest)."""
    with scratch_server() as server:
        server.execute(f"CREATE ROLE {USER} LOGIN PASSWORD '{SECRET}'")
        server.hand_over(
            server.data / "pg_hba.conf", f"local all {USER} scram-sha-256\nlocal all all trust\n"
        )
        server.execute("SELECT pg_reload_conf()")
        yield server


@pytest.fixture(autouse=True)
def no_password(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    for name in ("SMS_CONSOLE_STORE", "PGPASSWORD", "PGHOST", "PGPORT", "PGUSER"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("PGPASSFILE", str(tmp_path / "no-pgpass"))
    previous = keyring.get_keyring()
    keyring.set_keyring(MemoryKeyring())
    yield
    keyring.set_keyring(previous)


def cli(
    tmp_path: Path, url: str, *args: str, capsys: pytest.CaptureFixture[str]
) -> tuple[int, CaptureResult[str]]:
    code = main(["--data-dir", str(tmp_path / "data"), "--store", url, *args])
    return code, capsys.readouterr()


def test_an_unreachable_store_is_named_once_with_libpqs_lines_apart(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, said = cli(tmp_path, DOWN, "log", capsys=capsys)
    assert code == 3
    assert said.err.count(DOWN) == 1
    assert "could not be opened" not in said.err
    assert "Connection refused; Is the server running" in said.err


def test_db_status_json_says_unusable_while_the_store_is_down(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, said = cli(tmp_path, DOWN, "db", "status", "--json", capsys=capsys)
    assert code == 3
    status = json.loads(said.out)
    assert status["usable"] is False
    assert "Connection refused" in status["reason"]
    assert said.err.startswith("sms-console: cannot use the message store")


def test_a_wrong_password_says_whose_and_how_to_keep_the_right_one(
    server: PostgresServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("PGPASSWORD", "not-the-one")
    url = server.url(user=USER) + "&connect_timeout=5"
    code, said = cli(tmp_path, url, "log", capsys=capsys)
    assert code == 3
    assert f"the password for {USER} was refused" in said.err
    assert f"sms-console --store {shlex.quote(url)} db password set" in said.err
    assert "not-the-one" not in said.err


def test_a_missing_password_says_where_it_was_looked_for(
    server: PostgresServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = server.url(user=USER) + "&connect_timeout=5"
    code, said = cli(tmp_path, url, "db", "status", capsys=capsys)
    assert code == 3
    assert f"no password was found for {USER}" in said.err
    assert f"sms-console --store {shlex.quote(url)} db password set" in said.err
    assert "fe_sendauth" not in said.err


def test_a_line_libpq_repeats_for_each_address_tried_is_said_once() -> None:
    line = 'connection to server at "127.0.0.1", port 5432 failed: FATAL:  no entry for host'
    error = psycopg.OperationalError(f"{line}\n{line}\n\tIs the server running?")
    location = StoreLocation.postgresql("postgresql://ann@db.example/sms")
    assert libpq_reason(error, location) == (
        'connection to server at "127.0.0.1", port 5432 failed: FATAL: no entry for host; '
        "Is the server running?"
    )


def test_the_stores_own_words_quote_the_hint_and_keep_libpqs_lines_apart(
    server: PostgresServer,
) -> None:
    # What a receiver logs and a window prints on stderr: the store's error itself.
    url = server.url(user=USER) + "&connect_timeout=5"
    with pytest.raises(StoreError) as missing:
        PostgresStore(url)
    assert (
        f"(keep one in the keychain: sms-console --store {shlex.quote(url)} db password set)"
        in (str(missing.value))
    )
    with pytest.raises(StoreError) as down:
        PostgresStore(DOWN)
    assert "Connection refused; Is the server running" in str(down.value)
