"""``sms-console receiver`` on a shared store, as a subprocess, and what tests send it."""

from __future__ import annotations

import json
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg

from console.store.postgres import schema
from tests.support.cli import cli_env, command, run_cli
from tests.support.postgres_server import PostgresServer

TOKEN = "shared-token-0123456789abcdef"


@contextmanager
def own_postgres_server(
    *,
    tcp_port: int | None = None,
    settings: dict[str, str] | None = None,
    password_over_tcp: bool = False,
    before_start: Callable[[PostgresServer], None] | None = None,
) -> Iterator[PostgresServer]:
    """A server of the test's own, which it may stop and start (the shared one serves the
    other tests). ``before_start`` may put files in its folder (``base``) first."""
    server = PostgresServer(
        Path(tempfile.mkdtemp(prefix="sms-console-postgres-")),
        tcp_port=tcp_port,
        settings=settings,
        password_over_tcp=password_over_tcp,
    )
    if before_start is not None:
        before_start(server)
    server.start()
    try:
        yield server
    finally:
        server.remove()


def migrated_database(server: PostgresServer) -> str:
    """A new database on the shared schema; its URL."""
    url = server.url(server.create_database())
    with psycopg.connect(url) as conn:
        schema.migrate(conn)
    return url


@contextmanager
def shared_receiver(
    data_dir: Path, store_url: str, env: dict[str, str] | None = None
) -> Iterator[tuple[subprocess.Popen[str], str]]:
    """A receiver process on ``store_url``; it and its callback URL. Stopped with SIGTERM
    at the end (its output then read)."""
    process = subprocess.Popen(
        command(data_dir, "--store", store_url, "receiver", "--port", "0", "--path-token", TOKEN),
        env=env or cli_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    try:
        line = process.stdout.readline()
        if not line.startswith("listening "):
            _out, err = process.communicate(timeout=20)
            raise AssertionError(f"the receiver did not start: {line}{err}")
        yield process, line.split()[1]
    finally:
        if process.poll() is None:
            process.terminate()
        process.communicate(timeout=30)


def receipt(message_id: str, state: int = 2) -> dict[str, str]:
    return {"type": "receipt", "message_id": message_id, "message_state": str(state)}


def logged_ids(data_dir: Path, store_url: str) -> list[str]:
    """The message_ids ``log --json`` lists for ``store_url``, once per row."""
    result = run_cli(data_dir, "--store", store_url, "log", "--json", "--limit", "100000")
    assert result.returncode == 0, result.stderr
    return [json.loads(line)["message_id"] for line in result.stdout.splitlines()]
