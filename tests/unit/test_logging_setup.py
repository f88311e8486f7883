"""console.log: values from outside stay on their line; the program's own text is kept."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from console.logging_setup import configure_logging
from console.paths import log_path

FORGED = "2030-01-01 00:00:00,000 INFO console.session: forged"


@pytest.fixture
def console_log(tmp_path: Path) -> Iterator[Path]:
    root = logging.getLogger()
    kept = (list(root.handlers), root.level)
    configure_logging(tmp_path, stderr_level=None)
    yield log_path(tmp_path)
    for handler in list(root.handlers):
        root.removeHandler(handler)
        handler.close()
    for handler in kept[0]:
        root.addHandler(handler)
    root.setLevel(kept[1])


def written(path: Path) -> str:
    for handler in logging.getLogger().handlers:
        handler.flush()
    return path.read_text(encoding="utf-8")


def test_an_argument_with_line_breaks_and_escapes_stays_on_one_line(console_log: Path) -> None:
    log = logging.getLogger("console.listener.test")

    log.warning("refused: %s (%d bytes)", f"field x\n{FORGED}\r\x1b[2K\u2028\x85", 42)
    log.warning("refused: %(reason)s", {"reason": f"y\r\n{FORGED}"})
    log.warning("refused: %s", ValueError(f"z\n{FORGED}"))

    lines = written(console_log).splitlines()
    assert len(lines) == 3
    assert lines[0].endswith(f"refused: field x\\n{FORGED}\\r\\x1b[2K\\u2028\\x85 (42 bytes)")
    assert lines[1].endswith(f"refused: y\\r\\n{FORGED}")
    assert lines[2].endswith(f"refused: z\\n{FORGED}")


def test_the_programs_own_lines_and_tracebacks_keep_their_breaks(console_log: Path) -> None:
    log = logging.getLogger("console.test")

    log.info("first line\nsecond line for %s", "x")
    try:
        raise RuntimeError("failed")
    except RuntimeError:
        log.exception("it failed")

    content = written(console_log)
    assert "first line\nsecond line for x\n" in content
    assert "it failed\nTraceback (most recent call last):\n" in content
    assert "\nRuntimeError: failed\n" in content
