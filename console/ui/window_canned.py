"""The window's canned replies: the dialog that manages them, and their insertion into
the compose pane's message text (Ctrl+Shift+I there, or Message ▸ Insert canned reply)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from console.ui.canned_dialog import CannedRepliesDialog
from console.ui.canned_inserter import CannedInserter

if TYPE_CHECKING:
    from console.ui.main_window import MainWindow


class WindowCanned:
    def __init__(self, window: MainWindow) -> None:
        self._window = window
        session = window.session
        self.dialog: CannedRepliesDialog | None = None
        self.inserter = CannedInserter(
            window.compose.editor,
            lambda: session.store.canned_replies(),
            lambda: (window.compose.recipient.text().strip(), session.actor.operator),
        )
        self.inserter.problem.connect(lambda text: window.alerts.note(text, 8000))
        self.inserter.numberGiven.connect(self._fill_recipient)
        session.on_canned = self.changed

    def open_dialog(self) -> None:
        if self.dialog is not None:
            self.dialog.raise_()
            self.dialog.activateWindow()
            return
        dialog = CannedRepliesDialog(self._window.session, self._window)
        self.dialog = dialog
        dialog.finished.connect(lambda _result: self._closed(dialog))
        self._window.open_dialog(dialog)

    def insert(self) -> None:
        """Into the compose pane's message, at its cursor."""
        self._window.show_compose(True)
        self._window.compose.editor.setFocus()
        self.inserter.open_picker()

    def _fill_recipient(self, number: str) -> None:
        # Asked for because To was empty: it is the message's recipient too.
        recipient = self._window.compose.recipient
        if number and not recipient.text().strip():
            recipient.setText(number)

    def changed(self) -> None:
        """Another console changed the canned replies: the dialog shows them as they are."""
        if self.dialog is not None:
            self.dialog.reload()

    def _closed(self, dialog: CannedRepliesDialog) -> None:
        if self.dialog is dialog:
            self.dialog = None
