"""The reply box under an open conversation: the text, its segment count and attachments,
sent from our sender the customer wrote to, to their number, as the compose pane sends."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from console.attachments import format_size
from console.drafts import Draft, compose, problems
from console.protocol.mt_request import Attachment
from console.protocol.segments import to_gsm
from console.settings import Profile
from console.store.models import NewMessage
from console.store.threads import ThreadRow
from console.ui.attachment_list import AttachmentList
from console.ui.labels import coloured, plain_label
from console.ui.message_editor import MessageEditor
from console.ui.named import named
from console.ui.palette import Tone
from console.ui.segment_counter import SegmentCounter, Ucs2Highlighter
from console.ui.thread_words import opted_out_words

LOADING_REASON = "Waiting for the attachments to load"


class ReplyBox(QWidget):
    """Write a reply to the open thread. ``sendRequested(NewMessage)``: Send or Ctrl+Enter
    with a message that can go (the window answers with :meth:`set_busy`, :meth:`sent` or
    :meth:`show_error`); ``edited``: the operator typed (work in the thread)."""

    sendRequested = Signal(object)
    edited = Signal()

    def __init__(self, profile: Profile | None = None) -> None:
        super().__init__()
        self._profile = profile or Profile()
        self.replying_to: ThreadRow | None = None
        # What was typed in threads left before sending, by thread id.
        self._drafts: dict[int, tuple[str, tuple[Attachment, ...]]] = {}
        self._busy = False
        self.editor = named(MessageEditor(), "replyText")
        self.editor.setAccessibleName("Reply")
        self.editor.setPlaceholderText("Reply. Ctrl+Enter sends.")
        self.editor.setTabChangesFocus(True)
        # Room for a few lines; the thread above takes the rest.
        self.editor.setFixedHeight(self.editor.fontMetrics().lineSpacing() * 4 + 12)
        self.highlighter = Ucs2Highlighter(self.editor.document())
        self.counter = SegmentCounter()
        self.attachment_list = AttachmentList()
        self.reason = plain_label("replyReason", Tone.MUTED)
        self.error = plain_label("replyError", Tone.ERROR)
        self.error.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.error.hide()
        self.sending_label = named(QLabel("Sending…"), "replySending")
        self.sending_label.hide()
        self.send_button = named(QPushButton("Send reply"), "sendReply")
        self.send_button.setToolTip("Send the reply (Ctrl+Enter)")
        self.from_label = plain_label("replyFrom", Tone.MUTED)

        send_row = QHBoxLayout()
        send_row.addWidget(self.from_label)
        send_row.addWidget(self.reason, 1)
        send_row.addStretch()  # without a reason shown, the button keeps its size
        send_row.addWidget(self.sending_label)
        send_row.addWidget(self.send_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(self.editor)
        layout.addWidget(self.counter)
        layout.addWidget(self.attachment_list)
        layout.addLayout(send_row)
        layout.addWidget(self.error)

        self.editor.textChanged.connect(self._typed)
        self.attachment_list.changed.connect(self._refresh)
        self.editor.sendShortcut.connect(self.request_send)
        self.editor.filesDropped.connect(self.attachment_list.add_files)
        self.counter.replaceRequested.connect(self._use_plain_characters)
        self.send_button.clicked.connect(self.request_send)
        self.set_thread(None)

    def set_profile(self, profile: Profile) -> None:
        self._profile = profile
        self._refresh()

    def set_thread(self, thread: ThreadRow | None) -> None:
        """Reply in ``thread`` (None: no thread is open). What was typed stays only for the
        same thread."""
        same = (
            thread is not None and self.replying_to is not None and thread.id == self.replying_to.id
        )
        if not same:
            self._keep_draft()
        opted_in = (
            same
            and self.replying_to is not None
            and self.replying_to.opted_out_at is not None
            and thread is not None
            and thread.opted_out_at is None
        )
        self.replying_to = thread
        if not same:
            self._take_draft(thread)
        if not same or opted_in:
            self.error.hide()  # what was said was of another thread, or holds no more
        self.setEnabled(thread is not None)
        self.from_label.setText(f"From {thread.sender}" if thread is not None else "")
        self._refresh()

    def draft(self) -> Draft:
        thread = self.replying_to
        return Draft(
            recipient="+" + thread.phone_number if thread is not None else "",
            sender=thread.sender if thread is not None else "",
            body=self.editor.toPlainText(),
            priority=self._profile.default_priority,
            receipt=self._profile.default_receipt,
            attachments=self.attachment_list.attachments(),
        )

    def has_unsent(self) -> bool:
        """Whether a reply is typed here, or waits for a thread left before sending."""
        return bool(
            self.editor.toPlainText().strip() or self.attachment_list.attachments() or self._drafts
        )

    def request_send(self) -> bool:
        """Emit ``sendRequested`` when the reply can go; otherwise say why."""
        self._refresh()
        if self.replying_to is None or self._busy or self.attachment_list.is_loading():
            return False
        found = problems(self.draft(), self._profile)
        if found:
            self.show_error(found[0].text)
            return False
        self.error.hide()
        self.sendRequested.emit(compose(self.draft(), self._profile).message)
        return True

    def set_busy(self, busy: bool) -> None:
        self._busy = busy
        self.sending_label.setVisible(busy)
        self._refresh()

    def sent(self, new: NewMessage) -> None:
        """``new`` is on its way: the box is cleared, unless typed into since."""
        if (
            self.editor.toPlainText() == new.body
            and self.attachment_list.attachments() == new.attachments
        ):
            self.clear()
        self.editor.setFocus()

    def show_error(self, text: str) -> None:
        self.error.setText(text)
        coloured(self.error, Tone.ERROR)
        self.error.show()

    def _keep_draft(self) -> None:
        """What was typed for the thread being left waits for it (never for another)."""
        thread = self.replying_to
        if thread is None:
            return
        draft = (self.editor.toPlainText(), self.attachment_list.attachments())
        if draft[0] or draft[1]:
            self._drafts[thread.id] = draft
        else:
            self._drafts.pop(thread.id, None)

    def _take_draft(self, thread: ThreadRow | None) -> None:
        text, attachments = self._drafts.pop(thread.id, ("", ())) if thread else ("", ())
        # setPlainText also empties the undo history: Ctrl+Z in one customer's thread must
        # never bring back what was typed to another.
        self.editor.setPlainText(text)
        self.editor.moveCursor(QTextCursor.MoveOperation.End)
        self.attachment_list.set_attachments(attachments)

    def clear(self) -> None:
        cursor = self.editor.textCursor()
        cursor.beginEditBlock()
        cursor.select(QTextCursor.SelectionType.Document)
        cursor.removeSelectedText()
        cursor.endEditBlock()
        self.attachment_list.clear()

    def _typed(self) -> None:
        self.error.hide()
        self._refresh()
        if self.editor.toPlainText():
            self.edited.emit()

    def _use_plain_characters(self) -> None:
        cursor = self.editor.textCursor()
        cursor.beginEditBlock()
        cursor.select(QTextCursor.SelectionType.Document)
        cursor.insertText(to_gsm(self.editor.toPlainText()))
        cursor.endEditBlock()
        self.editor.setFocus()

    def _refused(self) -> str:
        """Why a reply to this thread's customer will be refused, as the thread was read."""
        opted = opted_out_words(self.replying_to) if self.replying_to is not None else None
        return f"{opted}: a reply will be refused" if opted else ""

    def _refresh(self) -> None:
        draft = self.draft()
        loading = self.attachment_list.is_loading()
        found = problems(draft, self._profile) if self.replying_to is not None else []
        # An empty box is no problem to point out: only what typing cannot fix (a picture
        # with no text is: an MMS needs words too).
        shown = [p for p in found if draft.body or draft.attachments or p.field != "message"]
        refused = self._refused()
        reason = refused or (LOADING_REASON if loading else (shown[0].text if shown else ""))
        self.reason.setText(reason)
        self.reason.setVisible(bool(reason))
        coloured(self.reason, Tone.WARNING if refused else Tone.MUTED)
        # Send stays on: the store has the last word (the customer may have opted in
        # since this thread was read), and its refusal says why in full.
        self.send_button.setEnabled(
            self.replying_to is not None and not found and not self._busy and not loading
        )
        count = len(draft.attachments)
        self.highlighter.set_enabled(count == 0)
        self.counter.update_for(
            draft.body,
            count,
            format_size(self.attachment_list.total_size()),
            self._profile.max_segments,
            self._profile.max_characters,
        )
