"""Which settings a save changed, by name: what the audit trail records of it. Values are
never part of it (the listener's path token is a secret of the callback URL)."""

from __future__ import annotations

from dataclasses import fields
from typing import Any

from console.settings.model import ListenerSettings, Profile, Settings


def _differing(old: Any, new: Any, names: list[str]) -> list[str]:
    return [name for name in names if getattr(old, name) != getattr(new, name)]


def changed_settings(old: Settings, new: Settings) -> list[str]:
    """The settings that differ from ``old`` in ``new``: ``theme``, ``listener.port``,
    ``profile 'x'.retry_wait``, ``profile 'y' added``…; empty when nothing changed."""
    top = [f.name for f in fields(Settings) if f.name not in ("profiles", "listener")]
    found = _differing(old, new, top)
    # The first path token is made by the program, not chosen: only a new one is a change.
    listener = [
        f.name
        for f in fields(ListenerSettings)
        if f.name != "path_token" or old.listener.path_token
    ]
    found += [f"listener.{name}" for name in _differing(old.listener, new.listener, listener)]
    before = {p.name: p for p in old.profiles}
    after = {p.name: p for p in new.profiles}
    profile_fields = [f.name for f in fields(Profile) if f.name != "name"]
    for name, profile in after.items():
        if name not in before:
            found.append(f"profile {name!r} added")
            continue
        changed = _differing(before[name], profile, profile_fields)
        found += [f"profile {name!r}.{field}" for field in changed]
    found += [f"profile {name!r} removed" for name in before if name not in after]
    return found
