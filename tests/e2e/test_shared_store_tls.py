"""A shared store over TLS (``sslmode=verify-full`` with a CA file), with certificates made
here, and a password the program takes from the keychain: it works, a wrong CA or host
name fails saying so, and the password shows in no error, log or ``ps`` line."""

from __future__ import annotations

import json
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import httpx
import psycopg
import pytest

from console.store.errors import StoreError
from console.store.postgres import schema
from console.store.postgres.store import PostgresStore
from tests.conftest import PASSWORD
from tests.support.certificates import CertificateAuthority
from tests.support.cli import cli_env, command
from tests.support.file_keyring import BACKEND, FILE_ENV
from tests.support.postgres_server import PostgresServer
from tests.support.shared_receiver import own_postgres_server, receipt, shared_receiver

USER = "tls_user"
DATABASE = "team"
LEAKS = (PASSWORD, quote(PASSWORD, safe=""), "Secr3t")


@dataclass(frozen=True)
class TlsServer:
    server: PostgresServer
    port: int
    ca_file: Path
    other_ca_file: Path

    def url(self, host: str = "localhost", ca_file: Path | None = None) -> str:
        ca = ca_file or self.ca_file
        return (
            f"postgresql://{USER}@{host}:{self.port}/{DATABASE}"
            f"?sslmode=verify-full&sslrootcert={quote(str(ca))}"
        )


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


@pytest.fixture(scope="module")
def tls(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TlsServer]:
    folder = tmp_path_factory.mktemp("tls")
    authority = CertificateAuthority("Team CA")
    (folder / "ca.pem").write_text(authority.pem.certificate)
    (folder / "other-ca.pem").write_text(CertificateAuthority("Someone else").pem.certificate)
    issued = authority.server("localhost")  # the name clients use; not 127.0.0.1

    def put_certificate(server: PostgresServer) -> None:
        server.base.mkdir(parents=True, exist_ok=True)
        server.hand_over(server.base / "server.crt", issued.certificate)
        server.hand_over(server.base / "server.key", issued.key)

    port = _free_port()
    with own_postgres_server(
        tcp_port=port,
        password_over_tcp=True,
        settings={"ssl": "on", "ssl_cert_file": "../server.crt", "ssl_key_file": "../server.key"},
        before_start=put_certificate,
    ) as server:
        server.execute(f"CREATE ROLE {USER} LOGIN PASSWORD '{PASSWORD}'")
        server.create_database(DATABASE)
        with psycopg.connect(server.url(DATABASE)) as conn:
            schema.migrate(conn)
        server.execute(
            f"GRANT ALL ON ALL TABLES IN SCHEMA public TO {USER};"
            f" GRANT ALL ON ALL SEQUENCES IN SCHEMA public TO {USER}",
            DATABASE,
        )
        yield TlsServer(server, port, folder / "ca.pem", folder / "other-ca.pem")


@pytest.fixture
def keychain_env(tmp_path: Path) -> dict[str, str]:
    """The CLI's environment: a keychain of its own, no PGPASSWORD, no password file."""
    env = cli_env(
        PYTHON_KEYRING_BACKEND=BACKEND,
        **{FILE_ENV: str(tmp_path / "keychain.json")},
        PGPASSFILE=str(tmp_path / "no-pgpass"),
    )
    env.pop("PGPASSWORD", None)
    return env


def keep_password(data_dir: Path, url: str, env: dict[str, str]) -> None:
    kept = subprocess.run(
        command(data_dir, "--store", url, "db", "password", "set", "--password-stdin"),
        input=PASSWORD + "\n",
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert kept.returncode == 0, kept.stderr


def cli(data_dir: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        command(data_dir, *args), env=env, capture_output=True, text=True, timeout=60, check=False
    )


def assert_no_password(*texts: str) -> None:
    for text in texts:
        for form in LEAKS:
            assert form not in text


def test_a_store_connects_over_verify_full_tls_with_the_ca_file(tls: TlsServer) -> None:
    url = f"{tls.url()}&password={quote(PASSWORD, safe='')}"
    with PostgresStore(url) as store:
        assert store.receivers() == []
    with psycopg.connect(url) as conn:
        row = conn.execute("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()").fetchone()
    assert row == (True,)


def test_a_wrong_ca_or_host_name_fails_saying_so_without_the_password(tls: TlsServer) -> None:
    password = f"&password={quote(PASSWORD, safe='')}"
    with pytest.raises(StoreError) as wrong_ca:
        PostgresStore(tls.url(ca_file=tls.other_ca_file) + password)
    assert "certificate verify failed" in str(wrong_ca.value)
    with pytest.raises(StoreError) as wrong_host:
        PostgresStore(tls.url(host="127.0.0.1") + password)
    assert 'does not match host name "127.0.0.1"' in str(wrong_host.value)
    assert_no_password(str(wrong_ca.value), str(wrong_host.value))


def test_the_cli_uses_the_keychains_password_over_tls_and_a_wrong_ca_fails_clearly(
    tls: TlsServer, data_dir: Path, keychain_env: dict[str, str]
) -> None:
    keep_password(data_dir, tls.url(), keychain_env)

    shown = cli(data_dir, keychain_env, "--store", tls.url(), "db", "status")
    assert shown.returncode == 0, shown.stderr
    assert f"schema version: {schema.VERSION}" in shown.stdout

    other = tls.url(ca_file=tls.other_ca_file)
    keep_password(data_dir, other, keychain_env)
    refused = cli(data_dir, keychain_env, "--store", other, "log")
    assert refused.returncode == 3
    assert refused.stderr.startswith(f"sms-console: cannot use the message store {other}: ")
    assert "certificate verify failed" in refused.stderr
    assert_no_password(shown.stdout, shown.stderr, refused.stdout, refused.stderr)


def test_a_receiver_over_tls_shows_its_password_nowhere_even_when_the_server_goes_away(
    tls: TlsServer, data_dir: Path, keychain_env: dict[str, str]
) -> None:
    url = tls.url()
    keep_password(data_dir, url, keychain_env)
    acknowledged: list[str] = []
    with shared_receiver(data_dir, url, env=keychain_env) as (process, callback_url):
        cmdline = Path(f"/proc/{process.pid}/cmdline").read_bytes().decode()
        assert "receiver" in cmdline
        assert url in cmdline.split("\0")
        assert_no_password(cmdline)
        assert httpx.post(callback_url, data=receipt("tls-1"), timeout=10).status_code == 200
        acknowledged.append("tls-1")

        tls.server.stop("fast")
        try:
            down = httpx.post(callback_url, data=receipt("tls-down"), timeout=10)
            assert down.status_code == 503
            assert_no_password(down.text)
        finally:
            tls.server.start()
        deadline = time.monotonic() + 5
        while httpx.post(callback_url, data=receipt("tls-2"), timeout=10).status_code != 200:
            assert time.monotonic() < deadline
            time.sleep(0.2)
        acknowledged.append("tls-2")
        process.terminate()
        _out, errors = process.communicate(timeout=30)

    assert "could not store" in errors  # the outage was logged, and without the password
    written = [p.read_text(errors="replace") for p in data_dir.rglob("*") if p.is_file()]
    assert_no_password(errors, *written)
    assert set(acknowledged) <= set(logged_ids_with(data_dir, url, keychain_env))


def logged_ids_with(data_dir: Path, url: str, env: dict[str, str]) -> list[str]:
    result = cli(data_dir, env, "--store", url, "log", "--json")
    assert result.returncode == 0, result.stderr
    return [json.loads(line)["message_id"] for line in result.stdout.splitlines()]
