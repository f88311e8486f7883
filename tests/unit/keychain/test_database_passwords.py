"""A shared store's password: PGPASSWORD, else libpq's password file, else the keychain
entry filed per server, port, database and user."""

from __future__ import annotations

from pathlib import Path

import pytest
from keyring.backends import fail

from console.keychain import Keychain, KeychainError, service_name
from console.keychain.database import (
    database_service_name,
    delete_database_password,
    store_database_password,
    with_database_password,
)
from console.redaction import MASK, redact
from console.store.location import PostgresTarget, StoreLocation, parse_store_url
from tests.support.keyrings import MemoryKeyring, RefusingKeyring, make
from tests.unit.keychain.conftest import Install

URL = "postgresql://ops@db.example:5432/sms?sslmode=require"
TARGET = PostgresTarget("db.example", "5432", "sms", "ops")
SECRET = "db-Secr3t&pw"


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for name in ("PGPASSWORD", "PGPASSFILE", "PGHOST", "PGPORT", "PGUSER", "PGDATABASE"):
        monkeypatch.delenv(name, raising=False)
    return tmp_path


def found(home: Path, environ: dict[str, str] | None = None) -> str | None:
    return with_database_password(parse_store_url(URL), environ or {}, home).password


def test_each_server_database_and_user_has_its_own_entry_apart_from_profiles() -> None:
    names = {
        database_service_name(target)
        for target in (
            TARGET,
            PostgresTarget("db2.example", "5432", "sms", "ops"),
            PostgresTarget("db.example", "5433", "sms", "ops"),
            PostgresTarget("db.example", "5432", "sms2", "ops"),
            PostgresTarget("db.example", "5432", "sms", "alice"),
        )
    }
    assert len(names) == 5
    assert database_service_name(TARGET) == "sms-operator-console-database:ops@db.example:5432/sms"
    assert not database_service_name(TARGET).startswith(service_name(""))


def test_the_keychain_gives_the_password_when_libpq_has_none(
    memory: MemoryKeyring, home: Path
) -> None:
    assert found(home) is None
    store_database_password(TARGET, SECRET, Keychain(session_fallback=False))
    assert memory.entries == {(database_service_name(TARGET), "ops"): SECRET}
    assert found(home) == SECRET
    assert redact(f"failed with {SECRET}") == f"failed with {MASK}"
    assert delete_database_password(TARGET, Keychain(session_fallback=False))
    assert found(home) is None
    assert not delete_database_password(TARGET, Keychain(session_fallback=False))


def test_pgpassword_and_a_password_file_line_come_before_the_keychain(
    memory: MemoryKeyring, home: Path
) -> None:
    memory.set_password(database_service_name(TARGET), "ops", SECRET)
    # libpq reads these itself: the keychain's password is not handed over.
    assert found(home, {"PGPASSWORD": "from-env"}) is None
    pgpass = home / ".pgpass"
    pgpass.write_text("db.example:5432:sms:ops:from-file\n")
    pgpass.chmod(0o600)
    assert found(home) is None
    pgpass.write_text("db.example:5432:other:ops:from-file\n")
    assert found(home) == SECRET


def test_without_a_keychain_it_connects_without_a_password(install: Install, home: Path) -> None:
    install(make(fail.Keyring))
    assert found(home) is None
    with pytest.raises(KeychainError, match="no keychain"):
        store_database_password(TARGET, SECRET, Keychain(session_fallback=False))


def test_a_failing_keychain_is_reported_and_a_sqlite_store_never_asks(
    install: Install, home: Path
) -> None:
    install(RefusingKeyring())
    with pytest.raises(KeychainError, match="locked"):
        found(home)
    sqlite = StoreLocation.sqlite(home / "x.sqlite3")
    assert with_database_password(sqlite, {}, home) is sqlite
