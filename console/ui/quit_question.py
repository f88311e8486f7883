"""Asked before the window closes on what would be lost or left: messages still being sent,
text typed and not sent."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox, QWidget


def quit_words(sending: int, unsent_places: list[str]) -> str | None:
    """Why to ask before quitting, in words; None when nothing would be lost or left."""
    parts = []
    if sending:
        parts.append(
            ("1 message is" if sending == 1 else f"{sending} messages are")
            + " still being sent. They stay in the outbox, and are finished with their own "
            "message_id when the console starts again (or by 'sms-console resume')."
        )
    if unsent_places:
        parts.append(f"What you typed in {' and '.join(unsent_places)} will be lost.")
    return " ".join([*parts, "Quit anyway?"]) if parts else None


def quit_question(parent: QWidget, words: str, sending: bool) -> QMessageBox:
    """The question (No by default: Enter keeps the window open)."""
    box = QMessageBox(
        QMessageBox.Icon.Question,
        "Messages are being sent" if sending else "Text not sent",
        words,
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        parent,
    )
    box.setObjectName("quitQuestion")
    box.setDefaultButton(QMessageBox.StandardButton.No)
    return box
