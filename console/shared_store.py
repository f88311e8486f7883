"""A team's shared store as the window's Workspace setting sees it: whether a URL leads
to a store this program can use, and its database password filed in the keychain.

Test connection reads only: the schema's version and the receivers' heartbeats.
"""

from __future__ import annotations

import logging
import os
import time
from dataclasses import dataclass
from pathlib import Path

import psycopg

from console.keychain import KeychainError
from console.keychain.database import store_database_password, target_of, with_database_password
from console.keychain.passwords import Keychain
from console.paths import database_path
from console.settings import Settings
from console.store.errors import StoreError
from console.store.location import StoreLocation, StoreLocationError, parse_store_url
from console.store.postgres import schema
from console.store.postgres.connection import Redactor, connect
from console.store.postgres.open_failure import open_failure
from console.store.schema_versions import SchemaState

log = logging.getLogger(__name__)

# A receiver whose heartbeat is older than this is not counted as receiving.
RECEIVER_SILENT_AFTER = 60.0


class SharedStoreError(Exception):
    """The shared store cannot be used; the text says why, without any password."""


@dataclass(frozen=True)
class StoreCheck:
    """What Test connection found: the schema's version and the live receivers."""

    where: str
    version: int
    receivers: int

    def summary(self) -> str:
        receivers = {0: "no receiver seen in the last minute", 1: "1 receiver running"}.get(
            self.receivers, f"{self.receivers} receivers running"
        )
        return f"Connected to {self.where}: schema version {self.version}, {receivers}."


def shared_location(url: str) -> StoreLocation:
    """The shared store ``url`` names.

    Raises:
        SharedStoreError: it is not a PostgreSQL URL this program can use.
    """
    try:
        location = parse_store_url(url.strip())
    except StoreLocationError as exc:
        raise SharedStoreError(str(exc)) from None
    if location.kind != "postgresql":
        raise SharedStoreError("a shared store is a PostgreSQL URL: postgresql://user@host/db")
    return location


def check_shared_store(url: str, password: str | None = None) -> StoreCheck:
    """Connect to the shared store at ``url`` with ``password`` (else the one PGPASSWORD,
    libpq's password file or the keychain holds) and read what the console needs.

    Raises:
        SharedStoreError: it cannot be reached or used, in words naming why.
    """
    found = shared_location(url)
    location = found.with_password(password) if password else with_keychain_password(found)
    try:
        conn = connect(location.connection_url(), busy_timeout=5.0, synchronous="FULL")
    except StoreError as exc:
        reason = open_failure(exc, location)
        raise SharedStoreError(f"the shared store could not be opened: {reason}") from None
    try:
        version = schema.version(conn)
        problem = SchemaState("postgresql", version, schema.VERSION).problem
        if problem is not None:
            raise SharedStoreError(problem)
        row = conn.execute(
            "SELECT count(*) FROM receivers WHERE seen_at > %s",
            (time.time() - RECEIVER_SILENT_AFTER,),
        ).fetchone()
    except psycopg.Error as exc:
        reason = " ".join(str(exc).split())
        redact = Redactor(location.connection_url())
        raise SharedStoreError(redact(f"the shared store could not be read: {reason}")) from None
    finally:
        conn.close()
    return StoreCheck(location.describe(), version, int(row[0]) if row else 0)


def workspace_location(settings: Settings) -> StoreLocation | None:
    """The shared store the settings' workspace names; None for this computer's own.

    Raises:
        SharedStoreError: the saved URL is not usable.
    """
    return shared_location(settings.workspace.store) if settings.workspace.shared else None


def is_workspace(settings: Settings, location: StoreLocation, data_dir: Path) -> bool:
    """Whether ``location`` is the store the settings' workspace names (else the run was
    given another: ``--store``, ``SMS_CONSOLE_STORE``, or this computer's standing in)."""
    try:
        named = workspace_location(settings)
    except SharedStoreError:
        return False
    return (named or StoreLocation.sqlite(database_path(data_dir))) == location


def with_keychain_password(location: StoreLocation) -> StoreLocation:
    """``location`` with the keychain's password for it, unless libpq has its own; without
    one when the keychain cannot be read (the server then says what it lacks)."""
    try:
        return with_database_password(location, os.environ, Path.home())
    except KeychainError as exc:
        log.warning("the keychain could not be read (%s); connecting without its password", exc)
        return location


def save_database_password(url: str, password: str, keychain: Keychain | None = None) -> None:
    """File ``password`` for the shared store at ``url`` in the keychain.

    Raises:
        SharedStoreError: the URL is not usable, or the keychain refused.
    """
    location = shared_location(url)
    try:
        store_database_password(
            target_of(location, os.environ), password, keychain or Keychain(session_fallback=False)
        )
    except KeychainError as exc:
        raise SharedStoreError(f"the keychain did not keep the password: {exc}") from None
