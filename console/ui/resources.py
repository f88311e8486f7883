"""Files under ``resources/`` (installed as ``console.resources``)."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path


def resource_path(*parts: str) -> Path:
    return Path(str(files("console.resources").joinpath(*parts)))


def icon_path() -> Path:
    return resource_path("icons", "sms-operator-console.svg")
