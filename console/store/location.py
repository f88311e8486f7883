"""Where the message store is: a SQLite file, or a PostgreSQL database (team mode).

A location is written as a URL (``--store``, ``SMS_CONSOLE_STORE``): ``sqlite:///abs/path``
or ``sqlite:relative/path`` for a file, ``postgresql://user@host:port/db?sslmode=…`` (or
``postgres://``) for a database, in libpq's URI form. A URL never carries the database
password: it would show in process lists, shell histories, logs and error messages. The
password comes from PGPASSWORD, libpq's password file or the keychain, and is joined to
the URL only in :meth:`StoreLocation.connection_url`, inside the process.

Pure: parsing reads no file and no environment (the defaults libpq would take from the
environment are passed in, see :func:`postgres_target`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Literal
from urllib.parse import parse_qsl, quote, unquote, urlsplit

StoreKind = Literal["sqlite", "postgresql"]

POSTGRES_SCHEMES = ("postgresql", "postgres")
DEFAULT_PORT = "5432"
SSL_MODES = ("disable", "allow", "prefer", "require", "verify-ca", "verify-full")
# Query parameters that would carry a secret (the client key's passphrase is one too).
_SECRET_PARAMETERS = ("password", "sslpassword")
_USAGE = "use sqlite:///path or postgresql://…"
_CREDENTIALS_ADVICE = (
    "leave the password out of the URL and give it through PGPASSWORD, a ~/.pgpass line, "
    "or the keychain (sms-console db password set)"
)
_WINDOWS_DRIVE = re.compile(r"^/[A-Za-z]:[/\\]")


class StoreLocationError(ValueError):
    """A store URL that cannot be used; the message names what is wrong, never a password."""


@dataclass(frozen=True)
class StoreLocation:
    """A SQLite file (``path``) or a PostgreSQL database (``url``, without a password).

    ``password``: the database password found for ``url`` (never shown, never compared).
    """

    kind: StoreKind
    path: Path | None = None
    url: str | None = None
    password: str | None = field(default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        if (self.kind == "sqlite") != (self.path is not None and self.url is None):
            raise ValueError("a SQLite location has a path, a PostgreSQL one a URL")

    @classmethod
    def sqlite(cls, path: Path) -> StoreLocation:
        return cls("sqlite", path=path)

    @classmethod
    def postgresql(cls, url: str) -> StoreLocation:
        return cls("postgresql", url=url)

    def describe(self) -> str:
        """The location in words for messages: the file's path, or the URL (no password)."""
        return str(self.path) if self.path is not None else str(self.url)

    def anchored(self, base: Path) -> StoreLocation:
        """A relative SQLite path taken from ``base`` (the working directory)."""
        if self.path is None or self.path.is_absolute():
            return self
        return replace(self, path=base / self.path)

    def with_password(self, password: str | None) -> StoreLocation:
        return replace(self, password=password)

    def connection_url(self) -> str:
        """The URL to connect with: ``url`` and, if one was found, the password.

        For this process only: never print it or pass it on a command line.
        """
        if self.url is None:
            raise ValueError("a SQLite location has no URL")
        if not self.password:
            return self.url
        joiner = "&" if "?" in self.url else "?"
        return f"{self.url}{joiner}password={quote(self.password, safe='')}"


@dataclass(frozen=True)
class PostgresTarget:
    """The server, database and user a PostgreSQL URL reaches, as libpq resolves them:
    what a password is filed under (in the keychain and in ``~/.pgpass``)."""

    host: str
    port: str
    dbname: str
    user: str
    # The URL's own password file (``passfile=``), which takes PGPASSFILE's place.
    passfile: str | None = None


def parse_store_url(text: str) -> StoreLocation:
    """The location ``text`` names.

    Raises:
        StoreLocationError: not a store URL we can use, or one carrying a password.
    """
    text = text.strip()
    if not text:
        raise StoreLocationError(f"no URL given; {_USAGE}")
    scheme = text.split(":", 1)[0].lower() if ":" in text else ""
    if scheme == "sqlite":
        return _sqlite(text)
    if scheme in POSTGRES_SCHEMES:
        return _postgresql(text)
    if not re.fullmatch(r"[a-z][a-z0-9+.-]{0,20}", scheme):
        raise StoreLocationError(f"not a store URL; {_USAGE}")
    raise StoreLocationError(f"unsupported scheme {scheme!r}; {_USAGE}")


