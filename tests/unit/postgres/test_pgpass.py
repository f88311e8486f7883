"""libpq's password file as libpq reads it: which line serves which database, and which
file it is."""

from __future__ import annotations

from pathlib import Path

import pytest

from console.store.location import PostgresTarget
from console.store.postgres.pgpass import has_line_for, password_file

TARGET = PostgresTarget("db.example", "5432", "sms", "ops")


def write(path: Path, text: str, mode: int = 0o600) -> Path:
    path.write_text(text)
    path.chmod(mode)
    return path


@pytest.mark.parametrize(
    ("line", "found"),
    [
        ("db.example:5432:sms:ops:pw", True),
        ("*:*:*:*:pw", True),
        ("db.example:*:sms:ops:pw", True),
        ("db.example:5432:sms:ops:", True),
        ("other:5432:sms:ops:pw", False),
        ("db.example:5433:sms:ops:pw", False),
        ("db.example:5432:other:ops:pw", False),
        ("db.example:5432:sms:alice:pw", False),
        ("#db.example:5432:sms:ops:pw", False),
        ("db.example:5432:sms:ops", False),  # no password field
        ("db.example:5432:sms:o\\:ps:pw", False),
    ],
)
def test_a_line_matches_field_by_field_with_wildcards(
    tmp_path: Path, line: str, found: bool
) -> None:
    path = write(tmp_path / "pgpass", f"# comment\n{line}\n")
    assert has_line_for(path, TARGET) is found


def test_escaped_colons_belong_to_the_field(tmp_path: Path) -> None:
    path = write(tmp_path / "pgpass", "db\\:x:5432:s\\\\ms:ops:pw\n")
    assert has_line_for(path, PostgresTarget("db:x", "5432", "s\\ms", "ops"))


def test_local_socket_connections_match_localhost_lines(tmp_path: Path) -> None:
    path = write(tmp_path / "pgpass", "localhost:5432:sms:ops:pw\n")
    for host in ("localhost", "", "/var/run/postgresql", "/tmp"):  # noqa: S108
        assert has_line_for(path, PostgresTarget(host, "5432", "sms", "ops")), host
    assert not has_line_for(path, PostgresTarget("/srv/pg/socket", "5432", "sms", "ops"))


def test_any_of_several_hosts_may_match(tmp_path: Path) -> None:
    path = write(tmp_path / "pgpass", "db2:5433:sms:ops:pw\n")
    assert has_line_for(path, PostgresTarget("db1,db2", "5432,5433", "sms", "ops"))
    assert not has_line_for(path, PostgresTarget("db1,db2", "5432", "sms", "ops"))


def test_a_file_others_may_read_is_ignored_as_libpq_does(tmp_path: Path) -> None:
    assert not has_line_for(write(tmp_path / "pgpass", "*:*:*:*:pw\n", 0o644), TARGET)
    assert not has_line_for(tmp_path / "missing", TARGET)
    (tmp_path / "folder").mkdir(mode=0o700)
    assert not has_line_for(tmp_path / "folder", TARGET)


def test_the_file_is_the_urls_then_pgpassfile_then_the_home_one(tmp_path: Path) -> None:
    home = tmp_path / "home"
    assert password_file(TARGET, {}, home) == home / ".pgpass"
    assert password_file(TARGET, {"PGPASSFILE": "/etc/pg"}, home) == Path("/etc/pg")
    own = PostgresTarget("db", "5432", "sms", "ops", passfile="/srv/pgpass")
    assert password_file(own, {"PGPASSFILE": "/etc/pg"}, home) == Path("/srv/pgpass")
