"""The built .deb these tests check: where it is, and its control fields."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = "sms-operator-console"
APP = Path("opt") / PACKAGE


def find_deb() -> Path:
    named = os.environ.get("SMS_CONSOLE_DEB")
    if named:
        return Path(named)
    built = sorted((ROOT / "dist").glob(f"{PACKAGE}_*.deb"), key=lambda p: p.stat().st_mtime)
    if not built:
        pytest.fail("no .deb in dist/: build it with `make deb` (or run `make deb-check`)")
    return built[-1]


def field(deb: Path, name: str) -> str:
    return subprocess.run(
        ["dpkg-deb", "-f", str(deb), name], capture_output=True, text=True, check=True
    ).stdout.strip()
