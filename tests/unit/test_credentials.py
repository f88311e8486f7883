from __future__ import annotations

from collections.abc import Iterator

import keyring
import keyring.backend
import keyring.errors
import pytest

from console import credentials as credentials_module
from console.credentials import (
    CredentialsUnavailable,
    load_credentials,
    service_name,
)
from tests.support.keyrings import HangingKeyring, MemoryKeyring, MissingKeyring


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SMS_CONSOLE_LOGIN", raising=False)
    monkeypatch.delenv("SMS_CONSOLE_PASSWORD", raising=False)


@pytest.fixture
def memory_keyring() -> Iterator[MemoryKeyring]:
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


def test_password_is_read_from_the_keychain_entry_of_the_profile(
    memory_keyring: MemoryKeyring,
) -> None:
    memory_keyring.set_password(service_name("support"), "acme", "from-keychain")
    found = load_credentials("support", "acme")
    assert (found.login, found.password) == ("acme", "from-keychain")
    assert "from-keychain" not in repr(found)


def test_environment_overrides_the_keychain(
    memory_keyring: MemoryKeyring, monkeypatch: pytest.MonkeyPatch
) -> None:
    memory_keyring.set_password(service_name("default"), "acme", "from-keychain")
    monkeypatch.setenv("SMS_CONSOLE_LOGIN", "script")
    monkeypatch.setenv("SMS_CONSOLE_PASSWORD", "from-env")
    found = load_credentials("default", "acme")
    assert (found.login, found.password) == ("script", "from-env")


def test_missing_password_says_where_to_put_one(memory_keyring: MemoryKeyring) -> None:
    with pytest.raises(CredentialsUnavailable, match="SMS_CONSOLE_PASSWORD"):
        load_credentials("default", "acme")


def test_missing_login_is_explained(memory_keyring: MemoryKeyring) -> None:
    with pytest.raises(CredentialsUnavailable, match="no login"):
        load_credentials("default", None)


def test_no_keychain_at_all_is_explained() -> None:
    previous = keyring.get_keyring()
    keyring.set_keyring(MissingKeyring())
    try:
        with pytest.raises(CredentialsUnavailable, match="no keychain is available"):
            load_credentials("default", "acme")
    finally:
        keyring.set_keyring(previous)


def test_a_hanging_keychain_times_out(monkeypatch: pytest.MonkeyPatch) -> None:
    previous = keyring.get_keyring()
    backend = HangingKeyring()
    keyring.set_keyring(backend)
    monkeypatch.setattr(credentials_module, "KEYRING_TIMEOUT", 0.2)
    try:
        with pytest.raises(CredentialsUnavailable, match="did not answer"):
            load_credentials("default", "acme")
    finally:
        backend.release.set()
        keyring.set_keyring(previous)
