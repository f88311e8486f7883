"""A profile's credentials: the environment first, else the keychain; for the command line
(blocking, with what to do when none are found) and the window (awaited)."""

from __future__ import annotations

import keyring.backend
import pytest
from keyring.backends import fail

from console.keychain import (
    CredentialsUnavailable,
    Keychain,
    find_credentials,
    load_credentials,
    service_name,
)
from console.settings import Profile
from tests.support.keyrings import HangingKeyring, MemoryKeyring, MissingKeyring, make
from tests.unit.keychain.conftest import Install


def test_password_is_read_from_the_keychain_entry_of_the_profile(memory: MemoryKeyring) -> None:
    memory.set_password(service_name("support"), "acme", "from-keychain")
    found = load_credentials("support", "acme")
    assert (found.login, found.password) == ("acme", "from-keychain")
    assert "from-keychain" not in repr(found)


def test_environment_overrides_the_keychain(
    memory: MemoryKeyring, monkeypatch: pytest.MonkeyPatch
) -> None:
    memory.set_password(service_name("default"), "acme", "from-keychain")
    monkeypatch.setenv("SMS_CONSOLE_LOGIN", "script")
    monkeypatch.setenv("SMS_CONSOLE_PASSWORD", "from-env")
    found = load_credentials("default", "acme")
    assert (found.login, found.password) == ("script", "from-env")


def test_missing_password_says_where_to_put_one(memory: MemoryKeyring) -> None:
    with pytest.raises(CredentialsUnavailable, match="SMS_CONSOLE_PASSWORD"):
        load_credentials("default", "acme")


def test_missing_login_is_explained(memory: MemoryKeyring) -> None:
    with pytest.raises(CredentialsUnavailable, match="no login"):
        load_credentials("default", None)


def test_a_password_in_the_environment_needs_a_login(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SMS_CONSOLE_PASSWORD", "from-env")
    with pytest.raises(CredentialsUnavailable, match="set SMS_CONSOLE_LOGIN"):
        load_credentials("default", None)


@pytest.mark.parametrize("cls", [MissingKeyring, fail.Keyring], ids=["missing", "fail"])
def test_no_keychain_at_all_is_explained(
    install: Install, cls: type[keyring.backend.KeyringBackend]
) -> None:
    install(make(cls))
    with pytest.raises(
        CredentialsUnavailable,
        match=r"^no keychain is available here; set SMS_CONSOLE_PASSWORD instead$",
    ):
        load_credentials("default", "acme")


def test_a_hanging_keychain_times_out(install: Install) -> None:
    backend = HangingKeyring()
    install(backend)
    try:
        with pytest.raises(CredentialsUnavailable, match=r"did not answer within 0\.2 s"):
            load_credentials("default", "acme", Keychain(timeout=0.2, session_fallback=False))
    finally:
        backend.let_go()


async def test_the_window_finds_the_keychain_password_of_the_profile_login(
    memory: MemoryKeyring,
) -> None:
    memory.set_password(service_name("support"), "acme", "from-keychain")
    found = await find_credentials(Profile(name="support", login="acme"), Keychain())
    assert found.credentials is not None
    assert (found.credentials.login, found.credentials.password) == ("acme", "from-keychain")
    assert found.problems == ()


async def test_the_window_takes_the_environment_first_and_reports_what_it_lacks(
    memory: MemoryKeyring, monkeypatch: pytest.MonkeyPatch
) -> None:
    memory.set_password(service_name("support"), "acme", "from-keychain")
    monkeypatch.setenv("SMS_CONSOLE_PASSWORD", "from-env")
    found = await find_credentials(Profile(name="support", login="acme"), Keychain())
    assert found.credentials is not None
    assert found.credentials.password == "from-env"

    found = await find_credentials(Profile(name="support"), Keychain())
    assert found.credentials is None
    assert found.problems == (
        "SMS_CONSOLE_PASSWORD is set but no login: set SMS_CONSOLE_LOGIN or the profile's login",
    )
