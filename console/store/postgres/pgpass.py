"""Whether libpq's password file holds a line for a database, as libpq itself would read it.

libpq reads the file on its own when it connects; the console asks only so that a line
there comes before the keychain, and never reads the password out of it.
"""

from __future__ import annotations

import os
import stat
import sys
from collections.abc import Mapping
from pathlib import Path

from console.store.location import DEFAULT_PORT, PostgresTarget

PASSFILE_ENV = "PGPASSFILE"
# Socket folders libpq builds take as their default: a connection through one matches
# the file's "localhost" lines (Debian's libpq and upstream's).
_DEFAULT_SOCKET_DIRS = ("/var/run/postgresql", "/run/postgresql", "/tmp")  # noqa: S108


def password_file(target: PostgresTarget, environ: Mapping[str, str], home: Path) -> Path:
    """The file libpq reads: the URL's ``passfile``, else ``PGPASSFILE``, else its default."""
    if target.passfile:
        return Path(target.passfile)
    if environ.get(PASSFILE_ENV):
        return Path(environ[PASSFILE_ENV])
    if sys.platform == "win32":
        return Path(environ.get("APPDATA", home)) / "postgresql" / "pgpass.conf"
    return home / ".pgpass"


def has_line_for(path: Path, target: PostgresTarget) -> bool:
    """Whether the password file at ``path`` has a line for ``target`` that libpq would use
    (it ignores a file that others may read, and one that is not a plain file)."""
    try:
        status = path.stat()
        if not stat.S_ISREG(status.st_mode):
            return False
        if os.name == "posix" and status.st_mode & (stat.S_IRWXG | stat.S_IRWXO):
            return False
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return False
    wanted = [
        (_pgpass_host(host), port or DEFAULT_PORT, target.dbname, target.user)
        for host, port in _pairs(target.host, target.port)
    ]
    for line in lines:
        if line.startswith("#"):
            continue
        fields = _fields(line)
        if fields is None:
            continue
        if any(all(_matches(f, w) for f, w in zip(fields, want, strict=True)) for want in wanted):
            return True
    return False


def _pairs(hosts: str, ports: str) -> list[tuple[str, str]]:
    """Each host with its port: one port serves all hosts, else they pair up in order."""
    host_list = hosts.split(",")
    port_list = ports.split(",")
    if len(port_list) == 1:
        port_list = port_list * len(host_list)
    port_list += [""] * (len(host_list) - len(port_list))
    return list(zip(host_list, port_list[: len(host_list)], strict=True))


def _pgpass_host(host: str) -> str:
    return "localhost" if not host or host in _DEFAULT_SOCKET_DIRS else host


def _fields(line: str) -> list[str] | None:
    """The first four ``:``-separated fields of ``line`` (``\\`` escapes a character);
    None for a line that has fewer than five."""
    fields: list[str] = []
    current: list[str] = []
    chars = iter(line)
    for char in chars:
        if char == "\\":
            current.append(next(chars, ""))
        elif char == ":":
            fields.append("".join(current))
            current = []
            if len(fields) == 4:
                return fields
        else:
            current.append(char)
    return None


def _matches(field: str, value: str) -> bool:
    return field == "*" or field == value
