"""The canned replies dialog: the list, a reply's name and text checked as they are typed,
delete with undo, and import and export of JSON files. On a shared store the list is the
team's, and other consoles' changes show as they are made (:meth:`reload`)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QEvent, QObject, QStandardPaths, Qt
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from console.protocol.canned_text import TemplateError, name_key, name_problem, parse, text_problem
from console.session import Session
from console.store.canned import CannedReply
from console.store.errors import StoreError
from console.ui.canned_import import CannedImporter
from console.ui.folders import start_folder
from console.ui.labels import buddy, plain_label
from console.ui.named import named
from console.ui.palette import Tone

HELP = (
    "Placeholders: {number} the customer's number, {operator} your name, {date} today, "
    "{time} the time now, {field:Label} a value asked for when inserting. "
    "Write {{ and }} for a brace."
)


class CannedRepliesDialog(QDialog):
    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("cannedDialog")
        self.setWindowTitle("Canned replies")
        self._session = session
        self._editing: str | None = None  # the name of the reply shown, None for a new one
        self._deleted: CannedReply | None = None
        self._replies: list[CannedReply] = []

        self.list = named(QListWidget(), "cannedList")
        self.list.setAccessibleName("Canned replies")
        self.list.setMinimumWidth(200)
        self.name = named(QLineEdit(), "cannedName")
        self.name.setAccessibleName("Name")
        self.text = named(QPlainTextEdit(), "cannedText", tabChangesFocus=True)
        self.text.setAccessibleName("Text")
        self.problem = plain_label("cannedProblem", Tone.ERROR)
        self.note = plain_label("cannedNote", Tone.MUTED)
        help_label = plain_label("cannedHelp", Tone.MUTED)
        help_label.setText(HELP)
        self.new_button = named(QPushButton("&New"), "cannedNew")
        self.save_button = named(QPushButton("&Save"), "cannedSave")
        self.save_button.setToolTip("Save this reply (Ctrl+S)")
        self.delete_button = named(QPushButton("&Delete"), "cannedDelete")
        self.undo_button = named(QPushButton("&Undo delete"), "cannedUndo")
        self.undo_button.hide()
        self.import_button = named(QPushButton("&Import…"), "cannedImport")
        self.export_button = named(QPushButton("E&xport…"), "cannedExport")
        close = named(QPushButton("Close"), "cannedClose")
        # Enter in the name saves; no other button takes Enter from a field.
        for button in (
            self.new_button,
            self.delete_button,
            self.undo_button,
            self.import_button,
            self.export_button,
            close,
        ):
            button.setAutoDefault(False)
        self.save_button.setDefault(True)

        left = QVBoxLayout()
        left.addWidget(buddy("&Replies", self.list))
        left.addWidget(self.list)
        files = QHBoxLayout()
        files.addWidget(self.import_button)
        files.addWidget(self.export_button)
        left.addLayout(files)
        right = QVBoxLayout()
        right.addWidget(buddy("N&ame", self.name))
        right.addWidget(self.name)
        right.addWidget(buddy("&Text", self.text))
        right.addWidget(self.text, stretch=1)
        right.addWidget(help_label)
        right.addWidget(self.problem)
        row = QHBoxLayout()
        for button in (self.new_button, self.save_button, self.delete_button, self.undo_button):
            row.addWidget(button)
        row.addStretch()
        row.addWidget(close)
        right.addLayout(row)
        right.addWidget(self.note)
        body = QHBoxLayout(self)
        body.addLayout(left)
        body.addLayout(right, stretch=1)
        self.resize(760, 420)

        self.importer = CannedImporter(self, session, self._imported)
        self.list.currentItemChanged.connect(self._show_current)
        self.name.textChanged.connect(self._check)
        self.text.textChanged.connect(self._check)
        self.new_button.clicked.connect(self.new_reply)
        self.save_button.clicked.connect(self.save)
        self.delete_button.clicked.connect(self.delete)
        self.undo_button.clicked.connect(self.undo_delete)
        self.import_button.clicked.connect(self.importer.choose_file)
        self.export_button.clicked.connect(self.choose_export)
        close.clicked.connect(self.reject)
        QShortcut(QKeySequence.StandardKey.Save, self, self.save)
        self.list.installEventFilter(self)
        self.reload()
        if not self._replies:
            self.new_reply()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # Delete in the list deletes the reply chosen (Undo delete brings it back).
        if (
            watched is self.list
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.matches(QKeySequence.StandardKey.Delete)
        ):
            self.delete()
            return True
        return super().eventFilter(watched, event)

    # The list

    def reload(self) -> None:
        """Read the list again (another console changed it), keeping the reply shown."""
        try:
            self._replies = self._session.store.canned_replies()
        except StoreError as exc:
            self._say(f"The canned replies could not be read: {exc}")
            return
        self.list.blockSignals(True)
        self.list.clear()
        for reply in self._replies:
            item = QListWidgetItem(reply.name)
            item.setData(Qt.ItemDataRole.UserRole, reply)
            self.list.addItem(item)
            if self._editing is not None and name_key(reply.name) == name_key(self._editing):
                self.list.setCurrentItem(item)
        self.list.blockSignals(False)
        if self._editing is not None and self.list.currentItem() is None:
            self._say(f"“{self._editing}” was deleted meanwhile: Save keeps it as a new reply")
            self._editing = None
        self.delete_button.setEnabled(self._editing is not None)

    def _show_current(self, item: QListWidgetItem | None) -> None:
        if item is None:
            return
        reply: CannedReply = item.data(Qt.ItemDataRole.UserRole)
        self._editing = reply.name
        self.name.setText(reply.name)
        self.text.setPlainText(reply.text)
        self.delete_button.setEnabled(True)

    def new_reply(self) -> None:
        self._editing = None
        self.list.setCurrentRow(-1)
        self.name.clear()
        self.text.clear()
        self.delete_button.setEnabled(False)
        self.name.setFocus()

    # Checking and saving

    def _check(self) -> bool:
        """Say what stops the reply from being saved; whether it may be."""
        self.note.clear()  # it spoke of what was saved or deleted before this edit
        if not self.name.text() and not self.text.toPlainText():
            # A new, empty reply: nothing to point out yet, nothing to save.
            self.problem.clear()
            self.save_button.setEnabled(False)
            return False
        problem = name_problem(self.name.text()) if self.name.text() else "Name it"
        if problem is None:
            problem = self._taken(self.name.text())
        if problem is None:
            problem = self._template_problem(self.text.toPlainText())
        self.problem.setText(problem[0].upper() + problem[1:] if problem else "")
        self.save_button.setEnabled(problem is None)
        return problem is None

    def _taken(self, name: str) -> str | None:
        """Another reply's name (as the store compares names), said before Save."""
        key = name_key(name)
        editing = None if self._editing is None else name_key(self._editing)
        other = next((r for r in self._replies if name_key(r.name) == key and key != editing), None)
        return None if other is None else f"“{other.name}” exists already: choose another name"

    def _template_problem(self, text: str) -> str | None:
        if not text:
            return "Write its text"
        try:
            parse(text)
        except TemplateError as exc:
            return f"{exc} (“{text[exc.position : exc.position + 20]}”)"
        return text_problem(text)

    def save(self) -> None:
        if not self._check():
            return
        name, text = self.name.text().strip(), self.text.toPlainText()
        operator = self._session.actor.operator
        store = self._session.store
        try:
            if self._editing is None:
                store.save_canned(name, text, operator, new=True)
            else:
                if name != self._editing:
                    store.rename_canned(self._editing, name, operator)
                store.save_canned(name, text, operator)
        except StoreError as exc:
            self._say(str(exc)[0].upper() + str(exc)[1:])
            return
        self._editing = name
        self.reload()
        self._note(f"Saved “{name}”")

    # Deleting, with undo

    def delete(self) -> None:
        if self._editing is None:
            return
        reply = next((r for r in self._replies if r.name == self._editing), None)
        try:
            self._session.store.delete_canned(self._editing)
        except StoreError as exc:
            self._say(str(exc))
            return
        self._deleted = reply
        self.new_reply()
        self.reload()
        if reply is not None:
            self._note(f"Deleted “{reply.name}”")
            self.undo_button.show()
            self.undo_button.setFocus()

    def undo_delete(self) -> None:
        reply, self._deleted = self._deleted, None
        self.undo_button.hide()
        if reply is None:
            return
        try:
            self._session.store.save_canned(
                reply.name, reply.text, self._session.actor.operator, new=True
            )
        except StoreError as exc:
            self._say(str(exc))
            return
        self._editing = reply.name
        self.reload()
        self._show_current(self.list.currentItem())
        self._note(f"“{reply.name}” is back")
        self.list.setFocus()

    # Files

    def choose_export(self) -> None:
        dialog = QFileDialog(self, "Export the canned replies")
        dialog.setObjectName("cannedExportFile")
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setNameFilter("Canned replies (*.json)")
        dialog.setDefaultSuffix("json")
        dialog.setDirectory(start_folder(QStandardPaths.StandardLocation.DocumentsLocation))
        dialog.selectFile("canned-replies.json")
        dialog.fileSelected.connect(lambda name: self.importer.export_to(Path(name)))
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

    def _imported(self, text: str) -> None:
        self.reload()
        self._note(text)

    def _say(self, text: str) -> None:
        self.problem.setText(text)

    def _note(self, text: str) -> None:
        self.problem.clear()
        self.note.setText(text)
