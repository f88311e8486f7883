"""A profile's credentials: where they come from, and their keychain entry following the
profile when it is renamed (in use or not)."""

from __future__ import annotations

from dataclasses import dataclass

from console.credentials import Credentials, CredentialsUnavailable, environment_credentials
from console.keychain import Keychain, KeychainError
from console.settings import Profile, Settings


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


@dataclass(frozen=True)
class Rename:
    old: str
    new: str
    login: str


def renames(before: Settings, after: Settings) -> list[Rename]:
    """Profiles whose name changed between ``before`` and ``after``.

    A profile gone under its old name is taken as renamed to a new name with the same
    login and endpoint (its keychain entry is filed under the name and the login).
    """
    kept = {p.name for p in after.profiles}
    known = {p.name for p in before.profiles}
    arrived = [p for p in after.profiles if p.name not in known]
    found = []
    for old in before.profiles:
        if old.name in kept or old.login is None:
            continue
        for new in arrived:
            if (new.login, new.endpoint) == (old.login, old.endpoint):
                found.append(Rename(old.name, new.name, old.login))
                arrived.remove(new)
                break
    return found


async def follow_renames(keychain: Keychain, moves: list[Rename]) -> list[str]:
    """Move each renamed profile's password to its new name; the problems met."""
    problems = []
    for move in moves:
        try:
            password = await keychain.get(move.old, move.login)
            if password:
                await keychain.set(move.new, move.login, password)
                await keychain.delete(move.old, move.login)
        except KeychainError as exc:
            problems.append(f"Keychain: the password of {move.old!r} stays under that name: {exc}")
    return problems
