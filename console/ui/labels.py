"""Labels the compose pane's parts share: field names with their shortcut, and plain text
lines in a colour."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget


def buddy(text: str, field: QWidget) -> QLabel:
    """A field's label: Alt plus its underlined letter focuses the field."""
    label = QLabel(text)
    label.setBuddy(field)
    return label


def coloured(label: QLabel, colour: str) -> None:
    label.setStyleSheet(f"color: {colour};")


def plain_label(object_name: str, colour: str | None = None) -> QLabel:
    """A wrapping line of plain text (never read as rich text: it may hold what was typed)."""
    label = QLabel(objectName=object_name, wordWrap=True)
    label.setTextFormat(Qt.TextFormat.PlainText)
    if colour is not None:
        coloured(label, colour)
    return label
