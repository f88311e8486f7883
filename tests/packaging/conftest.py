"""The built package, and the tree it unpacks to (``dpkg-deb -x``), once per run."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.packaging.unpacked import find_deb


@pytest.fixture(scope="session")
def deb() -> Path:
    return find_deb()


@pytest.fixture(scope="session")
def root(deb: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    unpacked = tmp_path_factory.mktemp("root")
    subprocess.run(["dpkg-deb", "-x", str(deb), str(unpacked)], check=True)
    return unpacked
