"""A profile's keychain entry follows the profile when it is renamed (in use or not)."""

from __future__ import annotations

from dataclasses import dataclass

from console.keychain.errors import KeychainError
from console.keychain.passwords import Keychain
from console.settings import Settings


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
