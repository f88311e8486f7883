"""``sms-console --self-check`` as a real subprocess: real simulator, listener and Qt."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

CHECKS = ("resources", "listener", "simulator", "send", "receipt", "keychain", "window toolkit")


def self_check(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    # Only what the check needs, so the machine's session bus and keyrings stay out of it;
    # TMPDIR puts its throwaway data directory where the test can see it.
    environment = {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "TMPDIR": str(tmp_path), **env}
    return subprocess.run(
        [sys.executable, "-m", "console", "--self-check", *args],
        env=environment,
        cwd=Path(__file__).resolve().parents[2],
        capture_output=True,
        text=True,
        timeout=90,
        check=False,
    )


def test_every_check_passes_and_nothing_is_left_behind(tmp_path: Path) -> None:
    result = self_check(tmp_path, PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring")

    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stderr == ""
    lines = result.stdout.splitlines()
    assert [line.split(":")[0].split(maxsplit=1) for line in lines[:-1]] == [
        ["ok", name] for name in CHECKS
    ]
    assert "Delivered (state 2) stored through the listener" in result.stdout
    assert "window toolkit: Qt 6." in result.stdout
    assert lines[-1] == f"self-check passed: all {len(CHECKS)} checks"
    assert list(tmp_path.iterdir()) == []


def test_no_keychain_is_reported_not_failed(tmp_path: Path) -> None:
    result = self_check(tmp_path, PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring")

    assert result.returncode == 0, result.stdout + result.stderr
    assert "ok    keychain: none found on this computer" in result.stdout


def test_listener_token_is_not_printed(tmp_path: Path) -> None:
    result = self_check(tmp_path, PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring")

    listener = next(line for line in result.stdout.splitlines() if "listener:" in line)
    assert listener.endswith("/…"), listener


def test_broken_keychain_fails_with_its_reason_and_keeps_the_log(tmp_path: Path) -> None:
    result = self_check(tmp_path, PYTHON_KEYRING_BACKEND="no_such_module.Keyring")

    assert result.returncode == 1
    assert "FAIL  keychain: the keychain failed while looking for a keychain" in result.stdout
    # The other checks still ran and said so.
    assert "ok    receipt:" in result.stdout
    assert "ok    window toolkit:" in result.stdout
    last = result.stdout.splitlines()[-1]
    assert last.startswith("self-check failed (keychain); details in ")
    log = Path(last.rsplit(" ", 1)[1])
    assert log.is_file()
    assert log.is_relative_to(tmp_path)


def test_self_check_runs_on_its_own(tmp_path: Path) -> None:
    for extra in (["--demo"], ["--data-dir", str(tmp_path)], ["log"]):
        result = self_check(tmp_path, *extra)

        assert result.returncode == 2, extra
        assert "--self-check runs on its own" in result.stderr
