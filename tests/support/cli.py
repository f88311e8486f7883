"""Running ``sms-console`` as a real subprocess, the way scripts and operators do."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from console.paths import settings_path
from console.settings import Profile, Settings, save_settings
from tests.conftest import PASSWORD

LOGIN = "acme"


def cli_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SMS_CONSOLE_")}
    env.update({"SMS_CONSOLE_LOGIN": LOGIN, "SMS_CONSOLE_PASSWORD": PASSWORD, **extra})
    return env


def command(data_dir: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "console", "--data-dir", str(data_dir), *args]


def run_cli(
    data_dir: Path, *args: str, env: dict[str, str] | None = None, timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        command(data_dir, *args),
        env=cli_env() if env is None else env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def unpaced(data_dir: Path) -> Path:
    """``data_dir`` with the default profile sending as fast as it can (not 5 a second),
    for runs that send hundreds of messages."""
    data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    save_settings(settings_path(data_dir), Settings(profiles=(Profile(messages_per_second=None),)))
    return data_dir
