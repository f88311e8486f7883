"""Login and password per profile: the password lives only in the OS keychain.

``SMS_CONSOLE_LOGIN`` / ``SMS_CONSOLE_PASSWORD`` override the keychain for scripts.
Keychain calls run in a worker thread with a time limit, because an unlock prompt of a
Secret Service can block forever.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

import keyring
import keyring.errors

from console.keychain import (
    DEFAULT_TIMEOUT,
    KeychainTimeout,
    call_with_timeout,
    describe_backend,
    is_system_backend,
    service_name,
)
from console.redaction import register_secret

__all__ = [
    "LOGIN_ENV",
    "PASSWORD_ENV",
    "Credentials",
    "CredentialsUnavailable",
    "delete_password",
    "keychain_name",
    "load_credentials",
    "service_name",
    "store_password",
]

LOGIN_ENV = "SMS_CONSOLE_LOGIN"
PASSWORD_ENV = "SMS_CONSOLE_PASSWORD"  # noqa: S105 (the name of a variable, not a secret)
KEYRING_TIMEOUT = DEFAULT_TIMEOUT

T = TypeVar("T")


class CredentialsUnavailable(Exception):
    """No usable credentials; the message says where they were looked for."""


@dataclass(frozen=True)
class Credentials:
    login: str
    password: str = field(repr=False)

    def __post_init__(self) -> None:
        register_secret(self.password)


def _call_with_timeout(what: str, function: Callable[[], T]) -> T:
    try:
        return call_with_timeout(what, function, KEYRING_TIMEOUT)
    except KeychainTimeout as exc:
        raise CredentialsUnavailable(str(exc)) from None


def environment_credentials(login: str | None) -> Credentials | None:
    """Credentials from ``SMS_CONSOLE_LOGIN``/``SMS_CONSOLE_PASSWORD``, if the password is set.

    Raises:
        CredentialsUnavailable: the password is set but there is no login to go with it.
    """
    env_password = os.environ.get(PASSWORD_ENV)
    if not env_password:
        return None
    effective = os.environ.get(LOGIN_ENV) or login
    if not effective:
        raise CredentialsUnavailable(
            f"{PASSWORD_ENV} is set but no login: set {LOGIN_ENV} or the profile's login"
        )
    return Credentials(effective, env_password)


def load_credentials(profile: str, login: str | None) -> Credentials:
    """Credentials for ``profile``: from the environment, else the keychain.

    Raises:
        CredentialsUnavailable: nothing usable was found, with what to do about it.
    """
    from_environment = environment_credentials(login)
    if from_environment is not None:
        return from_environment
    effective = os.environ.get(LOGIN_ENV) or login
    if not effective:
        raise CredentialsUnavailable(
            f"profile {profile!r} has no login: run 'sms-console credentials set --login L', "
            f"or set {LOGIN_ENV} and {PASSWORD_ENV}"
        )
    try:
        password = _call_with_timeout(
            "reading the password",
            lambda: keyring.get_password(service_name(profile), effective),
        )
    except keyring.errors.KeyringError as exc:
        raise CredentialsUnavailable(
            f"no keychain is available ({type(exc).__name__}); set {PASSWORD_ENV} instead"
        ) from None
    if not password:
        raise CredentialsUnavailable(
            f"no password stored in the keychain for login {effective!r} of profile "
            f"{profile!r}; run 'sms-console credentials set --login {effective}', "
            f"or set {PASSWORD_ENV}"
        )
    return Credentials(effective, password)


def keychain_name() -> str:
    """Which keychain holds passwords here, in words (for dialogs and ``credentials show``)."""
    return _call_with_timeout(
        "looking for a keychain", lambda: describe_backend(keyring.get_keyring())
    )


def store_password(profile: str, login: str, password: str) -> None:
    """Put ``password`` in the keychain for ``profile``'s ``login``.

    Raises:
        CredentialsUnavailable: no keychain, or it refused or did not answer.
    """
    register_secret(password)

    def store() -> bool:
        backend = keyring.get_keyring()
        # A backend that drops the password or writes it to a plain file is no keychain.
        if not is_system_backend(backend):
            return False
        backend.set_password(service_name(profile), login, password)
        return True

    try:
        stored = _call_with_timeout("storing the password", store)
    except keyring.errors.KeyringError as exc:
        raise CredentialsUnavailable(
            f"the keychain did not store the password ({type(exc).__name__})"
        ) from None
    if not stored:
        raise CredentialsUnavailable(
            f"no keychain is available here, so the password was not stored; "
            f"set {PASSWORD_ENV} instead"
        )


def delete_password(profile: str, login: str) -> bool:
    """Remove the stored password; False when there was none.

    Raises:
        CredentialsUnavailable: no keychain, or it did not answer.
    """
    try:
        _call_with_timeout(
            "deleting the password",
            lambda: keyring.delete_password(service_name(profile), login),
        )
    except keyring.errors.PasswordDeleteError:
        return False
    except keyring.errors.KeyringError as exc:
        raise CredentialsUnavailable(
            f"the keychain is not available ({type(exc).__name__})"
        ) from None
    return True
