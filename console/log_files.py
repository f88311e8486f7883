"""Log files that several processes append to (receivers sharing a data folder): one
rotates a file at a time, and the others notice and write to the new file instead of the
one moved aside."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TextIO

from filelock import FileLock


def rotation_lock(path: Path) -> FileLock:
    """Held while ``path`` is rotated, by whichever process rotates it."""
    return FileLock(f"{path}.lock", mode=0o600)


def moved_aside(path: Path, stream: TextIO) -> bool:
    """Whether ``path`` is no longer the file ``stream`` writes to: it was rotated."""
    try:
        return path.stat().st_ino != os.fstat(stream.fileno()).st_ino
    except FileNotFoundError:
        return True
