"""Passwords in the operating system's keychain, for the window and the command line alike.

- :mod:`~console.keychain.passwords` — :class:`Keychain`: get, set and delete a profile's
  password, awaited or blocking, kept for the session only where no keychain exists;
- :mod:`~console.keychain.time_limit` — every keyring call on a daemon thread, time-limited;
- :mod:`~console.keychain.backends` — the backend in words, whether it is a real
  keychain, and the service name each profile's entries are filed under;
- :mod:`~console.keychain.environment` — ``SMS_CONSOLE_LOGIN``/``SMS_CONSOLE_PASSWORD``;
- :mod:`~console.keychain.lookup` — a profile's credentials: the environment, else the
  keychain;
- :mod:`~console.keychain.renames` — a renamed profile's password follows it;
- :mod:`~console.keychain.database` — a shared store's database password: PGPASSWORD or
  libpq's password file, else the keychain's entry for its server, database and user;
- :mod:`~console.keychain.credentials` and :mod:`~console.keychain.errors` — what they
  hand over and what they raise.
"""

from console.keychain.backends import describe_backend, is_system_backend, service_name
from console.keychain.credentials import Credentials
from console.keychain.environment import LOGIN_ENV, PASSWORD_ENV, environment_credentials
from console.keychain.errors import (
    CredentialsUnavailable,
    KeychainError,
    KeychainTimeout,
    NoKeychain,
)
from console.keychain.lookup import Found, find_credentials, load_credentials
from console.keychain.passwords import SESSION_ONLY_WARNING, Keychain
from console.keychain.renames import Rename, follow_renames, renames
from console.keychain.time_limit import DEFAULT_TIMEOUT, call_in_thread, call_with_timeout

__all__ = [
    "DEFAULT_TIMEOUT",
    "LOGIN_ENV",
    "PASSWORD_ENV",
    "SESSION_ONLY_WARNING",
    "Credentials",
    "CredentialsUnavailable",
    "Found",
    "Keychain",
    "KeychainError",
    "KeychainTimeout",
    "NoKeychain",
    "Rename",
    "call_in_thread",
    "call_with_timeout",
    "describe_backend",
    "environment_credentials",
    "find_credentials",
    "follow_renames",
    "is_system_backend",
    "load_credentials",
    "renames",
    "service_name",
]
