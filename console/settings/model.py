"""What the settings hold: account profiles, the callback listener, and their rules.

No secret is ever part of a profile: the password lives in the keychain.
"""

from __future__ import annotations

import ipaddress
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
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
from console.protocol.keywords import KeywordRules, Keywords, ProfileKeywords, ReplySender
from console.protocol.mt_request import HttpMethod, Priority
from console.protocol.phone import known_region
from console.settings.conversations import ConversationSettings, conversation_problems
from console.settings.workspace import WorkspaceSettings, public_url_problem

PROVIDER_ENDPOINT = "https://smsc-api.genesyscloud.com/httpapi/receiver"
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


class Theme(StrEnum):
    """How the window looks: as the desktop does, or always light or dark."""

    SYSTEM = "system"
    LIGHT = "light"
    DARK = "dark"


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
    # What a customer's reply to one of this profile's senders may be: STOP, START, HELP.
    keywords: Keywords = field(default_factory=Keywords)

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
        for name, problem in self.keywords.problems().items():
            found[f"{name}_keywords"] = problem
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
    ``embedded_on_shared``: run the window's own listener on a shared store too (there,
    the team's receivers normally take the callbacks).
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
    # On a shared store the team's receivers take callbacks; this console too if set.
    embedded_on_shared: bool = False
    # Where the provider reaches this listener from outside (a port forward or tunnel):
    # the URL to give it is this base with the listener's path, token included.
    public_url: str = ""


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
    public = public_url_problem(listener.public_url)
    if public is not None:
        found["public_url"] = public
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


def _operator_problem(name: str) -> str | None:
    if name != name.strip():
        return "the operator name cannot start or end with a space"
    if len(name) > MAX_NAME_LENGTH:
        return f"the operator name can have at most {MAX_NAME_LENGTH} characters"
    if not name.isprintable():
        return "the operator name cannot hold control characters"
    return None


@dataclass(frozen=True)
class Settings:
    """Every profile, which one is in use, the callback listener, the window's theme, where
    messages are kept, the name this console's operator goes by (empty: the operating
    system's user name), and how conversations notify and claim."""

    profiles: tuple[Profile, ...] = field(default_factory=lambda: (Profile(),))
    active: str = DEFAULT_PROFILE
    listener: ListenerSettings = field(default_factory=ListenerSettings)
    theme: Theme = Theme.SYSTEM
    workspace: WorkspaceSettings = field(default_factory=WorkspaceSettings)
    operator_name: str = ""
    conversations: ConversationSettings = field(default_factory=ConversationSettings)

    def __post_init__(self) -> None:
        problem = _operator_problem(self.operator_name)
        if problem:
            raise SettingsError(problem, {"operator_name": problem})
        conversation = conversation_problems(self.conversations)
        if conversation:
            raise SettingsError("; ".join(conversation.values()), conversation)
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
        raise no_such_profile(self, wanted)


def keyword_rules(settings: Settings) -> KeywordRules:
    """Which keywords apply to a customer's reply: those of the profile whose senders
    include the shortcode it was sent to (the active profile first, then in the settings'
    order), else the active profile's. A text back goes out as a message of that profile."""
    active = settings.profile()
    ordered = [active, *(p for p in settings.profiles if p is not active)]
    by_shortcode: dict[str, ProfileKeywords] = {}
    for profile in ordered:
        for sender in profile.senders:
            by_shortcode.setdefault(sender, _profile_keywords(profile))
    return KeywordRules(_profile_keywords(active), tuple(by_shortcode.items()))


def _profile_keywords(profile: Profile) -> ProfileKeywords:
    sender = ReplySender(
        profile.name,
        profile.endpoint,
        profile.method,
        profile.default_receipt,
        profile.default_priority,
    )
    return ProfileKeywords(profile.keywords, sender)


def no_such_profile(settings: Settings, name: str) -> SettingsError:
    known = ", ".join(p.name for p in settings.profiles)
    return SettingsError(f"no profile named {name!r} (profiles: {known})")
