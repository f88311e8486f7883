"""Choosing a canned reply to insert: a list filtered by name as one types, then a small
form for its free fields. Both work by keyboard alone (arrows, Enter, Esc)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from console.protocol.canned_text import FillContext, Template, name_key
from console.store.canned import CannedReply
from console.ui.labels import buddy, plain_label
from console.ui.named import named

_MOVES = (Qt.Key.Key_Up, Qt.Key.Key_Down, Qt.Key.Key_PageUp, Qt.Key.Key_PageDown)
NO_REPLIES = "No canned replies yet: add them with Message ▸ Canned replies…"


def needs_number(template: Template, context: FillContext) -> bool:
    """Whether the customer's number is to be asked for: the text uses it, and the box
    it goes in knows none yet (nothing typed in To)."""
    return template.uses("number") and not context.number


def matching(replies: Sequence[CannedReply], typed: str) -> list[CannedReply]:
    """The replies whose name holds ``typed`` (ignoring case), those starting with it first."""
    key = name_key(typed)
    starting = [r for r in replies if name_key(r.name).startswith(key)]
    within = [r for r in replies if key in name_key(r.name) and r not in starting]
    return starting + within


class CannedPicker(QDialog):
    """Type to filter by name, arrows to move, Enter to choose: ``chosen`` carries the
    :class:`CannedReply`."""

    chosen = Signal(object)

    def __init__(self, replies: Sequence[CannedReply], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("cannedPicker")
        self.setWindowTitle("Insert a canned reply")
        self._replies = list(replies)
        self.filter = named(QLineEdit(), "cannedFilter", clearButtonEnabled=True)
        self.filter.setPlaceholderText("Type to filter by name")
        self.filter.setAccessibleName("Canned reply name")
        self.list = named(QListWidget(), "cannedChoices")
        self.list.setAccessibleName("Canned replies")
        self.preview = plain_label("cannedPreview")
        self.preview.setAccessibleName("Text of the canned reply")
        self.preview.setMinimumWidth(360)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setText("Insert")
        self.ok.setDefault(True)
        buttons.accepted.connect(self._choose)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(buddy("&Name", self.filter))
        layout.addWidget(self.filter)
        layout.addWidget(self.list)
        layout.addWidget(self.preview)
        layout.addWidget(buttons)
        self.filter.textChanged.connect(self._refilter)
        self.filter.installEventFilter(self)
        self.list.currentItemChanged.connect(self._show_current)
        self.list.itemActivated.connect(lambda _item: self._choose())
        self._refilter("")

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # Arrows typed in the filter move in the list: the hands stay where they type.
        if (
            watched is self.filter
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() in _MOVES
        ):
            self.list.keyPressEvent(event)
            return True
        return super().eventFilter(watched, event)

    def current(self) -> CannedReply | None:
        item = self.list.currentItem()
        return None if item is None else item.data(Qt.ItemDataRole.UserRole)  # type: ignore[no-any-return]

    def _refilter(self, typed: str) -> None:
        self.list.clear()
        for reply in matching(self._replies, typed):
            item = QListWidgetItem(reply.name)
            item.setData(Qt.ItemDataRole.UserRole, reply)
            item.setToolTip(reply.text)
            self.list.addItem(item)
        if self.list.count():
            self.list.setCurrentRow(0)
        else:
            self._show_current(None)

    def _show_current(self, item: QListWidgetItem | None) -> None:
        self.ok.setEnabled(item is not None)
        if item is not None:
            self.preview.setText(item.data(Qt.ItemDataRole.UserRole).text)
        elif not self._replies:
            self.preview.setText(NO_REPLIES)
        else:
            self.preview.setText(f"No canned reply's name holds {self.filter.text()!r}")

    def _choose(self) -> None:
        reply = self.current()
        # Enter in the list both activates its item and presses Insert: one choice.
        if reply is None or self.result() == QDialog.DialogCode.Accepted:
            return
        self.accept()
        self.chosen.emit(reply)


class CannedFieldsDialog(QDialog):
    """A line for each free field of ``template``, and for the customer's number when it
    uses ``{number}`` and none is known yet; ``filled`` carries the finished text."""

    filled = Signal(str)

    def __init__(
        self, name: str, template: Template, context: FillContext, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("cannedFields")
        self.setWindowTitle(f"Fill in “{name}”")
        self._template = template
        self._context = context
        self.lines: dict[str, QLineEdit] = {}
        form = QFormLayout()
        self.number: QLineEdit | None = None
        if needs_number(template, context):
            self.number = named(QLineEdit(), "cannedNumber")
            self.number.setAccessibleName("Customer's number")
            self.number.textChanged.connect(self._show)
            form.addRow(buddy("Customer's number:", self.number), self.number)
        for number, label in enumerate(template.fields):
            line = named(QLineEdit(), f"cannedField{number}")
            line.setAccessibleName(label)
            # A label's & is its own, not a shortcut's mark.
            form.addRow(buddy(f"{label.replace('&', '&&')}:", line), line)
            line.textChanged.connect(self._show)
            self.lines[label] = line
        self.preview = plain_label("cannedFilledPreview")
        self.preview.setAccessibleName("The text as it will be inserted")
        self.preview.setMinimumWidth(360)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        insert = buttons.button(QDialogButtonBox.StandardButton.Ok)
        insert.setText("Insert")
        insert.setDefault(True)
        buttons.accepted.connect(self._finish)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(QLabel("It reads:"))
        layout.addWidget(self.preview)
        layout.addWidget(buttons)
        self._show()

    def text(self) -> str:
        values = {label: line.text() for label, line in self.lines.items()}
        context = self._context
        if self.number is not None:
            context = replace(context, number=self.number.text().strip())
        return self._template.fill(context, values)

    def _show(self) -> None:
        self.preview.setText(self.text())

    def _finish(self) -> None:
        self.accept()
        self.filled.emit(self.text())
