"""Driving widgets as the operator does: through the mouse and the keyboard."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QComboBox, QStyle, QStyleOptionComboBox, QWidget

from console.ui.attachment_list import LOADING_TEXT, AttachmentList


def choose(qtbot: Any, combo: QComboBox, text: str) -> None:
    """Open ``combo``'s list with a click and click the item that reads ``text``."""
    if combo.isEditable():
        # A click on the text of an editable one edits it: its list opens at the arrow.
        option = QStyleOptionComboBox()
        combo.initStyleOption(option)
        arrow = combo.style().subControlRect(
            QStyle.ComplexControl.CC_ComboBox, option, QStyle.SubControl.SC_ComboBoxArrow, combo
        )
        qtbot.mouseClick(combo, Qt.MouseButton.LeftButton, pos=arrow.center())
    else:
        qtbot.mouseClick(combo, Qt.MouseButton.LeftButton)
    view = combo.view()
    qtbot.waitUntil(view.isVisible, timeout=5000)
    # The list ignores a click that comes too soon after it opened (a double click's time).
    qtbot.wait(QApplication.doubleClickInterval() + 50)
    found = combo.findText(text)
    assert found != -1, f"{text!r} is not among {[combo.itemText(i) for i in range(combo.count())]}"
    index = view.model().index(found, combo.modelColumn())
    view.scrollTo(index)
    rect = view.visualRect(index)
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.waitUntil(lambda: not view.isVisible(), timeout=5000)
    assert combo.currentText() == text


def wait_for_attachments(qtbot: Any, attachments: AttachmentList) -> None:
    """Wait, as the operator would, until no attachment in the list still says it is loading."""
    qtbot.waitUntil(
        lambda: all(row.detail_label.text() != LOADING_TEXT for row in attachments.rows()),
        timeout=10000,
    )


def press(qtbot: Any, widget: QWidget, key: Qt.Key) -> None:
    """Press ``key`` in ``widget`` as the keyboard does: an open popup (a completer's list
    of suggestions) takes the key first."""
    qtbot.keyClick(QApplication.activePopupWidget() or widget, key)
