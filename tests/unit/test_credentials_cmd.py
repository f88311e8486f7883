"""``sms-console credentials`` in-process, over an in-memory keychain."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest
from keyring.backends import fail

from console.cli.main import main
from console.keychain import service_name
from tests.support.keyrings import MemoryKeyring, make

SECRET = "cmd-Secr3t&pw"


@pytest.fixture
def memory_keyring(monkeypatch: pytest.MonkeyPatch) -> Iterator[MemoryKeyring]:
    monkeypatch.delenv("SMS_CONSOLE_LOGIN", raising=False)
    monkeypatch.delenv("SMS_CONSOLE_PASSWORD", raising=False)
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


def run(data_dir: Path, *args: str, stdin: str = "") -> int:
    import sys

    saved = sys.stdin
    sys.stdin = io.StringIO(stdin)
    try:
        return main(["--data-dir", str(data_dir), *args])
    finally:
        sys.stdin = saved


def test_set_show_delete(
    data_dir: Path, memory_keyring: MemoryKeyring, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(data_dir, "credentials", "set", "--login", "acme", "--password-stdin",
               stdin=SECRET + "\n") == 0  # fmt: skip
    assert memory_keyring.entries == {(service_name("default"), "acme"): SECRET}
    profiles = json.loads((data_dir / "profiles.json").read_text())
    assert profiles["profiles"][0]["login"] == "acme"
    assert SECRET not in (data_dir / "profiles.json").read_text()

    assert run(data_dir, "credentials", "show") == 0
    shown = capsys.readouterr().out
    assert "login 'acme', password stored" in shown
    assert "MemoryKeyring" in shown
    assert SECRET not in shown

    assert run(data_dir, "credentials", "delete") == 0
    assert memory_keyring.entries == {}
    assert "deleted" in capsys.readouterr().out
    assert run(data_dir, "credentials", "delete") == 0
    assert "no password was stored" in capsys.readouterr().out


def test_empty_password_is_refused(
    data_dir: Path, memory_keyring: MemoryKeyring, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(data_dir, "credentials", "set", "--login", "acme", "--password-stdin") == 2
    assert "no password given" in capsys.readouterr().err
    assert memory_keyring.entries == {}


def test_send_uses_the_stored_credentials_and_says_how_to_set_missing_ones(
    data_dir: Path, memory_keyring: MemoryKeyring, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["send", "--to", "12025550100", "--sender", "1", "--text", "x",
            "--endpoint", "http://127.0.0.1:9/httpapi/receiver"]  # fmt: skip
    assert run(data_dir, *args) == 3
    assert "sms-console credentials set" in capsys.readouterr().err


def test_without_a_keychain_nothing_is_stored_and_the_environment_is_suggested(
    data_dir: Path, memory_keyring: MemoryKeyring, capsys: pytest.CaptureFixture[str]
) -> None:
    keyring.set_keyring(make(fail.Keyring))
    assert run(data_dir, "credentials", "set", "--login", "acme", "--password-stdin",
               stdin=SECRET + "\n") == 3  # fmt: skip
    err = capsys.readouterr().err
    assert "no keychain is available here, so the password was not stored" in err
    assert "SMS_CONSOLE_PASSWORD" in err
    assert not (data_dir / "profiles.json").exists()
