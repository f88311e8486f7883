"""A shared store's database password: PGPASSWORD, else libpq's password file, else the
keychain, where ``sms-console db password set`` files it per server, database and user.

The first two libpq reads by itself when it connects; only a password from the keychain
is handed over, and only to this process's connection (never in a URL that is shown).
"""

from __future__ import annotations

import getpass
from collections.abc import Mapping
from pathlib import Path

from console.keychain.errors import NoKeychain
from console.keychain.passwords import Keychain
from console.store.location import PostgresTarget, StoreLocation, postgres_target
from console.store.postgres.pgpass import has_line_for, password_file

# Apart from the profiles' "sms-operator-console:<profile>", so that no profile's name can
# ever stand for a database. Stored passwords are found by this name: it must never change.
DATABASE_SERVICE_PREFIX = "sms-operator-console-database"
PGPASSWORD_ENV = "PGPASSWORD"


def database_service_name(target: PostgresTarget) -> str:
    """The keychain's service name for ``target``'s password (its account: the user)."""
    return f"{DATABASE_SERVICE_PREFIX}:{target.user}@{target.host}:{target.port}/{target.dbname}"


def target_of(location: StoreLocation, environ: Mapping[str, str]) -> PostgresTarget:
    """The server, database and user ``location`` reaches, with libpq's defaults."""
    return postgres_target(location, environ, getpass.getuser())


def libpq_has_password(target: PostgresTarget, environ: Mapping[str, str], home: Path) -> bool:
    """Whether libpq finds a password for ``target`` itself: PGPASSWORD or a password file
    line."""
    if environ.get(PGPASSWORD_ENV):
        return True
    return has_line_for(password_file(target, environ, home), target)


def with_database_password(
    location: StoreLocation,
    environ: Mapping[str, str],
    home: Path,
    keychain: Keychain | None = None,
) -> StoreLocation:
    """``location`` with the keychain's password for it, unless libpq has one of its own
    (or it is a SQLite file, or no keychain exists here: then it connects without one).

    Raises:
        KeychainError: the keychain refused or did not answer.
    """
    if location.kind != "postgresql":
        return location
    target = target_of(location, environ)
    if libpq_has_password(target, environ, home):
        return location
    keychain = keychain or Keychain(session_fallback=False)
    try:
        password = keychain.get_entry_blocking(database_service_name(target), target.user)
    except NoKeychain:
        return location
    return location.with_password(password)


def store_database_password(target: PostgresTarget, password: str, keychain: Keychain) -> None:
    """File ``password`` for ``target`` in the keychain.

    Raises:
        KeychainError: no keychain here (:class:`NoKeychain`), or it refused.
    """
    keychain.set_entry_blocking(database_service_name(target), target.user, password)


def delete_database_password(target: PostgresTarget, keychain: Keychain) -> bool:
    """Forget ``target``'s password in the keychain; False when none was filed.

    Raises:
        KeychainError: no keychain here (:class:`NoKeychain`), or it refused.
    """
    return keychain.delete_entry_blocking(database_service_name(target), target.user)
