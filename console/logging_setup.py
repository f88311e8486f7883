"""The program's logging: a file under the data dir, optional stderr, secrets masked."""

from __future__ import annotations

import logging
import logging.handlers
import sys
from pathlib import Path

from console.paths import log_path
from console.redaction import RedactingFilter

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def configure_logging(data_dir: Path, *, stderr_level: int | None = logging.INFO) -> None:
    """Log to ``console.log`` under ``data_dir`` (rotated) and, if asked, to stderr."""
    root = logging.getLogger()
    for handler in list(root.handlers):
        root.removeHandler(handler)
        handler.close()
    root.setLevel(logging.INFO)
    redacting = RedactingFilter()

    file_handler = logging.handlers.RotatingFileHandler(
        log_path(data_dir), maxBytes=5 * 1024 * 1024, backupCount=3, encoding="utf-8"
    )
    file_handler.setFormatter(logging.Formatter(FORMAT))
    file_handler.addFilter(redacting)
    root.addHandler(file_handler)

    # A windowed frozen program has no stderr at all.
    if stderr_level is not None and sys.stderr is not None:
        stream_handler = logging.StreamHandler(sys.stderr)
        stream_handler.setLevel(stderr_level)
        stream_handler.setFormatter(logging.Formatter("%(message)s"))
        stream_handler.addFilter(redacting)
        root.addHandler(stream_handler)

    # Their INFO lines print full request URLs, which with GET carry the password.
    for noisy in ("httpx", "httpcore"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
