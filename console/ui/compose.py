"""The compose pane: who to send to, from which sender, how, and what."""

from __future__ import annotations

import itertools
from dataclasses import replace

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent, QTextCursor
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from console import drafts
from console.attachments import format_size
from console.drafts import Draft, Problem, compose, problems
from console.protocol.mt_request import Priority
from console.protocol.segments import to_gsm
from console.settings import Profile
from console.store.models import NewMessage, StoredMessage
from console.ui.attachment_list import AttachmentList
from console.ui.indicator_style import outlined
from console.ui.labels import buddy, coloured, plain_label, reserved
from console.ui.message_editor import MessageEditor, local_files
from console.ui.more_options import MoreOptions
from console.ui.named import named
from console.ui.palette import Tone
from console.ui.recipient_field import RecipientField
from console.ui.segment_counter import SegmentCounter, Ucs2Highlighter

PRIORITY_CHOICES: tuple[tuple[Priority | None, str, str], ...] = (
    (None, "Account default", "Leave it to the account's setting (Bulk unless changed)"),
    (Priority.BULK_LOW, "Bulk, low", "Mass sends that can wait the longest"),
    (Priority.BULK, "Bulk", "Mass sends"),
    (Priority.INTERACTIVE_LOW, "Interactive, low", "Conversations that can wait a little"),
    (Priority.INTERACTIVE, "Interactive", "Conversations: sent first"),
)
LOADING_REASON = "Waiting for the attachments to load"


