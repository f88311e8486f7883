"""A keychain for a subprocess under test: entries in a JSON file named by
``SMS_TEST_KEYRING_FILE``. Chosen with ``PYTHON_KEYRING_BACKEND``, so that the program
finds a database password where an operator keeps it, and nowhere else (not in its
environment, not on its command line)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import keyring.backend
import keyring.errors

FILE_ENV = "SMS_TEST_KEYRING_FILE"
BACKEND = f"{__name__}.FileKeyring"


def _key(service: str, username: str) -> str:
    return f"{service}\n{username}"


class FileKeyring(keyring.backend.KeyringBackend):
    priority = 1

    def _path(self) -> Path:
        return Path(os.environ[FILE_ENV])

    def _entries(self) -> dict[str, str]:
        path = self._path()
        return json.loads(path.read_text()) if path.exists() else {}

    def get_password(self, service: str, username: str) -> str | None:
        return self._entries().get(_key(service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        entries = self._entries()
        entries[_key(service, username)] = password
        self._path().write_text(json.dumps(entries))

    def delete_password(self, service: str, username: str) -> None:
        entries = self._entries()
        if entries.pop(_key(service, username), None) is None:
            raise keyring.errors.PasswordDeleteError("not found")
        self._path().write_text(json.dumps(entries))
