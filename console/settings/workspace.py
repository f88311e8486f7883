"""Where the console keeps its messages: this computer, or a team's shared store.

A shared store is a PostgreSQL URL without a password (the password lives in the
keychain, PGPASSWORD or libpq's password file). On a shared store the team's receivers
take the provider's callbacks, so the embedded listener is off unless asked for
(``ListenerSettings.embedded_on_shared``).
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from console.store.location import StoreLocationError, parse_store_url


@dataclass(frozen=True)
class WorkspaceSettings:
    """``store``: the shared store's URL, or empty for this computer's own store."""

    store: str = ""

    @property
    def shared(self) -> bool:
        return bool(self.store)


def workspace_problems(workspace: WorkspaceSettings) -> dict[str, str]:
    """What is wrong with the workspace settings, by field; empty when they can be used."""
    if not workspace.shared:
        return {}
    try:
        location = parse_store_url(workspace.store.strip())
    except StoreLocationError as exc:
        return {"store": str(exc)}
    if location.kind != "postgresql":
        return {"store": "a shared store is a PostgreSQL URL: postgresql://user@host/database"}
    return {}


def public_url_problem(text: str) -> str | None:
    """Why ``text`` cannot be the public base of the callback URL; None when it can."""
    if not text:
        return None
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return f"{text!r} is not a web address like https://callbacks.example.com"
    if parts.username is not None or parts.password is not None:
        return "the public URL cannot hold a user name or password"
    if parts.query or parts.fragment:
        return "the public URL ends at its path: no ? or # part"
    return None


def public_callback_url(local: str, public: str) -> str:
    """The URL the provider is given: ``local`` (with its path token) reached through the
    ``public`` base (a port forward or tunnel), or ``local`` itself when there is none."""
    if not public:
        return local
    return public.rstrip("/") + urlsplit(local).path
