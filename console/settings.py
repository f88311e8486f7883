"""Account profiles and their sending settings, kept as JSON under the data dir.

No secret is ever part of a profile: the password lives in the keychain.
"""

from __future__ import annotations

import ipaddress
import json
import math
import os
import re
import tempfile
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, fields, replace
from enum import StrEnum
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import phonenumbers

from console.listener.config import (
    DEFAULT_MAX_CONNECTIONS,
    DEFAULT_MAX_CONNECTIONS_PER_ADDRESS,
    ListenerConfig,
    ListenerConfigError,
    new_path_token,
    parse_networks,
)
from console.protocol.mt_request import HttpMethod, Priority
from console.protocol.phone import known_region

PROVIDER_ENDPOINT = "https://smsc-api.genesyscloud.com/httpapi/receiver"
SETTINGS_VERSION = 1
DEFAULT_PROFILE = "default"
MAX_NAME_LENGTH = 64
REGION_CODES: tuple[str, ...] = tuple(sorted(phonenumbers.SUPPORTED_REGIONS))


class SettingsError(ValueError):
    """The settings file or a value in it is not usable.

    ``problems`` maps each field at fault to its message, so that a form can show every
    message next to its field; it is empty when the fault is not one field's.
    """

    def __init__(self, message: str, problems: Mapping[str, str] | None = None) -> None:
        super().__init__(message)
        self.problems = dict(problems or {})


class Environment(StrEnum):
    """Whether a profile reaches real customers: shown on screen so nobody mixes them up."""

    PRODUCTION = "production"
    TEST = "test"


def check_endpoint(url: str) -> str:
    """Return ``url`` if it can serve as the MT endpoint.

    Raises:
        SettingsError: not an http(s) URL with a host.
    """
    unusable = f"endpoint {url!r} must be an http:// or https:// URL with a host"
    try:
        parts = urlsplit(url)
    except ValueError:  # e.g. an unclosed [ of an IPv6 address
        raise SettingsError(unusable) from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise SettingsError(unusable)
    try:
        port_ok = parts.port != 0
    except ValueError:  # not a number, or out of range
        port_ok = False
    if not port_ok:
        raise SettingsError(f"the port in endpoint {url!r} must be a number from 1 to 65535")
    if parts.username or parts.password:
        raise SettingsError("the endpoint URL must not carry a user or password")
    return url


def _name_problem(name: str) -> str | None:
    if not name.strip():
        return "a profile needs a name"
    if name != name.strip():
        return "the name cannot start or end with a space"
    if len(name) > MAX_NAME_LENGTH:
        return f"the name can have at most {MAX_NAME_LENGTH} characters"
    if not name.isprintable():
        return "the name cannot hold control characters"
    return None


@dataclass(frozen=True)
class Profile:
    """One provider account and how to send through it."""

    name: str = DEFAULT_PROFILE
    environment: Environment = Environment.PRODUCTION
    endpoint: str = PROVIDER_ENDPOINT
    login: str | None = None
    senders: tuple[str, ...] = ()
    default_priority: Priority | None = None
    default_receipt: bool = True
    messages_per_second: float | None = 5.0
    retry_wait: float = 30.0
    max_attempts: int = 10
    method: HttpMethod = HttpMethod.POST
    default_region: str | None = None
    timeout: float = 30.0
    # The longest message the account takes (the provider refuses longer ones with code 8).
    max_segments: int | None = 10
    max_characters: int | None = None

    def __post_init__(self) -> None:
        problems = self._problems()
        if problems:
            raise SettingsError("; ".join(problems.values()), problems)

    def _problems(self) -> dict[str, str]:
        found: dict[str, str] = {}
        name_problem = _name_problem(self.name)
        if name_problem:
            found["name"] = name_problem
        if self.environment not in {e.value for e in Environment}:
            found["environment"] = f"environment {self.environment!r} must be production or test"
        try:
            check_endpoint(self.endpoint)
        except SettingsError as exc:
            found["endpoint"] = str(exc)
        if self.login is not None and (not self.login.strip() or self.login != self.login.strip()):
            found["login"] = "the login cannot be blank or start or end with a space"
        blank = [s for s in self.senders if not s.strip() or s != s.strip()]
        if blank:
            found["senders"] = "a sender cannot be blank or start or end with a space"
        elif len(set(self.senders)) != len(self.senders):
            twice = next(s for s in self.senders if self.senders.count(s) > 1)
            found["senders"] = f"sender {twice!r} is listed twice"
        rate = self.messages_per_second
        if rate is not None and not (math.isfinite(rate) and rate > 0):
            found["messages_per_second"] = "messages per second must be positive"
        if not (math.isfinite(self.retry_wait) and self.retry_wait >= 0):
            found["retry_wait"] = "the retry wait cannot be negative"
        if self.max_attempts < 1:
            found["max_attempts"] = "at least one attempt is needed"
        if not (math.isfinite(self.timeout) and self.timeout > 0):
            found["timeout"] = "the request timeout must be positive"
        for name in ("max_segments", "max_characters"):
            limit = getattr(self, name)
            if limit is not None and (not isinstance(limit, int) or limit < 1):
                found[name] = f"{name.replace('_', ' ')} must be a whole number from 1"
        if self.default_region is not None and not known_region(self.default_region):
            found["default_region"] = (
                f"default_region {self.default_region!r} is not a region code like US or GB"
            )
        return found


@dataclass(frozen=True)
class ListenerSettings:
    """Where the callback listener listens; the path token is generated on first use.

    Not checked when built or loaded (a missing certificate file must not stop the
    program from sending): :func:`listener_problems` says what is wrong.
    """

    host: str = "127.0.0.1"
    port: int = 8787
    path_token: str = ""
    allow: tuple[str, ...] = ()
    trusted_proxies: tuple[str, ...] = ()
    tls_cert: str | None = None
    tls_key: str | None = None
    max_body: int = 8 * 1024 * 1024
    max_connections: int = DEFAULT_MAX_CONNECTIONS
    max_connections_per_address: int = DEFAULT_MAX_CONNECTIONS_PER_ADDRESS


