"""Ctrl+Home and Ctrl+End reach the log from one-line fields too.

A one-line field would take them to move its cursor, which Home and End do already; in
the filter box and the To field an operator pressing them means the log's newest and
oldest rows. The message text keeps them: there they move through its lines.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QKeyEvent, QKeySequence
from PySide6.QtWidgets import QLineEdit

_LOG_KEYS = (
    QKeySequence.StandardKey.MoveToStartOfDocument,
    QKeySequence.StandardKey.MoveToEndOfDocument,
)


class _LogKeysThrough(QObject):
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            event.type() == QEvent.Type.ShortcutOverride
            and isinstance(event, QKeyEvent)
            and any(event.matches(key) for key in _LOG_KEYS)
        ):
            event.ignore()  # not the field's: the window's shortcut takes it
            return True
        return False


def pass_log_keys(parent: QObject, *fields: QLineEdit) -> None:
    """Let Ctrl+Home and Ctrl+End go from ``fields`` to the window's shortcuts."""
    through = _LogKeysThrough(parent)
    for field in fields:
        field.installEventFilter(through)
