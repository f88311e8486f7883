"""The keychain service over in-memory, failing, hanging and refusing keyring backends:
awaited (the window) and blocking (the command line)."""

from __future__ import annotations

import asyncio

import keyring.backend
import pytest
from keyring.backends import fail, null

from console.keychain import (
    SESSION_ONLY_WARNING,
    Keychain,
    KeychainError,
    KeychainTimeout,
    NoKeychain,
    service_name,
)
from tests.support.keyrings import (
    EmptyChainer,
    HangingKeyring,
    MemoryKeyring,
    MissingKeyring,
    PlaintextKeyring,
    RefusingKeyring,
    make,
)
from tests.unit.keychain.conftest import Install

SECRET = "kc-Secr3t&+=%/pw"


async def test_set_get_delete_go_to_the_keychain_entry_of_the_profile(
    memory: MemoryKeyring,
) -> None:
    keychain = Keychain()
    await keychain.set("support", "acme", SECRET)
    assert memory.entries == {(service_name("support"), "acme"): SECRET}
    assert await keychain.get("support", "acme") == SECRET
    assert await keychain.get("support", "other") is None
    assert await keychain.delete("support", "acme") is True
    assert memory.entries == {}
    assert await keychain.delete("support", "acme") is False


async def test_a_real_keychain_is_named_and_raises_no_warning(memory: MemoryKeyring) -> None:
    keychain = Keychain()
    await keychain.resolve()
    assert keychain.is_system()
    assert not keychain.session_only
    assert keychain.warning() is None
    assert "MemoryKeyring" in keychain.backend_name()


async def test_without_a_keychain_the_password_is_kept_for_the_session_only(
    install: Install,
) -> None:
    install(make(fail.Keyring))
    keychain = Keychain()
    await keychain.resolve()
    assert not keychain.is_system()
    assert keychain.warning() == SESSION_ONLY_WARNING
    assert keychain.backend_name() == "no keychain"

    await keychain.set("default", "acme", SECRET)
    assert await keychain.get("default", "acme") == SECRET
    assert SECRET not in repr(keychain)
    # Another process (here: another instance) starts without it.
    assert await Keychain().get("default", "acme") is None
    assert await keychain.delete("default", "acme") is True
    assert await keychain.get("default", "acme") is None
    assert await keychain.delete("default", "acme") is False


async def test_a_backend_that_turns_out_to_have_no_keychain_switches_to_the_session(
    install: Install,
) -> None:
    install(MissingKeyring())
    keychain = Keychain()
    assert await keychain.get("default", "acme") is None
    assert keychain.session_only
    await keychain.set("default", "acme", SECRET)
    assert await keychain.get("default", "acme") == SECRET


@pytest.mark.parametrize(
    "cls",
    [fail.Keyring, null.Keyring, EmptyChainer, PlaintextKeyring],
    ids=["fail", "null", "empty-chainer", "plaintext-file"],
)
async def test_backends_that_would_drop_or_write_out_the_password_are_not_used(
    install: Install, cls: type[keyring.backend.KeyringBackend]
) -> None:
    backend = make(cls)
    install(backend)
    keychain = Keychain()
    await keychain.set("default", "acme", SECRET)
    assert keychain.session_only
    assert await keychain.get("default", "acme") == SECRET
    if isinstance(backend, MemoryKeyring):
        assert backend.entries == {}


async def test_a_hanging_keychain_times_out_while_the_loop_keeps_running(
    install: Install,
) -> None:
    backend = HangingKeyring()
    install(backend)
    keychain = Keychain(timeout=0.3)
    ticks = 0

    async def tick() -> None:
        nonlocal ticks
        while True:
            ticks += 1
            await asyncio.sleep(0.01)

    ticker = asyncio.create_task(tick())
    try:
        with pytest.raises(KeychainTimeout, match=r"did not answer within 0\.3 s"):
            await keychain.set("default", "acme", SECRET)
        assert ticks >= 10
    finally:
        ticker.cancel()
        backend.let_go()


async def test_errors_are_plain_and_never_carry_the_password(
    install: Install,
) -> None:
    install(RefusingKeyring())
    keychain = Keychain()
    with pytest.raises(KeychainError) as caught:
        await keychain.set("default", "acme", SECRET)
    assert str(caught.value) == "the keychain failed while storing the password (PasswordSetError)"
    assert SECRET not in repr(caught.value)
    assert caught.value.__suppress_context__
    with pytest.raises(KeychainError, match="locked"):
        await keychain.get("default", "acme")
    with pytest.raises(KeychainError) as caught:
        await keychain.delete("default", "acme")
    assert str(caught.value) == (
        "the keychain failed while deleting the password (ConnectionRefusedError)"
    )


def test_blocking_calls_go_to_the_same_keychain_entries(memory: MemoryKeyring) -> None:
    keychain = Keychain()
    keychain.set_blocking("support", "acme", SECRET)
    assert memory.entries == {(service_name("support"), "acme"): SECRET}
    assert keychain.get_blocking("support", "acme") == SECRET
    assert keychain.delete_blocking("support", "acme") is True
    assert keychain.delete_blocking("support", "acme") is False
    assert keychain.get_blocking("support", "acme") is None


@pytest.mark.parametrize("cls", [fail.Keyring, MissingKeyring], ids=["fail", "missing"])
def test_without_session_fallback_no_keychain_is_an_error(
    install: Install, cls: type[keyring.backend.KeyringBackend]
) -> None:
    install(make(cls))
    keychain = Keychain(session_fallback=False)
    with pytest.raises(NoKeychain, match="no keychain is available here"):
        keychain.get_blocking("default", "acme")
    with pytest.raises(NoKeychain):
        keychain.set_blocking("default", "acme", SECRET)
    with pytest.raises(NoKeychain):
        keychain.delete_blocking("default", "acme")


def test_a_hanging_keychain_times_out_a_blocking_call(install: Install) -> None:
    backend = HangingKeyring()
    install(backend)
    try:
        with pytest.raises(KeychainTimeout, match=r"within 0\.2 s while deleting the password"):
            Keychain(timeout=0.2).delete_blocking("default", "acme")
    finally:
        backend.let_go()


def test_a_non_system_backend_is_named_as_it_is(install: Install) -> None:
    install(make(null.Keyring))
    keychain = Keychain()
    assert keychain.session_only
    assert keychain.backend_name() == "no keychain (keyring is disabled)"