_HOSTNAME = re.compile(r"(?!-)[A-Za-z0-9-]{1,63}(?<!-)(\.(?!-)[A-Za-z0-9-]{1,63}(?<!-))*\.?")


def listener_problems(listener: ListenerSettings) -> dict[str, str]:
    """What is wrong with each listener setting, by field; empty when the listener can start.

    Each setting is put through the listener's own checks on its own, so that every
    problem is found at once and told next to its field. The certificate and key are one
    setting, ``tls``: HTTPS needs both.
    """
    found: dict[str, str] = {}
    try:
        ipaddress.ip_address(listener.host)
    except ValueError:
        if not _HOSTNAME.fullmatch(listener.host):
            found["host"] = f"{listener.host!r} is not an address like 127.0.0.1, 0.0.0.0 or ::"
    checks: dict[str, dict[str, Any]] = {
        "port": {"port": listener.port},
        "max_body": {"max_body": listener.max_body},
        "max_connections": {
            "max_connections": listener.max_connections,
            "max_connections_per_address": listener.max_connections_per_address,
        },
        "tls": {
            "tls_cert": Path(listener.tls_cert) if listener.tls_cert else None,
            "tls_key": Path(listener.tls_key) if listener.tls_key else None,
        },
    }
    if listener.path_token:
        checks["path_token"] = {"path_token": listener.path_token}
    for name, values in checks.items():
        try:
            ListenerConfig(**{"path_token": new_path_token(), **values})
        except ListenerConfigError as exc:
            found[name] = str(exc)
    for name in ("allow", "trusted_proxies"):
        try:
            parse_networks(getattr(listener, name))
        except ListenerConfigError as exc:
            found[name] = str(exc)
    return found


def parse_port(text: str) -> int:
    """Read a port number typed by an operator (its range is the listener's to check).

    Raises:
        SettingsError: not a whole number.
    """
    stripped = text.strip()
    if not stripped.isascii() or not stripped.isdigit():
        message = f"{text!r} is not a port number"
        raise SettingsError(message, {"port": message})
    return int(stripped)


@dataclass(frozen=True)
class Settings:
    """Every profile, which one is in use, and the callback listener."""

    profiles: tuple[Profile, ...] = field(default_factory=lambda: (Profile(),))
    active: str = DEFAULT_PROFILE
    listener: ListenerSettings = field(default_factory=ListenerSettings)

    def __post_init__(self) -> None:
        names = [p.name for p in self.profiles]
        if not names:
            message = "at least one profile is needed"
            raise SettingsError(message, {"profiles": message})
        twice = next((n for n in names if names.count(n) > 1), None)
        if twice is not None:
            # Told at the name: the one just typed is the one to change.
            raise SettingsError(
                f"two profiles are named {twice!r}", {"name": f"{twice!r} is already taken"}
            )
        if self.active not in names:
            message = f"the active profile {self.active!r} is not one of {', '.join(names)}"
            raise SettingsError(message, {"active": message})

    def profile(self, name: str | None = None) -> Profile:
        """The profile called ``name`` (the active one by default).

        Raises:
            SettingsError: no profile has that name.
        """
        wanted = name or self.active
        for profile in self.profiles:
            if profile.name == wanted:
                return profile
        raise _no_such_profile(self, wanted)


def _no_such_profile(settings: Settings, name: str) -> SettingsError:
    known = ", ".join(p.name for p in settings.profiles)
    return SettingsError(f"no profile named {name!r} (profiles: {known})")


def _environment(value: Any) -> Environment:
    try:
        return Environment(value)
    except ValueError:
        raise SettingsError(f"environment {value!r} must be production or test") from None


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
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("version") != SETTINGS_VERSION:
            raise SettingsError(f"unsupported settings version {data.get('version')!r}")
        profiles = tuple(_profile_from_json(p) for p in data["profiles"])
        names = [p.name for p in profiles]
        # Files written by hand often leave out the active profile.
        fallback = DEFAULT_PROFILE if DEFAULT_PROFILE in names or not names else names[0]
        return Settings(
            profiles=profiles,
            active=data.get("active") or fallback,
            listener=_listener_from_json(data.get("listener", {})),
        )
    except SettingsError as exc:
        raise SettingsError(f"{path}: {exc}") from None
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise SettingsError(f"{path}: not a valid settings file ({exc})") from None


def save_settings(path: Path, settings: Settings) -> None:
    """Write the settings atomically (a crash leaves the old file or the new, never half)."""
    data = {
        "version": SETTINGS_VERSION,
        "active": settings.active,
        "profiles": [{k: _plain(v) for k, v in asdict(p).items()} for p in settings.profiles],
        "listener": {k: _plain(v) for k, v in asdict(settings.listener).items()},
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".profiles-", suffix=".json")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(data, handle, indent=2)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


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
    raise _no_such_profile(settings, name)


def add_profile(settings: Settings, profile: Profile) -> Settings:
    """``settings`` with ``profile`` added at the end.

    Raises:
        SettingsError: a profile already has that name.
    """
    return Settings((*settings.profiles, profile), settings.active, settings.listener)


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
    return Settings(tuple(profiles), active, settings.listener)


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
    return Settings(profiles, active, settings.listener)


def with_active(settings: Settings, name: str) -> Settings:
    """``settings`` with ``name`` as the profile in use.

    Raises:
        SettingsError: there is no such profile.
    """
    _index(settings, name)
    return replace(settings, active=name)
