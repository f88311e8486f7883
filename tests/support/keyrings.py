"""Keychain stand-ins for the tests: the system's keychain cannot be written here (one real
Secret Service is tested on its own, in ``tests/unit/keychain/test_real_keychain.py``)."""

from __future__ import annotations

import threading

import keyring.backend
import keyring.errors
from keyring.backends import chainer


class MemoryKeyring(keyring.backend.KeyringBackend):
    priority = 1

    def __init__(self) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self.entries: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.entries.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.entries[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if self.entries.pop((service, username), None) is None:
            raise keyring.errors.PasswordDeleteError("not found")


class HangingKeyring(MemoryKeyring):
    """A keychain waiting for an unlock that never comes (until the test lets it go)."""

    def __init__(self) -> None:
        super().__init__()
        self.release = threading.Event()

    def get_password(self, service: str, username: str) -> str | None:
        self.release.wait(10)
        return None

    def set_password(self, service: str, username: str, password: str) -> None:
        self.release.wait(10)

    def delete_password(self, service: str, username: str) -> None:
        self.release.wait(10)

    def let_go(self) -> None:
        """Finish the hung calls, so no thread outlives the test's event loop."""
        self.release.set()
        for thread in threading.enumerate():
            if thread.name == "keychain-call":
                thread.join(5)


class MissingKeyring(MemoryKeyring):
    """Looks like a keychain, then says there is none when asked."""

    def get_password(self, service: str, username: str) -> str | None:
        raise keyring.errors.NoKeyringError("no backend")


class RefusingKeyring(MemoryKeyring):
    """Fails with messages that carry the password, as a careless backend might."""

    def set_password(self, service: str, username: str, password: str) -> None:
        raise keyring.errors.PasswordSetError(f"cannot store {password!r}")

    def get_password(self, service: str, username: str) -> str | None:
        raise keyring.errors.KeyringLocked("collection is locked")

    def delete_password(self, service: str, username: str) -> None:
        raise ConnectionRefusedError(f"no bus for {username}")


class EmptyChainer(chainer.ChainerBackend):
    backends: list[keyring.backend.KeyringBackend] = []  # noqa: RUF012 (overrides a class property)


class PlaintextKeyring(MemoryKeyring):
    """Stands for keyrings.alt's plain-text file backend, which is not installed here."""


PlaintextKeyring.__module__ = "keyrings.alt.file"


def make(cls: type[keyring.backend.KeyringBackend]) -> keyring.backend.KeyringBackend:
    return cls()
