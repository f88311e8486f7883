"""Passwords per profile and login in the operating system's keychain: get, set, delete.

The window awaits these calls; the command line, which has no event loop to keep
running, makes the same calls blocking. Either way each runs with a time limit (see
:mod:`console.keychain.time_limit`).

Where no real keychain exists (no backend at all, or only one that would drop the
password or write it to a plain file), the window keeps the password in this process's
memory for the session, and :meth:`Keychain.warning` says so; the command line, whose
process ends at once, has no session to keep it for and is told :class:`NoKeychain`.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Generic, TypeVar

import keyring
import keyring.backend
import keyring.errors

from console.keychain.backends import describe_backend, is_system_backend, service_name
from console.keychain.errors import KeychainError, NoKeychain
from console.keychain.time_limit import DEFAULT_TIMEOUT, call_in_thread, call_with_timeout
from console.redaction import register_secret

SESSION_ONLY_WARNING = (
    "No keychain is available on this computer. The password is kept in memory for this "
    "session only: it is not saved anywhere, and must be entered again after a restart."
)

T = TypeVar("T")
Backend = keyring.backend.KeyringBackend


class _BackendHasNone(Exception):
    """The backend said there is no keychain after all."""


@dataclass(frozen=True)
class _Operation(Generic[T]):
    """One call: what it does (in words), and how, in the keychain or in session memory."""

    what: str
    in_keychain: Callable[[Backend], T]
    in_session: Callable[[], T]


class Keychain:
    """Passwords per profile and login (and other entries by service name), in the keychain
    or else for this session only.

    One instance serves the whole program: the session-only passwords live in it.
    Methods are called from one thread (the event loop's, in the window).
    """

    def __init__(
        self,
        backend: Backend | None = None,
        *,
        timeout: float = DEFAULT_TIMEOUT,
        session_fallback: bool = True,
    ) -> None:
        """``backend`` defaults to the one keyring discovers (or was given by set_keyring).

        ``session_fallback``: without a real keychain, keep passwords for this session;
        if False, raise :class:`NoKeychain` instead.
        """
        self._backend = backend
        self._timeout = timeout
        self._session_fallback = session_fallback
        self._system: bool | None = None
        self._session: dict[tuple[str, str], str] = {}

    def __repr__(self) -> str:
        state = "unknown" if self._system is None else f"system={self._system}"
        return f"<Keychain {state}>"

    # Which keychain ------------------------------------------------------------------------

    def _discover(self) -> tuple[Backend, bool]:
        backend = keyring.get_keyring() if self._backend is None else self._backend
        return backend, is_system_backend(backend)

    async def resolve(self) -> None:
        """Find the backend and whether it is a real keychain, on a worker thread.

        Discovery may ask D-Bus which keychains exist, so the window awaits this before
        it asks :meth:`backend_name` or :meth:`is_system`; the other calls do it themselves.
        """
        if not self.resolved:
            what = "looking for a keychain"
            with self._translated(what):
                found = await call_in_thread(what, self._discover, self._timeout)
            self._backend, self._system = found

    @property
    def resolved(self) -> bool:
        """Whether the backend is known, so that the questions below answer at once."""
        return self._backend is not None and self._system is not None

    def _resolved(self) -> tuple[Backend, bool]:
        """The backend and whether it is a real keychain; found now (blocking) if need be."""
        if self._backend is None or self._system is None:
            what = "looking for a keychain"
            with self._translated(what):
                found = call_with_timeout(what, self._discover, self._timeout)
            self._backend, self._system = found
        return self._backend, self._system

    def backend_name(self) -> str:
        """The backend in words (one that is no keychain says so)."""
        return describe_backend(self._resolved()[0])

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

    # The calls, awaited (the window) or blocking (the command line) -----------------------

    async def get(self, profile: str, login: str) -> str | None:
        """The password kept for ``profile``'s ``login``; None when there is none.

        Raises:
            KeychainError: the keychain refused or did not answer.
        """
        return await self._perform(self._get(service_name(profile), login))

    async def set(self, profile: str, login: str, password: str) -> None:
        """Keep ``password`` for ``profile``'s ``login``: in the keychain, or for the session.

        Raises:
            KeychainError: the keychain refused or did not answer.
        """
        await self._perform(self._set(service_name(profile), login, password))

    async def delete(self, profile: str, login: str) -> bool:
        """Forget the password of ``profile``'s ``login``; False when none was kept.

        Raises:
            KeychainError: the keychain refused or did not answer.
        """
        return await self._perform(self._delete(service_name(profile), login))

    def get_blocking(self, profile: str, login: str) -> str | None:
        """:meth:`get`, waiting for the answer."""
        return self.get_entry_blocking(service_name(profile), login)

    def set_blocking(self, profile: str, login: str, password: str) -> None:
        """:meth:`set`, waiting for the answer."""
        self.set_entry_blocking(service_name(profile), login, password)

    def delete_blocking(self, profile: str, login: str) -> bool:
        """:meth:`delete`, waiting for the answer."""
        return self.delete_entry_blocking(service_name(profile), login)

    # Any entry, by its service name and account (a database password's, for one) ---------

    def get_entry_blocking(self, service: str, account: str) -> str | None:
        """The password filed under ``service`` for ``account``; None when there is none.

        Raises:
            KeychainError: the keychain refused or did not answer.
        """
        return self._perform_blocking(self._get(service, account))

    def set_entry_blocking(self, service: str, account: str, password: str) -> None:
        """File ``password`` under ``service`` for ``account``.

        Raises:
            KeychainError: the keychain refused or did not answer.
        """
        self._perform_blocking(self._set(service, account, password))

    def delete_entry_blocking(self, service: str, account: str) -> bool:
        """Forget the password filed under ``service`` for ``account``; False when none was.

        Raises:
            KeychainError: the keychain refused or did not answer.
        """
        return self._perform_blocking(self._delete(service, account))

    # What each call does ----------------------------------------------------------------

    def _get(self, service: str, account: str) -> _Operation[str | None]:
        def read(backend: Backend) -> str | None:
            password = backend.get_password(service, account)
            if password:
                register_secret(password)
            return password or None

        return _Operation(
            "reading the password", read, lambda: self._session.get((service, account))
        )

    def _set(self, service: str, account: str, password: str) -> _Operation[None]:
        register_secret(password)

        def keep() -> None:
            self._session[(service, account)] = password

        return _Operation(
            "storing the password",
            lambda backend: backend.set_password(service, account, password),
            keep,
        )

    def _delete(self, service: str, account: str) -> _Operation[bool]:
        def remove(backend: Backend) -> bool:
            try:
                backend.delete_password(service, account)
            except keyring.errors.PasswordDeleteError:
                return False
            return True

        return _Operation(
            "deleting the password",
            remove,
            lambda: self._session.pop((service, account), None) is not None,
        )

    # Running a call ---------------------------------------------------------------------

    async def _perform(self, operation: _Operation[T]) -> T:
        await self.resolve()
        backend, system = self._resolved()
        if system:
            with contextlib.suppress(_BackendHasNone), self._translated(operation.what):
                return await call_in_thread(
                    operation.what, lambda: operation.in_keychain(backend), self._timeout
                )
        return self._in_session(operation)

    def _perform_blocking(self, operation: _Operation[T]) -> T:
        backend, system = self._resolved()
        if system:
            with contextlib.suppress(_BackendHasNone), self._translated(operation.what):
                return call_with_timeout(
                    operation.what, lambda: operation.in_keychain(backend), self._timeout
                )
        return self._in_session(operation)

    def _in_session(self, operation: _Operation[T]) -> T:
        if not self._session_fallback:
            raise NoKeychain("no keychain is available here")
        return operation.in_session()

    @contextlib.contextmanager
    def _translated(self, what: str) -> Iterator[None]:
        """Backend errors as :class:`KeychainError` in plain words."""
        try:
            yield
        except KeychainError:
            raise
        except keyring.errors.NoKeyringError:
            self._system = False
            raise _BackendHasNone from None
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
