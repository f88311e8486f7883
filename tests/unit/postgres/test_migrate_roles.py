"""``db migrate`` run by a login that may not change the schema (an operator's, as the
README makes it): a current schema is said to be current; an old one names who can
upgrade it, without the server's SQL."""

from __future__ import annotations

from pathlib import Path

import pytest

from console.cli.main import main
from console.store.postgres import schema
from tests.support.postgres_server import PostgresServer
from tests.support.team_roles import OWNER, team_database, team_login


def migrate(data_dir: Path, url: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(["--data-dir", str(data_dir), "--store", url, "db", "migrate"])
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def test_an_operator_is_told_the_schema_is_current(
    postgres_server: PostgresServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with (
        team_database(postgres_server) as database,
        team_login(postgres_server, "sms_operator") as alice,
    ):
        url = postgres_server.url(database, alice)
        code, said = migrate(tmp_path, url, capsys)
    assert code == 0, said
    assert said.startswith(f"already at version {schema.VERSION}")
    assert "permission denied" not in said


def test_an_operator_is_told_who_may_upgrade_an_old_schema(
    postgres_server: PostgresServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with team_login(postgres_server, "sms_operator") as alice:
        name = postgres_server.create_database()
        postgres_server.execute(f'ALTER DATABASE "{name}" OWNER TO {OWNER}')
        postgres_server.execute("REVOKE CREATE ON SCHEMA public FROM PUBLIC", name)
        postgres_server.execute(f"ALTER SCHEMA public OWNER TO {OWNER}", name)
        try:
            code, said = migrate(tmp_path, postgres_server.url(name, alice), capsys)
        finally:
            postgres_server.drop_database(name)
    assert code != 0
    assert "this login cannot change the schema: run db migrate as the schema's owner" in said
    assert "sms_owner" in said
    assert "LINE 1" not in said
    assert "CREATE TABLE" not in said
