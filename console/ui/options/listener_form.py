"""The form of the callback listener: address, access, and the URL it answers at, its
secret token masked until Show."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
)

from console.settings import ListenerSettings, SettingsError, listener_problems, parse_port
from console.ui.labels import plain_label
from console.ui.options.form import Form, hint_label, in_row
from console.ui.palette import Tone, tint
from console.ui.status_bar import masked

_FREE_PORT = "A free port, chosen each time the listener starts"


class ListenerForm(Form):
    """Where the callback listener listens, who may post to it, and the URL it answers at.

    The path token is a secret: it shows masked, in its field and in each URL, until Show;
    Copy copies the whole URL.
    """

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
        # Said as examples: bare addresses in grey read like ranges already set.
        self.allow.setPlaceholderText("Empty: any address. For example 203.0.113.0/24")
        self.proxies = QPlainTextEdit()
        self.proxies.setPlaceholderText("Empty: none. For example 10.0.0.5")
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
        self.listening = plain_label("listening")
        self.listening.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.listening.hide()
        self.url = QLineEdit()
        self.url.setReadOnly(True)
        self.url.setPlaceholderText("shown once the settings above are valid")
        self.public_url = QLineEdit()
        self.public_url.setPlaceholderText("none: the provider reaches the address above")
        self.show_secret = QPushButton("Show")
        self.show_secret.setCheckable(True)
        self.show_secret.setToolTip("Show the secret path token in clear, here and above")
        self.copy = QPushButton("Copy")
        self.copy.setToolTip("Copy the whole URL, token included")
        # What the fields show masked: the URL to give the provider, and where the listener
        # answers now (None: it is not running, or not known here).
        self._url: str | None = None
        self._listening_url: str | None = None
        self._listening_note = ""
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
                in_row(self.host, stretch_first=False),
                "127.0.0.1 answers this computer only (a reverse proxy on it); "
                "0.0.0.0 (IPv4) or :: (IPv6) answers every network.",
            ),
        )
        form.addRow("Port", self._field("port", self.port, _FREE_PORT))
        self.show_free_port(False)
        form.addRow(
            "Path token",
            self._field(
                "path_token",
                in_row(self.token, self.regenerate),
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
        form.addRow("TLS certificate", in_row(self.tls_cert, self.browse_cert))
        form.addRow(
            "TLS key",
            self._field("tls", in_row(self.tls_key, self.browse_key), "Both files for HTTPS."),
        )

        # On a shared store with this console's listener off: whose URL the provider is given.
        self.team = QGroupBox("Callbacks in team mode")
        explained = QVBoxLayout(self.team)
        self.team_note = plain_label("teamNote")
        self.team_note.setText(
            "This console keeps its messages on the shared store, where delivery receipts "
            "and replies come through the team's receivers: the URL to give the provider is "
            "the receivers' URL, with the receivers' own path token (README, Team mode, "
            "step 7), not this console's. This console's listener is off; the settings "
            "below are used only if Settings → Workspace → Also receive callbacks in this "
            "console is on."
        )
        explained.addWidget(self.team_note)
        self.caution = hint_label(
            "On the shared store: the provider calls one URL per account, so giving it this "
            "console's URL takes the callbacks away from the team's receivers."
        )
        tint(self.caution, Tone.WARNING)
        self.url_box = QGroupBox("Callback URL for the provider")
        url = self.url_box
        column = QVBoxLayout(url)
        column.addWidget(self.listening)
        public = QFormLayout()
        public.addRow(
            "Public URL",
            self._field(
                "public_url",
                self.public_url,
                "If the provider reaches this computer through another address (a port "
                "forward, a tunnel or a reverse proxy), e.g. https://callbacks.example.com: "
                "the URL below is then that address with the listener's path and token.",
            ),
        )
        column.addLayout(public)
        column.addWidget(self._field("url", in_row(self.url, self.show_secret, self.copy)))
        column.addWidget(hint_label("Configure this URL on the provider account."))
        column.addWidget(self.caution)

        layout = QVBoxLayout(self)
        layout.addWidget(self.team)
        layout.addWidget(where)
        layout.addWidget(access)
        layout.addWidget(url)
        layout.addStretch(1)
        self.show_team(team=False, shared=False)  # once in the layout: shown, not a window

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
        self._bind(
            "public_url", self.public_url.textChanged, lambda: self.public_url.text().strip()
        )
        self.browse_cert.clicked.connect(lambda: self._browse(self.tls_cert, "TLS certificate"))
        self.browse_key.clicked.connect(lambda: self._browse(self.tls_key, "TLS private key"))
        self.copy.clicked.connect(self._copy_url)
        self.show_secret.toggled.connect(self._show_secret)

    def load(self, listener: ListenerSettings) -> None:
        self._loading = True
        try:
            self.values = {**asdict(listener), "port": str(listener.port)}
            self.host.setCurrentText(listener.host)
            self.port.setText(str(listener.port))
            self._show_token()
            self.allow.setPlainText("\n".join(listener.allow))
            self.proxies.setPlainText("\n".join(listener.trusted_proxies))
            self.tls_cert.setText(listener.tls_cert or "")
            self.tls_key.setText(listener.tls_key or "")
            self.max_body.setValue(max(1, listener.max_body // 1024))
            self.public_url.setText(listener.public_url)
        finally:
            self._loading = False

    def set_token(self, token: str) -> None:
        self.values["path_token"] = token
        self._show_token()
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

    def show_url(self, url: str | None, problem: str | None, *, copyable: bool = True) -> None:
        """The URL to give the provider (None: the settings are wrong, ``problem`` says how)."""
        self._url = url
        self.url.setText(self._secret(url))
        self.copy.setEnabled(bool(url) and copyable)
        self.fields["url"].set_error(problem)

    def show_listening(self, url: str | None, note: str = "", error: str | None = None) -> None:
        """Where the listener answers now, with ``note`` after it; or ``error`` when it is not
        running. Neither: not known here, nothing shown."""
        self._listening_url, self._listening_note = url, note
        if url is not None:
            self.listening.setText(f"Listening on {self._secret(url)}{note}")
            tint(self.listening, None)
        elif error is not None:
            self.listening.setText(f"Not listening: {error}")
            tint(self.listening, Tone.ERROR)
        self.listening.setVisible(url is not None or error is not None)

    def show_team(self, *, team: bool, shared: bool) -> None:
        """``team``: the team's receivers take the callbacks, this console's URL is not the
        one to give the provider (it is hidden); ``shared``: on a shared store all the same,
        with this console's listener on (its URL comes with a caution)."""
        self.team.setVisible(team)
        self.url_box.setVisible(not team)
        self.caution.setVisible(shared and not team)

    def show_free_port(self, free: bool, chosen: int | None = None) -> None:
        """Under a port of 0 (``free``): that a free port is taken at each start, and the
        one taken this time when known."""
        hint = self.fields["port"].hint
        assert hint is not None  # the port's field is made with one
        hint.setText(f"{_FREE_PORT}; now {chosen}." if chosen is not None else f"{_FREE_PORT}.")
        hint.setVisible(free)

    def _secret(self, url: str | None) -> str:
        if not url:
            return ""
        return url if self.show_secret.isChecked() else masked(url)

    def _show_token(self) -> None:
        token = str(self.values.get("path_token", ""))
        self.token.setText(token if self.show_secret.isChecked() or not token else masked(token))

    def _show_secret(self, shown: bool) -> None:
        self.show_secret.setText("Hide" if shown else "Show")
        self._show_token()
        self.url.setText(self._secret(self._url))
        if self._listening_url is not None:
            self.show_listening(self._listening_url, self._listening_note)

    def _copy_url(self) -> None:
        QGuiApplication.clipboard().setText(self._url or "")
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
