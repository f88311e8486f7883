"""The MMS attachments of the message being composed: a list with thumbnails, Add… and Remove.

Files are read and their thumbnails drawn in a worker thread (``attachment_loading``); the
list shows each file by name as soon as it is added, in the order added, and says when
all of them are ready to go.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TypeVar

from PySide6.QtCore import QStandardPaths, Qt, Signal
from PySide6.QtGui import QKeyEvent, QPalette, QPixmap
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QStyle,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from console.attachments import (
    MAX_TOTAL_BYTES,
    AttachmentError,
    check_count,
    format_size,
    total_text,
)
from console.protocol.mt_request import Attachment
from console.ui.attachment_loading import THUMBNAIL_SIZE, Loaded, read_file, with_thumbnail
from console.ui.folders import start_folder
from console.ui.named import named
from console.ui.palette import Tone, tint

log = logging.getLogger(__name__)

_VISIBLE_ROWS = 3
LOADING_TEXT = "Loading…"
T = TypeVar("T")


@dataclass(eq=False)
class _Entry:
    """One attachment in the list, from the moment it is added."""

    name: str
    path: Path | None = None  # None: given whole (a message sent again)
    # Set once read and within the count: it goes with the message.
    attachment: Attachment | None = None
    # Read, waiting for the files added before it (the count is checked in that order),
    # or the reason it cannot be attached.
    outcome: Attachment | str | None = None
    picture: QPixmap | None = None
    pictured: bool = False  # the thumbnail is drawn, or known not to be possible
    task: asyncio.Task[None] | None = None


class AttachmentRow(QWidget):
    """One attachment: its picture (or a file icon), name, type and size, and Remove.

    While the file is still being read it shows its name and "Loading…".
    """

    removeClicked = Signal()

    def __init__(self, entry: _Entry, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        name = entry.name
        self.thumbnail = named(QLabel(), "attachmentThumbnail")
        self.thumbnail.setFixedSize(THUMBNAIL_SIZE, THUMBNAIL_SIZE)
        self.thumbnail.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.has_thumbnail = entry.picture is not None
        if entry.picture is not None:
            self.thumbnail.setPixmap(entry.picture)
        elif entry.pictured:
            icon = self.style().standardIcon(QStyle.StandardPixmap.SP_FileIcon)
            self.thumbnail.setPixmap(icon.pixmap(32, 32))
        self.name_label = named(QLabel(name), "attachmentName")
        self.name_label.setTextFormat(Qt.TextFormat.PlainText)
        font = self.name_label.font()
        font.setBold(True)
        self.name_label.setFont(font)
        attachment = entry.attachment
        detail = (
            LOADING_TEXT
            if attachment is None
            else f"{attachment.content_type} · {format_size(len(attachment.content))}"
        )
        self.detail_label = named(QLabel(detail), "attachmentDetail")
        self.detail_label.setTextFormat(Qt.TextFormat.PlainText)
        tint(self.detail_label, Tone.MUTED)
        self.remove_button = named(QToolButton(), "removeAttachment", text="Remove")
        self.remove_button.setAccessibleName(f"Remove {name}")
        self.remove_button.setToolTip(f"Remove {name} from the message (Delete)")
        self.remove_button.clicked.connect(self.removeClicked)

        text = QVBoxLayout()
        text.setSpacing(0)
        text.addStretch()
        text.addWidget(self.name_label)
        text.addWidget(self.detail_label)
        text.addStretch()
        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 2, 4, 2)
        layout.addWidget(self.thumbnail)
        layout.addLayout(text, stretch=1)
        layout.addWidget(self.remove_button)

    def show_selected(self, selected: bool) -> None:
        """Words in the selection's colours on a selected row, which the list paints in its
        highlight; in the usual ones (the details muted) otherwise."""
        role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.WindowText
        for label in (self.name_label, self.detail_label):
            label.setForegroundRole(role)
        # A tint's colour would stand in front of the role's.
        tint(self.detail_label, None if selected else Tone.MUTED)


class _AttachmentView(QListWidget):
    deletePressed = Signal(int)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace) and self.currentRow() >= 0:
            self.deletePressed.emit(self.currentRow())
            event.accept()
            return
        super().keyPressEvent(event)


# What phones show in an MMS; anything else can still be chosen under "All files".
ATTACHABLE_FILTER = (
    "Pictures, video, audio and cards (*.jpg *.jpeg *.png *.gif *.bmp *.webp *.heic *.mp4"
    " *.3gp *.mov *.mp3 *.m4a *.amr *.aac *.wav *.ogg *.vcf *.ics *.txt *.pdf)"
)


class AttachmentList(QWidget):
    """The attachments, each checked on the way in; rejected files are named with the reason.

    Each file is listed as soon as it is added and read in a worker thread meanwhile;
    :meth:`is_loading` says whether any still is, and :meth:`attachments` holds only those
    read. The count is checked in the order the files were added, whichever was quicker
    to read, so the outcome is the same as reading them one by one. Their total size shows
    against what one message takes; past it they stay listed, for the operator to choose
    which to remove.
    """

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._entries: list[_Entry] = []
        self._reasons: list[str] = []
        tasks: set[asyncio.Task[None]] = set()
        self._tasks = tasks
        # A file read after the list is gone must not reach its deleted widgets.
        self.destroyed.connect(lambda: _cancel_all(tasks))
        # The last folder used; until there is one, Pictures (see start_folder).
        self.last_folder = ""

        title = QLabel("Attachments")
        self.add_button = named(QPushButton("Add…"), "addAttachment")
        self.add_button.setToolTip("Choose files to send as MMS content")
        self.add_button.clicked.connect(self.choose_files)
        self.hint = QLabel("None. Drop files here or use Add… to send an MMS.")
        tint(self.hint, Tone.MUTED)
        self.hint.setWordWrap(True)  # a narrow pane wraps it rather than widen
        self.total = named(QLabel(), "attachmentTotal", wordWrap=True)
        self.total.setAccessibleName("Size of the attachments")
        self.total.hide()
        self.view = named(_AttachmentView(), "attachmentView")
        self.view.setAccessibleName("Attachments")
        self.view.setUniformItemSizes(True)
        self.view.deletePressed.connect(self.remove_at)
        self.view.itemSelectionChanged.connect(self._show_selection)
        self.view.hide()
        self.rejected = named(QLabel(), "attachmentRejected", wordWrap=True)
        self.rejected.setTextFormat(Qt.TextFormat.PlainText)
        tint(self.rejected, Tone.ERROR)
        self.rejected.hide()

        header = QHBoxLayout()
        header.addWidget(title)
        header.addWidget(self.hint, stretch=1)
        header.addWidget(self.total, stretch=1)
        header.addStretch()
        header.addWidget(self.add_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(header)
        layout.addWidget(self.view)
        layout.addWidget(self.rejected)

    def attachments(self) -> tuple[Attachment, ...]:
        """The attachments read and accepted so far, in the order they were added."""
        return tuple(e.attachment for e in self._entries if e.attachment is not None)

    def is_loading(self) -> bool:
        """Whether a file added is still being read (or waits for one added before it)."""
        return any(e.attachment is None for e in self._entries)

    def rows(self) -> list[AttachmentRow]:
        rows = [self.view.itemWidget(self.view.item(i)) for i in range(self.view.count())]
        return [row for row in rows if isinstance(row, AttachmentRow)]

    def total_size(self) -> int:
        return sum(len(a.content) for a in self.attachments())

    def add_files(self, paths: Iterable[Path]) -> None:
        """Attach each readable file of a known type, while the count allows; say why others
        are not.

        The files are listed at once, as loading, and read in a worker thread.
        """
        self._reasons = []
        for path in paths:
            entry = _Entry(path.name or str(path), path)
            self._entries.append(entry)
            self._start(entry, read_file, path)
        self._show_rejected()
        self._rebuild()

    def set_attachments(self, attachments: Iterable[Attachment]) -> None:
        """Show ``attachments``, already read: they count at once, their thumbnails follow."""
        _cancel_all(self._tasks)
        self._entries = []
        for index, attachment in enumerate(attachments):
            entry = _Entry(attachment.filename or f"Attachment {index + 1}", attachment=attachment)
            self._entries.append(entry)
            self._start(entry, with_thumbnail, attachment)
        self._reasons = []
        self._show_rejected()
        self._rebuild()

    def clear(self) -> None:
        self.set_attachments(())

    def remove_at(self, index: int) -> None:
        """Take an attachment off; one still being read is dropped when its read ends."""
        if 0 <= index < len(self._entries):
            entry = self._entries.pop(index)
            if entry.task is not None:
                entry.task.cancel()
            self._reasons = []
            self._settle()  # files added after it may have waited for it
            if self.view.count():
                self.view.setCurrentRow(min(index, self.view.count() - 1))
                self.view.setFocus()

    def choose_files(self) -> None:
        """Open a file dialog without blocking; the chosen files are added when it closes."""
        pictures = QStandardPaths.StandardLocation.PicturesLocation
        dialog = QFileDialog(self, "Attach files", start_folder(pictures, self.last_folder))
        dialog.setFileMode(QFileDialog.FileMode.ExistingFiles)
        dialog.setNameFilters([ATTACHABLE_FILTER, "All files (*)"])
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.filesSelected.connect(lambda names: self.add_files(Path(n) for n in names))
        dialog.open()

    def _start(self, entry: _Entry, work: Callable[[T], Loaded], argument: T) -> None:
        task = asyncio.get_running_loop().create_task(self._load(entry, work, argument))
        entry.task = task
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _load(self, entry: _Entry, work: Callable[[T], Loaded], argument: T) -> None:
        try:
            loaded = await asyncio.to_thread(work, argument)
        except AttachmentError as exc:
            entry.outcome = str(exc)
        except Exception:
            # Said like any other unreadable file, rather than the file silently missing.
            log.exception("reading the attachment %s failed", entry.path or entry.name)
            entry.outcome = f"{entry.path or entry.name}: cannot be read (details in the log)"
        else:
            # Only this step runs on the GUI thread: the image is thumbnail-sized already.
            if loaded.thumbnail is not None:
                entry.picture = QPixmap.fromImage(loaded.thumbnail)
            if entry.attachment is None:
                entry.outcome = loaded.attachment
        entry.pictured = True
        entry.task = None
        self._settle()

    def _settle(self) -> None:
        """Accept or refuse the files read, in the order added, up to one still being read."""
        for entry in list(self._entries):
            if entry.attachment is not None:
                continue
            outcome = entry.outcome
            if outcome is None:
                break
            if isinstance(outcome, Attachment):
                try:
                    check_count((*self.attachments(), outcome))
                except AttachmentError as exc:
                    outcome = f"{entry.path}: {exc}"
                else:
                    entry.attachment = outcome
                    if entry.path is not None:
                        self.last_folder = str(entry.path.parent)
                    continue
            self._reasons.append(outcome)
            self._entries.remove(entry)
        self._show_rejected()
        self._rebuild()

    def _show_rejected(self) -> None:
        reasons = self._reasons
        if not reasons:
            self.rejected.clear()
            self.rejected.hide()
            return
        if len(reasons) == 1:
            self.rejected.setText(f"Not attached: {reasons[0]}")
        else:
            self.rejected.setText("\n".join(["Not attached:", *(f"• {r}" for r in reasons)]))
        self.rejected.show()

    def _show_total(self, has_any: bool) -> None:
        total = self.total_size()
        self.total.setText(total_text(total))
        tint(self.total, Tone.ERROR if total > MAX_TOTAL_BYTES else Tone.MUTED)
        self.total.setVisible(has_any)

    def _rebuild(self) -> None:
        current = self.view.currentRow()
        self.view.clear()
        for index, entry in enumerate(self._entries):
            row = AttachmentRow(entry)
            row.removeClicked.connect(partial(self.remove_at, index))
            item = QListWidgetItem(self.view)
            item.setSizeHint(row.sizeHint())
            self.view.setItemWidget(item, row)
        has_any = bool(self._entries)
        self.view.setVisible(has_any)
        self.hint.setVisible(not has_any)
        self._show_total(has_any)
        if has_any:
            # A file finishing must not move the operator's place in the list.
            self.view.setCurrentRow(min(current, self.view.count() - 1))
            row_height = self.view.sizeHintForRow(0)
            shown = min(len(self._entries), _VISIBLE_ROWS)
            self.view.setFixedHeight(row_height * shown + 2 * self.view.frameWidth())
        self._show_selection()
        self.changed.emit()

    def _show_selection(self) -> None:
        for index in range(self.view.count()):
            item = self.view.item(index)
            row = self.view.itemWidget(item)
            if isinstance(row, AttachmentRow):
                row.show_selected(item.isSelected())


def _cancel_all(tasks: set[asyncio.Task[None]]) -> None:
    for task in list(tasks):
        task.cancel()
