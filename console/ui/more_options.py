"""The compose pane's optional fields (carrier, app ID, conversation ID), folded under a
disclosure line that says which of them are set."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QPaintEvent
from PySide6.QtWidgets import (
    QFormLayout,
    QLineEdit,
    QStyle,
    QStyleOptionToolButton,
    QStylePainter,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from console.ui.labels import buddy, plain_label
from console.ui.named import named
from console.ui.palette import Tone


class DisclosureButton(QToolButton):
    """A disclosure line: its arrow and words, never drawn as a button that stays pressed
    while what it shows is open.

    Drawn by the style with the palette of the moment, so it follows a theme change (a
    style sheet would keep the palette it was first polished with).
    """

    def paintEvent(self, _event: QPaintEvent) -> None:
        option = QStyleOptionToolButton()
        self.initStyleOption(option)
        flag = QStyle.StateFlag
        option.state &= ~(flag.State_On | flag.State_Sunken | flag.State_Raised)
        QStylePainter(self).drawComplexControl(QStyle.ComplexControl.CC_ToolButton, option)


class MoreOptions(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.toggle = named(DisclosureButton(), "moreOptions", checkable=True)
        self.toggle.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.toggle.setAutoRaise(True)
        self.carrier = named(QLineEdit(), "carrier")
        self.carrier.setPlaceholderText("Optional; routing follows the country code")
        self.carrier_error = plain_label("carrierError", Tone.ERROR)
        self.app_id = named(QLineEdit(), "appId")
        self.app_id.setPlaceholderText("Optional; returned with delivery receipts")
        self.conversation_id = named(QLineEdit(), "conversationId")
        self.conversation_id.setPlaceholderText("Optional; returned with delivery receipts")
        self.group = named(QWidget(), "moreOptionsGroup")
        form = QFormLayout(self.group)
        form.setContentsMargins(16, 0, 0, 0)
        carrier_block = QVBoxLayout()
        carrier_block.setSpacing(2)
        carrier_block.addWidget(self.carrier)
        carrier_block.addWidget(self.carrier_error)
        form.addRow(buddy("Carrier ID", self.carrier), carrier_block)
        form.addRow(buddy("App ID", self.app_id), self.app_id)
        form.addRow(buddy("Conversation ID", self.conversation_id), self.conversation_id)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.toggle)
        layout.addWidget(self.group)
        self.toggle.toggled.connect(self._shown)
        self._shown(False)

    def lines(self) -> tuple[QLineEdit, ...]:
        return (self.carrier, self.app_id, self.conversation_id)

    def any_set(self) -> bool:
        return any(line.text().strip() for line in self.lines())

    def show_carrier_problem(self, text: str) -> None:
        self.carrier_error.setText(text)
        self.carrier_error.setVisible(bool(text))

    def relabel(self) -> None:
        """Name the fields that are set while they are folded away."""
        names = ("carrier", "app ID", "conversation ID")
        filled = [
            name for name, line in zip(names, self.lines(), strict=True) if line.text().strip()
        ]
        folded_with_values = filled and not self.toggle.isChecked()
        self.toggle.setText(
            f"More options ({', '.join(filled)} set)" if folded_with_values else "More options"
        )

    def _shown(self, shown: bool) -> None:
        self.group.setVisible(shown)
        self.toggle.setArrowType(Qt.ArrowType.DownArrow if shown else Qt.ArrowType.RightArrow)
        self.relabel()
