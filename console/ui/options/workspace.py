"""The Workspace page: this computer's own store, or a team's shared PostgreSQL store,
with Test connection and the database password kept in the keychain."""

from __future__ import annotations

import contextlib
import threading
from dataclasses import replace

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
)

from console.keychain import Keychain
from console.settings import WorkspaceSettings, workspace_problems
from console.shared_store import SharedStoreError, check_shared_store, save_database_password
from console.ui.indicator_style import outlined
from console.ui.options.form import Field, hint_label, in_row
from console.ui.options.page import Draft, SettingsPage
from console.ui.palette import Tone, tint

_PLACEHOLDER = "postgresql://alice@db.example.com/sms?sslmode=verify-full"


class _Answers(QObject):
    """Carries a test's answer from its thread to the page's."""

    answered = Signal(int, bool, str)


class WorkspacePage(SettingsPage):
    """Where the console keeps its messages; a change applies when the console starts."""

    TITLE = "Workspace"

    def __init__(
        self,
        draft: Draft,
        keychain: Keychain | None = None,
        store_given: str | None = None,
        shared_url: str | None = None,
    ) -> None:
        """``store_given``: the store this run uses, in words, when it is not the one the
        settings name. ``shared_url``: the shared store's URL (without a password) this run
        uses, offered when Shared is chosen with no URL saved."""
        super().__init__(draft)
        self._keychain = keychain
        self._shared_url = shared_url
        self.given = QLabel(
            f"This run uses {store_given}, given for this run only (with --store or "
            "SMS_CONSOLE_STORE, or standing in for a shared store out of reach). The choice "
            "below is the workspace a start without them opens."
        )
        self.given.setWordWrap(True)
        self.given.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.given.setVisible(store_given is not None)
        workspace = draft.settings.workspace
        self.local = outlined(QRadioButton("This computer"))
        self.local.setToolTip("Messages are kept in a file in this console's data folder")
        self.shared = outlined(QRadioButton("Shared (PostgreSQL)"))
        self.shared.setToolTip(
            "The team's store: every operator's console shows every message, receipt and reply"
        )
        choice = QButtonGroup(self)
        choice.addButton(self.local)
        choice.addButton(self.shared)
        self.url = QLineEdit(workspace.store)
        self.url.setPlaceholderText(_PLACEHOLDER)
        self.url.setAccessibleName("Shared store URL")
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setAccessibleName("Database password")
        self.password.setPlaceholderText("unchanged")
        self.embedded = outlined(QCheckBox("Also receive callbacks in this console"))
        self.embedded.setChecked(draft.settings.listener.embedded_on_shared)
        self.embedded.setToolTip(
            "On a shared store the team's receivers take the provider's callbacks; turn this "
            "on only if the provider calls this computer"
        )
        self.embedded_note = hint_label(
            "Storing callbacks takes the receivers' rights: the login in the URL must also "
            "be a member of sms_receiver (GRANT sms_receiver TO alice;)."
        )
        self.embedded_note.setObjectName("embeddedNote")
        self.test_button = QPushButton("Test connection")
        self.result = QLabel()
        self.result.setWordWrap(True)
        self.result.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.result.hide()
        self.url_field = Field(
            self.url,
            "Without a password: it comes from the keychain (below), PGPASSWORD or ~/.pgpass.",
        )
        # Why OK waits while the URL is empty; not an error: nothing was typed wrong.
        self.url_needed = hint_label("OK and Apply wait for the shared store's URL.")
        self.url_needed.setObjectName("urlNeeded")
        self.url_needed.hide()
        self._lay_out()

        self._answers = _Answers(self)
        self._answers.answered.connect(self._answered)
        self._test = 0  # the newest test asked for; an older one's answer is dropped
        (self.shared if workspace.shared else self.local).setChecked(True)
        self._shown()
        self.local.toggled.connect(self._edited)
        self.url.textEdited.connect(self._edited)
        self.embedded.toggled.connect(self._edited)
        self.password.textEdited.connect(lambda _text: self.result.hide())
        self.test_button.clicked.connect(self.test_connection)

    def _lay_out(self) -> None:
        where = QGroupBox("Keep messages on")
        column = QVBoxLayout(where)
        column.addWidget(self.local)
        column.addWidget(self.shared)
        self.shared_box = QGroupBox("Shared store")
        form = QFormLayout(self.shared_box)
        form.addRow("URL", self.url_field)
        form.addRow("", self.url_needed)
        form.addRow(
            "Password",
            Field(self.password, "Kept in the keychain on OK or Apply; empty keeps the one filed."),
        )
        form.addRow("", self.embedded)
        form.addRow("", self.embedded_note)
        form.addRow("", in_row(self.test_button, stretch_first=False))
        form.addRow("", self.result)
        layout = QVBoxLayout(self)
        layout.addWidget(self.given)
        layout.addWidget(where)
        layout.addWidget(self.shared_box)
        layout.addWidget(
            hint_label(
                "A change of workspace applies when the console starts again. On a shared "
                "store, run sms-console db migrate once, and the team's receivers take the "
                "provider's callbacks (README, Team mode)."
            )
        )
        layout.addStretch(1)

    def workspace(self) -> WorkspaceSettings:
        return WorkspaceSettings(self.url.text().strip() if self.shared.isChecked() else "")

    def _shown(self) -> None:
        # Hidden rather than disabled: a disabled group's words are too faint to read.
        self.shared_box.setVisible(self.shared.isChecked())

    def _edited(self) -> None:
        if self.shared.isChecked() and not self.url.text().strip() and self._shared_url:
            self.url.setText(self._shared_url)
        self._shown()
        self.result.hide()
        workspace = self.workspace()
        problems = workspace_problems(workspace)
        needed = self.shared.isChecked() and not workspace.store
        if needed:
            # Not an error yet: OK waits for the URL, whose field shows an example.
            self.problems = {"store": "the shared store's URL is needed"}
            self.url_field.set_error(None)
        else:
            self.problems = problems
            self.url_field.set_error(problems.get("store"))
        self.url_needed.setVisible(needed)
        if not problems:
            listener = replace(
                self.draft.settings.listener, embedded_on_shared=self.embedded.isChecked()
            )
            self.draft.settings = replace(
                self.draft.settings, workspace=workspace, listener=listener
            )
        self.changed.emit()

    def test_connection(self) -> None:
        """Try the URL (and the password typed, if any) off the GUI thread."""
        self._test += 1
        number, url, password = self._test, self.url.text(), self.password.text() or None
        self.test_button.setEnabled(False)
        self._show_result(True, "Connecting…", tone=None)

        def run() -> None:
            try:
                answer = (True, check_shared_store(url, password).summary())
            except SharedStoreError as exc:
                answer = (False, str(exc))
            # The dialog may have been closed meanwhile: then nobody waits for it.
            with contextlib.suppress(RuntimeError):
                self._answers.answered.emit(number, *answer)

        threading.Thread(target=run, name="workspace-test", daemon=True).start()

    def _answered(self, number: int, ok: bool, text: str) -> None:
        if number != self._test:
            return
        self.test_button.setEnabled(True)
        self._show_result(ok, text, tone=Tone.OK if ok else Tone.ERROR)

    def _show_result(self, ok: bool, text: str, tone: Tone | None) -> None:
        self.result.setText(text if ok else f"Could not use it: {text}")
        tint(self.result, tone)
        self.result.show()

    def accepted(self) -> None:
        """File the password typed in the keychain; told here if the keychain refused."""
        password = self.password.text()
        if not password or not self.shared.isChecked():
            return
        try:
            save_database_password(self.url.text(), password, self._keychain)
        except SharedStoreError as exc:
            self._show_result(False, str(exc), tone=Tone.ERROR)
            return
        self.password.clear()
        self._show_result(True, "The password is kept in the keychain.", tone=None)
