"""The self-check's round trip in process: a receipt that never comes is a failure."""

from __future__ import annotations

import io
from dataclasses import replace
from pathlib import Path

from console.self_check import Report, check_round_trip, simulator_settings
from console.simulator import SimulatorSettings


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
