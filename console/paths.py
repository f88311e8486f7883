"""Where the program keeps its files.

Everything the program writes lives under one data directory, chosen by ``--data-dir``,
then ``SMS_CONSOLE_DATA_DIR``, then the platform's per-user data location.
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "sms-operator-console"
DATA_DIR_ENV = "SMS_CONSOLE_DATA_DIR"


def resolve_data_dir(explicit: str | os.PathLike[str] | None = None) -> Path:
    """Return the data directory, creating it if needed."""
    if explicit:
        path = Path(explicit)
    elif os.environ.get(DATA_DIR_ENV):
        path = Path(os.environ[DATA_DIR_ENV])
    else:
        path = Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))
    path = path.expanduser().resolve()
    # Customer numbers and messages live here: the folder is its owner's alone.
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


def database_path(data_dir: Path) -> Path:
    return data_dir / "messages.sqlite3"


def log_path(data_dir: Path) -> Path:
    return data_dir / "console.log"


def settings_path(data_dir: Path) -> Path:
    return data_dir / "profiles.json"


def access_log_path(data_dir: Path) -> Path:
    return data_dir / "listener-access.log"
