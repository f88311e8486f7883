"""Where a profile's credentials come from: the environment, else the keychain.

The window awaits :func:`find_credentials` and asks the operator when none are found;
the command line calls :func:`load_credentials`, which says what to do instead.
"""

from __future__ import annotations

from dataclasses import dataclass

from console.keychain.credentials import Credentials
from console.keychain.environment import (
    LOGIN_ENV,
    PASSWORD_ENV,
    effective_login,
    environment_credentials,
)
from console.keychain.errors import CredentialsUnavailable, KeychainError, KeychainTimeout
from console.keychain.passwords import Keychain
from console.settings import Profile


@dataclass(frozen=True)
class Found:
    """Credentials found for a profile (None: none), and what went wrong looking."""

    credentials: Credentials | None
    problems: tuple[str, ...] = ()


async def find_credentials(profile: Profile, keychain: Keychain) -> Found:
    """The environment's credentials, else the keychain's password for the profile's login."""
    problems: list[str] = []
    try:
        credentials = environment_credentials(profile.login)
    except CredentialsUnavailable as exc:
        problems.append(str(exc))
        credentials = None
    if credentials is None and profile.login:
        try:
            password = await keychain.get(profile.name, profile.login)
        except KeychainError as exc:
            problems.append(f"Keychain: {exc}")
            password = None
        if password:
            credentials = Credentials(profile.login, password)
    return Found(credentials, tuple(problems))


def load_credentials(
    profile: str, login: str | None, keychain: Keychain | None = None
) -> Credentials:
    """Credentials for ``profile``: from the environment, else the keychain (blocking).

    ``keychain`` defaults to one that keeps no password for the session.

    Raises:
        CredentialsUnavailable: nothing usable was found, with what to do about it.
    """
    from_environment = environment_credentials(login)
    if from_environment is not None:
        return from_environment
    effective = effective_login(login)
    if not effective:
        raise CredentialsUnavailable(
            f"profile {profile!r} has no login: run 'sms-console credentials set --login L', "
            f"or set {LOGIN_ENV} and {PASSWORD_ENV}"
        )
    if keychain is None:
        keychain = Keychain(session_fallback=False)
    try:
        password = keychain.get_blocking(profile, effective)
    except KeychainTimeout as exc:
        raise CredentialsUnavailable(str(exc)) from None
    except KeychainError as exc:
        raise CredentialsUnavailable(f"{exc}; set {PASSWORD_ENV} instead") from None
    if not password:
        raise CredentialsUnavailable(
            f"no password stored in the keychain for login {effective!r} of profile "
            f"{profile!r}; run 'sms-console credentials set --login {effective}', "
            f"or set {PASSWORD_ENV}"
        )
    return Credentials(effective, password)
