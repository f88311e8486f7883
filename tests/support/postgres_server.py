"""A real PostgreSQL server for tests: Debian's binaries, a cluster in a temporary folder,
reached through a Unix socket in that folder only (no TCP port unless asked for).

``initdb`` and ``postgres`` refuse to run as root, and CI runs the tests as root: there
the server runs as Debian's ``postgres`` user (through ``runuser``), with its folder
handed to that user. Local connections are trusted; each test gets a database of its own.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
import uuid
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

import psycopg
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict

SUPERUSER = "postgres"
_BINARIES = Path("/usr/lib/postgresql")
_HBA_PASSWORD_OVER_TCP = """\
local all all trust
host all all 127.0.0.1/32 scram-sha-256
"""


def binaries() -> Path | None:
    """The newest installed PostgreSQL's bin folder, or None when there is none."""
    found = sorted(
        (p for p in _BINARIES.glob("*/bin") if (p / "initdb").exists()),
        key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0,
    )
    return found[-1] if found else None


class PostgresServer:
    """One cluster under ``base``: ``start`` it, make databases, ``stop`` it.

    ``durable``: fsync on, as benchmarks and drills need; tests run faster without.
    ``tcp_port``: also listen on 127.0.0.1 at that port (for TLS tests).
    ``password_over_tcp``: connections over TCP must give their password (SCRAM); those
    through the socket stay trusted.
    """

    def __init__(
        self,
        base: Path,
        *,
        durable: bool = False,
        tcp_port: int | None = None,
        settings: dict[str, str] | None = None,
        password_over_tcp: bool = False,
    ) -> None:
        bin_dir = binaries()
        if bin_dir is None:
            raise RuntimeError("PostgreSQL is not installed (Debian's postgresql package)")
        self._bin = bin_dir
        self.base = base
        self.data = base / "data"
        self.socket_dir = base / "socket"
        self.log = base / "server.log"
        self._durable = durable
        self.tcp_port = tcp_port
        self._settings = settings or {}
        self._password_over_tcp = password_over_tcp
        # As root, the server runs as the unprivileged user Debian's package made.
        self._as_user = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []

    # Life ---------------------------------------------------------------------------------

    def start(self) -> None:
        self.base.mkdir(parents=True, exist_ok=True)
        self.socket_dir.mkdir(exist_ok=True)
        if self._as_user:
            # The folder and its parents must be reachable by the server's own user.
            shutil.chown(self.base, "postgres", "postgres")
            shutil.chown(self.socket_dir, "postgres", "postgres")
            self.base.chmod(0o755)
            for parent in self.base.parents:
                if parent == Path("/"):
                    break
                parent.chmod(parent.stat().st_mode | 0o011)
        if not (self.data / "PG_VERSION").exists():
            self._run(
                "initdb",
                "-D",
                str(self.data),
                "-U",
                SUPERUSER,
                "--auth=trust",
                "--encoding=UTF8",
                "--locale=C.UTF-8",
                "--no-sync",
            )
            if self._password_over_tcp:
                self._hand_over(self.data / "pg_hba.conf", _HBA_PASSWORD_OVER_TCP)
        self._ctl("start", "-w", "-l", str(self.log), "-o", self._options())

    def stop(self, mode: str = "fast") -> None:
        if (self.data / "postmaster.pid").exists():
            self._ctl("stop", "-w", "-m", mode)

    def restart(self, mode: str = "fast") -> None:
        self._ctl("restart", "-w", "-m", mode, "-l", str(self.log), "-o", self._options())

    def remove(self) -> None:
        self.stop()
        shutil.rmtree(self.base, ignore_errors=True)

    # Databases ----------------------------------------------------------------------------

    def url(self, database: str = SUPERUSER, user: str = SUPERUSER) -> str:
        """A connection URL through the Unix socket (no password: local trust)."""
        url = f"postgresql://{quote(user)}@/{quote(database)}?host={quote(str(self.socket_dir))}"
        # The socket's name carries the port the server listens on.
        return f"{url}&port={self.tcp_port}" if self.tcp_port else url

    def create_database(self, name: str | None = None) -> str:
        """A new empty database; its name."""
        name = name or f"test_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return name

    def drop_database(self, name: str) -> None:
        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def execute(self, sql: str, database: str = SUPERUSER) -> None:
        """Run ``sql`` as the superuser (roles, grants, settings)."""
        with psycopg.connect(self.url(database), autocommit=True) as conn:
            conn.execute(sql.encode())

    def hand_over(self, path: Path, text: str) -> None:
        """Write ``text`` to ``path`` as a file only the server's user reads (a key)."""
        self._hand_over(path, text)

    # Helpers ------------------------------------------------------------------------------

    def _options(self) -> str:
        options = {
            "listen_addresses": "127.0.0.1" if self.tcp_port else "''",
            "unix_socket_directories": str(self.socket_dir),
            "max_connections": "200",
            "fsync": "on" if self._durable else "off",
            "synchronous_commit": "on" if self._durable else "off",
            "full_page_writes": "on" if self._durable else "off",
            **self._settings,
        }
        if self.tcp_port:
            options["port"] = str(self.tcp_port)
        return " ".join(f"-c {key}={value}" for key, value in options.items())

    def _hand_over(self, path: Path, text: str) -> None:
        path.write_text(text)
        path.chmod(0o600)
        if self._as_user:
            shutil.chown(path, "postgres", "postgres")

    def _ctl(self, *args: str) -> None:
        self._run("pg_ctl", "-D", str(self.data), *args)

    def _run(self, program: str, *args: str) -> None:
        subprocess.run(
            [*self._as_user, str(self._bin / program), *args],
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            cwd="/",
        )


