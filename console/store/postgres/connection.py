"""The shared store's connection: opened from a URL, its errors told without the password.

PostgreSQL's text cannot hold the NUL character, which SQLite's can and which a callback
may carry. Every string sent is therefore stored, and searched for, with NUL read as
U+FFFD (the replacement character): a callback is kept, not refused by the database.
"""

from __future__ import annotations

import re
import select
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, Literal
from urllib.parse import unquote

import psycopg
from psycopg import errors
from psycopg.conninfo import conninfo_to_dict
from psycopg.pq import TransactionStatus
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
# While the server is unreachable, a store tries to connect again at most this often; in
# between, its calls fail at once.
RECONNECT_INTERVAL = 1.0
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


def connect(url: str, *, busy_timeout: float, synchronous: Synchronous) -> Connection:
    """A connection to the database at ``url``, outside any transaction.

    Raises:
        StoreOutOfReach: the server could not be reached; the text never holds the password.
        StoreError: it could not be opened otherwise (a wrong password, say).
    """
    redact = Redactor(url)
    try:
        given = conninfo_to_dict(url)
        defaults: dict[str, Any] = {
            "connect_timeout": CONNECT_TIMEOUT,
            "application_name": APPLICATION_NAME,
            **TCP_DEFAULTS,
        }
        extra = {k: v for k, v in defaults.items() if k not in given}
        conn = psycopg.connect(url, autocommit=False, **extra)
    except psycopg.Error as exc:
        reason = redact(_reason(exc))
        text = redact(f"the shared store at {url} could not be opened: {reason}")
        if isinstance(exc, psycopg.OperationalError) and _OUT_OF_REACH.search(reason):
            raise StoreOutOfReach(text, reason) from None
        if "no password supplied" in reason:
            text += f" (keep one in the keychain: sms-console --store {url} db password set)"
        raise StoreError(redact(text)) from None
    try:
        conn.adapters.register_dumper(str, _BinaryTextDumper)
        conn.adapters.register_dumper(str, _TextDumper)
        # A statement waits this long for another connection's lock, then gives up
        # (StoreBusy). At least a millisecond: 0 would wait for ever.
        timeout = f"{max(busy_timeout * 1000, 1):.0f}"
        conn.execute("SELECT set_config('lock_timeout', %s, false)", (timeout,))
        if synchronous == "OFF":
            conn.execute("SET synchronous_commit = off")
        conn.commit()
    except psycopg.Error as exc:
        conn.close()
        raise StoreError(
            redact(f"the shared store at {url} could not be set up: {_reason(exc)}")
        ) from None
    return conn


class LiveConnection:
    """A store's connection, opened again when the server dropped it (it restarted, or the
    network failed): the first call after that tries, then at most one call a second
    until the server answers. Meanwhile every call fails at once with :class:`StoreError`,
    so that a receiver answers 503 quickly and a console says the store is unreachable.

    ``prepare`` runs on each new connection, in a transaction (the schema check).
    """

    def __init__(
        self,
        url: str,
        prepare: Callable[[Connection], None],
        *,
        busy_timeout: float,
        synchronous: Synchronous,
    ) -> None:
        """Raises:
        StoreError: the first connection could not be opened; the text never holds the
            password.
        """
        self._url = url
        self._prepare = prepare
        self._busy_timeout = busy_timeout
        self._synchronous: Synchronous = synchronous
        self._retry_at = 0.0
        self._lost = ""
        self.current = self._open()

    def get(self) -> Connection:
        """The connection, opened again first if the server dropped it.

        Raises:
            StoreError: the server cannot be reached (now or on the last try, under a
                second ago).
        """
        if not self.current.closed and not _dropped(self.current):
            return self.current
        self.current.close()
        now = time.monotonic()
        if now < self._retry_at:
            raise StoreError(f"{self._lost}; trying again")
        self._retry_at = now + RECONNECT_INTERVAL
        try:
            self.current = self._open()
        except StoreError as exc:
            self._lost = str(exc)
            raise
        return self.current

    def reopen(self) -> None:
        """A new connection in place of the current one, which may be lost unseen (a
        server restarted while it was idle).

        Raises:
            StoreError: the server cannot be reached.
        """
        old, self.current = self.current, self._open()
        old.close()

    def close(self) -> None:
        self.current.close()

    def _open(self) -> Connection:
        conn = connect(self._url, busy_timeout=self._busy_timeout, synchronous=self._synchronous)
        try:
            self._prepare(conn)
        except BaseException:
            conn.close()
            raise
        return conn


def _dropped(conn: Connection) -> bool:
    """Whether the server has ended ``conn`` (restarted, or stopped its process) and said
    so: an idle connection is sent nothing else. Found now, the next statement need not
    fail to find it."""
    if conn.info.transaction_status is not TransactionStatus.IDLE:
        return False
    readable, _, _ = select.select([conn.fileno()], [], [], 0)
    return bool(readable)


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
    except psycopg.Error as exc:
        raise StoreError(redact(f"{doing}: {_reason(exc)}")) from exc


def _reason(exc: psycopg.Error) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__
