"""The keychain service against a real Secret Service: gnome-keyring on a private D-Bus.

The program runs in a subprocess under ``dbus-run-session`` with its own HOME, so that
neither the machine's session bus nor its keyrings are touched, and keyring discovers
its backend as it would on an operator's desktop.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
SECRET = "real-Secr3t&+=%/pw"
TOOLS = ("dbus-run-session", "gnome-keyring-daemon")
TIME_LIMIT = 60

SCRIPT = """
import asyncio
import os

import keyring
from keyring.backends import SecretService

from console.keychain import Keychain


async def main() -> None:
    password = os.environ["REAL_KEYCHAIN_SECRET"]
    keychain = Keychain(timeout=20)
    await keychain.resolve()
    backend = keyring.get_keyring()
    assert isinstance(backend, SecretService.Keyring), backend
    assert keychain.is_system()
    assert keychain.warning() is None
    print("backend:", keychain.backend_name())

    await keychain.set("real-test", "acme", password)
    assert await keychain.get("real-test", "acme") == password
    # A second instance has no session memory: this answer comes from the daemon.
    assert await Keychain(timeout=20).get("real-test", "acme") == password
    assert await keychain.delete("real-test", "acme") is True
    assert await keychain.get("real-test", "acme") is None
    assert await keychain.delete("real-test", "acme") is False
    print("round trip: ok")


asyncio.run(main())
"""

# The daemon reads the login keyring's password on stdin, creates that keyring and leaves
# it unlocked, and returns once its Secret Service is on the bus.
SHELL = """
set -eu
printf '%s' "$KEYRING_UNLOCK_PASSWORD" \\
    | gnome-keyring-daemon --unlock --components=secrets >/dev/null
exec "$PYTHON" "$SCRIPT"
"""


def require_tools() -> None:
    missing = [tool for tool in TOOLS if shutil.which(tool) is None]
    if not missing:
        return
    message = (
        f"{', '.join(missing)} not installed (Debian: dbus, gnome-keyring; "
        "see scripts/system_packages.sh)"
    )
    if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
        pytest.fail(f"the real keychain test cannot run in CI: {message}")
    pytest.skip(f"no real Secret Service to test against: {message}")


def private_environment(home: Path, script: Path) -> dict[str, str]:
    runtime = home / "runtime"
    runtime.mkdir(mode=0o700)
    return {
        "PATH": os.environ.get("PATH", os.defpath),
        "LANG": "C.UTF-8",
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / "config"),
        "XDG_DATA_HOME": str(home / "data"),
        "XDG_CACHE_HOME": str(home / "cache"),
        "XDG_RUNTIME_DIR": str(runtime),
        "PYTHON": sys.executable,
        "PYTHONPATH": str(ROOT),
        "SCRIPT": str(script),
        "KEYRING_UNLOCK_PASSWORD": "test",
        "REAL_KEYCHAIN_SECRET": SECRET,
    }


def run_in_private_session(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    with subprocess.Popen(
        ["dbus-run-session", "--", "sh", "-c", SHELL],
        env=env,
        cwd=ROOT,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    ) as process:
        try:
            out, err = process.communicate(timeout=TIME_LIMIT)
        except subprocess.TimeoutExpired:
            # The whole group: the bus daemon too, whose end makes gnome-keyring exit.
            os.killpg(process.pid, signal.SIGKILL)
            out, err = process.communicate()
            pytest.fail(f"no answer within {TIME_LIMIT} s\nstdout:\n{out}\nstderr:\n{err}")
        return subprocess.CompletedProcess(process.args, process.returncode, out, err)


def test_set_get_delete_through_gnome_keyring(tmp_path: Path) -> None:
    require_tools()
    home = tmp_path / "home"
    home.mkdir()
    script = tmp_path / "round_trip.py"
    script.write_text(SCRIPT)

    result = run_in_private_session(private_environment(home, script))

    report = f"stdout:\n{result.stdout}\nstderr:\n{result.stderr}"
    assert result.returncode == 0, report
    assert "backend: Secret Service keychain" in result.stdout, report
    assert "round trip: ok" in result.stdout, report
    assert SECRET not in result.stdout + result.stderr
    # gnome-keyring keeps its keyring encrypted under the private HOME.
    assert (home / "data" / "keyrings").is_dir(), report
    leaked = [p for p in home.rglob("*") if p.is_file() and SECRET.encode() in p.read_bytes()]
    assert leaked == []