class ComposePane(QWidget):
    """Compose one SMS or MMS and ask for it to be sent.

    The pane checks the form with the MT request's own rules as it changes; Send stays
    disabled, with the first problem named beside it, until the message can go. Sending is
    the window's job: ``sendRequested`` carries the :class:`NewMessage` (with a fresh
    ``message_id``), the window reports back through :meth:`set_busy` and
    :meth:`show_outcome`. Files dropped anywhere on the pane become MMS attachments.
    """

    sendRequested = Signal(object)
    regionChosen = Signal(object)  # str | None: the operator chose where numbers are read

    def __init__(self, profile: Profile | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._profile = profile or Profile()
        self._problems: list[Problem] = []
        self._busy = False
        self._sent: NewMessage | None = None
        self._outcome_for: Draft | None = None
        # The message the form was filled from (Send again), until it is sent or cleared.
        self.copied_from: str | None = None
        self.setAcceptDrops(True)

        self.recipient_field = RecipientField()
        self.recipient = self.recipient_field.line
        self.recipient_preview = self.recipient_field.preview

        self.sender_box = named(QComboBox(), "sender", editable=True)
        self.sender_box.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        sender_line = self.sender_box.lineEdit()
        assert sender_line is not None  # an editable combo box has one
        sender_line.setPlaceholderText("Sender address enabled on the account")

        self.priority = named(QComboBox(), "priority")
        for index, (_value, label, tip) in enumerate(PRIORITY_CHOICES):
            self.priority.addItem(label)
            self.priority.setItemData(index, tip, Qt.ItemDataRole.ToolTipRole)

        self.receipt = outlined(named(QCheckBox("Ask for delivery receipts"), "receipt"))

        self.more_options = MoreOptions()
        self.more_toggle = self.more_options.toggle
        self.carrier = self.more_options.carrier
        self.carrier_error = self.more_options.carrier_error
        self.app_id = self.more_options.app_id
        self.conversation_id = self.more_options.conversation_id

        self.editor = named(MessageEditor(), "message")
        self.editor.setPlaceholderText("Message text. Ctrl+Enter sends.")
        self.editor.setTabChangesFocus(True)
        self.highlighter = Ucs2Highlighter(self.editor.document())
        self.counter = SegmentCounter()
        self.attachment_list = AttachmentList()

        self.reason = plain_label("sendReason")
        coloured(self.reason, Tone.MUTED)
        self.reason.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.spinner = named(QProgressBar(), "sendingSpinner", textVisible=False)
        self.spinner.setRange(0, 0)
        self.spinner.setFixedWidth(60)
        self.spinner.setMaximumHeight(12)
        self.sending_label = named(QLabel("Sending…"), "sendingLabel")
        self.send_button = named(QPushButton("Send"), "send", default=True)
        self.send_button.setToolTip("Send the message (Ctrl+Enter)")
        self.outcome = plain_label("outcome")
        self.outcome.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        for widget in (self.spinner, self.sending_label, self.outcome):
            widget.hide()

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow(buddy("&To", self.recipient), self.recipient_field)
        form.addRow(buddy("Fr&om", self.sender_box), self.sender_box)
        form.addRow(buddy("P&riority", self.priority), self.priority)
        form.addRow("", self.receipt)
        send_row = QHBoxLayout()
        # Room for three lines kept: a reason coming, going or wrapping moves nothing above.
        send_row.addWidget(reserved(self.reason, 3), stretch=1)
        send_row.addStretch()
        send_row.addWidget(self.spinner)
        send_row.addWidget(self.sending_label)
        send_row.addWidget(self.send_button)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.more_options)
        layout.addWidget(buddy("&Message", self.editor))
        layout.addWidget(self.editor, stretch=1)
        layout.addWidget(self.counter)
        layout.addWidget(self.attachment_list)
        layout.addLayout(send_row)
        layout.addWidget(reserved(self.outcome, 2))

        self.recipient_field.textChanged.connect(self._refresh)
        self.recipient_field.regionChosen.connect(self._region_chosen)
        self.sender_box.currentTextChanged.connect(self._refresh)
        self.carrier.textChanged.connect(self._refresh)
        self.priority.currentIndexChanged.connect(self._refresh)
        self.receipt.toggled.connect(self._refresh)
        for line in (self.app_id, self.conversation_id):
            line.textChanged.connect(self._refresh)
        self.editor.textChanged.connect(self._refresh)
        self.attachment_list.changed.connect(self._refresh)
        self.editor.sendShortcut.connect(self.request_send)
        self.counter.replaceRequested.connect(self._use_plain_characters)
        self.editor.filesDropped.connect(self.attachment_list.add_files)
        self.send_button.clicked.connect(self.request_send)

        # Tab goes from the number to its region beside it, then to the text: the rest keep
        # their defaults mostly. Tabbing through the region leaves it as it was.
        chain = [
            self.recipient,
            self.recipient_field.region_box,
            self.editor,
            self.sender_box,
            self.priority,
            self.receipt,
            self.more_toggle,
            *self.more_options.lines(),
            self.attachment_list.add_button,
            self.send_button,
        ]
        for first, second in itertools.pairwise(chain):
            QWidget.setTabOrder(first, second)
        self._apply_profile(self._profile, previous=None)

    # The window's API.

    def set_profile(self, profile: Profile) -> None:
        """Switch to ``profile``: its senders and defaults, keeping what the operator typed.

        The sender, priority and receipt follow the new profile unless the operator had
        changed them from the old profile's defaults.
        """
        previous, self._profile = self._profile, profile
        self._apply_profile(profile, previous)

    def set_busy(self, busy: bool) -> None:
        """While a send is under way Send is disabled and "Sending…" shows; fields stay editable."""
        self._busy = busy
        self.spinner.setVisible(busy)
        self.sending_label.setVisible(busy)
        self._refresh()

    def show_outcome(self, text: str, ok: bool) -> None:
        """Say how the last send went, until the form changes; the form keeps its content."""
        self.outcome.setText(text)
        coloured(self.outcome, Tone.OK if ok else Tone.ERROR)
        self.outcome.show()
        self._outcome_for = self.draft()

    def new_message(self) -> None:
        """An empty form with the profile's defaults, the recipient focused. The text goes
        in one edit, so Ctrl+Z in the message brings it back."""
        self.copied_from = None
        for line in (self.recipient, *self.more_options.lines()):
            line.clear()
        self._clear_text()
        self.attachment_list.clear()
        self.sender_box.setCurrentText(self._profile.senders[0] if self._profile.senders else "")
        self.priority.setCurrentIndex(self._priority_index(self._profile.default_priority))
        self.receipt.setChecked(self._profile.default_receipt)
        self.more_toggle.setChecked(False)
        self._sent = None
        self.outcome.hide()
        self.focus_recipient()

    def clear_message(self) -> None:
        """Clear the text and attachments after a successful send, ready for the next one.

        Recipient, sender, priority, receipt and the optional fields stay. The recipient is
        focused and selected: typing replaces it for another customer, Tab goes on to the
        text for the same one. Text or attachments changed since the send are the start of
        the next message and are left alone.
        """
        sent, self._sent = self._sent, None
        if sent is not None and (
            self.editor.toPlainText() != sent.body
            or self.attachment_list.attachments() != sent.attachments
            or self.attachment_list.is_loading()
        ):
            return
        self._clear_text()
        self.attachment_list.clear()
        self.focus_recipient()

    def _clear_text(self) -> None:
        cursor = self.editor.textCursor()
        cursor.beginEditBlock()
        cursor.select(QTextCursor.SelectionType.Document)
        cursor.removeSelectedText()
        cursor.endEditBlock()

    def load_message(self, new: NewMessage | StoredMessage) -> None:
        """Fill the form from an earlier message (send again).

        Sending it makes a new message with a new message_id, through the current profile.
        """
        self.recipient.setText("+" + new.phone_number)
        self.copied_from = new.message_id
        self.sender_box.setCurrentText(new.sender)
        self.priority.setCurrentIndex(self._priority_index(new.priority))
        self.receipt.setChecked(new.receipt)
        self.carrier.setText("" if new.carrier is None else str(new.carrier))
        self.app_id.setText(new.app_id or "")
        self.conversation_id.setText(new.conversation_id or "")
        self.editor.setPlainText(new.body)
        self.attachment_list.set_attachments(new.attachments)
        self.more_toggle.setChecked(self.more_options.any_set())
        self.outcome.hide()
        self.editor.setFocus()

    def focus_recipient(self) -> None:
        self.recipient.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.recipient.selectAll()

    def request_send(self) -> bool:
        """Emit ``sendRequested`` if the form is valid, no send is under way and every
        attachment is read.

        Otherwise focus the field of the first problem. Returns whether it was emitted.
        """
        self._refresh()
        if self._busy or self.attachment_list.is_loading():
            return False
        if self._problems:
            self._focus_field(self._problems[0].field)
            return False
        message = compose(self.draft(), self._profile).message
        self.outcome.hide()
        self._sent = message
        self.sendRequested.emit(message)
        self.copied_from = None
        return True

    # What the form holds.

    def draft(self) -> Draft:
        return Draft(
            recipient=self.recipient.text(),
            sender=self.sender_box.currentText(),
            body=self.editor.toPlainText(),
            priority=PRIORITY_CHOICES[self.priority.currentIndex()][0],
            carrier=self.carrier.text(),
            receipt=self.receipt.isChecked(),
            app_id=self.app_id.text(),
            conversation_id=self.conversation_id.text(),
            attachments=self.attachment_list.attachments(),
        )

    # Drag and drop: files dropped anywhere on the pane are attached.

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if local_files(event.mimeData()):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        if local_files(event.mimeData()):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:
        files = local_files(event.mimeData())
        if not files:
            event.ignore()
            return
        event.acceptProposedAction()
        self.attachment_list.add_files(files)

    # Inside.

    @staticmethod
    def _priority_index(priority: Priority | None) -> int:
        return next(i for i, choice in enumerate(PRIORITY_CHOICES) if choice[0] == priority)

    def _use_plain_characters(self) -> None:
        # One edit of the document, so that one Ctrl+Z brings the text back.
        cursor = self.editor.textCursor()
        cursor.beginEditBlock()
        cursor.select(QTextCursor.SelectionType.Document)
        cursor.insertText(to_gsm(self.editor.toPlainText()))
        cursor.endEditBlock()
        self.editor.setFocus()

    def _region_chosen(self, region: str | None) -> None:
        self._profile = replace(self._profile, default_region=region)
        self._refresh()
        self.regionChosen.emit(region)

    def _apply_profile(self, profile: Profile, previous: Profile | None) -> None:
        self.recipient_field.set_region(profile.default_region)
        typed = self.sender_box.currentText().strip()
        # Kept when typed by hand, or chosen among senders the profile still has: only an
        # old profile's sender the new one lacks gives way to the new default.
        keep_sender = bool(typed) and (
            previous is None or typed not in previous.senders or typed in profile.senders
        )
        self.sender_box.blockSignals(True)
        self.sender_box.clear()
        self.sender_box.addItems(list(profile.senders))
        self.sender_box.blockSignals(False)
        if keep_sender:
            self.sender_box.setCurrentText(typed)
        else:
            self.sender_box.setCurrentText(profile.senders[0] if profile.senders else "")
        current_priority = PRIORITY_CHOICES[self.priority.currentIndex()][0]
        if previous is None or current_priority == previous.default_priority:
            self.priority.setCurrentIndex(self._priority_index(profile.default_priority))
        if previous is None or self.receipt.isChecked() == previous.default_receipt:
            self.receipt.setChecked(profile.default_receipt)
        self._refresh()

    def _focus_field(self, field: str) -> None:
        if field == drafts.CARRIER:
            self.more_toggle.setChecked(True)
        target = {
            drafts.RECIPIENT: self.recipient,
            drafts.SENDER: self.sender_box,
            drafts.CARRIER: self.carrier,
            drafts.MESSAGE: self.editor,
            drafts.ATTACHMENTS: self.attachment_list.add_button,
        }.get(field)
        if target is not None:
            target.setFocus(Qt.FocusReason.OtherFocusReason)

    def _refresh(self) -> None:
        self.recipient_field.refresh()
        draft = self.draft()
        if self.outcome.isVisible() and draft != self._outcome_for:
            self.outcome.hide()  # it spoke of another form
        self._problems = problems(draft, self._profile)
        loading = self.attachment_list.is_loading()
        first = self._problems[0].text if self._problems else ""
        if loading:
            # Until the files are read the form is not what will be sent ("Message is empty").
            first = LOADING_REASON
        self.reason.setText(first)
        self.reason.setVisible(bool(first))
        self.send_button.setEnabled(not self._problems and not self._busy and not loading)
        carrier = next((p.text for p in self._problems if p.field == drafts.CARRIER), "")
        self.more_options.show_carrier_problem(carrier)
        count = len(draft.attachments)
        self.highlighter.set_enabled(count == 0)
        self.counter.update_for(
            draft.body,
            count,
            format_size(self.attachment_list.total_size()),
            self._profile.max_segments,
            self._profile.max_characters,
        )
        self.more_options.relabel()
