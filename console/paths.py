"""Where the program keeps its files, and who may read them.

Everything the program writes lives under one data directory, chosen by ``--data-dir``,
then ``SMS_CONSOLE_DATA_DIR``, then the platform's per-user data location.
"""

from __future__ import annotations

import logging
import os
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import platformdirs

log = logging.getLogger(__name__)

APP_NAME = "sms-operator-console"
DATA_DIR_ENV = "SMS_CONSOLE_DATA_DIR"

# The program's files in the data directory: the database with its WAL companions, both
# logs with their rotations, the settings and the window's layout.
_OWN_FILES = (
    "messages.sqlite3*",
    "console.log*",
    "listener-access.log*",
    "profiles.json",
    "window.ini",
)
_OTHERS = stat.S_IRWXG | stat.S_IRWXO


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


@contextmanager
def private_files() -> Iterator[None]:
    """Files and folders created meanwhile are their owner's alone (on POSIX systems).

    The umask in force before is put back afterwards.
    """
    if os.name != "posix":
        yield
        return
    previous = os.umask(0o077)
    try:
        yield
    finally:
        os.umask(previous)


def restrict_data_dir(data_dir: Path) -> None:
    """Take group's and others' access away from ``data_dir`` and the program's files in it,
    logging a warning for whatever had it.

    ``mkdir`` gives its mode only to a folder it creates; one made before (by hand, or by a
    program with a looser umask) may be open to every user of the computer.
    """
    if os.name != "posix":
        return  # elsewhere the per-user folders' own permissions apply
    old = _restrict(data_dir, stat.S_IFDIR, 0o700)
    if old is not None:
        log.warning(
            "the data folder %s was open to other users (mode %04o); it is now %04o",
            data_dir,
            old,
            old & 0o700,
        )
    opened = [
        f"{path.name} ({mode:04o})"
        for pattern in _OWN_FILES
        for path in sorted(data_dir.glob(pattern))
        if (mode := _restrict(path, stat.S_IFREG, 0o600)) is not None
    ]
    if opened:
        log.warning(
            "files in %s were open to other users, now only to their owner: %s",
            data_dir,
            ", ".join(opened),
        )


def _restrict(path: Path, kind: int, allowed: int) -> int | None:
    """Keep only the ``allowed`` permission bits of ``path`` if it is of file type ``kind``;
    its old mode if that took any away."""
    try:
        status = path.lstat()
        mode = stat.S_IMODE(status.st_mode)
        # Anything else, a symbolic link say, is not ours to change.
        if stat.S_IFMT(status.st_mode) != kind or not mode & _OTHERS:
            return None
        path.chmod(mode & allowed)
    except OSError as exc:
        log.warning("cannot make %s private: %s", path, exc.strerror)
        return None
    return mode


def database_path(data_dir: Path) -> Path:
    return data_dir / "messages.sqlite3"


def log_path(data_dir: Path) -> Path:
    return data_dir / "console.log"


def settings_path(data_dir: Path) -> Path:
    return data_dir / "profiles.json"


def access_log_path(data_dir: Path) -> Path:
    return data_dir / "listener-access.log"
