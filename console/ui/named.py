"""Widgets made with their object name (how tests and style sheets find them) and Qt
properties in one expression, with the types the PySide6 stubs know."""

from __future__ import annotations

from typing import TypeVar

from PySide6.QtCore import QObject

W = TypeVar("W", bound=QObject)


def named(widget: W, name: str, **properties: object) -> W:
    """``widget`` with ``name`` as its object name and each Qt property set."""
    widget.setObjectName(name)
    for key, value in properties.items():
        # setProperty would make a new dynamic property of a misspelt name, silently.
        if widget.metaObject().indexOfProperty(key) == -1:
            raise AttributeError(f"{type(widget).__name__} has no property {key!r}")
        widget.setProperty(key, value)
    return widget
