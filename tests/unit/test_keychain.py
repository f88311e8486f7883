"""The keychain service over in-memory, failing, hanging and refusing keyring backends."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Iterator

import keyring
import keyring.backend
import keyring.errors
import pytest
from keyring.backends import SecretService, chainer, fail, null

from console.keychain import (
    SESSION_ONLY_WARNING,
    Keychain,
    KeychainError,
    KeychainTimeout,
    call_in_thread,
    call_with_timeout,
    describe_backend,
    is_system_backend,
    service_name,
)
from tests.support.keyrings import MemoryKeyring, MissingKeyring

SECRET = "kc-Secr3t&+=%/pw"


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


Install = Callable[[keyring.backend.KeyringBackend], None]


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
    assert not is_system_backend(backend)
    install(backend)
    keychain = Keychain()
    await keychain.set("default", "acme", SECRET)
    assert keychain.session_only
    assert await keychain.get("default", "acme") == SECRET
    if isinstance(backend, MemoryKeyring):
        assert backend.entries == {}


def test_known_backends_are_named_in_words() -> None:
    secret_service = make(SecretService.Keyring)
    assert is_system_backend(secret_service)
    assert describe_backend(secret_service).startswith("Secret Service keychain")
    assert describe_backend(make(fail.Keyring)) == "no keychain"
    assert describe_backend(make(EmptyChainer)) == "no keychain"
    assert "not a keychain" in describe_backend(PlaintextKeyring())


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


def test_call_with_timeout_hands_back_results_and_errors() -> None:
    assert call_with_timeout("adding", lambda: 1 + 1, 5) == 2
    with pytest.raises(ZeroDivisionError):
        call_with_timeout("dividing", lambda: 1 // 0, 5)
    release = threading.Event()
    try:
        with pytest.raises(KeychainTimeout, match="while waiting"):
            call_with_timeout("waiting", lambda: release.wait(10), 0.1)
    finally:
        release.set()


async def test_call_in_thread_hands_back_results_and_errors() -> None:
    assert await call_in_thread("adding", lambda: 1 + 1, 5) == 2
    with pytest.raises(ZeroDivisionError):
        await call_in_thread("dividing", lambda: 1 // 0, 5)
