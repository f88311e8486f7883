"""A shared store set up as the README's Team mode says: a database its owner migrated,
the shipped roles' SQL run by a superuser, and logins that are members of those roles."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from importlib.resources import files

import psycopg

from console.store.postgres import schema
from tests.support.postgres_server import PostgresServer

ROLES_SQL = files("console.store.postgres").joinpath("roles.sql").read_text("utf-8")
OWNER = "sms_owner"


@contextmanager
def team_database(server: PostgresServer) -> Iterator[str]:
    """A new database owned by sms_owner, migrated by it, with the roles granted; its name.
    Dropped after."""
    server.execute(
        f"DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{OWNER}')"
        f" THEN CREATE ROLE {OWNER} LOGIN; END IF; END $$"
    )
    name = f"team_{uuid.uuid4().hex[:12]}"
    server.execute(f"CREATE DATABASE {name} OWNER {OWNER}")
    with psycopg.connect(server.url(name, OWNER)) as conn:
        schema.migrate(conn)
    server.execute(ROLES_SQL, name)
    try:
        yield name
    finally:
        server.drop_database(name)


@contextmanager
def team_login(server: PostgresServer, *groups: str) -> Iterator[str]:
    """A login of one's own, a member of ``groups`` (as `createuser --role`); its name."""
    login = f"alice_{uuid.uuid4().hex[:8]}"
    server.execute(f"CREATE ROLE {login} LOGIN IN ROLE {', '.join(groups)}")
    try:
        yield login
    finally:
        server.execute(f"DROP ROLE {login}")
