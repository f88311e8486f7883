"""A shared store that answers but cannot be used as the window starts (a wrong or missing
password, an unknown database, a schema of another version): waiting cannot fix it, so
the console says what to fix, and offers this computer's own workspace for this run."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox

from console.store.location import StoreLocation
from console.store.postgres.open_failure import open_failure


def store_refused_text(location: StoreLocation, error: BaseException) -> tuple[str, str]:
    """The box's first line and what follows: the URL said once (in the command to run,
    when there is one)."""
    reason = open_failure(error, location)
    where = location.describe()
    if where in reason:
        return "The console cannot use the shared store.", _sentence(reason)
    return f"The console cannot use the shared store {where}:", _sentence(reason)


def ask_store_refused(title: str, location: StoreLocation, error: BaseException) -> bool:
    """Say why the shared store at ``location`` cannot be used; whether the operator chose
    this computer's workspace for this run (else: quit)."""
    box = QMessageBox(QMessageBox.Icon.Critical, title, "")
    box.setObjectName("storeRefused")
    first, rest = store_refused_text(location, error)
    box.setText(first)
    box.setInformativeText(rest)
    local = box.addButton("Open this computer's workspace", QMessageBox.ButtonRole.AcceptRole)
    local.setToolTip(
        "Work on this computer's own store for this run only; the next start opens the "
        "shared store again"
    )
    quit_button = box.addButton("Quit", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(quit_button)
    box.setEscapeButton(quit_button)
    box.exec()
    return box.clickedButton() is local


def _sentence(text: str) -> str:
    text = text[:1].upper() + text[1:]
    return text if text.endswith((".", "?", "!")) else f"{text}."
