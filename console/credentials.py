"""Login and password per profile: the password lives only in the OS keychain.

``SMS_CONSOLE_LOGIN`` / ``SMS_CONSOLE_PASSWORD`` override the keychain for scripts.
Keychain calls run in a worker thread with a time limit, because an unlock prompt of a
Secret Service can block forever.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

import keyring
import keyring.errors

from console.redaction import register_secret

LOGIN_ENV = "SMS_CONSOLE_LOGIN"
PASSWORD_ENV = "SMS_CONSOLE_PASSWORD"  # noqa: S105 (the name of a variable, not a secret)
SERVICE_PREFIX = "sms-operator-console"
KEYRING_TIMEOUT = 10.0

T = TypeVar("T")


class CredentialsUnavailable(Exception):
    """No usable credentials; the message says where they were looked for."""


@dataclass(frozen=True)
class Credentials:
    login: str
    password: str = field(repr=False)

    def __post_init__(self) -> None:
        register_secret(self.password)


def service_name(profile: str) -> str:
    return f"{SERVICE_PREFIX}:{profile}"


def _call_with_timeout(what: str, function: Callable[..., T], *args: str) -> T:
    """Run a keychain call in a daemon thread, so a hung keychain cannot hold up exit."""
    done = threading.Event()
    outcome: dict[str, Any] = {}

    def work() -> None:
        try:
            outcome["value"] = function(*args)
        except BaseException as exc:  # handed over to the calling thread
            outcome["error"] = exc
        finally:
            done.set()

    threading.Thread(target=work, name="keyring-call", daemon=True).start()
    if not done.wait(KEYRING_TIMEOUT):
        raise CredentialsUnavailable(
            f"the keychain did not answer within {KEYRING_TIMEOUT:.0f} s while {what} "
            "(is it locked?)"
        )
    if "error" in outcome:
        raise outcome["error"]
    value: T = outcome["value"]
    return value


def load_credentials(profile: str, login: str | None) -> Credentials:
    """Credentials for ``profile``: from the environment, else the keychain.

    Raises:
        CredentialsUnavailable: nothing usable was found, with what to do about it.
    """
    env_login = os.environ.get(LOGIN_ENV)
    env_password = os.environ.get(PASSWORD_ENV)
    if env_password:
        effective = env_login or login
        if not effective:
            raise CredentialsUnavailable(
                f"{PASSWORD_ENV} is set but no login: set {LOGIN_ENV} or the profile's login"
            )
        return Credentials(effective, env_password)
    effective = env_login or login
    if not effective:
        raise CredentialsUnavailable(
            f"profile {profile!r} has no login: run 'sms-console credentials set --login L', "
            f"or set {LOGIN_ENV} and {PASSWORD_ENV}"
        )
    try:
        password = _call_with_timeout(
            "reading the password", keyring.get_password, service_name(profile), effective
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
    backend = keyring.get_keyring()
    name = getattr(backend, "name", "") or type(backend).__name__
    return str(name)


def store_password(profile: str, login: str, password: str) -> None:
    """Put ``password`` in the keychain for ``profile``'s ``login``.

    Raises:
        CredentialsUnavailable: no keychain, or it refused or did not answer.
    """
    register_secret(password)
    try:
        _call_with_timeout(
            "storing the password", keyring.set_password, service_name(profile), login, password
        )
    except keyring.errors.KeyringError as exc:
        raise CredentialsUnavailable(
            f"the keychain did not store the password ({type(exc).__name__})"
        ) from None


def delete_password(profile: str, login: str) -> bool:
    """Remove the stored password; False when there was none.

    Raises:
        CredentialsUnavailable: no keychain, or it did not answer.
    """
    try:
        _call_with_timeout(
            "deleting the password", keyring.delete_password, service_name(profile), login
        )
    except keyring.errors.PasswordDeleteError:
        return False
    except keyring.errors.KeyringError as exc:
        raise CredentialsUnavailable(
            f"the keychain is not available ({type(exc).__name__})"
        ) from None
    return True
