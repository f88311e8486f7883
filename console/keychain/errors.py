"""What goes wrong with the keychain; every message is plain words and never holds a
password."""


class KeychainError(Exception):
    """A keychain call failed."""


class KeychainTimeout(KeychainError):
    """The keychain did not answer in time (typically: locked, waiting for an unlock)."""


class NoKeychain(KeychainError):
    """There is no real keychain here, and the caller keeps no password for the session."""


class CredentialsUnavailable(Exception):
    """No usable credentials; the message says where they were looked for."""
