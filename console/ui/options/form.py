"""What the settings pages' forms are made of: inputs bound to the keys of a value dict,
each with an optional hint under it and, when it is wrong, the reason."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout, QWidget

from console.ui.palette import Tone, tint


def hint_label(text: str) -> QLabel:
    """A smaller, muted line of explanation."""
    label = QLabel(text)
    label.setWordWrap(True)
    font = label.font()
    font.setPointSizeF(font.pointSizeF() * 0.9)
    label.setFont(font)
    tint(label, Tone.MUTED)
    return label


def in_row(*widgets: QWidget, stretch_first: bool = True) -> QWidget:
    """``widgets`` side by side; the first takes the spare width, or else nobody does."""
    box = QWidget()
    layout = QHBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 0)
    for index, widget in enumerate(widgets):
        layout.addWidget(widget, 1 if stretch_first and index == 0 else 0)
    if not stretch_first:
        layout.addStretch(1)
    return box


class Field(QWidget):
    """One input with an optional hint under it and, when it is wrong, the reason."""

    def __init__(self, widget: QWidget, hint: str | None = None) -> None:
        super().__init__()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(widget)
        self.hint = hint_label(hint) if hint else None
        if self.hint:
            layout.addWidget(self.hint)
        self.error = QLabel()
        self.error.setWordWrap(True)
        tint(self.error, Tone.ERROR)
        self.error.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.error.hide()
        layout.addWidget(self.error)

    def set_error(self, message: str | None) -> None:
        self.error.setText(message or "")
        self.error.setVisible(bool(message))


class Form(QWidget):
    """Fields bound to keys of a value dict; ``edited`` fires on every change by the user.

    A value changes only when its own widget does, so what the widget cannot show exactly
    (a rate of 2.55 in a one-decimal box) is saved back unchanged. A new setting is a widget
    laid out with ``_field``, read back with ``_bind`` and shown by the form's ``load``.
    """

    edited = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.values: dict[str, Any] = {}
        self.fields: dict[str, Field] = {}
        self._loading = False

    def _field(self, key: str, widget: QWidget, hint: str | None = None) -> Field:
        self.fields[key] = Field(widget, hint)
        return self.fields[key]

    def _bind(self, key: str, signal: Any, read: Callable[[], Any]) -> None:
        def changed(*_: Any) -> None:
            if not self._loading:
                self.values[key] = read()
                self.edited.emit()

        signal.connect(changed)

    def show_problems(self, problems: dict[str, str]) -> None:
        for key, field_widget in self.fields.items():
            field_widget.set_error(problems.get(key))
