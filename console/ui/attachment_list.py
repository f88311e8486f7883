"""The MMS attachments of the message being composed: a list with thumbnails, Add… and Remove."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from PySide6.QtCore import QLocale, QStandardPaths, Qt, Signal
from PySide6.QtGui import QImage, QKeyEvent, QPixmap
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

from console.attachments import AttachmentError, check_limits, load_attachment
from console.protocol.mt_request import Attachment
from console.ui.named import named
from console.ui.palette import Tone, tint

THUMBNAIL_SIZE = 48
_VISIBLE_ROWS = 3


def format_size(count: int) -> str:
    # The C locale: "12.3 KiB" and "24 bytes", like the rest of the English interface.
    return QLocale.c().formattedDataSize(count, 1)


def attachment_name(attachment: Attachment, index: int) -> str:
    return attachment.filename or f"Attachment {index + 1}"


def thumbnail(attachment: Attachment) -> QPixmap | None:
    """A small picture of an image attachment; None when Qt cannot read it as an image."""
    image = QImage.fromData(attachment.content)
    if image.isNull():
        return None
    return QPixmap.fromImage(
        image.scaled(
            THUMBNAIL_SIZE,
            THUMBNAIL_SIZE,
            Qt.AspectRatioMode.KeepAspectRatio,
            Qt.TransformationMode.SmoothTransformation,
        )
    )


class AttachmentRow(QWidget):
    """One attachment: its picture (or a file icon), name, type and size, and Remove."""

    removeClicked = Signal()

    def __init__(self, attachment: Attachment, index: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        name = attachment_name(attachment, index)
        self.thumbnail = named(QLabel(), "attachmentThumbnail")
        self.thumbnail.setFixedSize(THUMBNAIL_SIZE, THUMBNAIL_SIZE)
        self.thumbnail.setAlignment(Qt.AlignmentFlag.AlignCenter)
        picture = thumbnail(attachment)
        self.has_thumbnail = picture is not None
        if picture is None:
            picture = self.style().standardIcon(QStyle.StandardPixmap.SP_FileIcon).pixmap(32, 32)
        self.thumbnail.setPixmap(picture)
        self.name_label = named(QLabel(name), "attachmentName")
        self.name_label.setTextFormat(Qt.TextFormat.PlainText)
        font = self.name_label.font()
        font.setBold(True)
        self.name_label.setFont(font)
        self.detail_label = named(
            QLabel(f"{attachment.content_type} · {format_size(len(attachment.content))}"),
            "attachmentDetail",
        )
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
    """The attachments, each checked on the way in; rejected files are named with the reason."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._attachments: list[Attachment] = []
        # Pictures, where there is such a folder; the last folder used once there is one.
        self.last_folder = QStandardPaths.writableLocation(
            QStandardPaths.StandardLocation.PicturesLocation
        )

        title = QLabel("Attachments")
        self.add_button = named(QPushButton("Add…"), "addAttachment")
        self.add_button.setToolTip("Choose files to send as MMS content")
        self.add_button.clicked.connect(self.choose_files)
        self.hint = QLabel("None. Drop files here or use Add… to send an MMS.")
        tint(self.hint, Tone.MUTED)
        self.hint.setWordWrap(True)  # a narrow pane wraps it rather than widen
        self.view = named(_AttachmentView(), "attachmentView")
        self.view.setAccessibleName("Attachments")
        self.view.setUniformItemSizes(True)
        self.view.deletePressed.connect(self.remove_at)
        self.view.hide()
        self.rejected = named(QLabel(), "attachmentRejected", wordWrap=True)
        self.rejected.setTextFormat(Qt.TextFormat.PlainText)
        tint(self.rejected, Tone.ERROR)
        self.rejected.hide()

        header = QHBoxLayout()
        header.addWidget(title)
        header.addWidget(self.hint, stretch=1)
        header.addStretch()
        header.addWidget(self.add_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(header)
        layout.addWidget(self.view)
        layout.addWidget(self.rejected)

    def attachments(self) -> tuple[Attachment, ...]:
        return tuple(self._attachments)

    def rows(self) -> list[AttachmentRow]:
        rows = [self.view.itemWidget(self.view.item(i)) for i in range(self.view.count())]
        return [row for row in rows if isinstance(row, AttachmentRow)]

    def total_size(self) -> int:
        return sum(len(a.content) for a in self._attachments)

    def add_files(self, paths: Iterable[Path]) -> None:
        """Attach each readable file of a known type that still fits; say why others do not."""
        reasons: list[str] = []
        for path in paths:
            try:
                attachment = load_attachment(path)
            except AttachmentError as exc:
                reasons.append(str(exc))
                continue
            try:
                check_limits((*self._attachments, attachment))
            except AttachmentError as exc:
                reasons.append(f"{path}: {exc}")
                continue
            self._attachments.append(attachment)
            self.last_folder = str(path.parent)
        self._show_rejected(reasons)
        self._rebuild()

    def set_attachments(self, attachments: Iterable[Attachment]) -> None:
        self._attachments = list(attachments)
        self._show_rejected([])
        self._rebuild()

    def clear(self) -> None:
        self.set_attachments(())

    def remove_at(self, index: int) -> None:
        if 0 <= index < len(self._attachments):
            del self._attachments[index]
            self._show_rejected([])
            self._rebuild()
            if self.view.count():
                self.view.setCurrentRow(min(index, self.view.count() - 1))
                self.view.setFocus()

    def choose_files(self) -> None:
        """Open a file dialog without blocking; the chosen files are added when it closes."""
        dialog = QFileDialog(self, "Attach files", self.last_folder)
        dialog.setFileMode(QFileDialog.FileMode.ExistingFiles)
        dialog.setNameFilters([ATTACHABLE_FILTER, "All files (*)"])
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.filesSelected.connect(lambda names: self.add_files(Path(n) for n in names))
        dialog.open()

    def _show_rejected(self, reasons: list[str]) -> None:
        if not reasons:
            self.rejected.clear()
            self.rejected.hide()
            return
        if len(reasons) == 1:
            self.rejected.setText(f"Not attached: {reasons[0]}")
        else:
            self.rejected.setText("\n".join(["Not attached:", *(f"• {r}" for r in reasons)]))
        self.rejected.show()

    def _rebuild(self) -> None:
        self.view.clear()
        for index, attachment in enumerate(self._attachments):
            row = AttachmentRow(attachment, index)
            row.removeClicked.connect(lambda index=index: self.remove_at(index))
            item = QListWidgetItem(self.view)
            item.setSizeHint(row.sizeHint())
            self.view.setItemWidget(item, row)
        has_any = bool(self._attachments)
        self.view.setVisible(has_any)
        self.hint.setVisible(not has_any)
        if has_any:
            row_height = self.view.sizeHintForRow(0)
            shown = min(len(self._attachments), _VISIBLE_ROWS)
            self.view.setFixedHeight(row_height * shown + 2 * self.view.frameWidth())
        self.changed.emit()
