"""The settings dialog: account profiles and the callback listener.

Every check is the settings' or the listener's own; this module only shows their messages
next to the fields they name. Nothing is written here: the new settings go out through
``settingsAccepted`` and whoever opened the dialog saves and applies them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, replace
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSignalBlocker, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QFont, QGuiApplication, QIcon, QKeyEvent, QPixmap
from PySide6.QtWidgets import (
    QAbstractButton,
    QCheckBox,
    QComboBox,
    QCompleter,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QStyle,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from console.listener.config import ListenerConfigError, new_path_token
from console.paths import settings_path
from console.protocol.mt_request import HttpMethod, Priority
from console.settings import (
    PROVIDER_ENDPOINT,
    REGION_CODES,
    Environment,
    ListenerSettings,
    Profile,
    Settings,
    SettingsError,
    add_profile,
    duplicate_profile,
    listener_problems,
    parse_port,
    remove_profile,
    replace_profile,
    unique_name,
    with_active,
)
from console.settings.listener import listener_config
from console.ui.environment_style import EnvironmentBadge, environment_colour, environment_word

ERROR_COLOUR = "#b3261e"
PRIORITIES: list[Priority | None] = [None, *Priority]
ENVIRONMENTS = list(Environment)
METHODS = list(HttpMethod)
GET_NOTE = (
    "GET puts the password in the request URL, where proxies and server logs can record "
    "it. Keep POST unless the account cannot take it."
)


def _hint(text: str) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    font = label.font()
    font.setPointSizeF(font.pointSizeF() * 0.9)
    label.setFont(font)
    label.setEnabled(False)  # the palette's muted text, in light and dark themes alike
    return label


def _row(*widgets: QWidget, stretch_first: bool = True) -> QWidget:
    box = QWidget()
    layout = QHBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 0)
    for index, widget in enumerate(widgets):
        layout.addWidget(widget, 1 if stretch_first and index == 0 else 0)
    if not stretch_first:
        layout.addStretch(1)
    return box


class _Field(QWidget):
    """One input with an optional hint under it and, when it is wrong, the reason."""

    def __init__(self, widget: QWidget, hint: str | None = None) -> None:
        super().__init__()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(widget)
        self.hint = _hint(hint) if hint else None
        if self.hint:
            layout.addWidget(self.hint)
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setStyleSheet(f"color: {ERROR_COLOUR};")
        self.error.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.error.hide()
        layout.addWidget(self.error)

    def set_error(self, message: str | None) -> None:
        self.error.setText(message or "")
        self.error.setVisible(bool(message))


class _EntryLine(QLineEdit):
    """A line whose Enter is its own: in a dialog it would also press OK."""

    def keyPressEvent(self, event: QKeyEvent) -> None:
        super().keyPressEvent(event)
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            event.accept()


class _Form(QWidget):
    """Fields bound to keys of a value dict; ``edited`` fires on every change by the user.

    A value changes only when its own widget does, so what the widget cannot show exactly
    (a rate of 2.55 in a one-decimal box) is saved back unchanged.
    """

    edited = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.values: dict[str, Any] = {}
        self.fields: dict[str, _Field] = {}
        self._loading = False

    def _field(self, key: str, widget: QWidget, hint: str | None = None) -> _Field:
        self.fields[key] = _Field(widget, hint)
        return self.fields[key]

    def _bind(self, key: str, signal: Any, read: Callable[[], Any]) -> None:
        def changed(*_: Any) -> None:
            if not self._loading:
                self.values[key] = read()
                self.edited.emit()

        signal.connect(changed)

    def show_problems(self, problems: dict[str, str]) -> None:
        for key, field_widget in self.fields.items():
            field_widget.set_error(problems.get(key))


def _spin(low: float, high: float, decimals: int, suffix: str = "") -> QDoubleSpinBox:
    spin = QDoubleSpinBox()
    spin.setRange(low, high)
    spin.setDecimals(decimals)
    spin.setSuffix(suffix)
    spin.setMaximumWidth(140)
    return spin


def _limit(suffix: str) -> QSpinBox:
    """A maximum where 0 means none."""
    box = QSpinBox()
    box.setRange(0, 100_000)
    box.setSuffix(suffix)
    box.setSpecialValueText("no limit")
    return box


class ProfileForm(_Form):
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
        self.method_note = _hint(GET_NOTE)

        self.senders = QListWidget()
        self.senders.setMaximumHeight(96)
        self.sender_input = _EntryLine()
        self.sender_input.setPlaceholderText("short code or name")
        self.add_sender = QPushButton("Add")
        self.remove_sender = QPushButton("Remove")
        self.sender_up = QPushButton("Up")
        self.sender_down = QPushButton("Down")
        self.priority = QComboBox()
        self.priority.addItems(["Account default", *(p.value for p in Priority)])
        self.receipt = QCheckBox("Ask for delivery receipts")
        self.region = QLineEdit()
        self.region.setPlaceholderText("none")
        self.region.setMaximumWidth(140)
        completer = QCompleter(list(REGION_CODES), self.region)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.region.setCompleter(completer)

        self.rate = _spin(0, 10000, 1, " msg/s")
        self.rate.setSpecialValueText("no limit")
        self.retry_wait = _spin(0, 86400, 1, " s")
        self.attempts = QSpinBox()
        self.attempts.setRange(1, 1000)
        self.attempts.setMaximumWidth(140)
        self.timeout = _spin(0.5, 3600, 1, " s")
        self.max_segments = _limit(" segments")
        self.max_characters = _limit(" characters")

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
            self._field("environment", _row(self.environment, self.badge, stretch_first=False)),
        )
        form.addRow(
            "Endpoint", self._field("endpoint", _row(self.endpoint, self.provider_endpoint))
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
        method = self._field("method", _row(self.method, self.method_note, stretch_first=False))
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
        column.addWidget(_row(self.sender_input, self.add_sender))
        form.addRow("Senders", self._field("senders", senders, "The first is the default."))
        form.addRow(
            "Priority", self._field("default_priority", _row(self.priority, stretch_first=False))
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
                _row(self.max_segments, self.max_characters, stretch_first=False),
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
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(account)
        layout.addLayout(lower)
        layout.addStretch(1)

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
        finally:
            self._loading = False
        self._environment_shown()
        self._method_note_shown()
        self._sender_buttons_enabled()
        self.show_problems({})

    def _environment_shown(self) -> None:
        self.badge.set_environment(ENVIRONMENTS[self.environment.currentIndex()])

    def _method_note_shown(self) -> None:
        warn = METHODS[self.method.currentIndex()] == HttpMethod.GET
        self.method_note.setEnabled(warn)
        self.method_note.setStyleSheet(f"color: {ERROR_COLOUR};" if warn else "")

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


class ListenerForm(_Form):
    """Where the callback listener listens, who may post to it, and the URL it answers at."""

    def __init__(self, data_dir: Path) -> None:
        super().__init__()
        self._data_dir = data_dir
        self.host = QComboBox()
        self.host.setEditable(True)
        self.host.addItems(["127.0.0.1", "0.0.0.0", "::"])  # noqa: S104 -- offered, not forced
        self.host.setMinimumContentsLength(24)
        self.host.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.port = QLineEdit()
        self.port.setMaximumWidth(100)
        self.port.setToolTip("0: a free port, chosen each time the listener starts")
        self.token = QLineEdit()
        self.token.setReadOnly(True)
        self.regenerate = QPushButton("Regenerate…")
        self.allow = QPlainTextEdit()
        self.allow.setPlaceholderText("203.0.113.0/24\n2001:db8::/32")
        self.proxies = QPlainTextEdit()
        self.proxies.setPlaceholderText("10.0.0.5")
        for edit in (self.allow, self.proxies):
            edit.setMaximumHeight(64)
            edit.setTabChangesFocus(True)
        self.tls_cert = QLineEdit()
        self.tls_key = QLineEdit()
        for line in (self.tls_cert, self.tls_key):
            line.setPlaceholderText("none: plain HTTP")
        self.browse_cert = QPushButton("Browse…")
        self.browse_key = QPushButton("Browse…")
        self.max_body = QSpinBox()
        self.max_body.setRange(1, 1024 * 1024)
        self.max_body.setSuffix(" KiB")
        self.max_body.setMaximumWidth(140)
        self.url = QLineEdit()
        self.url.setReadOnly(True)
        self.url.setPlaceholderText("shown once the settings above are valid")
        self.copy = QPushButton("Copy")
        self._copied = QTimer(self)
        self._copied.setSingleShot(True)
        self._copied.setInterval(1500)
        self._copied.timeout.connect(lambda: self.copy.setText("Copy"))
        self._file_dialogs: dict[str, QFileDialog] = {}

        self._lay_out()
        self._connect()

    def _lay_out(self) -> None:
        where = QGroupBox("Address")
        form = QFormLayout(where)
        form.addRow(
            "Bind address",
            self._field(
                "host",
                _row(self.host, stretch_first=False),
                "127.0.0.1 answers this computer only (a reverse proxy on it); "
                "0.0.0.0 (IPv4) or :: (IPv6) answers every network.",
            ),
        )
        form.addRow("Port", self._field("port", self.port))
        form.addRow(
            "Path token",
            self._field(
                "path_token",
                _row(self.token, self.regenerate),
                "The secret part of the URL that tells our callbacks from a scan.",
            ),
        )
        form.addRow(
            "Largest callback",
            self._field(
                "max_body", self.max_body, "An MMS reply with pictures can take a few MiB."
            ),
        )

        access = QGroupBox("Access")
        form = QFormLayout(access)
        form.addRow(
            "Allowed ranges",
            self._field("allow", self.allow, "One per line. Empty: any address may post."),
        )
        form.addRow(
            "Trusted proxies",
            self._field(
                "trusted_proxies",
                self.proxies,
                "Reverse proxies whose X-Forwarded-For header is believed; one per line.",
            ),
        )
        form.addRow("TLS certificate", _row(self.tls_cert, self.browse_cert))
        form.addRow(
            "TLS key",
            self._field("tls", _row(self.tls_key, self.browse_key), "Both files for HTTPS."),
        )

        url = QGroupBox("Callback URL for the provider")
        column = QVBoxLayout(url)
        column.addWidget(self._field("url", _row(self.url, self.copy)))
        column.addWidget(
            _hint(
                "Configure this URL on the provider account. If the provider reaches this "
                "computer through another address (a public one, or a reverse proxy), give "
                "that address with the same path."
            )
        )

        layout = QVBoxLayout(self)
        layout.addWidget(where)
        layout.addWidget(access)
        layout.addWidget(url)
        layout.addStretch(1)

    def _connect(self) -> None:
        self._bind("host", self.host.currentTextChanged, lambda: self.host.currentText().strip())
        self._bind("port", self.port.textEdited, self.port.text)
        self._bind("allow", self.allow.textChanged, lambda: _lines(self.allow))
        self._bind("trusted_proxies", self.proxies.textChanged, lambda: _lines(self.proxies))
        self._bind(
            "tls_cert", self.tls_cert.textChanged, lambda: self.tls_cert.text().strip() or None
        )
        self._bind("tls_key", self.tls_key.textChanged, lambda: self.tls_key.text().strip() or None)
        self._bind("max_body", self.max_body.valueChanged, lambda: self.max_body.value() * 1024)
        self.browse_cert.clicked.connect(lambda: self._browse(self.tls_cert, "TLS certificate"))
        self.browse_key.clicked.connect(lambda: self._browse(self.tls_key, "TLS private key"))
        self.copy.clicked.connect(self._copy_url)

    def load(self, listener: ListenerSettings) -> None:
        self._loading = True
        try:
            self.values = {**asdict(listener), "port": str(listener.port)}
            self.host.setCurrentText(listener.host)
            self.port.setText(str(listener.port))
            self.token.setText(listener.path_token)
            self.allow.setPlainText("\n".join(listener.allow))
            self.proxies.setPlainText("\n".join(listener.trusted_proxies))
            self.tls_cert.setText(listener.tls_cert or "")
            self.tls_key.setText(listener.tls_key or "")
            self.max_body.setValue(max(1, listener.max_body // 1024))
        finally:
            self._loading = False

    def set_token(self, token: str) -> None:
        self.values["path_token"] = token
        self.token.setText(token)
        self.edited.emit()

    def listener(self, fallback_port: int) -> tuple[ListenerSettings, dict[str, str]]:
        """The settings as typed, and what is wrong with them by field."""
        problems: dict[str, str] = {}
        try:
            port = parse_port(self.values["port"])
        except SettingsError as exc:
            problems.update(exc.problems)
            port = fallback_port
        values = {**self.values, "port": port}
        for key in ("allow", "trusted_proxies"):
            values[key] = tuple(values[key])
        listener = ListenerSettings(**values)
        return listener, {**listener_problems(listener), **problems}

    def show_url(self, url: str | None, problem: str | None) -> None:
        self.url.setText(url or "")
        self.copy.setEnabled(bool(url))
        self.fields["url"].set_error(problem)

    def _copy_url(self) -> None:
        QGuiApplication.clipboard().setText(self.url.text())
        self.copy.setText("Copied")
        self._copied.start()

    def _browse(self, target: QLineEdit, title: str) -> None:
        dialog = self._file_dialogs.get(title)
        if dialog is None:
            dialog = QFileDialog(self, title)
            dialog.setNameFilters(["PEM files (*.pem *.crt *.key)", "All files (*)"])
            dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
            dialog.fileSelected.connect(target.setText)
            self._file_dialogs[title] = dialog
        current = target.text().strip()
        dialog.setDirectory(str(Path(current).parent) if current else str(self._data_dir))
        dialog.open()


def _lines(edit: QPlainTextEdit) -> list[str]:
    return [line.strip() for line in edit.toPlainText().splitlines() if line.strip()]


def _swatch(colour: QColor) -> QIcon:
    pixmap = QPixmap(12, 12)
    pixmap.fill(colour)
    return QIcon(pixmap)


class SettingsDialog(QDialog):
    """Profiles and listener settings; open it with ``open()``.

    ``settingsAccepted`` carries the new :class:`Settings` when OK or Apply is pressed; both
    stay disabled while any field is wrong. A profile with errors must be corrected before
    another one is chosen, so the profile list holds only valid profiles.
    """

    settingsAccepted = Signal(object)

    def __init__(
        self,
        settings: Settings,
        data_dir: Path,
        parent: QWidget | None = None,
        running_url: str | None = None,
    ) -> None:
        """``running_url``: where the listener answers now (its port may have been chosen
        when it started)."""
        super().__init__(parent)
        self.setWindowTitle("Settings")
        if not settings.listener.path_token:
            # The URL shown must be the one the listener will answer at.
            settings = replace(
                settings, listener=replace(settings.listener, path_token=new_path_token())
            )
        self._settings = settings
        self._running = (settings.listener, running_url)
        self._applied = settings
        self._current = settings.active
        self._profile_problems: dict[str, str] = {}
        self._listener_problems: dict[str, str] = {}
        self._confirm: QMessageBox | None = None

        self.tabs = QTabWidget()
        self.tabs.addTab(self._profiles_tab(), "Profiles")
        self.listener_form = ListenerForm(data_dir)
        self.tabs.addTab(self.listener_form, "Listener")
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok
            | QDialogButtonBox.StandardButton.Cancel
            | QDialogButtonBox.StandardButton.Apply
        )
        self.buttons.clicked.connect(self._button_clicked)
        location = _hint(f"Settings file: {settings_path(data_dir)}")
        footer = QHBoxLayout()
        footer.addWidget(location, 1)
        footer.addWidget(self.buttons)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)
        layout.addLayout(footer)

        self.profile_form.edited.connect(self._profile_edited)
        self.listener_form.edited.connect(self._listener_edited)
        self.listener_form.regenerate.clicked.connect(self._ask_regenerate)
        self.listener_form.load(settings.listener)
        self._refresh_list()
        self._listener_edited()
        # Narrower, the sender list and its buttons no longer fit beside the pace settings.
        self.setMinimumWidth(900)
        self.resize(960, 720)

    # Profiles

    def _profiles_tab(self) -> QWidget:
        self.profile_list = QListWidget()
        self.profile_list.setMinimumWidth(180)
        self.profile_list.currentRowChanged.connect(self._profile_chosen)
        self.add_button = QPushButton("Add")
        self.duplicate_button = QPushButton("Duplicate")
        self.rename_button = QPushButton("Rename")
        self.remove_button = QPushButton("Remove")
        self.activate_button = QPushButton("Make active")
        self.add_button.clicked.connect(self._add)
        self.duplicate_button.clicked.connect(self._duplicate)
        self.rename_button.clicked.connect(self._rename)
        self.remove_button.clicked.connect(self._remove)
        self.activate_button.clicked.connect(self._activate)
        self.locked_note = _hint("Correct this profile before choosing another.")
        self.locked_note.hide()

        side = QVBoxLayout()
        side.addWidget(self.profile_list, 1)
        for button in (
            self.add_button,
            self.duplicate_button,
            self.rename_button,
            self.remove_button,
            self.activate_button,
        ):
            side.addWidget(button)
        side.addWidget(self.locked_note)
        side_box = QWidget()
        side_box.setLayout(side)
        side_box.setMaximumWidth(240)

        self.profile_form = ProfileForm()
        tab = QWidget()
        layout = QHBoxLayout(tab)
        layout.addWidget(side_box)
        layout.addWidget(self.profile_form, 1)
        return tab

    def _refresh_list(self) -> None:
        with QSignalBlocker(self.profile_list):
            self.profile_list.clear()
            for profile in self._settings.profiles:
                item = QListWidgetItem()
                self._dress(item, profile)
                self.profile_list.addItem(item)
            names = [p.name for p in self._settings.profiles]
            self.profile_list.setCurrentRow(names.index(self._current))
        self.profile_form.load(self._settings.profile(self._current))
        self._profile_problems = {}
        self._update_state()

    def _dress(self, item: QListWidgetItem, profile: Profile) -> None:
        active = profile.name == self._settings.active
        item.setText(f"{profile.name}  (active)" if active else profile.name)
        font = QFont(item.font())
        font.setBold(active)
        item.setFont(font)
        item.setIcon(_swatch(environment_colour(profile)))
        item.setToolTip(f"{environment_word(profile)}: {profile.endpoint}")

    def _profile_chosen(self, row: int) -> None:
        if row < 0:
            return
        self._current = self._settings.profiles[row].name
        self.profile_form.load(self._settings.profiles[row])
        self._update_state()

    def _profile_edited(self) -> None:
        try:
            profile = Profile(**self.profile_form.values)
            self._settings = replace_profile(self._settings, self._current, profile)
        except SettingsError as exc:
            self._profile_problems = exc.problems or {"name": str(exc)}
        else:
            self._profile_problems = {}
            self._current = profile.name
            self._dress(self.profile_list.currentItem(), profile)
        self.profile_form.show_problems(self._profile_problems)
        self._update_state()

    def _add(self) -> None:
        profile = Profile(name=unique_name(self._settings, "new profile"))
        self._settings = add_profile(self._settings, profile)
        self._current = profile.name
        self._refresh_list()
        self._rename()

    def _duplicate(self) -> None:
        self._settings, copy = duplicate_profile(self._settings, self._current)
        self._current = copy.name
        self._refresh_list()
        self._rename()

    def _rename(self) -> None:
        self.tabs.setCurrentIndex(0)
        self.profile_form.name.setFocus()
        self.profile_form.name.selectAll()

    def _remove(self) -> None:
        row = self.profile_list.currentRow()
        self._settings = remove_profile(self._settings, self._current)
        # The neighbour comes next, as in any list: Remove pressed twice never jumps far.
        self._current = self._settings.profiles[min(row, len(self._settings.profiles) - 1)].name
        self._refresh_list()

    def _activate(self) -> None:
        self._settings = with_active(self._settings, self._current)
        self._refresh_list()

    # Listener

    def _listener_edited(self) -> None:
        listener, problems = self.listener_form.listener(self._settings.listener.port)
        self._listener_problems = problems
        self.listener_form.show_problems(problems)
        if problems:
            self.listener_form.show_url(None, None)
        else:
            self._settings = replace(self._settings, listener=listener)
            running, running_url = self._running
            try:
                url = listener_config(listener).url()
                if running_url and listener == running:
                    url = running_url
                if listener.port == 0 and url != running_url:
                    # Not a URL yet: a free port is chosen when the listener starts.
                    host, _, path = url.partition(":0/")
                    self.listener_form.show_url(f"{host}:(port chosen at start)/{path}", None)
                    self.listener_form.copy.setEnabled(False)
                else:
                    self.listener_form.show_url(url, None)
            except ListenerConfigError as exc:
                self._listener_problems = {"url": str(exc)}
                self.listener_form.show_url(None, str(exc))
        self._update_state()

    def _ask_regenerate(self) -> None:
        # One box, kept: a box deleted on close can take its buttons' wrappers with it.
        if self._confirm is None:
            self._confirm = QMessageBox(
                QMessageBox.Icon.Warning,
                "Regenerate the path token?",
                "A new token changes the callback URL. Until the provider account is set to "
                "the new URL, its delivery receipts and replies are refused, and it retries "
                "them for hours.",
                QMessageBox.StandardButton.Cancel,
                self,
            )
            self._confirm.addButton("Regenerate", QMessageBox.ButtonRole.DestructiveRole)
            self._confirm.setDefaultButton(QMessageBox.StandardButton.Cancel)
            self._confirm.finished.connect(self._regenerate_answered)
        self._confirm.open()

    def _regenerate_answered(self) -> None:
        assert self._confirm is not None  # it is what answered
        clicked = self._confirm.clickedButton()
        role = self._confirm.buttonRole(clicked) if clicked is not None else None
        if role == QMessageBox.ButtonRole.DestructiveRole:
            self.listener_form.set_token(new_path_token())

    # Result

    def _valid(self) -> bool:
        return not self._profile_problems and not self._listener_problems

    def _update_state(self) -> None:
        locked = bool(self._profile_problems)
        self.profile_list.setEnabled(not locked)
        self.locked_note.setVisible(locked)
        for button in (self.add_button, self.duplicate_button):
            button.setEnabled(not locked)
        self.remove_button.setEnabled(not locked and len(self._settings.profiles) > 1)
        self.activate_button.setEnabled(not locked and self._current != self._settings.active)
        warning = self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning)
        for index, problems in enumerate((self._profile_problems, self._listener_problems)):
            self.tabs.setTabIcon(index, warning if problems else QIcon())
        valid = self._valid()
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(valid)
        self.buttons.button(QDialogButtonBox.StandardButton.Apply).setEnabled(
            valid and self._settings != self._applied
        )

    def settings(self) -> Settings:
        """The settings as they stand in the dialog (valid only when OK is enabled)."""
        return self._settings

    def _button_clicked(self, button: QAbstractButton) -> None:
        role = self.buttons.buttonRole(button)
        if role == QDialogButtonBox.ButtonRole.RejectRole:
            self.reject()
        elif self._valid():
            self._applied = self._settings
            self.settingsAccepted.emit(self._settings)
            if role == QDialogButtonBox.ButtonRole.AcceptRole:
                self.accept()
            else:
                self._update_state()
