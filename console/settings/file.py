"""The settings file: JSON under the data dir, written atomically, with a version.

A file of an older version is upgraded as it is read, one version at a time; a newer one
(written by a newer console) is refused with both versions named, never half understood.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict, fields
from pathlib import Path
from typing import Any

from console.atomic_file import replaced_atomically
from console.protocol.keywords import Keywords
from console.protocol.mt_request import HttpMethod, Priority
from console.settings.conversations import ConversationSettings
from console.settings.model import (
    DEFAULT_PROFILE,
    Environment,
    ListenerSettings,
    Profile,
    Settings,
    SettingsError,
    Theme,
)
from console.settings.workspace import WorkspaceSettings

SETTINGS_VERSION = 5


def _v1_to_v2(data: dict[str, Any]) -> dict[str, Any]:
    # Version 2 gave each profile a longest message; version 1 files had none.
    for profile in data.get("profiles", []):
        profile.setdefault("max_segments", 10)
        profile.setdefault("max_characters", None)
    return data


def _v2_to_v3(data: dict[str, Any]) -> dict[str, Any]:
    # Version 3 added the theme; earlier windows followed the system.
    data.setdefault("theme", Theme.SYSTEM.value)
    return data


def _v3_to_v4(data: dict[str, Any]) -> dict[str, Any]:
    # Version 4 added the workspace (a shared store) and the listener's public URL; a
    # file without them keeps this computer's store and the local URL.
    data.setdefault("workspace", {})
    return data


def _v4_to_v5(data: dict[str, Any]) -> dict[str, Any]:
    # Version 5 gave each profile its reply keywords (STOP, START, HELP; earlier consoles
    # knew none, and the defaults are what carriers expect) and added conversations
    # (replies notified, claims of 15 minutes).
    for profile in data.get("profiles", []):
        profile.setdefault("keywords", _keywords_to_json(Keywords()))
    data.setdefault("conversations", {})
    return data


# What turns a file of each version into one of the next.
_UPGRADES: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {
    1: _v1_to_v2,
    2: _v2_to_v3,
    3: _v3_to_v4,
    4: _v4_to_v5,
}


def _upgraded(data: dict[str, Any]) -> dict[str, Any]:
    version = data.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise SettingsError(f"unsupported settings version {version!r}")
    if version > SETTINGS_VERSION:
        raise SettingsError(
            f"written by a newer version of the console (settings version {version}; this "
            f"one reads versions up to {SETTINGS_VERSION})"
        )
    while version < SETTINGS_VERSION:
        data = _UPGRADES[version](data)
        version += 1
    return data


def _environment(value: Any) -> Environment:
    try:
        return Environment(value)
    except ValueError:
        raise SettingsError(f"environment {value!r} must be production or test") from None


def _theme(value: Any) -> Theme:
    try:
        return Theme(value)
    except ValueError:
        raise SettingsError(f"theme {value!r} must be system, light or dark") from None


def _operator_name(value: Any) -> str:
    if not isinstance(value, str):
        raise SettingsError(f"operator_name {value!r} must be text")
    return value


def _keywords_to_json(keywords: Keywords) -> dict[str, Any]:
    return {k: _plain(v) for k, v in asdict(keywords).items()}


def _keywords_from_json(data: Any) -> Keywords:
    if not isinstance(data, dict):
        raise SettingsError("keywords must be an object")
    known = {f.name for f in fields(Keywords)}
    unknown = set(data) - known
    if unknown:
        raise SettingsError(f"unknown keyword settings: {', '.join(sorted(unknown))}")
    values: dict[str, Any] = {}
    for name, value in data.items():
        if name in ("opt_out", "opt_in", "help"):
            if not isinstance(value, list) or not all(isinstance(w, str) for w in value):
                raise SettingsError(f"keywords {name} must be a list of words")
            values[name] = tuple(value)
        elif not isinstance(value, str):
            raise SettingsError(f"keywords {name} must be text")
        else:
            values[name] = value
    return Keywords(**values)


def _profile_from_json(data: dict[str, Any]) -> Profile:
    known = {f.name for f in fields(Profile)}
    unknown = set(data) - known
    if unknown:
        raise SettingsError(f"unknown profile settings: {', '.join(sorted(unknown))}")
    values = dict(data)
    if "environment" in values:
        values["environment"] = _environment(values["environment"])
    if "senders" in values:
        values["senders"] = tuple(values["senders"])
    if values.get("default_priority"):
        values["default_priority"] = Priority(values["default_priority"])
    if "method" in values:
        values["method"] = HttpMethod(values["method"])
    if "keywords" in values:
        values["keywords"] = _keywords_from_json(values["keywords"])
    return Profile(**values)


def _listener_from_json(data: dict[str, Any]) -> ListenerSettings:
    known = {f.name for f in fields(ListenerSettings)}
    unknown = set(data) - known
    if unknown:
        raise SettingsError(f"unknown listener settings: {', '.join(sorted(unknown))}")
    values = dict(data)
    for name in ("allow", "trusted_proxies"):
        if name in values:
            values[name] = tuple(values[name])
    return ListenerSettings(**values)


def _workspace_from_json(data: dict[str, Any]) -> WorkspaceSettings:
    known = {f.name for f in fields(WorkspaceSettings)}
    unknown = set(data) - known
    if unknown:
        raise SettingsError(f"unknown workspace settings: {', '.join(sorted(unknown))}")
    if not isinstance(data.get("store", ""), str):
        raise SettingsError("workspace store must be a URL")
    return WorkspaceSettings(store=data.get("store", ""))


def _conversations_from_json(data: dict[str, Any]) -> ConversationSettings:
    known = {f.name for f in fields(ConversationSettings)}
    unknown = set(data) - known
    if unknown:
        raise SettingsError(f"unknown conversation settings: {', '.join(sorted(unknown))}")
    if not isinstance(data.get("notify_replies", True), bool):
        raise SettingsError("conversations notify_replies must be true or false")
    return ConversationSettings(**data)


def _plain(value: Any) -> Any:
    return list(value) if isinstance(value, tuple) else value


def load_settings(path: Path) -> Settings:
    """Read the settings file; a missing file gives the defaults.

    A file written before profiles had an environment reads as production for each: the
    side that warns the most.

    Raises:
        SettingsError: the file is not valid, with where and why.
    """
    if not path.exists():
        return Settings()
    try:
        data = _upgraded(json.loads(path.read_text(encoding="utf-8")))
        profiles = tuple(_profile_from_json(p) for p in data["profiles"])
        names = [p.name for p in profiles]
        # Files written by hand often leave out the active profile.
        fallback = DEFAULT_PROFILE if DEFAULT_PROFILE in names or not names else names[0]
        return Settings(
            profiles=profiles,
            active=data.get("active") or fallback,
            listener=_listener_from_json(data.get("listener", {})),
            theme=_theme(data["theme"]),
            workspace=_workspace_from_json(data.get("workspace", {})),
            # Files written before it was a setting have none.
            operator_name=_operator_name(data.get("operator_name", "")),
            conversations=_conversations_from_json(data["conversations"]),
        )
    except SettingsError as exc:
        raise SettingsError(f"{path}: {exc}") from None
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise SettingsError(f"{path}: not a valid settings file ({exc})") from None


def _profile_to_json(profile: Profile) -> dict[str, Any]:
    data = {k: _plain(v) for k, v in asdict(profile).items()}
    data["keywords"] = _keywords_to_json(profile.keywords)
    return data


def save_settings(path: Path, settings: Settings) -> None:
    """Write the settings atomically (a crash leaves the old file or the new, never half)."""
    data = {
        "version": SETTINGS_VERSION,
        "active": settings.active,
        "profiles": [_profile_to_json(p) for p in settings.profiles],
        "listener": {k: _plain(v) for k, v in asdict(settings.listener).items()},
        "theme": settings.theme.value,
        "workspace": asdict(settings.workspace),
        "operator_name": settings.operator_name,
        "conversations": asdict(settings.conversations),
    }
    with replaced_atomically(path) as handle:
        json.dump(data, handle, indent=2)
