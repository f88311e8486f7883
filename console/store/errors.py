"""Errors the store raises for its callers to handle."""


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