@contextmanager
def scratch_server() -> Iterator[PostgresServer]:
    """A server of its own, for a test that stops and starts it. Its folder is not
    pytest's: the server's user must reach it, and pytest makes its folders private."""
    server = PostgresServer(Path(tempfile.mkdtemp(prefix="sms-console-postgres-")))
    server.start()
    try:
        yield server
    finally:
        server.remove()


def backends(url: str) -> set[int]:
    """The server processes of the connections now open to the database at ``url``."""
    with psycopg.connect(url, autocommit=True) as conn:
        rows = conn.execute(
            "SELECT pid FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return {pid for (pid,) in rows}


@contextmanager
def cut_off(url: str, pids: Collection[int] | None = None) -> Iterator[None]:
    """While inside, the database at ``url`` takes no new connection and has lost the
    connections of ``pids`` (None: all): their clients are cut off as by a network gone."""
    database = str(conninfo_to_dict(url)["dbname"])
    name = sql.Identifier(database)
    with psycopg.connect(url, dbname=SUPERUSER, autocommit=True) as admin:
        admin.execute(sql.SQL("ALTER DATABASE {} ALLOW_CONNECTIONS false").format(name))
        try:
            admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE datname = %s AND (%s::int[] IS NULL OR pid = ANY(%s::int[]))",
                (
                    database,
                    None if pids is None else list(pids),
                    None if pids is None else list(pids),
                ),
            )
            yield
        finally:
            admin.execute(sql.SQL("ALTER DATABASE {} ALLOW_CONNECTIONS true").format(name))


def server_pids(server: PostgresServer) -> list[int]:
    """The postmaster's pid (from its data folder) and those of all its children."""
    postmaster = int((server.data / "postmaster.pid").read_text().split()[0])
    found = subprocess.run(
        ["pgrep", "-P", str(postmaster)], capture_output=True, text=True, check=False
    )
    return [postmaster, *(int(pid) for pid in found.stdout.split())]


@contextmanager
def hung(server: PostgresServer) -> Iterator[None]:
    """While inside, every process of ``server`` is stopped (SIGSTOP), as a hung server or
    a network gone silent looks to its clients: connections stay open, the kernel still
    takes what they send, and nothing answers. They go on (SIGCONT) at the end."""
    pids = server_pids(server)
    try:
        for pid in pids:
            os.kill(pid, signal.SIGSTOP)
        yield
    finally:
        for pid in pids:
            os.kill(pid, signal.SIGCONT)
