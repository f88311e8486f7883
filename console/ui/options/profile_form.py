"""The form of one account profile: account, message defaults, pace and retries, and
the keywords of customers' replies."""

from __future__ import annotations

from dataclasses import asdict

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QCompleter,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from console.protocol.mt_request import HttpMethod, Priority
from console.settings import PROVIDER_ENDPOINT, REGION_CODES, Environment, Profile
from console.ui.environment_style import EnvironmentBadge
from console.ui.indicator_style import outlined
from console.ui.options.form import Form, hint_label, in_row
from console.ui.options.keywords_form import KeywordFields
from console.ui.palette import Tone, tint

PRIORITIES: list[Priority | None] = [None, *Priority]
ENVIRONMENTS = list(Environment)
METHODS = list(HttpMethod)
GET_NOTE = (
    "GET puts the password in the request URL, where proxies and server logs can record "
    "it. Keep POST unless the account cannot take it."
)


class EntryLine(QLineEdit):
    """A line whose Enter is its own: in a dialog it would also press OK."""

    def keyPressEvent(self, event: QKeyEvent) -> None:
        super().keyPressEvent(event)
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            event.accept()


def spin(low: float, high: float, decimals: int, suffix: str = "") -> QDoubleSpinBox:
    spin = QDoubleSpinBox()
    spin.setRange(low, high)
    spin.setDecimals(decimals)
    spin.setSuffix(suffix)
    spin.setMaximumWidth(140)
    return spin


def limit(suffix: str) -> QSpinBox:
    """A maximum where 0 means none."""
    box = QSpinBox()
    box.setRange(0, 100_000)
    box.setSuffix(suffix)
    box.setSpecialValueText("no limit")
    return box


