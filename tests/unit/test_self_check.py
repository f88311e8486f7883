"""The self-check's round trip and keychain check in process: what passes, what fails."""

from __future__ import annotations

import io
from dataclasses import replace
from pathlib import Path

import pytest
from keyring.backends import fail

from console.self_check import Report, check_keychain, check_round_trip, simulator_settings
from console.simulator import SimulatorSettings
from tests.support.keyrings import MemoryKeyring, make


def without_receipts(_callback_url: str | None) -> SimulatorSettings:
    # The simulator is told no callback URL, so it accepts the message and posts nothing.
    return simulator_settings(None)


async def test_round_trip_passes_against_the_simulator(data_dir: Path) -> None:
    out = io.StringIO()
    report = Report(out)

    await check_round_trip(data_dir, report)

    assert report.failed == []
    names = [line.split(":")[0].split()[1] for line in out.getvalue().splitlines()]
    assert names == ["listener", "simulator", "send", "receipt"]


async def test_missing_receipt_fails_the_receipt_check_only(data_dir: Path) -> None:
    out = io.StringIO()
    report = Report(out)

    await check_round_trip(data_dir, report, time_limit=1.0, settings=without_receipts)

    assert report.failed == ["receipt"]
    assert "FAIL  receipt: no final delivery receipt reached the listener within 1 s" in (
        out.getvalue()
    )


async def test_refused_login_fails_the_send_check(data_dir: Path) -> None:
    def other_password(callback_url: str | None) -> SimulatorSettings:
        settings = simulator_settings(callback_url)
        account = replace(settings.accounts[0], password="not-the-demo-password")
        return replace(settings, accounts=(account,))

    out = io.StringIO()
    report = Report(out)

    await check_round_trip(data_dir, report, settings=other_password)

    assert report.failed == ["send"]
    assert "FAIL  send: message not accepted:" in out.getvalue()


def test_no_output_stream_is_fine() -> None:
    report = Report(None)

    report.ok("a", "fine")
    report.fail("b", "broken")

    assert report.failed == ["b"]
    assert report.count == 2


async def test_no_keychain_on_linux_is_reported_not_failed() -> None:
    out = io.StringIO()
    report = Report(out)

    await check_keychain(report, platform="linux", backend=make(fail.Keyring))

    assert report.failed == []
    assert out.getvalue().startswith("ok    keychain: none found on this computer")


@pytest.mark.parametrize(
    ("platform", "keychain"),
    [("win32", "Windows Credential Manager"), ("darwin", "macOS Keychain")],
)
async def test_no_keychain_on_windows_or_macos_fails(platform: str, keychain: str) -> None:
    out = io.StringIO()
    report = Report(out)

    await check_keychain(report, platform=platform, backend=make(fail.Keyring))

    assert report.failed == ["keychain"]
    line = out.getvalue()
    assert line.startswith(f"FAIL  keychain: none found, yet the {keychain} is part of every ")
    assert "(keyring chose keyring.backends.fail.Keyring)" in line


@pytest.mark.parametrize("platform", ["win32", "darwin", "linux"])
async def test_a_real_keychain_passes_everywhere(platform: str) -> None:
    out = io.StringIO()
    report = Report(out)

    await check_keychain(report, platform=platform, backend=MemoryKeyring())

    assert report.failed == []
    assert out.getvalue().startswith("ok    keychain: ")
    assert "none found" not in out.getvalue()
