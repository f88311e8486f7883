"""Errors the store raises for its callers to handle."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from console.store.suppression import Suppression


class StoreError(Exception):
    pass


class DuplicateMessageId(StoreError):
    def __init__(self, message_id: str) -> None:
        super().__init__(f"a message with message_id {message_id!r} already exists")
        self.message_id = message_id


class UnknownMessage(StoreError):
    def __init__(self, message_id: str) -> None:
        super().__init__(f"no message with message_id {message_id!r}")
        self.message_id = message_id


class IncompatibleStore(StoreError):
    """The database was written by a newer version of the program."""


class StoreOutOfReach(StoreError):
    """The shared store's server could not be reached (down, restarting, or the network
    failed): trying again later may succeed. ``reason`` says why, without any password."""

    def __init__(self, text: str, reason: str) -> None:
        super().__init__(text)
        self.reason = reason


class StoreBusy(StoreError):
    """Another connection holds the write lock; nothing was written. Try again later."""


class OptedOut(StoreError):
    """The number is on the opt-out list: nothing may be sent to it. ``suppression`` is its
    entry; the text says why in plain words."""

    def __init__(self, suppression: Suppression) -> None:
        super().__init__(suppression.describe())
        self.suppression = suppression


class NotSuppressed(StoreError):
    """A number to take off the opt-out list is not on it."""


class AlreadySuppressed(StoreError):
    """A number to put on the opt-out list is on it already (``suppression``)."""

    def __init__(self, suppression: Suppression) -> None:
        super().__init__(f"already on the opt-out list: {suppression.describe()}")
        self.suppression = suppression


class ReasonRequired(StoreError):
    """A change made by hand to the opt-out list needs a reason and an operator."""
