"""The program's logging: a file under the data dir, optional stderr, secrets masked."""

from __future__ import annotations

import logging
import logging.handlers
import sys
from collections.abc import Mapping
from pathlib import Path

from console.escaping import escape_controls
from console.log_files import moved_aside, rotation_lock
from console.paths import log_path
from console.redaction import RedactingFilter, redact

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def _escaped(value: object) -> object:
    if isinstance(value, int | float):  # numbers hold no text, and %d needs a number
        return value
    # Masked first: a secret with a control character in it would not be found once escaped.
    return escape_controls(redact(value if isinstance(value, str) else str(value)))


class EscapingFilter(logging.Filter):
    """Shows control characters in a record's arguments as escapes such as ``\\n``.

    The arguments carry values from outside (callback fields, provider answers, errors
    quoting them), which must not be able to start a line that looks like the program's.
    The message itself is the program's own and keeps its line breaks, as do tracebacks.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, Mapping):
            record.args = {key: _escaped(value) for key, value in record.args.items()}
        elif record.args:
            record.args = tuple(_escaped(value) for value in record.args)
        return True


class SharedRotatingFileHandler(logging.handlers.RotatingFileHandler):
    """A rotated log that other processes append to as well (receivers sharing a data
    folder): one rotates it at a time, and the others then write to the new file instead
    of the one moved aside."""

    def __init__(self, path: Path, max_bytes: int, backup_count: int) -> None:
        super().__init__(path, maxBytes=max_bytes, backupCount=backup_count, encoding="utf-8")
        self._rotating = rotation_lock(path)

    def shouldRollover(self, record: logging.LogRecord) -> bool:
        if self.stream is not None and moved_aside(Path(self.baseFilename), self.stream):
            self.stream.close()
            self.stream = self._open()
        return bool(super().shouldRollover(record))

    def doRollover(self) -> None:
        with self._rotating:
            if self.stream is not None and moved_aside(Path(self.baseFilename), self.stream):
                self.stream.close()
                self.stream = self._open()  # rotated by another process meanwhile
                return
            super().doRollover()


def configure_logging(data_dir: Path, *, stderr_level: int | None = logging.INFO) -> None:
    """Log to ``console.log`` under ``data_dir`` (rotated) and, if asked, to stderr."""
    root = logging.getLogger()
    for handler in list(root.handlers):
        root.removeHandler(handler)
        handler.close()
    root.setLevel(logging.INFO)
    # In this order: the redacting filter folds the arguments into the message.
    escaping = EscapingFilter()
    redacting = RedactingFilter()

    file_handler = SharedRotatingFileHandler(log_path(data_dir), 5 * 1024 * 1024, 3)
    file_handler.setFormatter(logging.Formatter(FORMAT))
    file_handler.addFilter(escaping)
    file_handler.addFilter(redacting)
    root.addHandler(file_handler)

    # A windowed frozen program has no stderr at all.
    if stderr_level is not None and sys.stderr is not None:
        stream_handler = logging.StreamHandler(sys.stderr)
        stream_handler.setLevel(stderr_level)
        stream_handler.setFormatter(logging.Formatter("%(message)s"))
        stream_handler.addFilter(escaping)
        stream_handler.addFilter(redacting)
        root.addHandler(stream_handler)

    # Their INFO lines print full request URLs, which with GET carry the password.
    for noisy in ("httpx", "httpcore"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
