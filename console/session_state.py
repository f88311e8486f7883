"""What the session tells the window: the listener's and the store's state, alerts, and
why a send was refused."""

from __future__ import annotations

from dataclasses import dataclass

UNREACHABLE = "Shared store unreachable, retrying"


class NotReady(Exception):
    """A send was asked for before the profile had credentials."""


class StoreUnreachable(Exception):
    """A send was asked for while the shared store is out of reach: nothing can be
    recorded, so nothing is sent. The text starts with :data:`UNREACHABLE`."""


@dataclass(frozen=True)
class ListenerState:
    """What the status bar shows about the callback listener.

    ``off``: not started because the store is shared (its receivers take the callbacks)
    and the settings do not ask for the embedded listener too. ``not_storing``: running,
    but the callbacks it takes cannot be stored (each is answered 503), and why.
    """

    running: bool
    url: str | None = None
    error: str | None = None
    off: bool = False
    not_storing: str | None = None


@dataclass(frozen=True)
class StoreState:
    """What the status bar shows about the store: a shared one may be out of reach, and
    ``reason`` then says why (never with a password). A SQLite file is always reachable."""

    shared: bool
    reachable: bool = True
    reason: str | None = None

    @property
    def text(self) -> str | None:
        """The words to show while out of reach, else None."""
        return None if self.reachable else f"{UNREACHABLE} ({self.reason})"


@dataclass(frozen=True)
class Alert:
    """Something the operator must notice: a message that failed or was not delivered, a
    customer's reply. ``kind`` is "problem" or "reply"."""

    title: str
    text: str
    message_ids: tuple[str, ...]
    kind: str = "problem"
