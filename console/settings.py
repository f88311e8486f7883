"""Account profiles and their sending settings, kept as JSON under the data dir.

No secret is ever part of a profile: the password lives in the keychain.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import asdict, dataclass, field, fields, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from console.protocol.mt_request import HttpMethod, Priority
from console.protocol.phone import known_region

PROVIDER_ENDPOINT = "https://smsc-api.genesyscloud.com/httpapi/receiver"
SETTINGS_VERSION = 1
DEFAULT_PROFILE = "default"


class SettingsError(ValueError):
    """The settings file or a value in it is not usable."""


def check_endpoint(url: str) -> str:
    """Return ``url`` if it can serve as the MT endpoint.

    Raises:
        SettingsError: not an http(s) URL with a host.
    """
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise SettingsError(f"endpoint {url!r} must be an http:// or https:// URL with a host")
    if parts.username or parts.password:
        raise SettingsError("the endpoint URL must not carry a user or password")
    return url


@dataclass(frozen=True)
class Profile:
    """One provider account and how to send through it."""

    name: str = DEFAULT_PROFILE
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

    def __post_init__(self) -> None:
        check_endpoint(self.endpoint)
        if self.messages_per_second is not None and self.messages_per_second <= 0:
            raise SettingsError("messages per second must be positive")
        if self.retry_wait < 0:
            raise SettingsError("the retry wait cannot be negative")
        if self.max_attempts < 1:
            raise SettingsError("at least one attempt is needed")
        if self.timeout <= 0:
            raise SettingsError("the request timeout must be positive")
        if self.default_region is not None and not known_region(self.default_region):
            raise SettingsError(
                f"default_region {self.default_region!r} is not a region code like US or GB"
            )


@dataclass(frozen=True)
class ListenerSettings:
    """Where the callback listener listens; the path token is generated on first use."""

    host: str = "127.0.0.1"
    port: int = 8787
    path_token: str = ""
    allow: tuple[str, ...] = ()
    trusted_proxies: tuple[str, ...] = ()
    tls_cert: str | None = None
    tls_key: str | None = None
    max_body: int = 8 * 1024 * 1024


@dataclass(frozen=True)
class Settings:
    profiles: tuple[Profile, ...] = field(default_factory=lambda: (Profile(),))
    active: str = DEFAULT_PROFILE
    listener: ListenerSettings = field(default_factory=ListenerSettings)

    def profile(self, name: str | None = None) -> Profile:
        """The profile called ``name`` (the active one by default).

        Raises:
            SettingsError: no profile has that name.
        """
        wanted = name or self.active
        for profile in self.profiles:
            if profile.name == wanted:
                return profile
        known = ", ".join(p.name for p in self.profiles) or "none"
        raise SettingsError(f"no profile named {wanted!r} (profiles: {known})")


def _profile_from_json(data: dict[str, Any]) -> Profile:
    known = {f.name for f in fields(Profile)}
    unknown = set(data) - known
    if unknown:
        raise SettingsError(f"unknown profile settings: {', '.join(sorted(unknown))}")
    values = dict(data)
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
        return Settings(
            profiles=profiles,
            active=data.get("active", DEFAULT_PROFILE),
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
    """``settings`` with ``profile`` added or replacing the one of the same name."""
    others = tuple(p for p in settings.profiles if p.name != profile.name)
    return replace(settings, profiles=(*others, profile))
