"""Which keyring backend holds passwords here: its name in words, whether it is a real
keychain, and the service name a profile's entries are filed under."""

from __future__ import annotations

import keyring.backend
from keyring.backends.chainer import ChainerBackend

# Stored passwords are found by this name: it must never change.
SERVICE_PREFIX = "sms-operator-console"

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
