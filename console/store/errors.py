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


class StoreBusy(StoreError):
    """Another connection holds the write lock; nothing was written. Try again later."""