def _sqlite(text: str) -> StoreLocation:
    parts = urlsplit(text)
    if parts.netloc:
        raise StoreLocationError(
            "a SQLite URL names a file on this computer: sqlite:///absolute/path or "
            "sqlite:relative/path"
        )
    if parts.query or parts.fragment:
        raise StoreLocationError("a SQLite URL takes no parameters (nothing after '?' or '#')")
    path = unquote(parts.path)
    if not path or path.endswith("/"):
        raise StoreLocationError("the SQLite URL names no file: sqlite:///path/to/file.sqlite3")
    if _WINDOWS_DRIVE.match(path):
        path = path[1:]  # sqlite:///C:/folder/file: the drive comes after the third slash
    return StoreLocation.sqlite(Path(path))


def _postgresql(text: str) -> StoreLocation:
    try:
        parts = urlsplit(text)
    except ValueError:
        raise StoreLocationError("the PostgreSQL URL's host part cannot be read") from None
    userinfo, _at, hosts = parts.netloc.rpartition("@")
    # A password holding a raw "/" ends the host part early: any "user:…@" before the
    # parameters is taken for one.
    authority = text.split("://", 1)[-1].split("?", 1)[0]
    if ":" in userinfo or ":" in authority.rpartition("@")[0]:
        raise StoreLocationError(f"the URL carries a password: {_CREDENTIALS_ADVICE}")
    if parts.fragment:
        raise StoreLocationError("a PostgreSQL URL has no '#' part")
    try:
        query = parse_qsl(parts.query, keep_blank_values=True, strict_parsing=bool(parts.query))
    except ValueError:
        raise StoreLocationError(
            "the PostgreSQL URL's parameters (after '?') cannot be read"
        ) from None
    names = [name.lower() for name, _value in query]
    if any(name in _SECRET_PARAMETERS for name in names):
        raise StoreLocationError(f"the URL carries a password: {_CREDENTIALS_ADVICE}")
    for name, value in query:
        if name == "sslmode" and value not in SSL_MODES:
            raise StoreLocationError(f"sslmode {value!r} is not one of {', '.join(SSL_MODES)}")
        if name == "port":
            _check_ports(value)
    for host in hosts.split(","):
        _check_host_port(host)
    return StoreLocation.postgresql(text)


def _check_host_port(hostspec: str) -> None:
    if hostspec.startswith("["):
        close = hostspec.find("]")
        if close < 0:
            raise StoreLocationError("an IPv6 address in the URL lacks its ']'")
        rest = hostspec[close + 1 :]
        if rest and not rest.startswith(":"):
            raise StoreLocationError("an IPv6 address in the URL is followed by more than a port")
        port = rest[1:] if rest else ""
    else:
        port = hostspec.partition(":")[2]
    if port:
        _check_ports(port)


def _check_ports(text: str) -> None:
    for port in text.split(","):
        if not port.isdigit() or not 0 < int(port) < 65536:
            raise StoreLocationError("a port in the URL is not a number from 1 to 65535")


def postgres_target(
    location: StoreLocation, environ: Mapping[str, str], os_user: str
) -> PostgresTarget:
    """The server, database and user ``location`` reaches: the URL's values, else libpq's
    defaults (``PGHOST``, ``PGPORT``, ``PGDATABASE``, ``PGUSER``, the system user name)."""
    if location.url is None:
        raise ValueError("a SQLite location has no database server")
    parts = urlsplit(location.url)
    query = {name.lower(): value for name, value in parse_qsl(parts.query)}
    userinfo, _at, hostspec = parts.netloc.rpartition("@")
    url_hosts, url_ports = _split_hosts(hostspec)
    user = query.get("user") or unquote(userinfo) or environ.get("PGUSER") or os_user
    host = query.get("host") or url_hosts or environ.get("PGHOST") or "localhost"
    port = query.get("port") or url_ports or environ.get("PGPORT") or DEFAULT_PORT
    dbname = query.get("dbname") or unquote(parts.path[1:]) or environ.get("PGDATABASE") or user
    return PostgresTarget(host, port, dbname, user, query.get("passfile") or None)


def _split_hosts(hostspec: str) -> tuple[str, str]:
    """The hosts and ports of ``host1:port1,host2:port2`` as libpq lists them."""
    hosts: list[str] = []
    ports: list[str] = []
    for spec in hostspec.split(",") if hostspec else ():
        if spec.startswith("["):
            host, _close, rest = spec[1:].partition("]")
            port = rest[1:]
        else:
            host, _colon, port = spec.partition(":")
        hosts.append(unquote(host))
        ports.append(port)
    joined_ports = ",".join(ports) if any(ports) else ""
    return ",".join(hosts) if any(hosts) else "", joined_ports
