"""A keyring backend installed for one test, and an environment without credentials."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import keyring
import keyring.backend
import pytest

from tests.support.keyrings import MemoryKeyring

Install = Callable[[keyring.backend.KeyringBackend], None]


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SMS_CONSOLE_LOGIN", raising=False)
    monkeypatch.delenv("SMS_CONSOLE_PASSWORD", raising=False)


@pytest.fixture
def install() -> Iterator[Install]:
    """Installs a backend for this test; the previous one comes back afterwards."""
    previous = keyring.get_keyring()
    yield keyring.set_keyring
    keyring.set_keyring(previous)


@pytest.fixture
def memory(install: Install) -> MemoryKeyring:
    backend = MemoryKeyring()
    install(backend)
    return backend
