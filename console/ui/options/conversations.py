"""The Conversations page: notifications of new replies, and how long a claim lasts."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtWidgets import QCheckBox, QFormLayout, QLabel, QSpinBox, QVBoxLayout

from console.settings.conversations import MAX_CLAIM_MINUTES
from console.ui.indicator_style import outlined
from console.ui.named import named
from console.ui.options.form import hint_label
from console.ui.options.page import Draft, SettingsPage


class ConversationsPage(SettingsPage):
    """Whether new replies are told in the tray, and a claim's idle time."""

    TITLE = "Conversations"

    def __init__(self, draft: Draft) -> None:
        super().__init__(draft)
        chosen = draft.settings.conversations
        self.notify = outlined(named(QCheckBox("&Notify me of new replies"), "notifyReplies"))
        self.notify.setChecked(chosen.notify_replies)
        self.claim_minutes = named(QSpinBox(), "claimMinutes")
        self.claim_minutes.setRange(1, MAX_CLAIM_MINUTES)
        self.claim_minutes.setSuffix(" min")
        self.claim_minutes.setValue(chosen.claim_minutes)
        self.claim_minutes.setAccessibleName("Claims last")
        label = QLabel("&Claims last")
        label.setBuddy(self.claim_minutes)
        form = QFormLayout()
        form.addRow("", self.notify)
        form.addRow(
            "",
            hint_label(
                "A message in the system tray for each new customer reply (one for many "
                "arriving at once); a click on it opens the conversation."
            ),
        )
        form.addRow(label, self.claim_minutes)
        form.addRow(
            "",
            hint_label(
                "On a team's shared store a conversation you claim shows as yours to the "
                "others. The claim runs on while you work in it (opening it, typing, "
                "sending) and ends this long after, or when you release it."
            ),
        )
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addStretch(1)
        self.notify.toggled.connect(self._edited)
        self.claim_minutes.valueChanged.connect(self._edited)

    def _edited(self) -> None:
        conversations = replace(
            self.draft.settings.conversations,
            notify_replies=self.notify.isChecked(),
            claim_minutes=self.claim_minutes.value(),
        )
        self.draft.settings = replace(self.draft.settings, conversations=conversations)
        self.changed.emit()
