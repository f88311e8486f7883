"""``sms-console simulator`` as a real subprocess: listening line, requests, clean stop."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import sys
from pathlib import Path

import httpx
import pytest

from console.net import bind_socket
from tests.unit.simulator.callback_receiver import CallbackReceiver

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "pw-Secr3t&+=%/zz"


def _env(data_dir: Path) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("SMS_CONSOLE_")}
    env["SMS_CONSOLE_DATA_DIR"] = str(data_dir)
    return env


async def _start(data_dir: Path, *options: str) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "console",
        "simulator",
        *options,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        cwd=ROOT,
        env=_env(data_dir),
    )


async def _listening_url(process: asyncio.subprocess.Process) -> str:
    assert process.stdout is not None
    line = (await asyncio.wait_for(process.stdout.readline(), timeout=30)).decode()
    match = re.fullmatch(r"listening (http://127\.0\.0\.1:\d+)\n", line)
    assert match, f"unexpected first line {line!r}"
    return match.group(1)


@pytest.mark.parametrize("stop_signal", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
async def test_serves_sends_receipts_and_stops_cleanly(
    tmp_path: Path, stop_signal: signal.Signals
) -> None:
    receiver = CallbackReceiver()
    await receiver.start()
    process = await _start(
        tmp_path,
        "--port=0",
        "--seed=5",
        f"--password={PASSWORD}",
        f"--callback-url={receiver.url}",
        "--dr-delay=0.01",
        "--p-duplicate-dr=0",
        "--p-reorder=0",
        "--p-reply=0",
        "--final-weights=delivered=1",
    )
    try:
        base_url = await _listening_url(process)
        async with httpx.AsyncClient(trust_env=False, timeout=10) as client:
            answer = await client.post(
                base_url + "/httpapi/receiver",
                data={
                    "login": "demo",
                    "password": PASSWORD,
                    "phone_number": "12025550100",
                    "sender": "12345",
                    "message": "from the e2e test",
                    "message_id": "e2e-1",
                    "receipt": "TRUE",
                },
            )
            assert answer.text == "result_code=0"
            await receiver.wait_for(lambda r: len(r.accepted) == 3)
            journal = (await client.get(base_url + "/simulator/journal")).json()
        process.send_signal(stop_signal)
        stdout, stderr = await asyncio.wait_for(process.communicate(), timeout=30)
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
        await receiver.stop()

    assert process.returncode == 0
    assert stdout == b""  # the listening line was the only output
    log = stderr.decode()
    assert "MT POST" in log
    assert "result_code=0" in log
    assert "password=***" in log
    assert PASSWORD not in log
    assert "DR sent" in log
    assert sorted(post["message_state"] for post in receiver.accepted) == ["1", "2", "6"]
    assert [entry["fields"]["message_state"] for entry in journal["callbacks"]] == ["6", "1", "2"]
    assert journal["mt_requests"][0]["params"]["password"] == "***"


async def test_port_in_use_exits_3(tmp_path: Path) -> None:
    with bind_socket("127.0.0.1", 0) as taken:
        port = taken.getsockname()[1]
        process = await _start(tmp_path, f"--port={port}")
        stdout, stderr = await asyncio.wait_for(process.communicate(), timeout=30)
    assert process.returncode == 3
    assert stdout == b""
    assert f"port {port} on 127.0.0.1 is already in use" in stderr.decode()
