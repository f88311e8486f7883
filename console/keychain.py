"""The operating system's keychain, as the window uses it: get, set and delete a password.

Every keyring call runs on a daemon thread with a time limit: a Secret Service waiting
for an unlock prompt can block forever, and a hung call must hold up neither the event
loop nor the program's exit (executor threads are joined at exit; daemon threads are not).

Where no real keychain exists (no backend at all, or only one that would drop the
password or write it to a plain file), the password is kept in this process's memory
for the session, and :meth:`Keychain.warning` says so.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import threading
from collections.abc import Callable
from typing import TypeVar

import keyring
import keyring.backend
import keyring.errors
from keyring.backends.chainer import ChainerBackend

from console.redaction import register_secret

DEFAULT_TIMEOUT = 10.0
SERVICE_PREFIX = "sms-operator-console"

SESSION_ONLY_WARNING = (
    "No keychain is available on this computer. The password is kept in memory for this "
    "session only: it is not saved anywhere, and must be entered again after a restart."
)

T = TypeVar("T")

# Backends named in words; the key is "module.Class" of the backend's class.
_NAMES = {
    "keyring.backends.SecretService.Keyring": "Secret Service keychain (GNOME Keyring, KWallet)",
    "keyring.backends.libsecret.Keyring": "Secret Service keychain (libsecret)",
    "keyring.backends.kwallet.DBusKeyring": "KDE Wallet",
    "keyring.backends.macOS.Keyring": "macOS Keychain",
    "keyring.backends.Windows.WinVaultKeyring": "Windows Credential Manager",
    "keyring.backends.fail.Keyring": "no keychain",
    "keyring.backends.null.Keyring": "no keychain (keyring is disabled)",
}
_NOT_SYSTEM = {"keyring.backends.fail.Keyring", "keyring.backends.null.Keyring"}
# keyrings.alt keeps passwords in files of its own, some of them plain text.
_FILE_BACKEND_PACKAGE = "keyrings.alt"


class KeychainError(Exception):
    """A keychain call failed; the message is plain words and never holds the password."""


class KeychainTimeout(KeychainError):
    """The keychain did not answer in time (typically: locked, waiting for an unlock)."""


def service_name(profile: str) -> str:
    """The keychain's service name for ``profile``'s entries."""
    return f"{SERVICE_PREFIX}:{profile}"


def _qualified_name(backend: keyring.backend.KeyringBackend) -> str:
    cls = type(backend)
    return f"{cls.__module__}.{cls.__qualname__}"


def _chained(backend: keyring.backend.KeyringBackend) -> list[keyring.backend.KeyringBackend]:
    """The backends a chainer delegates to, best first (it stores in the first)."""
    return list(getattr(backend, "backends", []))


def describe_backend(backend: keyring.backend.KeyringBackend) -> str:
    """``backend`` in words, for dialogs and ``credentials show``."""
    qualified = _qualified_name(backend)
    if qualified in _NAMES:
        return _NAMES[qualified]
    if isinstance(backend, ChainerBackend):
        chained = _chained(backend)
        return describe_backend(chained[0]) if chained else "no keychain"
    if qualified.startswith(f"{_FILE_BACKEND_PACKAGE}."):
        return f"a file of keyrings.alt ({type(backend).__name__}), not a keychain"
    return str(getattr(backend, "name", "") or type(backend).__name__)


def is_system_backend(backend: keyring.backend.KeyringBackend) -> bool:
    """Whether ``backend`` is a real keychain (not one that fails, drops, or writes files).

    Computing a chainer's backends asks each candidate for its priority, which may talk
    to D-Bus: call this off the GUI thread.
    """
    qualified = _qualified_name(backend)
    if qualified in _NOT_SYSTEM or qualified.startswith(f"{_FILE_BACKEND_PACKAGE}."):
        return False
    if isinstance(backend, ChainerBackend):
        chained = _chained(backend)
        return bool(chained) and is_system_backend(chained[0])
    return True


def _start(function: Callable[[], T]) -> concurrent.futures.Future[T]:
    future: concurrent.futures.Future[T] = concurrent.futures.Future()
    # A running future cannot be cancelled: nothing can stop the thread anyway.
    future.set_running_or_notify_cancel()

    def work() -> None:
        try:
            result = function()
        except BaseException as exc:  # handed over to whoever waits for the future
            future.set_exception(exc)
        else:
            future.set_result(result)

    threading.Thread(target=work, name="keychain-call", daemon=True).start()
    return future


def _timeout_error(what: str, time_limit: float) -> KeychainTimeout:
    return KeychainTimeout(
        f"the keychain did not answer within {time_limit:g} s while {what} (is it locked?)"
    )


def call_with_timeout(what: str, function: Callable[[], T], time_limit: float) -> T:
    """``function()`` on a daemon thread; its result, or its exception re-raised here.

    Raises:
        KeychainTimeout: no answer within ``time_limit`` seconds (``what`` says what was done).
    """
    future = _start(function)
    done, _ = concurrent.futures.wait([future], time_limit)
    if not done:
        raise _timeout_error(what, time_limit)
    return future.result()


async def call_in_thread(what: str, function: Callable[[], T], time_limit: float) -> T:
    """:func:`call_with_timeout` for a coroutine: the event loop keeps running meanwhile."""
    waiting = asyncio.wrap_future(_start(function))
    try:
        done, _ = await asyncio.wait({waiting}, timeout=time_limit)
        if not done:
            raise _timeout_error(what, time_limit)
        return waiting.result()
    finally:
        # Once nobody waits, a late answer from the thread must be dropped quietly.
        if not waiting.done():
            waiting.cancel()


class _NoKeychain(Exception):
    """The backend said there is no keychain after all."""


class Keychain:
    """Passwords per profile and login, in the keychain or else for this session only.

    One instance serves the whole program: the session-only passwords live in it.
    Methods are called from the event loop's thread.
    """

    def __init__(
        self,
        backend: keyring.backend.KeyringBackend | None = None,
        *,
        timeout: float = DEFAULT_TIMEOUT,
    ) -> None:
        """``backend`` defaults to the one keyring discovers (or was given by set_keyring)."""
        self._backend = backend
        self._timeout = timeout
        self._system: bool | None = None
        self._session: dict[tuple[str, str], str] = {}

    def __repr__(self) -> str:
        state = "unknown" if self._system is None else f"system={self._system}"
        return f"<Keychain {state}>"

    def _discover(self) -> tuple[keyring.backend.KeyringBackend, bool]:
        backend = keyring.get_keyring() if self._backend is None else self._backend
        return backend, is_system_backend(backend)

    async def resolve(self) -> None:
        """Find the backend and whether it is a real keychain, on a worker thread.

        Discovery may ask D-Bus which keychains exist, so the window awaits this before
        it asks :meth:`backend_name` or :meth:`is_system`; the other calls do it themselves.
        """
        if self._backend is None or self._system is None:
            self._backend, self._system = await self._call("looking for a keychain", self._discover)

    @property
    def resolved(self) -> bool:
        """Whether the backend is known, so that the questions below answer at once."""
        return self._backend is not None and self._system is not None

    def _resolved(self) -> tuple[keyring.backend.KeyringBackend, bool]:
        if self._backend is None or self._system is None:
            self._backend, self._system = call_with_timeout(
                "looking for a keychain", self._discover, self._timeout
            )
        return self._backend, self._system

    def backend_name(self) -> str:
        """The keychain that holds passwords, in words."""
        backend, system = self._resolved()
        return describe_backend(backend) if system else "no keychain"

    def is_system(self) -> bool:
        """Whether passwords go to a real keychain (False: kept for this session only)."""
        return self._resolved()[1]

    @property
    def session_only(self) -> bool:
        """True when passwords are kept in memory for this session only."""
        return not self.is_system()

    def warning(self) -> str | None:
        """What to show the operator when no keychain keeps the password; else None."""
        return SESSION_ONLY_WARNING if self.session_only else None

    async def _keychain(self) -> keyring.backend.KeyringBackend | None:
        """The backend to call, or None when passwords are kept for the session only."""
        await self.resolve()
        backend, system = self._resolved()
        return backend if system else None

    async def _call(self, what: str, function: Callable[[], T]) -> T:
        try:
            return await call_in_thread(what, function, self._timeout)
        except (KeychainError, keyring.errors.PasswordDeleteError):
            raise
        except keyring.errors.NoKeyringError:
            self._system = False
            raise _NoKeychain from None
        except keyring.errors.KeyringLocked:
            raise KeychainError(
                f"the keychain is locked and was not unlocked while {what}"
            ) from None
        except Exception as exc:
            # Backends also let their own D-Bus and OS errors through; their text is not
            # ours to show (nor known to be free of the password).
            raise KeychainError(
                f"the keychain failed while {what} ({type(exc).__name__})"
            ) from None

    async def get(self, profile: str, login: str) -> str | None:
        """The password kept for ``profile``'s ``login``; None when there is none.

        Raises:
            KeychainError: the keychain refused or did not answer.
        """
        backend = await self._keychain()
        if backend is not None:
            with contextlib.suppress(_NoKeychain):
                password = await self._call(
                    "reading the password",
                    lambda: backend.get_password(service_name(profile), login),
                )
                if password:
                    register_secret(password)
                return password or None
        return self._session.get((profile, login))

    async def set(self, profile: str, login: str, password: str) -> None:
        """Keep ``password`` for ``profile``'s ``login``: in the keychain, or for the session.

        Raises:
            KeychainError: the keychain refused or did not answer.
        """
        register_secret(password)
        backend = await self._keychain()
        if backend is not None:
            with contextlib.suppress(_NoKeychain):
                await self._call(
                    "storing the password",
                    lambda: backend.set_password(service_name(profile), login, password),
                )
                return
        self._session[(profile, login)] = password

    async def delete(self, profile: str, login: str) -> bool:
        """Forget the password of ``profile``'s ``login``; False when none was kept.

        Raises:
            KeychainError: the keychain refused or did not answer.
        """
        backend = await self._keychain()
        if backend is not None:
            with contextlib.suppress(_NoKeychain):
                try:
                    await self._call(
                        "deleting the password",
                        lambda: backend.delete_password(service_name(profile), login),
                    )
                except keyring.errors.PasswordDeleteError:
                    return False
                return True
        return self._session.pop((profile, login), None) is not None
