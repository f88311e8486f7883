"""Fixtures shared by every test: an isolated data dir, credentials, a local provider."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from console.keychain import Credentials
from console.store.sqlite import SqliteStore
from tests.support.provider import FakeProvider

PASSWORD = "pw-Secr3t&+=%/zz"  # characters that URL encoding changes, to catch leaks either way


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    path = tmp_path / "data"
    # Private, as the program makes it: it warns about (and closes) a folder open to others.
    path.mkdir(mode=0o700)
    return path


@pytest.fixture
def store(data_dir: Path) -> Iterator[SqliteStore]:
    with SqliteStore(data_dir / "messages.sqlite3") as opened:
        yield opened


@pytest.fixture
def credentials() -> Credentials:
    return Credentials("acme", PASSWORD)


@pytest.fixture
def provider() -> Iterator[FakeProvider]:
    with FakeProvider() as running:
        yield running
