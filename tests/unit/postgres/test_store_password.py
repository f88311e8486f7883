"""A shared store that asks for a password gets it from PGPASSWORD, ~/.pgpass or the
keychain, in that order, through ``--store`` without one; and no error text shows it."""

from __future__ import annotations

import io
import shlex
import sys
from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest

from console.cli.main import main
from console.keychain.database import database_service_name
from console.store.location import PostgresTarget
from tests.support.keyrings import MemoryKeyring
from tests.support.postgres_server import PostgresServer

USER = "pw_owner"
SECRET = "Pg-Secr3t&pw é"
DATABASE = "pwstore"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PostgresServer]:
    """A server that asks USER for a password over its socket (and trusts the rest)."""
    server = PostgresServer(tmp_path_factory.mktemp("postgres-password"))
    server.start()
    try:
        hba = server.data / "pg_hba.conf"
        hba.write_text(f"local all {USER} scram-sha-256\n{hba.read_text()}")
        server.restart()
        server.execute(f"CREATE ROLE {USER} LOGIN PASSWORD '{SECRET}'")
        server.execute(f"CREATE DATABASE {DATABASE} OWNER {USER}")
        yield server
    finally:
        server.remove()


@pytest.fixture
def memory_keyring(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[MemoryKeyring]:
    for name in ("SMS_CONSOLE_STORE", "PGPASSWORD", "PGPASSFILE", "PGHOST", "PGPORT"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


def status(data_dir: Path, url: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(["--data-dir", str(data_dir), "--store", url, "db", "status"])
    captured = capsys.readouterr()
    assert SECRET not in captured.out + captured.err
    return code, captured.out + captured.err


def test_the_keychain_password_reaches_the_server_unless_libpq_has_its_own(
    server: PostgresServer,
    memory_keyring: MemoryKeyring,
    data_dir: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    url = server.url(DATABASE, USER)
    code, text = status(data_dir, url, capsys)
    assert code == 3
    assert f"sms-console: cannot use the message store {url}: " in text
    assert f"no password was found for {USER}" in text
    assert (
        f"keep one in the keychain with sms-console --store {shlex.quote(url)} db password set"
        in text
    )

    saved = sys.stdin
    sys.stdin = io.StringIO(SECRET + "\n")
    try:
        args = ["--data-dir", str(data_dir), "--store", url, "db", "password", "set"]
        assert main([*args, "--password-stdin"]) == 0
    finally:
        sys.stdin = saved
    target = PostgresTarget(str(server.socket_dir), "5432", DATABASE, USER)
    assert memory_keyring.entries == {(database_service_name(target), USER): SECRET}
    capsys.readouterr()
    code, text = status(data_dir, url, capsys)
    assert code == 4, text  # reached: a database without the schema yet
    assert "schema version: none yet" in text

    # PGPASSWORD comes first, even when it is wrong.
    monkeypatch.setenv("PGPASSWORD", "wrong-password")
    code, text = status(data_dir, url, capsys)
    assert code == 3
    assert f"the password for {USER} was refused" in text
    monkeypatch.delenv("PGPASSWORD")

    # So does a line of the password file.
    pgpass = tmp_path / ".pgpass"
    pgpass.write_text(f"*:*:{DATABASE}:{USER}:wrong-password\n")
    pgpass.chmod(0o600)
    code, text = status(data_dir, url, capsys)
    assert code == 3
    assert f"the password for {USER} was refused" in text
    pgpass.write_text(f"*:*:{DATABASE}:{USER}:{SECRET}\n")
    memory_keyring.entries.clear()
    assert status(data_dir, url, capsys)[0] == 4
