"""The shared store's connection: opened from a URL, its errors told without the password.

PostgreSQL's text cannot hold the NUL character, which SQLite's can and which a callback
may carry. Every string sent is therefore stored, and searched for, with NUL read as
U+FFFD (the replacement character): a callback is kept, not refused by the database.
"""

from __future__ import annotations

import math
import re
import shlex
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, Literal
from urllib.parse import unquote

import psycopg
from psycopg import errors
from psycopg.abc import RV, PQGen
from psycopg.conninfo import conninfo_to_dict
from psycopg.types.string import StrBinaryDumper, StrDumperUnknown

from console.redaction import MASK
from console.secret_patterns import mask_password_fields, secrets_pattern
from console.store.errors import StoreBusy, StoreError, StoreOutOfReach

Connection = psycopg.Connection[tuple[Any, ...]]
Synchronous = Literal["OFF", "NORMAL", "FULL"]

# How long opening waits for the server when the URL does not say.
CONNECT_TIMEOUT = 10
# A connection over TCP whose server vanished without a word is given up after this long,
# so that no call waits on it for ever (libpq's keepalive and user timeout settings; a URL
# may set its own).
TCP_DEFAULTS: dict[str, Any] = {
    "keepalives": 1,
    "keepalives_idle": 5,
    "keepalives_interval": 2,
    "keepalives_count": 3,
    "tcp_user_timeout": 10_000,
}
APPLICATION_NAME = "sms-console"
# What libpq and the server say when the server cannot be reached now but may be later:
# the network, the name lookup, or a server starting, stopping or full. A wrong password,
# a missing database or a TLS failure is none of these: trying again cannot fix them.
_OUT_OF_REACH = re.compile(
    "|".join(
        (
            r"connection refused",
            r'socket "[^"]*" failed: no such file or directory',  # no server listening
            r"timeout expired",
            r"connection timed out",
            r"network is unreachable",
            r"no route to host",
            r"connection reset by peer",
            r"server closed the connection unexpectedly",
            r"could not translate host name",
            r"failed to resolve host",
            r"temporary failure in name resolution",
            r"name or service not known",
            r"the database system is (starting up|shutting down|in recovery mode)",
            r"the database system is not (yet )?accepting connections",
            r"too many clients already",
        )
    ),
    re.IGNORECASE,
)
# Shorter parts of a password are left alone: they occur by chance in ordinary text.
_MIN_PART = 4
# How often psycopg looks up from a wait (for Ctrl+C), as its own default.
_WAIT_INTERVAL = 0.1


class NoAnswer(psycopg.OperationalError):
    """The server did not answer within the connection's deadline; the connection is
    closed."""


class DeadlineConnection(psycopg.Connection[tuple[Any, ...]]):
    """A connection on which every exchange with the server ends within ``deadline``
    seconds (None: no limit); past it the connection is closed and :class:`NoAnswer`
    raised. A hung server (its processes stopped, its network gone while the kernel still
    acknowledges) otherwise holds a call as long as it hangs: TCP keepalives do not see
    it. No cancel request is sent: a server that does not answer would not take one."""

    deadline: float | None = None

    def wait(
        self, gen: PQGen[RV], interval: float = _WAIT_INTERVAL, timeout: float | None = None
    ) -> RV:
        deadline = self.deadline
        if timeout is not None or deadline is None:
            return super().wait(gen, interval, timeout)
        try:
            return super().wait(gen, interval, deadline)
        except errors._WaitTimeout:
            self.close()
            raise NoAnswer(f"the shared store did not answer within {deadline:g} s") from None


def open_connection(url: str, deadline: float | None, **options: Any) -> Connection:
    """A connection to ``url`` with this program's defaults (those the URL does not set)
    and ``deadline`` on each exchange; opening waits at most the deadline too (libpq
    waits at least 2 s).

    Raises:
        NoAnswer: the server did not answer in time.
        psycopg.Error: it could not be opened otherwise.
    """
    given = conninfo_to_dict(url)
    connect_timeout = CONNECT_TIMEOUT if deadline is None else max(2, math.ceil(deadline))
    # libpq ignores the TCP settings on a Unix socket.
    defaults: dict[str, Any] = {
        "connect_timeout": connect_timeout,
        "application_name": APPLICATION_NAME,
        **TCP_DEFAULTS,
    }
    extra = {k: v for k, v in defaults.items() if k not in given}
    try:
        conn = DeadlineConnection.connect(url, **options, **extra)
    except errors.ConnectionTimeout:
        waited = given.get("connect_timeout", connect_timeout)
        raise NoAnswer(f"the shared store did not answer within {waited} s") from None
    conn.deadline = deadline
    return conn


class _TextDumper(StrDumperUnknown):
    def dump(self, obj: str) -> bytes:
        return obj.replace("\x00", "\ufffd").encode(self._encoding)


class _BinaryTextDumper(StrBinaryDumper):
    def dump(self, obj: str) -> bytes:
        return obj.replace("\x00", "\ufffd").encode(self._encoding)


