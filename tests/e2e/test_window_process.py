"""The window as a real program: ``sms-console --demo`` started, used over HTTP, signalled.

Qt draws offscreen here. The window shows no blocking dialog in these runs; a data folder
the program cannot use does (a critical message box before the loop starts), which would
wait forever offscreen, so that case is left to the window's own tests.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

PROGRAM = Path(sys.executable).with_name("sms-console")
PLACEHOLDER_ENDPOINT = "http://127.0.0.1:1/httpapi/receiver"
LISTENING = re.compile(r"listening for callbacks at (http://127\.0\.0\.1:\d+/callbacks/)<token>")
# What Qt's offscreen platform prints when a window is shown; nothing about the program.
OFFSCREEN_NOTICE = re.compile(
    r"This plugin does not support (propagateSizeHints|raise|grabbing the keyboard)\(\)"
)
START_WITHIN = 60.0
STOP_WITHIN = 20.0


def window_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SMS_CONSOLE_")}
    env.update({"QT_QPA_PLATFORM": "offscreen", **extra})
    return env


def start(*args: str, env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [str(PROGRAM), "--demo", *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def callback_url(data_dir: Path) -> str | None:
    """The listener's URL once the window runs against its simulator; None until then."""
    log_file, settings_file = data_dir / "console.log", data_dir / "profiles.json"
    if not log_file.exists() or not settings_file.exists():
        return None
    listening = LISTENING.search(log_file.read_text(encoding="utf-8"))
    try:
        settings = json.loads(settings_file.read_text(encoding="utf-8"))
    except json.JSONDecodeError:
        return None  # caught between two writes
    demo = next(p for p in settings["profiles"] if p["name"] == "demo")
    # The demo profile gets the simulator's address last, once everything else runs.
    if listening is None or demo["endpoint"] == PLACEHOLDER_ENDPOINT:
        return None
    return listening.group(1) + str(settings["listener"]["path_token"])


def wait_until_running(process: subprocess.Popen[str], data_dir: Path) -> str:
    deadline = time.monotonic() + START_WITHIN
    while (url := callback_url(data_dir)) is None:
        if process.poll() is not None:
            _, err = process.communicate()
            raise AssertionError(f"the window exited with {process.returncode}: {err}")
        if time.monotonic() > deadline:
            raise AssertionError(f"the window was not running after {START_WITHIN} s")
        time.sleep(0.1)
    return url


def stop(process: subprocess.Popen[str], number: signal.Signals) -> tuple[str, str]:
    process.send_signal(number)
    try:
        return process.communicate(timeout=STOP_WITHIN)
    except subprocess.TimeoutExpired:
        process.kill()
        _, err = process.communicate()
        raise AssertionError(f"still running {STOP_WITHIN} s after {number.name}: {err}") from None


def unexpected_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if not OFFSCREEN_NOTICE.fullmatch(line)]


def receipt(message_id: str) -> dict[str, str]:
    return {"type": "receipt", "message_id": message_id, "message_state": "2", "result_code": "0"}


@pytest.fixture
def running_process() -> Iterator[list[subprocess.Popen[str]]]:
    """Processes to kill should a test fail before it stopped them itself."""
    processes: list[subprocess.Popen[str]] = []
    yield processes
    for process in processes:
        if process.poll() is None:
            process.kill()
            process.communicate()


@pytest.mark.parametrize("stop_signal", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_demo_window_receives_callbacks_and_stops_cleanly_on_a_signal(
    data_dir: Path, running_process: list[subprocess.Popen[str]], stop_signal: signal.Signals
) -> None:
    process = start("--data-dir", str(data_dir), env=window_env())
    running_process.append(process)
    url = wait_until_running(process, data_dir)

    answer = httpx.post(url, data=receipt("e2e-not-ours"), timeout=10)
    assert answer.status_code == 200
    out, err = stop(process, stop_signal)

    assert process.returncode == 0
    assert out == ""
    assert unexpected_lines(err) == []
    log_text = (data_dir / "console.log").read_text(encoding="utf-8")
    assert "stopping on a signal" in log_text
    assert "Traceback" not in log_text


def test_demo_without_a_data_dir_leaves_no_folder_behind(
    tmp_path: Path, running_process: list[subprocess.Popen[str]]
) -> None:
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    process = start(env=window_env(TMPDIR=str(temporary)))
    running_process.append(process)
    deadline = time.monotonic() + START_WITHIN
    while not (folders := sorted(temporary.glob("sms-console-demo-*"))):
        assert process.poll() is None, process.communicate()[1]
        assert time.monotonic() < deadline, "no demo folder appeared"
        time.sleep(0.1)
    (folder,) = folders
    wait_until_running(process, folder)

    _, err = stop(process, signal.SIGTERM)

    assert process.returncode == 0
    assert unexpected_lines(err) == []
    assert not folder.exists()
    assert list(temporary.glob("sms-console-demo-*")) == []


@pytest.mark.parametrize(
    ("option", "note"),
    [
        (("--operator", "alice"), "operator for this run: alice (from --operator)"),
        ((), "operator for this run: bob (from SMS_CONSOLE_OPERATOR)"),
    ],
    ids=["option", "environment"],
)
def test_the_window_runs_as_the_operator_named_on_the_command_line(
    data_dir: Path,
    running_process: list[subprocess.Popen[str]],
    option: tuple[str, ...],
    note: str,
) -> None:
    env = window_env(SMS_CONSOLE_OPERATOR="bob")
    process = start("--data-dir", str(data_dir), *option, env=env)
    running_process.append(process)
    wait_until_running(process, data_dir)

    out, err = stop(process, signal.SIGTERM)

    assert process.returncode == 0
    assert out == ""
    assert unexpected_lines(err) == []
    assert note in (data_dir / "console.log").read_text(encoding="utf-8")
