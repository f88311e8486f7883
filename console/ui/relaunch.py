"""Starting the console again, as it was started: a new workspace is opened at start."""

from __future__ import annotations

import subprocess
import sys

from PySide6.QtWidgets import QAbstractButton, QMessageBox, QWidget


def ask_to_restart(parent: QWidget, where: str) -> tuple[QMessageBox, QAbstractButton]:
    """A box offering to start the console again on the workspace ``where``, and its
    Restart now button. Not shown: the caller opens it."""
    box = QMessageBox(
        QMessageBox.Icon.Information,
        "Workspace changed",
        f"The console keeps its messages on {where} from its next start. Start it again now?",
        QMessageBox.StandardButton.NoButton,
        parent,
    )
    box.setObjectName("restartForWorkspace")
    restart = box.addButton("Restart now", QMessageBox.ButtonRole.AcceptRole)
    box.addButton("Later", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(restart)
    return box, restart


def relaunch() -> None:
    """Start another console with this one's command line; this one is ending."""
    frozen = getattr(sys, "frozen", False)
    command = [sys.executable, *sys.argv[1:]] if frozen else [sys.executable, *sys.argv]
    subprocess.Popen(command, start_new_session=True)  # noqa: S603 -- our own command line
