"""``SMS_CONSOLE_LOGIN`` / ``SMS_CONSOLE_PASSWORD``: credentials from the environment, which
take the keychain's place (for scripts, and for a window started by one)."""

from __future__ import annotations

import os

from console.keychain.credentials import Credentials
from console.keychain.errors import CredentialsUnavailable

LOGIN_ENV = "SMS_CONSOLE_LOGIN"
PASSWORD_ENV = "SMS_CONSOLE_PASSWORD"  # noqa: S105 (the name of a variable, not a secret)


def effective_login(login: str | None) -> str | None:
    """The login to use: ``SMS_CONSOLE_LOGIN`` if set, else the profile's ``login``."""
    return os.environ.get(LOGIN_ENV) or login


def environment_credentials(login: str | None) -> Credentials | None:
    """Credentials from ``SMS_CONSOLE_LOGIN``/``SMS_CONSOLE_PASSWORD``, if the password is set.

    Raises:
        CredentialsUnavailable: the password is set but there is no login to go with it.
    """
    password = os.environ.get(PASSWORD_ENV)
    if not password:
        return None
    effective = effective_login(login)
    if not effective:
        raise CredentialsUnavailable(
            f"{PASSWORD_ENV} is set but no login: set {LOGIN_ENV} or the profile's login"
        )
    return Credentials(effective, password)
