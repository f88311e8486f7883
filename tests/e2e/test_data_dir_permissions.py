"""The data folder and every file the program keeps in it are readable by their owner only."""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from console.store.sqlite import SqliteStore
from tests.e2e.test_receiver import receiver
from tests.e2e.test_window_process import stop, unexpected_lines, wait_until_running, window_env
from tests.support.cli import run_cli

pytestmark = pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")

TOKEN = "e2e-token-0123456789abcdef"
RECEIPT = {"type": "receipt", "message_id": "m-1", "message_state": "2", "result_code": "0"}


@pytest.fixture(autouse=True)
def permissive_umask() -> Iterator[None]:
    # The program is started the way a login shell usually starts it: with a umask that
    # lets everyone read what is created. It must not depend on a stricter one.
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def modes(folder: Path) -> dict[str, int]:
    return {path.name: mode(path) for path in sorted(folder.iterdir())}


def test_an_existing_open_folder_and_its_files_are_closed_with_a_warning(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    folder.chmod(0o755)
    with SqliteStore(folder / "messages.sqlite3"):
        pass
    (folder / "console.log").write_text("an older run\n", encoding="utf-8")
    (folder / "profiles.json").write_text("{}", encoding="utf-8")
    for path in folder.iterdir():
        path.chmod(0o644)
    (folder / "notes.txt").write_text("the operator's own", encoding="utf-8")

    result = run_cli(folder, "log")

    assert result.returncode == 0, result.stderr
    assert mode(folder) == 0o700
    assert modes(folder) == {
        "console.log": 0o600,
        "messages.sqlite3": 0o600,
        "notes.txt": 0o644,  # not the program's
        "profiles.json": 0o600,
    }
    assert f"the data folder {folder} was open to other users (mode 0755)" in result.stderr
    for name in ("console.log", "messages.sqlite3", "profiles.json"):
        assert f"{name} (0644)" in result.stderr
    assert "open to other users" in (folder / "console.log").read_text(encoding="utf-8")

    again = run_cli(folder, "log")
    # No warning: only the note that the log is empty.
    assert (again.returncode, again.stderr) == (0, "no messages\n")


def test_a_new_folder_gets_only_owner_only_files_and_no_warning(tmp_path: Path) -> None:
    folder = tmp_path / "new" / "data"

    result = run_cli(folder, "log")

    assert (result.returncode, result.stderr) == (0, "no messages\n")
    assert mode(folder) == 0o700
    assert set(modes(folder).values()) == {0o600}
    assert {"console.log", "messages.sqlite3"} <= set(modes(folder))


def test_files_of_a_receiver_run_are_owner_only(data_dir: Path) -> None:
    with receiver(data_dir) as (process, url):
        assert httpx.post(url, data=RECEIPT, timeout=5).status_code == 200
        # While it runs the database has its WAL files open too.
        running = modes(data_dir)
        process.send_signal(signal.SIGTERM)
        _, err = process.communicate(timeout=20)

    assert process.returncode == 0, err
    assert {"messages.sqlite3-wal", "messages.sqlite3-shm", "profiles.json"} <= set(running)
    assert set(running.values()) == {0o600}
    assert "listener-access.log" in modes(data_dir)
    assert set(modes(data_dir).values()) == {0o600}


def test_the_window_closes_an_open_folder_and_creates_owner_only_files(
    data_dir: Path,
) -> None:
    data_dir.chmod(0o755)
    process = subprocess.Popen(
        [sys.executable, "-m", "console", "--demo", "--data-dir", str(data_dir)],
        env=window_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        url = wait_until_running(process, data_dir)
        assert httpx.post(url, data=RECEIPT, timeout=10).status_code == 200
        _, err = stop(process, signal.SIGTERM)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()

    assert process.returncode == 0
    assert unexpected_lines(err) == [
        f"the data folder {data_dir} was open to other users (mode 0755); it is now 0700"
    ]
    assert mode(data_dir) == 0o700
    files = modes(data_dir)
    written = {"console.log", "listener-access.log", "messages.sqlite3", "profiles.json"}
    assert written | {"window.ini"} <= set(files)
    assert set(files.values()) == {0o600}
