"""Which backends are real keychains, and their names in words."""

from __future__ import annotations

import keyring.backend
import pytest
from keyring.backends import SecretService, fail, null

from console.keychain import describe_backend, is_system_backend, service_name
from tests.support.keyrings import EmptyChainer, MemoryKeyring, PlaintextKeyring, make


def test_known_backends_are_named_in_words() -> None:
    secret_service = make(SecretService.Keyring)
    assert is_system_backend(secret_service)
    assert describe_backend(secret_service).startswith("Secret Service keychain")
    assert describe_backend(make(fail.Keyring)) == "no keychain"
    assert describe_backend(make(EmptyChainer)) == "no keychain"
    assert "not a keychain" in describe_backend(PlaintextKeyring())


@pytest.mark.parametrize(
    "cls",
    [fail.Keyring, null.Keyring, EmptyChainer, PlaintextKeyring],
    ids=["fail", "null", "empty-chainer", "plaintext-file"],
)
def test_backends_that_would_drop_or_write_out_the_password_are_no_keychain(
    cls: type[keyring.backend.KeyringBackend],
) -> None:
    assert not is_system_backend(make(cls))


def test_any_other_backend_is_taken_as_a_keychain() -> None:
    assert is_system_backend(MemoryKeyring())


def test_entries_are_filed_under_the_service_name_of_earlier_versions() -> None:
    # Passwords stored by earlier versions are found under this name.
    assert service_name("support") == "sms-operator-console:support"