# The password the console joins to the end of a URL (StoreLocation.connection_url), once
# masked, is left out: the URL then reads as the operator wrote it, without a password.
_JOINED_PASSWORD = re.compile(r"[?&]password=" + re.escape(MASK) + r"(?![\w%&=])")


class Redactor:
    """Masks the password of one URL wherever a text carries it (raw or encoded)."""

    def __init__(self, url: str) -> None:
        secrets = {s for s in _passwords(url) if s}
        self._pattern = secrets_pattern(secrets) if secrets else None

    def __call__(self, text: str) -> str:
        if self._pattern is not None:
            text = self._pattern.sub(MASK, text)
        return _JOINED_PASSWORD.sub("", mask_password_fields(text, MASK))


def _passwords(url: str) -> list[str]:
    """The password ``url`` holds, as libpq reads it and as it is written."""
    found: list[str] = []
    try:
        password = conninfo_to_dict(url).get("password")
    except psycopg.Error:
        password = None
    if password is not None:
        found.append(str(password))
    # What stands where a URL's password goes, even in a URL libpq cannot read. Written
    # unencoded, it may hold a character that ends libpq's reading of that part of the
    # URL; libpq may then quote the part it read in its error.
    _scheme, separator, rest = url.partition("://")
    credentials, at, _place = rest.rpartition("@")
    if separator and at and ":" in credentials:
        written = credentials.partition(":")[2]
        found += [written, unquote(written)]
        found += [part for part in re.split(r"[/?#@]", written) if len(part) >= _MIN_PART]
    return found


def connect(
    url: str, *, busy_timeout: float, synchronous: Synchronous, deadline: float | None = None
) -> Connection:
    """A connection to the database at ``url``, outside any transaction; ``deadline``: see
    :class:`DeadlineConnection`.

    Raises:
        StoreOutOfReach: the server could not be reached; the text never holds the password.
        StoreError: it could not be opened otherwise (a wrong password, say).
    """
    redact = Redactor(url)
    try:
        conn = open_connection(url, deadline, autocommit=False)
    except psycopg.Error as exc:
        reason = redact(libpq_words(exc))
        text = redact(f"the shared store at {url} could not be opened: {reason}")
        if isinstance(exc, NoAnswer) or (
            isinstance(exc, psycopg.OperationalError) and _OUT_OF_REACH.search(reason)
        ):
            raise StoreOutOfReach(text, reason) from None
        if "no password supplied" in reason:
            # Quoted for a shell: a URL's & would end the command there.
            command = f"sms-console --store {shlex.quote(url)} db password set"
            text += f" (keep one in the keychain: {command})"
        raise StoreError(redact(text)) from None
    try:
        conn.adapters.register_dumper(str, _BinaryTextDumper)
        conn.adapters.register_dumper(str, _TextDumper)
        # A statement waits this long for another connection's lock, then gives up
        # (StoreBusy), well before the deadline would take the connection for a hung
        # server's. At least a millisecond: 0 would wait for ever.
        if deadline is not None:
            busy_timeout = min(busy_timeout, deadline / 2)
        timeout = f"{max(busy_timeout * 1000, 1):.0f}"
        conn.execute("SELECT set_config('lock_timeout', %s, false)", (timeout,))
        if synchronous == "OFF":
            conn.execute("SET synchronous_commit = off")
        conn.commit()
    except NoAnswer as exc:
        text = redact(f"the shared store at {url} could not be set up: {exc}")
        raise StoreOutOfReach(text, str(exc)) from None
    except psycopg.Error as exc:
        conn.close()
        raise StoreError(
            redact(f"the shared store at {url} could not be set up: {libpq_words(exc)}")
        ) from None
    return conn


@contextmanager
def translated(redact: Redactor, doing: str) -> Iterator[None]:
    """Raise the database's errors as the store's (StoreBusy for a lock waited on too long,
    StoreError for the rest), saying what was being done."""
    try:
        yield
    except errors.LockNotAvailable as exc:
        raise StoreBusy(
            f"{doing}: another connection holds a lock it needs; nothing was written"
        ) from exc
    except errors.QueryCanceled as exc:
        raise StoreError(f"{doing}: interrupted") from exc
    except NoAnswer as exc:
        raise StoreOutOfReach(f"{doing}: {exc}", str(exc)) from exc
    except psycopg.Error as exc:
        raise StoreError(redact(f"{doing}: {libpq_words(exc)}")) from exc


def libpq_words(exc: BaseException) -> str:
    """libpq's words for ``exc``: one clause per line it wrote, each once, joined by "; "."""
    # libpq writes a line per thought, and the same again for each address it tried.
    clauses: list[str] = []
    for line in str(exc).splitlines():
        clause = " ".join(line.split())
        if clause and clause not in clauses:
            clauses.append(clause)
    return "; ".join(clauses) or type(exc).__name__
