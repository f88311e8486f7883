"""The credentials dialog over an in-memory keychain, no keychain, and a hanging one."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest
from keyring.backends import fail
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QDialog, QLineEdit, QMessageBox

from console.keychain import Keychain, service_name
from console.ui.credentials_dialog import CredentialsDialog
from tests.support.keyrings import HangingKeyring, MemoryKeyring, RefusingKeyring
from tests.ui.conftest import run_async

# Qt's offscreen platform cannot pass a dialog's size hints on to a window system.
pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints")

PROFILE = "support"
SECRET = "ui-Secr3t&+=%/pw"


@pytest.fixture
def install() -> Iterator[object]:
    previous = keyring.get_keyring()
    yield keyring.set_keyring
    keyring.set_keyring(previous)


@pytest.fixture
def memory(install) -> MemoryKeyring:
    backend = MemoryKeyring()
    install(backend)
    return backend


@pytest.fixture
def make_dialog(qtbot, qloop):
    def make(keychain: Keychain | None = None, login: str = "") -> CredentialsDialog:
        dialog = CredentialsDialog(PROFILE, keychain or Keychain(), login=login)
        qtbot.addWidget(dialog)
        dialog.open()
        qtbot.waitExposed(dialog)
        return dialog

    return make


def ready(qtbot, dialog: CredentialsDialog) -> CredentialsDialog:
    qtbot.waitUntil(lambda: not dialog.busy, timeout=5000)
    return dialog


def test_typing_and_the_show_toggle(qtbot, make_dialog, memory) -> None:
    dialog = ready(qtbot, make_dialog())
    qtbot.keyClicks(dialog.login_edit, "acme")
    qtbot.keyClicks(dialog.password_edit, SECRET)
    assert dialog.password_edit.echoMode() == QLineEdit.EchoMode.Password
    assert dialog.password_edit.displayText() != SECRET

    qtbot.mouseClick(dialog.show_button, Qt.MouseButton.LeftButton)
    assert dialog.password_edit.echoMode() == QLineEdit.EchoMode.Normal
    assert dialog.password_edit.displayText() == SECRET
    assert dialog.show_button.text() == "Hide"
    qtbot.mouseClick(dialog.show_button, Qt.MouseButton.LeftButton)
    assert dialog.password_edit.echoMode() == QLineEdit.EchoMode.Password


def test_enter_saves_into_the_keychain(qtbot, make_dialog, memory, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    dialog = ready(qtbot, make_dialog())
    assert "No password is stored for this profile yet" in dialog.backend_label.text()
    assert dialog.password_edit.placeholderText() == "not stored yet"
    assert "MemoryKeyring" in dialog.backend_label.text()
    assert not dialog.warning_label.isVisible()
    qtbot.keyClicks(dialog.login_edit, "acme")
    qtbot.keyClicks(dialog.password_edit, SECRET)
    with qtbot.waitSignal(dialog.credentialsSaved, timeout=5000) as saved:
        qtbot.keyClick(dialog.password_edit, Qt.Key.Key_Return)
    assert saved.args == ["acme"]
    assert memory.entries == {(service_name(PROFILE), "acme"): SECRET}
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert not dialog.isVisible()
    assert dialog.password_edit.text() == ""
    assert SECRET not in caplog.text


def test_save_is_disabled_with_the_reason_until_login_and_password_are_given(
    qtbot, make_dialog, memory
) -> None:
    dialog = ready(qtbot, make_dialog())
    assert not dialog.save_button.isEnabled()
    assert dialog.reason_label.isVisible()
    assert dialog.reason_label.text() == "Enter the login."
    assert not dialog.delete_button.isEnabled()

    qtbot.keyClicks(dialog.login_edit, "acme")
    assert dialog.reason_label.text() == "Enter the password."
    qtbot.keyClick(dialog.login_edit, Qt.Key.Key_Return)
    assert dialog.isVisible()
    assert memory.entries == {}

    qtbot.keyClicks(dialog.password_edit, "x")
    assert dialog.save_button.isEnabled()
    assert not dialog.reason_label.isVisible()
    dialog.login_edit.setText("   ")
    assert not dialog.save_button.isEnabled()
    assert dialog.reason_label.text() == "Enter the login."


def test_changing_keeps_the_stored_password_when_the_field_is_left_empty(
    qtbot, make_dialog, memory
) -> None:
    memory.set_password(service_name(PROFILE), "acme", SECRET)
    dialog = ready(qtbot, make_dialog(login="acme"))
    assert dialog.login_edit.text() == "acme"
    assert dialog.password_edit.text() == ""
    assert dialog.password_edit.placeholderText() == "stored; leave empty to keep it"
    assert "is stored in" in dialog.backend_label.text()
    assert dialog.save_button.isEnabled()
    assert dialog.delete_button.isEnabled()

    with qtbot.waitSignal(dialog.credentialsSaved, timeout=5000) as saved:
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert saved.args == ["acme"]
    assert memory.entries == {(service_name(PROFILE), "acme"): SECRET}


def test_a_new_login_needs_its_password_and_replaces_the_old_entry(
    qtbot, make_dialog, memory
) -> None:
    memory.set_password(service_name(PROFILE), "acme", "old-password")
    dialog = ready(qtbot, make_dialog(login="acme"))
    dialog.login_edit.setText("acme-2")
    assert not dialog.save_button.isEnabled()
    assert dialog.reason_label.text() == "Enter the password for the new login."
    qtbot.keyClicks(dialog.password_edit, SECRET)
    with qtbot.waitSignal(dialog.credentialsSaved, timeout=5000) as saved:
        qtbot.keyClick(dialog.password_edit, Qt.Key.Key_Enter)
    assert saved.args == ["acme-2"]
    assert memory.entries == {(service_name(PROFILE), "acme-2"): SECRET}


def confirmation(qtbot, dialog: CredentialsDialog) -> QMessageBox:
    qtbot.mouseClick(dialog.delete_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.findChild(QMessageBox, "confirmDelete") is not None)
    box = dialog.findChild(QMessageBox, "confirmDelete")
    qtbot.waitExposed(box)
    return box


def test_delete_asks_first_then_removes_the_stored_password(qtbot, make_dialog, memory) -> None:
    memory.set_password(service_name(PROFILE), "acme", SECRET)
    dialog = ready(qtbot, make_dialog(login="acme"))

    box = confirmation(qtbot, dialog)
    assert box.defaultButton() is box.button(QMessageBox.StandardButton.Cancel)
    box.button(QMessageBox.StandardButton.Cancel).click()
    qtbot.waitUntil(lambda: not box.isVisible())
    assert memory.entries == {(service_name(PROFILE), "acme"): SECRET}
    assert dialog.isVisible()

    box = confirmation(qtbot, dialog)
    with qtbot.waitSignal(dialog.credentialsDeleted, timeout=5000):
        box.button(QMessageBox.StandardButton.Yes).click()
    assert memory.entries == {}
    assert not dialog.isVisible()


def test_escape_cancels_without_storing(qtbot, make_dialog, memory) -> None:
    dialog = ready(qtbot, make_dialog())
    qtbot.keyClicks(dialog.login_edit, "acme")
    qtbot.keyClicks(dialog.password_edit, SECRET)
    with qtbot.assertNotEmitted(dialog.credentialsSaved):
        qtbot.keyClick(dialog.password_edit, Qt.Key.Key_Escape)
    assert not dialog.isVisible()
    assert dialog.result() == QDialog.DialogCode.Rejected
    assert memory.entries == {}


def files_holding(root: Path, secret: str) -> list[Path]:
    needle = secret.encode()
    return [
        path
        for path in root.rglob("*")
        if path.is_file() and not path.is_symlink() and needle in path.read_bytes()
    ]


def test_without_a_keychain_the_warning_shows_and_nothing_is_written(
    qtbot, qloop, make_dialog, install, tmp_path, monkeypatch, caplog
) -> None:
    caplog.set_level(logging.DEBUG)
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    for variable, folder in (
        ("XDG_DATA_HOME", "data"),
        ("XDG_CONFIG_HOME", "config"),
        ("XDG_CACHE_HOME", "cache"),
        ("XDG_STATE_HOME", "state"),
    ):
        monkeypatch.setenv(variable, str(home / folder))
    install(fail.Keyring())
    keychain = Keychain()
    dialog = ready(qtbot, make_dialog(keychain))

    assert dialog.warning_label.isVisible()
    assert "for this session only" in dialog.warning_label.text()
    assert "not saved anywhere" in dialog.warning_label.text()
    # Every line of it shows, with the reason for a disabled Save under it.
    qtbot.wait(50)
    warning = dialog.warning_label
    assert warning.height() >= warning.heightForWidth(warning.width())
    qtbot.keyClicks(dialog.login_edit, "acme")
    qtbot.keyClicks(dialog.password_edit, SECRET)
    with qtbot.waitSignal(dialog.credentialsSaved, timeout=5000):
        qtbot.keyClick(dialog.password_edit, Qt.Key.Key_Return)

    assert keychain.session_only
    assert run_async(qtbot, qloop, keychain.get(PROFILE, "acme")) == SECRET
    assert files_holding(tmp_path, SECRET) == []
    assert SECRET not in caplog.text


def test_a_hanging_keychain_shows_an_error_and_the_window_stays_responsive(
    qtbot, make_dialog
) -> None:
    backend = HangingKeyring()
    keychain = Keychain(backend, timeout=0.5)
    ticks: list[int] = []
    timer = QTimer()
    timer.setInterval(20)
    timer.timeout.connect(lambda: ticks.append(1))
    timer.start()
    try:
        dialog = ready(qtbot, make_dialog(keychain))
        qtbot.keyClicks(dialog.login_edit, "acme")
        qtbot.keyClicks(dialog.password_edit, SECRET)
        qtbot.keyClick(dialog.password_edit, Qt.Key.Key_Return)
        assert dialog.busy
        assert dialog.busy_bar.isVisible()
        assert dialog.busy_label.text() == "Saving…"
        assert not dialog.save_button.isEnabled()
        assert not dialog.cancel_button.isEnabled()
        assert not dialog.delete_button.isEnabled()
        qtbot.keyClick(dialog.password_edit, Qt.Key.Key_Escape)
        assert dialog.isVisible()

        ticks.clear()
        qtbot.waitUntil(dialog.error_label.isVisible, timeout=5000)
        assert len(ticks) >= 10
        assert dialog.error_label.text() == (
            "The keychain did not answer within 0.5 s while storing the password (is it locked?)."
        )
        assert SECRET not in dialog.error_label.text()
        assert not dialog.busy_bar.isVisible()
        assert dialog.save_button.isEnabled()
        assert dialog.cancel_button.isEnabled()
        assert dialog.isVisible()
    finally:
        timer.stop()
        backend.let_go()


def test_a_refusing_keychain_is_explained_in_the_dialog(qtbot, make_dialog) -> None:
    dialog = ready(qtbot, make_dialog(Keychain(RefusingKeyring()), login="acme"))
    assert dialog.error_label.isVisible()
    assert dialog.error_label.text() == (
        "The keychain is locked and was not unlocked while reading the password."
    )
    assert dialog.reason_label.text() == "Enter the password."
    qtbot.keyClicks(dialog.password_edit, SECRET)
    qtbot.keyClick(dialog.password_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not dialog.busy, timeout=5000)
    assert dialog.error_label.text() == (
        "The keychain failed while storing the password (PasswordSetError)."
    )
    assert dialog.isVisible()


def test_a_hanging_check_can_be_cancelled(qtbot, make_dialog) -> None:
    backend = HangingKeyring()
    try:
        dialog = make_dialog(Keychain(backend, timeout=5), login="acme")
        assert dialog.busy
        assert dialog.busy_label.text() == "Checking the keychain…"
        assert not dialog.save_button.isEnabled()
        assert dialog.cancel_button.isEnabled()
        with qtbot.waitSignal(dialog.rejected, timeout=1000):
            qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: not dialog.busy, timeout=1000)
    finally:
        backend.let_go()