class ProfileForm(Form):
    """Every setting of one profile."""

    def __init__(self) -> None:
        super().__init__()
        self.name = QLineEdit()
        self.environment = QComboBox()
        self.environment.addItems(["Production", "Test"])
        self.badge = EnvironmentBadge()
        self.endpoint = QLineEdit()
        self.provider_endpoint = QPushButton("Provider's endpoint")
        self.provider_endpoint.setToolTip(PROVIDER_ENDPOINT)
        self.login = QLineEdit()
        self.login.setPlaceholderText("as given by the provider")
        self.method = QComboBox()
        self.method.addItems([m.value for m in METHODS])
        self.method_note = hint_label(GET_NOTE)

        self.senders = QListWidget()
        self.senders.setMaximumHeight(96)
        self.sender_input = EntryLine()
        self.sender_input.setPlaceholderText("short code or name")
        self.add_sender = QPushButton("Add")
        self.remove_sender = QPushButton("Remove")
        self.sender_up = QPushButton("Up")
        self.sender_down = QPushButton("Down")
        self.priority = QComboBox()
        self.priority.addItems(["Account default", *(p.value for p in Priority)])
        self.receipt = outlined(QCheckBox("Ask for delivery receipts"))
        self.region = QLineEdit()
        self.region.setPlaceholderText("none")
        self.region.setMaximumWidth(140)
        completer = QCompleter(list(REGION_CODES), self.region)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.region.setCompleter(completer)

        self.rate = spin(0, 10000, 1, " msg/s")
        self.rate.setSpecialValueText("no limit")
        self.retry_wait = spin(0, 86400, 1, " s")
        self.attempts = QSpinBox()
        self.attempts.setRange(1, 1000)
        self.attempts.setMaximumWidth(140)
        self.timeout = spin(0.5, 3600, 1, " s")
        self.max_segments = limit(" segments")
        self.max_characters = limit(" characters")
        self.keywords = KeywordFields(self)
        self.pages = QTabWidget()

        self._lay_out()
        self._connect()

    def _lay_out(self) -> None:
        account = QGroupBox("Account")
        form = QFormLayout(account)
        form.addRow(
            "Name",
            self._field(
                "name",
                self.name,
                "The keychain files the password under this name; renaming the profile "
                "in use takes its password along.",
            ),
        )
        form.addRow(
            "Environment",
            self._field("environment", in_row(self.environment, self.badge, stretch_first=False)),
        )
        form.addRow(
            "Endpoint", self._field("endpoint", in_row(self.endpoint, self.provider_endpoint))
        )
        form.addRow(
            "Login",
            self._field(
                "login",
                self.login,
                "The password is entered in the Credentials dialog, which keeps it in the "
                "system keychain when there is one.",
            ),
        )
        method = self._field("method", in_row(self.method, self.method_note, stretch_first=False))
        form.addRow("HTTP method", method)

        messages = QGroupBox("Message defaults")
        form = QFormLayout(messages)
        sender_buttons = QVBoxLayout()
        for button in (self.remove_sender, self.sender_up, self.sender_down):
            sender_buttons.addWidget(button)
        sender_buttons.addStretch(1)
        sender_list = QWidget()
        grid = QHBoxLayout(sender_list)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.addWidget(self.senders, 1)
        grid.addLayout(sender_buttons)
        senders = QWidget()
        column = QVBoxLayout(senders)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(sender_list)
        column.addWidget(in_row(self.sender_input, self.add_sender))
        form.addRow("Senders", self._field("senders", senders, "The first is the default."))
        form.addRow(
            "Priority", self._field("default_priority", in_row(self.priority, stretch_first=False))
        )
        form.addRow("Receipts", self._field("default_receipt", self.receipt))
        form.addRow(
            "Default region",
            self._field(
                "default_region",
                self.region,
                "Numbers typed without + or 00 are read as numbers of this region (US, GB…).",
            ),
        )

        form.addRow(
            "Longest message",
            self._field(
                "max_segments",
                in_row(self.max_segments, self.max_characters, stretch_first=False),
                "Send stays disabled past either; the provider refuses longer texts (code 8).",
            ),
        )

        pace = QGroupBox("Pace and retries")
        form = QFormLayout(pace)
        form.addRow("Rate", self._field("messages_per_second", self.rate))
        form.addRow("Retry wait", self._field("retry_wait", self.retry_wait))
        form.addRow("Attempts", self._field("max_attempts", self.attempts))
        form.addRow("Request timeout", self._field("timeout", self.timeout))

        lower = QHBoxLayout()
        lower.addWidget(messages, 1)
        lower.addWidget(pace)
        sending = QWidget()
        layout = QVBoxLayout(sending)
        layout.addWidget(account)
        layout.addLayout(lower)
        layout.addStretch(1)
        replies = QWidget()
        layout = QVBoxLayout(replies)
        layout.addWidget(self.keywords.box())
        layout.addStretch(1)
        self.pages.addTab(sending, "Sending")
        self.pages.addTab(replies, "Replies: STOP, START, HELP")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.pages)

    def _connect(self) -> None:
        self._bind("name", self.name.textEdited, lambda: self.name.text().strip())
        self._bind(
            "environment",
            self.environment.currentIndexChanged,
            lambda: ENVIRONMENTS[self.environment.currentIndex()],
        )
        self._bind("endpoint", self.endpoint.textEdited, lambda: self.endpoint.text().strip())
        self._bind("login", self.login.textEdited, lambda: self.login.text().strip() or None)
        self._bind(
            "method", self.method.currentIndexChanged, lambda: METHODS[self.method.currentIndex()]
        )
        self._bind(
            "default_priority",
            self.priority.currentIndexChanged,
            lambda: PRIORITIES[self.priority.currentIndex()],
        )
        self._bind("default_receipt", self.receipt.toggled, self.receipt.isChecked)
        self._bind(
            "default_region",
            self.region.textChanged,
            lambda: self.region.text().strip().upper() or None,
        )
        self._bind("messages_per_second", self.rate.valueChanged, lambda: self.rate.value() or None)
        self._bind("retry_wait", self.retry_wait.valueChanged, self.retry_wait.value)
        self._bind("max_attempts", self.attempts.valueChanged, self.attempts.value)
        self._bind("timeout", self.timeout.valueChanged, self.timeout.value)
        self._bind(
            "max_segments",
            self.max_segments.valueChanged,
            lambda: self.max_segments.value() or None,
        )
        self._bind(
            "max_characters",
            self.max_characters.valueChanged,
            lambda: self.max_characters.value() or None,
        )
        model = self.senders.model()
        for signal in (model.rowsInserted, model.rowsRemoved, model.rowsMoved, model.dataChanged):
            self._bind("senders", signal, self._sender_list)

        self.environment.currentIndexChanged.connect(self._environment_shown)
        self.method.currentIndexChanged.connect(self._method_note_shown)
        self.provider_endpoint.clicked.connect(self._use_provider_endpoint)
        self.add_sender.clicked.connect(self._add_sender)
        self.sender_input.returnPressed.connect(self._add_sender)
        self.remove_sender.clicked.connect(self._remove_sender)
        self.sender_up.clicked.connect(lambda: self._move_sender(-1))
        self.sender_down.clicked.connect(lambda: self._move_sender(1))
        self.senders.currentRowChanged.connect(self._sender_buttons_enabled)

    def load(self, profile: Profile) -> None:
        """Show ``profile``; nothing counts as edited until the user changes a field."""
        self._loading = True
        try:
            self.values = asdict(profile)
            self.values["keywords"] = profile.keywords  # kept whole, not as a dict
            self.name.setText(profile.name)
            self.environment.setCurrentIndex(ENVIRONMENTS.index(Environment(profile.environment)))
            self.endpoint.setText(profile.endpoint)
            self.login.setText(profile.login or "")
            self.method.setCurrentIndex(METHODS.index(profile.method))
            self.senders.clear()
            for sender in profile.senders:
                self._append_sender(sender)
            self.priority.setCurrentIndex(PRIORITIES.index(profile.default_priority))
            self.receipt.setChecked(profile.default_receipt)
            self.region.setText(profile.default_region or "")
            self.rate.setValue(profile.messages_per_second or 0)
            self.retry_wait.setValue(profile.retry_wait)
            self.attempts.setValue(profile.max_attempts)
            self.timeout.setValue(profile.timeout)
            self.max_segments.setValue(profile.max_segments or 0)
            self.max_characters.setValue(profile.max_characters or 0)
            self.keywords.load(profile.keywords)
        finally:
            self._loading = False
        self._environment_shown()
        self._method_note_shown()
        self._sender_buttons_enabled()
        self.show_problems({})

    def _environment_shown(self) -> None:
        self.badge.set_environment(ENVIRONMENTS[self.environment.currentIndex()])

    def _method_note_shown(self) -> None:
        # Muted while POST is chosen, never greyed out: it is read before choosing GET.
        warn = METHODS[self.method.currentIndex()] == HttpMethod.GET
        tint(self.method_note, Tone.ERROR if warn else Tone.MUTED)

    def _use_provider_endpoint(self) -> None:
        self.endpoint.setText(PROVIDER_ENDPOINT)
        self.endpoint.textEdited.emit(PROVIDER_ENDPOINT)

    def _sender_list(self) -> tuple[str, ...]:
        return tuple(self.senders.item(row).text() for row in range(self.senders.count()))

    def _append_sender(self, text: str) -> None:
        item = QListWidgetItem(text)
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsEditable)
        self.senders.addItem(item)

    def _add_sender(self) -> None:
        text = self.sender_input.text().strip()
        if text:
            self._append_sender(text)
            self.senders.setCurrentRow(self.senders.count() - 1)
            self.sender_input.clear()

    def _remove_sender(self) -> None:
        row = self.senders.currentRow()
        if row >= 0:
            self.senders.takeItem(row)

    def _move_sender(self, step: int) -> None:
        row = self.senders.currentRow()
        target = row + step
        if row < 0 or not 0 <= target < self.senders.count():
            return
        item = self.senders.takeItem(row)
        self.senders.insertItem(target, item)
        self.senders.setCurrentRow(target)

    def _sender_buttons_enabled(self) -> None:
        row = self.senders.currentRow()
        self.remove_sender.setEnabled(row >= 0)
        self.sender_up.setEnabled(row > 0)
        self.sender_down.setEnabled(0 <= row < self.senders.count() - 1)
