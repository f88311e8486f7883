"""The credentials dialog: one profile's login, and its password in the keychain.

Keychain calls run as asyncio tasks on the window's loop (the keychain service puts them
on a worker thread with a time limit), so the window stays responsive while a locked
keychain makes the operator wait.

Changing credentials: the stored password is never shown or put into a widget. When a
password is stored for the known login, the password field starts empty ("unchanged"):
saving with the field empty and the same login keeps the stored password; typing one
replaces it. A new login needs its password, and its old entry is removed once the new
one is stored.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine
from html import escape
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from console.keychain import Keychain, KeychainError
from console.ui.palette import Tone, notice, tint

log = logging.getLogger(__name__)


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:] + ("" if text.endswith(".") else ".")


class CredentialsDialog(QDialog):
    """Login and password of one profile; open it with ``open()``, listen to its signals.

    ``credentialsSaved(login)`` is emitted once the password is kept (in the keychain, or
    for this session when there is none), ``credentialsDeleted()`` once it is removed; the
    dialog closes itself after either. The login itself is the caller's to store.
    """

    credentialsSaved = Signal(str)
    credentialsDeleted = Signal()

    def __init__(
        self,
        profile: str,
        keychain: Keychain,
        *,
        login: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._profile = profile
        self._keychain = keychain
        self._original_login = login.strip()
        self._stored = False
        self._writing = False
        self._task: asyncio.Task[None] | None = None
        self._closed = False
        self.setObjectName("credentialsDialog")
        self.setWindowTitle(f"Credentials — {profile}")
        self.setMinimumWidth(460)
        self._build()
        self.login_edit.setText(self._original_login)
        self._run(self._load(), "Checking the keychain…", writing=False)

    # Construction

    def _build(self) -> None:
        intro = QLabel(f"Login and password for profile <b>{escape(self._profile)}</b>.")

        self.login_edit = QLineEdit()
        self.login_edit.setObjectName("login")
        self.login_edit.setPlaceholderText("login from the provider")

        self.password_edit = QLineEdit()
        self.password_edit.setObjectName("password")
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.password_edit.setInputMethodHints(
            Qt.InputMethodHint.ImhHiddenText | Qt.InputMethodHint.ImhSensitiveData
        )
        self.show_button = QToolButton()
        self.show_button.setObjectName("showPassword")
        self.show_button.setText("Show")
        self.show_button.setCheckable(True)
        self.show_button.setToolTip("Show or hide the password")
        self.show_button.setAccessibleName("Show password")
        self.show_button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        password_row = QHBoxLayout()
        password_row.setContentsMargins(0, 0, 0, 0)
        password_row.addWidget(self.password_edit, 1)
        password_row.addWidget(self.show_button)

        password_label = QLabel("&Password:")
        password_label.setBuddy(self.password_edit)
        form = QFormLayout()
        form.addRow("&Login:", self.login_edit)
        form.addRow(password_label, password_row)

        self.backend_label = QLabel()
        self.backend_label.setObjectName("backend")
        self.backend_label.setWordWrap(True)
        self.warning_label = QLabel()
        self.warning_label.setObjectName("sessionOnlyWarning")
        self.warning_label.setWordWrap(True)
        notice(self.warning_label)
        self.warning_label.hide()

        self.reason_label = QLabel()
        self.reason_label.setObjectName("reason")
        tint(self.reason_label, Tone.MUTED)
        self.error_label = QLabel()
        self.error_label.setObjectName("error")
        self.error_label.setWordWrap(True)
        tint(self.error_label, Tone.ERROR)
        self.error_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.error_label.hide()

        self.busy_label = QLabel()
        self.busy_label.setObjectName("busy")
        self.busy_bar = QProgressBar()
        self.busy_bar.setRange(0, 0)
        self.busy_bar.setTextVisible(False)
        self.busy_bar.setMaximumHeight(8)
        busy_row = QHBoxLayout()
        busy_row.addWidget(self.busy_label)
        busy_row.addWidget(self.busy_bar, 1)

        self.buttons = QDialogButtonBox()
        self.save_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Save)
        self.delete_button = QPushButton("&Delete stored credentials…")
        self.delete_button.setObjectName("deleteCredentials")
        self.buttons.addButton(self.delete_button, QDialogButtonBox.ButtonRole.DestructiveRole)
        self.cancel_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        # Enter anywhere in the dialog saves; never deletes or cancels by accident.
        self.save_button.setDefault(True)
        self.delete_button.setAutoDefault(False)
        self.cancel_button.setAutoDefault(False)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.backend_label)
        layout.addWidget(self.warning_label)
        layout.addWidget(self.reason_label)
        layout.addWidget(self.error_label)
        layout.addLayout(busy_row)
        layout.addWidget(self.buttons)

        self.login_edit.textChanged.connect(self._update_state)
        self.password_edit.textChanged.connect(self._update_state)
        self.show_button.toggled.connect(self._show_password)
        self.save_button.clicked.connect(self.save)
        self.delete_button.clicked.connect(self._confirm_delete)
        self.cancel_button.clicked.connect(self.reject)

    # State

    @property
    def busy(self) -> bool:
        """Whether a keychain call is under way."""
        return self._task is not None

    def _show_password(self, shown: bool) -> None:
        self.password_edit.setEchoMode(
            QLineEdit.EchoMode.Normal if shown else QLineEdit.EchoMode.Password
        )
        self.show_button.setText("Hide" if shown else "Show")

    def _keeps_stored(self, login: str) -> bool:
        """Whether saving with an empty password keeps the one stored for ``login``."""
        return self._stored and login == self._original_login

    def _reason(self) -> str:
        """Why Save is disabled, in words; empty when it is not."""
        login = self.login_edit.text().strip()
        if not login:
            return "Enter the login."
        if not self.password_edit.text() and not self._keeps_stored(login):
            return (
                "Enter the password for the new login." if self._stored else "Enter the password."
            )
        return ""

    def _update_state(self) -> None:
        reason = self._reason()
        self.reason_label.setText(reason)
        self.reason_label.setVisible(bool(reason))
        self.save_button.setEnabled(not self.busy and not reason)
        self.save_button.setToolTip(reason)
        self.delete_button.setEnabled(not self.busy and self._stored)
        self.cancel_button.setEnabled(not self._writing)
        self.login_edit.setReadOnly(self._writing)
        self.password_edit.setReadOnly(self._writing)
        self.busy_label.setVisible(self.busy)
        self.busy_bar.setVisible(self.busy)

    def _show_backend(self) -> None:
        login = escape(self._original_login)
        warning = self._keychain.warning()
        self.warning_label.setText(warning or "")
        self.warning_label.setVisible(warning is not None)
        if warning is not None:
            stored = (
                f"A password for <b>{login}</b> is kept for this session. "
                "Leave the field empty to keep it."
                if self._stored
                else "No password is kept for this profile yet."
            )
        elif self._stored:
            stored = (
                f"The password of <b>{login}</b> is stored in "
                f"{escape(self._keychain.backend_name())}. Leave the field empty to keep it."
            )
        else:
            where = escape(self._keychain.backend_name())
            stored = f"No password is stored for this profile yet; it will be stored in {where}."
        self.backend_label.setText(stored)
        self.backend_label.setVisible(bool(stored))
        self.password_edit.setPlaceholderText(
            "stored; leave empty to keep it" if self._stored else "not stored yet"
        )
        self._fit_text()

    def _fit_text(self) -> None:
        # A wrapped label in a box of its own (padding, border) is given one line too few
        # once the dialog is shown; each gets the height its text needs at its width.
        for label in (self.backend_label, self.warning_label, self.error_label):
            needed = label.heightForWidth(label.width()) if label.isVisible() else -1
            label.setMinimumHeight(max(needed, 0))

    def _show_error(self, text: str) -> None:
        self.error_label.setText(text)
        QTimer.singleShot(0, self, self._fit_text)
        self.error_label.setVisible(bool(text))

    # Keychain work

    def _run(self, work: Coroutine[Any, Any, None], doing: str, *, writing: bool) -> None:
        self._show_error("")
        self.busy_label.setText(doing)
        self._writing = writing
        task = asyncio.get_running_loop().create_task(work)
        task.add_done_callback(lambda done: self._finished(done, work))
        self._task = task
        self._update_state()

    def _finished(self, task: asyncio.Task[None], work: Coroutine[Any, Any, None]) -> None:
        self._task = None
        self._writing = False
        if self._closed:
            # Saved and closed by its own task: its widgets may be gone already.
            if not task.cancelled() and (error := task.exception()) is not None:
                task.get_loop().call_exception_handler(
                    {"message": "credentials dialog", "exception": error, "task": task}
                )
            return
        if task.cancelled():
            # A task cancelled before its first step never ran its coroutine.
            work.close()
        elif isinstance(error := task.exception(), KeychainError):
            self._show_error(_sentence(str(error)))
        elif error is not None:
            self._show_error(f"Unexpected error ({type(error).__name__}); details are in the log.")
            task.get_loop().call_exception_handler(
                {"message": "credentials dialog", "exception": error, "task": task}
            )
        self._update_state()

    async def _load(self) -> None:
        try:
            await self._keychain.resolve()
            if self._original_login:
                # Only whether one exists matters: the password itself stays out of the window.
                found = await self._keychain.get(self._profile, self._original_login)
                self._stored = found is not None
        finally:
            if self._keychain.resolved:
                self._show_backend()
            else:
                self.backend_label.setText("The keychain could not be checked.")

    def save(self) -> None:
        """Keep the password (or keep the stored one, see the module's notes), then close."""
        if self.busy or self._reason():
            return
        login = self.login_edit.text().strip()
        self._run(self._store(login, self.password_edit.text()), "Saving…", writing=True)

    async def _store(self, login: str, password: str) -> None:
        if password:
            await self._keychain.set(self._profile, login, password)
            replaced = self._original_login
            if self._stored and replaced and replaced != login:
                try:
                    await self._keychain.delete(self._profile, replaced)
                except KeychainError as exc:
                    log.warning("the password of the previous login stayed stored: %s", exc)
        self.password_edit.clear()
        self.credentialsSaved.emit(login)
        self.accept()

    def _confirm_delete(self) -> None:
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            "Delete stored credentials",
            f"Delete the stored password of “{self._original_login}” for profile "
            f"“{self._profile}”?",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            self,
        )
        box.setObjectName("confirmDelete")
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setInformativeText("Sending stops until a password is entered again.")
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.button(QMessageBox.StandardButton.Yes).setText("Delete")
        box.finished.connect(lambda _result: self._confirmed(box))
        box.open()

    def _confirmed(self, box: QMessageBox) -> None:
        confirmed = box.standardButton(box.clickedButton()) == QMessageBox.StandardButton.Yes
        box.deleteLater()
        if confirmed:
            self._run(self._delete(), "Deleting…", writing=True)

    async def _delete(self) -> None:
        await self._keychain.delete(self._profile, self._original_login)
        self._stored = False
        self.password_edit.clear()
        self.credentialsDeleted.emit()
        self.accept()

    # Closing

    def done(self, result: int) -> None:
        self._closed = True
        super().done(result)

    def reject(self) -> None:
        # Esc, Cancel and the window's close button all come here. The outcome of a write
        # must be known before the dialog goes away (the time limit bounds the wait).
        if self._writing:
            return
        if self._task is not None:
            self._task.cancel()
        self.password_edit.clear()
        super().reject()
