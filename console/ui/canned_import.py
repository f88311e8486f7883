"""Importing canned replies from a JSON file in the window: the file chosen, checked
whole (every problem shown, nothing kept), the operator asked whether names in use are
replaced or skipped, then kept in one transaction; and exporting them to one."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtCore import QStandardPaths, Qt
from PySide6.QtWidgets import QAbstractButton, QFileDialog, QMessageBox, QWidget

from console.canned_files import (
    export_canned,
    import_entries,
    names_in_use,
    read_canned_file,
    summary,
)
from console.protocol.canned_json import CannedEntry, CannedFileError
from console.session import Session
from console.store.errors import StoreError
from console.ui.folders import start_folder

# Names in use listed in the question; the rest are counted.
_LISTED = 5


class CannedImporter:
    """``done(text)`` tells the operator what an import or export did."""

    def __init__(self, parent: QWidget, session: Session, done: Callable[[str], None]) -> None:
        self._parent = parent
        self._session = session
        self._done = done
        self.box: QMessageBox | None = None  # the question or the problems, while open

    def choose_file(self) -> None:
        dialog = QFileDialog(self._parent, "Import canned replies")
        dialog.setObjectName("cannedImportFile")
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptOpen)
        dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
        dialog.setNameFilters(["Canned replies (*.json)", "All files (*)"])
        dialog.setDirectory(start_folder(QStandardPaths.StandardLocation.DocumentsLocation))
        dialog.fileSelected.connect(lambda name: self.import_from(Path(name)))
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

    def import_from(self, path: Path) -> None:
        try:
            entries = read_canned_file(path)
            taken = names_in_use(self._session.store, entries)
        except CannedFileError as exc:
            self._show_problems(path, str(exc).splitlines())
            return
        except StoreError as exc:
            self._show_problems(path, [str(exc)])
            return
        if not taken:
            self._import(path, entries, replace=False)
            return
        listed = ", ".join(f"“{name}”" for name in taken[:_LISTED])
        more = f" and {len(taken) - _LISTED} more" if len(taken) > _LISTED else ""
        if len(taken) == 1:
            question = (
                f"A reply in {path.name} has a name in use with another text: {listed}. "
                "Replace its text with the file's, or keep it as it is?"
            )
        else:
            question = (
                f"{len(taken)} of the replies in {path.name} have names in use with another "
                f"text: {listed}{more}. Replace their text with the file's, or keep them as "
                "they are?"
            )
        box = QMessageBox(
            QMessageBox.Icon.Question,
            "Names in use",
            question,
            QMessageBox.StandardButton.Cancel,
            self._parent,
        )
        box.setObjectName("cannedImportClash")
        replace = box.addButton("&Replace", QMessageBox.ButtonRole.AcceptRole)
        skip = box.addButton(
            "&Keep it" if len(taken) == 1 else "&Keep them", QMessageBox.ButtonRole.AcceptRole
        )
        box.setDefaultButton(skip)

        def answered(button: QAbstractButton) -> None:
            if button in (replace, skip):
                self._import(path, entries, replace=button is replace)

        box.buttonClicked.connect(answered)
        self._open(box)

    def _import(self, path: Path, entries: Sequence[CannedEntry], *, replace: bool) -> None:
        try:
            outcome = import_entries(
                self._session.store, entries, path.name, self._session.actor, replace=replace
            )
        except StoreError as exc:
            self._show_problems(path, [str(exc)])
            return
        self._done(f"Imported {path.name}: {summary(outcome)}")

    def export_to(self, path: Path) -> None:
        try:
            count = export_canned(self._session.store, path)
        except OSError as exc:
            self._show_problems(path, [f"it could not be written: {exc.strerror or exc}"], "Export")
            return
        except StoreError as exc:
            self._show_problems(path, [str(exc)], "Export")
            return
        self._done(f"Exported {count} canned replies to {path}")

    def _show_problems(self, path: Path, problems: Sequence[str], doing: str = "Import") -> None:
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            f"{doing} failed",
            f"Nothing was {'imported' if doing == 'Import' else 'written'}: {path.name}",
            QMessageBox.StandardButton.Close,
            self._parent,
        )
        box.setObjectName("cannedFileProblems")
        box.setInformativeText("\n".join(problems))
        box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._open(box)

    def _open(self, box: QMessageBox) -> None:
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.box = box
        box.finished.connect(lambda _result: self._closed(box))
        box.open()

    def _closed(self, box: QMessageBox) -> None:
        if self.box is box:
            self.box = None
