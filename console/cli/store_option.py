"""``--store URL`` and ``SMS_CONSOLE_STORE``: the message store every subcommand uses.

Without either, it is the SQLite file in the data directory. A PostgreSQL URL carries no
password (see :mod:`console.store.location`); the password comes from PGPASSWORD or
libpq's password file, which libpq reads itself, else from the keychain.
"""

from __future__ import annotations

import argparse
import logging
import os
import sqlite3
from collections.abc import Mapping
from pathlib import Path

from console.cli.common import CliError, ExitCode
from console.keychain import KeychainError
from console.keychain.database import with_database_password
from console.paths import database_path
from console.store.errors import StoreError
from console.store.location import StoreLocation, StoreLocationError, parse_store_url

log = logging.getLogger(__name__)

STORE_ENV = "SMS_CONSOLE_STORE"


def add_store_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--store",
        dest="store_url",
        metavar="URL",
        help=(
            "the message store: sqlite:///path/to/file.sqlite3, or a shared PostgreSQL "
            "database postgresql://user@host:port/db?sslmode=verify-full (no password in "
            "it: PGPASSWORD, ~/.pgpass or 'db password set'); "
            f"default: ${STORE_ENV}, else the SQLite file in the data directory"
        ),
    )


def chosen_store(
    option: str | None, environ: Mapping[str, str]
) -> tuple[StoreLocation, str] | None:
    """The store ``--store`` names, else ``SMS_CONSOLE_STORE``, with where it was named;
    None when neither names one.

    Raises:
        CliError: the URL cannot be used (bad input); the message holds no password.
    """
    if option is not None:
        source, text = "--store", option
    elif environ.get(STORE_ENV):
        source, text = STORE_ENV, environ[STORE_ENV]
    else:
        return None
    try:
        location = parse_store_url(text)
    except StoreLocationError as exc:
        raise CliError(f"{source}: {exc}", ExitCode.BAD_INPUT) from None
    return location.anchored(Path.cwd()), source


def store_location(chosen: StoreLocation | None, data_dir: Path) -> StoreLocation:
    """The store chosen, else the SQLite file in ``data_dir``."""
    return chosen if chosen is not None else StoreLocation.sqlite(database_path(data_dir))


def connectable(location: StoreLocation) -> StoreLocation:
    """``location`` ready to connect to: a PostgreSQL one with the keychain's password for
    it, unless PGPASSWORD or libpq's password file has one (or the keychain has none)."""
    try:
        return with_database_password(location, os.environ, Path.home())
    except KeychainError as exc:
        log.warning(
            "the keychain could not be read (%s); connecting to %s without a stored password",
            exc,
            location.describe(),
        )
        return location


def store_errors(location: StoreLocation) -> tuple[type[Exception], ...]:
    """What using ``location`` can raise that means the store cannot be used."""
    if location.kind == "postgresql":
        import psycopg

        return (StoreError, psycopg.Error)
    return (StoreError, sqlite3.Error)
