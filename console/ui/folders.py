"""Where a file dialog opens."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QStandardPaths


def start_folder(location: QStandardPaths.StandardLocation, last: str | None = None) -> str:
    """The last folder used if it is still there, else the system's ``location`` folder
    if it exists, else the home folder. A dialog given a folder that does not exist shows
    its name as the file name to choose."""
    for folder in (last, QStandardPaths.writableLocation(location)):
        if folder and Path(folder).is_dir():
            return folder
    return str(Path.home())
