"""Exporting the filtered log to CSV: file choice, progress with cancel, outcome."""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QStandardPaths, Qt
from PySide6.QtWidgets import QFileDialog, QMainWindow, QMessageBox, QProgressDialog

from console.export import ExportCancelled, export_database
from console.identity import Actor
from console.store.location import StoreLocation
from console.store.models import LogQuery
from console.ui.folders import start_folder

log = logging.getLogger(__name__)


class ExportController:
    """Runs one export at a time on a worker thread with its own store connection."""

    def __init__(
        self,
        window: QMainWindow,
        database: StoreLocation | Path,
        note: Callable[[str, int], None],
        actor: Callable[[], Actor],
    ) -> None:
        """``database``: the store the window shows (read on a connection of its own);
        ``note(text, milliseconds)`` tells the operator how an export ended; ``actor()``
        who exports, for the audit trail."""
        self._window = window
        self._actor = actor
        self._note = note
        self._database = database
        self._task: asyncio.Task[None] | None = None
        self._cancel = threading.Event()
        self.progress: QProgressDialog | None = None

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done()

    def start(self, query: LogQuery) -> None:
        if self.running:
            return
        dialog = QFileDialog(self._window, "Export the log to CSV")
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setNameFilter("CSV files (*.csv)")
        dialog.setDefaultSuffix("csv")
        dialog.setDirectory(start_folder(QStandardPaths.StandardLocation.DocumentsLocation))
        dialog.selectFile("message-log.csv")
        dialog.fileSelected.connect(lambda name: self.export_to(Path(name), query))
        dialog.open()

    def export_to(self, path: Path, query: LogQuery) -> None:
        self._cancel.clear()
        progress = QProgressDialog("Exporting the log…", "Cancel", 0, 100, self._window)
        progress.setObjectName("exportProgress")
        progress.setWindowTitle("Export")
        progress.setWindowModality(Qt.WindowModality.WindowModal)
        progress.setMinimumDuration(300)
        progress.canceled.connect(self._cancel.set)
        self.progress = progress
        self._task = asyncio.get_event_loop().create_task(self._run(path, query))

    async def _run(self, path: Path, query: LogQuery) -> None:
        loop = asyncio.get_running_loop()

        def report(done: int, total: int) -> bool:
            loop.call_soon_threadsafe(self._show, done, total)
            return not self._cancel.is_set()

        try:
            written = await asyncio.to_thread(
                export_database, self._database, query, path, report, self._actor()
            )
        except ExportCancelled:
            self._finish()
            self._note("Export cancelled; no file was written", 5000)
        except OSError as exc:
            self._finish()
            self._failed(f"{path} could not be written: {exc.strerror}")
        except Exception as exc:
            log.exception("export to %s failed", path)
            self._finish()
            self._failed(f"The log could not be read for the export: {exc}")
        else:
            self._finish()
            self._note(f"Exported {written:,} rows to {path}", 8000)

    def _failed(self, text: str) -> None:
        box = QMessageBox(QMessageBox.Icon.Warning, "Export failed", text, parent=self._window)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()

    def _show(self, done: int, total: int) -> None:
        if self.progress is not None:
            self.progress.setMaximum(max(total, 1))
            self.progress.setValue(min(done, total))
            self.progress.setLabelText(f"Exporting the log… {done:,} of {total:,} rows")

    def _finish(self) -> None:
        if self.progress is not None:
            self.progress.reset()
            self.progress.deleteLater()
            self.progress = None
