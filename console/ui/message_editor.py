"""The message text editor: Ctrl+Enter asks to send, dropped files go to the attachments."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QEvent, QMimeData, Qt, Signal
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent, QKeyEvent, QKeySequence
from PySide6.QtWidgets import QPlainTextEdit

_SEND_KEYS = (Qt.Key.Key_Return, Qt.Key.Key_Enter)


def local_files(mime: QMimeData | None) -> list[Path]:
    """The local files among dragged URLs; web links and the like are not attachable."""
    if mime is None or not mime.hasUrls():
        return []
    return [Path(url.toLocalFile()) for url in mime.urls() if url.isLocalFile()]


def is_send_key(event: QKeyEvent) -> bool:
    return event.key() in _SEND_KEYS and bool(
        event.modifiers() & Qt.KeyboardModifier.ControlModifier
    )


class MessageEditor(QPlainTextEdit):
    """Plain text; Ctrl+Enter emits ``sendShortcut``, files dropped emit ``filesDropped``."""

    sendShortcut = Signal()
    filesDropped = Signal(list)

    def __init__(self) -> None:
        super().__init__()
        # Window shortcuts that do nothing while typing here (set by the box it is in).
        self.held_keys: tuple[QKeySequence, ...] = ()

    def event(self, event: QEvent) -> bool:
        # Claim Ctrl+Enter before any window shortcut on the same keys: one press, one send.
        if (
            event.type() == QEvent.Type.ShortcutOverride
            and isinstance(event, QKeyEvent)
            and (is_send_key(event) or QKeySequence(event.keyCombination()) in self.held_keys)
        ):
            event.accept()
            return True
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if is_send_key(event):
            event.accept()
            self.sendShortcut.emit()
            return
        super().keyPressEvent(event)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if local_files(event.mimeData()):
            event.acceptProposedAction()
            return
        super().dragEnterEvent(event)

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        if local_files(event.mimeData()):
            event.acceptProposedAction()
            return
        super().dragMoveEvent(event)

    def dropEvent(self, event: QDropEvent) -> None:
        files = local_files(event.mimeData())
        if files:
            event.acceptProposedAction()
            self.filesDropped.emit(files)
            return
        super().dropEvent(event)
