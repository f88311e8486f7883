"""Canned replies inserted into a text editor: attach one :class:`CannedInserter` to any
QPlainTextEdit or QTextEdit (the compose pane's message, a conversation's reply box).

Its shortcut, while the editor has the focus, opens the picker; a reply with free fields
asks for them; the filled text goes in at the cursor, in place of any selection, as one
step that Ctrl+Z takes back.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDialog, QPlainTextEdit, QTextEdit

from console.protocol.canned_text import FillContext, TemplateError, parse
from console.store.canned import CannedReply
from console.store.errors import StoreError
from console.ui.canned_picker import CannedFieldsDialog, CannedPicker, needs_number

SHORTCUT = "Ctrl+Shift+I"

Editor = QPlainTextEdit | QTextEdit


class CannedInserter(QObject):
    """``replies()`` reads the canned replies (it may raise StoreError); ``context()``
    says what ``{number}`` and ``{operator}`` stand for in this editor now. ``problem``
    carries what stopped an insertion, for the window to show."""

    problem = Signal(str)
    inserted = Signal(str)
    # The customer's number, typed into the fields' form because the editor had none.
    numberGiven = Signal(str)

    def __init__(
        self,
        editor: Editor,
        replies: Callable[[], list[CannedReply]],
        context: Callable[[], tuple[str, str]],
    ) -> None:
        super().__init__(editor)
        self.editor = editor
        self._replies = replies
        self._context = context
        self.dialog: QDialog | None = None  # the picker or the fields' form, while open
        self.action = QAction("Insert canned reply…", editor)
        self.action.setShortcut(QKeySequence(SHORTCUT))
        self.action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.action.triggered.connect(self.open_picker)
        editor.addAction(self.action)

    def open_picker(self) -> None:
        try:
            replies = self._replies()
        except StoreError as exc:
            self.problem.emit(f"The canned replies could not be read: {exc}")
            return
        picker = CannedPicker(replies, self.editor.window())
        picker.chosen.connect(self._chosen)
        self._open(picker)

    def _chosen(self, reply: CannedReply) -> None:
        try:
            template = parse(reply.text)
        except TemplateError as exc:  # written by another program, or by hand in the store
            self.problem.emit(f"The canned reply “{reply.name}” cannot be used: {exc}")
            return
        number, operator = self._context()
        context = FillContext(number, operator, datetime.now())
        if not template.fields and not needs_number(template, context):
            self.insert(template.fill(context, {}))
            return
        form = CannedFieldsDialog(reply.name, template, context, self.editor.window())
        form.filled.connect(self.insert)
        if form.number is not None:
            line = form.number
            form.filled.connect(lambda _text: self.numberGiven.emit(line.text().strip()))
        self._open(form)

    def insert(self, text: str) -> None:
        """Put ``text`` in at the cursor, as one undo step, and give the editor the focus."""
        cursor = self.editor.textCursor()
        # An edit block of its own: never merged with the typing before it.
        cursor.beginEditBlock()
        cursor.insertText(text)
        cursor.endEditBlock()
        self.editor.setTextCursor(cursor)
        self.editor.setFocus()
        self.inserted.emit(text)

    def _open(self, dialog: QDialog) -> None:
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.dialog = dialog
        dialog.finished.connect(lambda _result: self._closed(dialog))
        dialog.open()

    def _closed(self, dialog: QDialog) -> None:
        if self.dialog is dialog:
            self.dialog = None
        if not isinstance(self.dialog, QDialog):
            self.editor.setFocus()
