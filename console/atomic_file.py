"""Files that appear whole or not at all: written beside their final name, flushed to the
disk, then renamed over it (a crash leaves the old file or the new one, never half)."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO


@contextmanager
def replaced_atomically(path: Path, newline: str | None = None) -> Iterator[TextIO]:
    """A text file to write; on leaving the block without an error it becomes ``path``.

    On an error nothing of it is left, and ``path`` is as it was.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}-", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline=newline) as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
