"""Upgrading the message store before the window opens, with a word on screen meanwhile.

An upgrade builds indexes over every message: a second for a small log, a minute or so
for a million messages. It runs on a thread of its own while a dialog says what is
happening, so the desktop does not think the program hung.
"""

from __future__ import annotations

import threading
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QProgressDialog

from console.store import open_store

# An upgrade done sooner than this shows nothing.
QUIET_SECONDS = 0.4
UPGRADING = (
    "Upgrading the message store for this version…\n"
    "This happens once, and takes about a minute for a million messages."
)


def upgrade_with_progress(path: Path, title: str) -> None:
    """Open (and so upgrade) the store at ``path``, showing a busy dialog if it takes a
    while; call before the event loop runs.

    Raises:
        StoreError, sqlite3.Error, OSError: the store could not be upgraded.
    """
    failure: list[BaseException] = []

    def upgrade() -> None:
        try:
            open_store(path).close()
        except BaseException as exc:  # handed to the caller on its own thread
            failure.append(exc)

    worker = threading.Thread(target=upgrade, name="store-upgrade", daemon=True)
    worker.start()
    worker.join(QUIET_SECONDS)
    if worker.is_alive():
        dialog = QProgressDialog(UPGRADING, "", 0, 0)
        dialog.setCancelButton(None)  # an upgrade stopped half-way is rolled back anyway
        dialog.setWindowTitle(title)
        dialog.setWindowModality(Qt.WindowModality.ApplicationModal)
        dialog.setMinimumDuration(0)
        dialog.show()
        while worker.is_alive():
            QApplication.processEvents()
            worker.join(0.05)
        dialog.close()
        dialog.deleteLater()
    if failure:
        raise failure[0]
