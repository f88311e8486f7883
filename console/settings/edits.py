"""Changes to the settings as the window and the command line make them: each returns new
settings and leaves the old ones as they were. Each is a ``replace`` of what it changes, so
every other setting (the listener, the theme, any added later) is carried over."""

from __future__ import annotations

from dataclasses import replace

from console.settings.model import Profile, Settings, SettingsError, no_such_profile


def with_profile(settings: Settings, profile: Profile) -> Settings:
    """``settings`` with ``profile`` replacing the one of the same name, where it stood,
    or added at the end."""
    names = [p.name for p in settings.profiles]
    if profile.name not in names:
        return replace(settings, profiles=(*settings.profiles, profile))
    profiles = tuple(profile if p.name == profile.name else p for p in settings.profiles)
    return replace(settings, profiles=profiles)


def unique_name(settings: Settings, base: str) -> str:
    """``base``, or ``base 2``, ``base 3``… whichever no profile has yet."""
    taken = {p.name for p in settings.profiles}
    candidate, number = base, 1
    while candidate in taken:
        number += 1
        candidate = f"{base} {number}"
    return candidate


def _index(settings: Settings, name: str) -> int:
    for index, profile in enumerate(settings.profiles):
        if profile.name == name:
            return index
    raise no_such_profile(settings, name)


def add_profile(settings: Settings, profile: Profile) -> Settings:
    """``settings`` with ``profile`` added at the end.

    Raises:
        SettingsError: a profile already has that name.
    """
    return replace(settings, profiles=(*settings.profiles, profile))


def duplicate_profile(settings: Settings, name: str) -> tuple[Settings, Profile]:
    """A copy of the profile ``name`` placed just after it, under a new name.

    Returns:
        The new settings and the copy.
    """
    index = _index(settings, name)
    copy = replace(settings.profiles[index], name=unique_name(settings, f"{name} copy"))
    profiles = list(settings.profiles)
    profiles.insert(index + 1, copy)
    return replace(settings, profiles=tuple(profiles)), copy


def replace_profile(settings: Settings, name: str, profile: Profile) -> Settings:
    """``settings`` with the profile ``name`` replaced, in place, by ``profile``.

    ``profile`` may carry a new name: that renames it, and the active profile follows.

    Raises:
        SettingsError: no profile is called ``name``, or another has the new name.
    """
    index = _index(settings, name)
    profiles = list(settings.profiles)
    profiles[index] = profile
    active = profile.name if settings.active == name else settings.active
    return replace(settings, profiles=tuple(profiles), active=active)


def remove_profile(settings: Settings, name: str) -> Settings:
    """``settings`` without the profile ``name``; if it was active, the first one left is.

    Raises:
        SettingsError: it is the last profile, or there is no such profile.
    """
    index = _index(settings, name)
    if len(settings.profiles) == 1:
        message = "the last profile cannot be removed"
        raise SettingsError(message, {"profiles": message})
    profiles = settings.profiles[:index] + settings.profiles[index + 1 :]
    active = profiles[0].name if settings.active == name else settings.active
    return replace(settings, profiles=profiles, active=active)


def with_active(settings: Settings, name: str) -> Settings:
    """``settings`` with ``name`` as the profile in use.

    Raises:
        SettingsError: there is no such profile.
    """
    _index(settings, name)
    return replace(settings, active=name)
