"""Settings, Workspace: this computer or a shared PostgreSQL store, tried with Test
connection against a real server; and the listener's public URL."""

from __future__ import annotations

import json
from urllib.parse import urlsplit

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QLabel, QMessageBox, QToolBar

from console.paths import settings_path
from console.settings import load_settings
from console.store.location import StoreLocation
from console.ui.options.dialog import SettingsDialog
from tests.support.postgres_server import PostgresServer
from tests.ui.test_main_window import listener_url

pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints")

MASK = "•" * 8


def open_page(qtbot, window, title: str) -> SettingsDialog:
    toolbar = window.findChild(QToolBar)
    qtbot.mouseClick(toolbar.widgetForAction(window.settings_action), Qt.MouseButton.LeftButton)
    (dialog,) = [d for d in window.findChildren(SettingsDialog) if d.isVisible()]
    tabs = dialog.tabs.tabBar()
    page = next(i for i in range(tabs.count()) if tabs.tabText(i) == title)
    qtbot.mouseClick(tabs, Qt.MouseButton.LeftButton, pos=tabs.tabRect(page).center())
    return dialog


def choose(qtbot, radio) -> None:
    """Click the radio button on its circle, where a click always takes."""
    qtbot.mouseClick(radio, Qt.MouseButton.LeftButton, pos=QPoint(8, radio.height() // 2))
    assert radio.isChecked()


def button(dialog: SettingsDialog, which: QDialogButtonBox.StandardButton):
    return dialog.buttons.button(which)


def test_a_shared_store_is_tried_and_kept_with_its_password_in_the_keychain(
    qtbot, window, windows, data_dir, postgres_url
):
    dialog = open_page(qtbot, window, "Workspace")
    page = dialog.workspace_page
    assert page.local.isChecked()
    assert not page.url.isVisible()

    choose(qtbot, page.shared)
    assert page.url.isVisible()
    # Nothing typed yet: OK waits for a URL.
    assert not button(dialog, QDialogButtonBox.StandardButton.Ok).isEnabled()
    qtbot.keyClicks(page.url, postgres_url)
    qtbot.keyClicks(page.password, "s3cret-pass")
    qtbot.mouseClick(page.test_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.result.text().startswith("Connected"), timeout=30_000)
    assert "schema version" in page.result.text()
    assert "no receiver seen in the last minute" in page.result.text()

    qtbot.mouseClick(button(dialog, QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)
    saved = load_settings(settings_path(data_dir))
    assert saved.workspace.store == postgres_url
    assert "s3cret-pass" not in settings_path(data_dir).read_text()
    assert "s3cret-pass" in windows.keyring.entries.values()
    # The store is opened at start: the window offers to start again.
    box = window.findChild(QMessageBox, "restartForWorkspace")
    qtbot.waitUntil(lambda: box.isVisible(), timeout=5000)
    later = next(b for b in box.buttons() if b.text() == "Later")
    qtbot.mouseClick(later, Qt.MouseButton.LeftButton)
    assert not window.restart_requested
    assert window.isVisible()


def test_a_store_that_cannot_be_used_says_why(qtbot, window, postgres_server: PostgresServer):
    dialog = open_page(qtbot, window, "Workspace")
    page = dialog.workspace_page
    choose(qtbot, page.shared)

    qtbot.keyClicks(page.url, "sqlite:///tmp/x.sqlite3")
    assert "a shared store is a PostgreSQL URL" in page.problems["store"]
    assert not button(dialog, QDialogButtonBox.StandardButton.Ok).isEnabled()

    page.url.clear()
    qtbot.keyClicks(page.url, "postgresql://ann:hunter2@db.example.com/sms")
    assert "password" in page.problems["store"]
    assert not button(dialog, QDialogButtonBox.StandardButton.Ok).isEnabled()

    # A database without the schema: it names the command that makes it.
    empty = postgres_server.url(postgres_server.create_database())
    page.url.clear()
    qtbot.keyClicks(page.url, empty)
    assert button(dialog, QDialogButtonBox.StandardButton.Ok).isEnabled()
    qtbot.mouseClick(page.test_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.result.text().startswith("Could not use it"), timeout=30_000)
    assert "sms-console db migrate" in page.result.text()

    # No server there at all; the password typed is nowhere in what is told.
    page.url.clear()
    qtbot.keyClicks(page.url, "postgresql://ann@127.0.0.1:1/sms?connect_timeout=2")
    qtbot.keyClicks(page.password, "s3cret-pa55word")
    qtbot.mouseClick(page.test_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.result.text().startswith("Could not use it"), timeout=30_000)
    assert "could not be opened" in page.result.text()
    assert "s3cret-pa55word" not in page.result.text()
    assert "s3cret-pa55word" not in page.result.toolTip()
    assert page.test_button.isEnabled()
    dialog.reject()


def test_the_public_url_is_the_one_given_to_the_provider(qtbot, window, data_dir):
    token = load_settings(settings_path(data_dir)).listener.path_token
    dialog = open_page(qtbot, window, "Listener")
    form = dialog.listener_form

    qtbot.keyClicks(form.public_url, "ftp://files.example.com")
    assert "is not a web address" in dialog.pages[1].problems["public_url"]
    assert not button(dialog, QDialogButtonBox.StandardButton.Ok).isEnabled()

    form.public_url.clear()
    qtbot.keyClicks(form.public_url, "https://callbacks.example.com/")
    local = urlsplit(listener_url(window))
    public = f"https://callbacks.example.com{local.path}"
    assert form.url.text() == public.replace(token, MASK)
    with qtbot.waitSignal(window.listenerRestarted, timeout=10_000):
        apply = button(dialog, QDialogButtonBox.StandardButton.Apply)
        qtbot.mouseClick(apply, Qt.MouseButton.LeftButton)
    # The status bar's URL, with its Copy, is the public one, token kept.
    assert window.listener_status.url == public
    assert token in public
    stored = json.loads(settings_path(data_dir).read_text())
    assert stored["listener"]["public_url"] == "https://callbacks.example.com/"
    dialog.reject()


def test_choosing_shared_asks_for_a_url_without_calling_it_an_error(qtbot, window):
    dialog = open_page(qtbot, window, "Workspace")
    page = dialog.workspace_page
    choose(qtbot, page.shared)
    assert page.url.placeholderText().startswith("postgresql://")
    assert not [f.error.text() for f in [page.url_field] if f.error.isVisible()]
    assert not button(dialog, QDialogButtonBox.StandardButton.Ok).isEnabled()
    # The page says why OK waits, in plain words.
    assert page.url_needed.isVisible()
    assert "wait for the shared store's URL" in page.url_needed.text()
    qtbot.keyClicks(page.url, "postgresql://ann@db.example.com/sms")
    assert not page.url_needed.isVisible()
    assert button(dialog, QDialogButtonBox.StandardButton.Ok).isEnabled()
    # No markdown in what the page says.
    assert not [label.text() for label in page.findChildren(QLabel) if "`" in label.text()]
    dialog.reject()


def test_the_embedded_listener_names_the_role_it_needs(qtbot, window):
    dialog = open_page(qtbot, window, "Workspace")
    page = dialog.workspace_page
    choose(qtbot, page.shared)
    assert page.embedded_note.isVisible()
    assert "GRANT sms_receiver TO" in page.embedded_note.text()
    dialog.reject()


def test_a_run_given_a_store_says_so_and_saving_that_store_needs_no_restart(
    qtbot, windows, tmp_path, postgres_url
):
    window = windows.open(tmp_path / "ann", store=StoreLocation.postgresql(postgres_url))
    dialog = open_page(qtbot, window, "Workspace")
    page = dialog.workspace_page

    # The settings name this computer; this run was given the shared store.
    assert page.local.isChecked()
    assert page.given.isVisible()
    assert f"This run uses {StoreLocation.postgresql(postgres_url).describe()}" in page.given.text()

    # Shared chosen: the URL is the one this run uses, ready to save.
    choose(qtbot, page.shared)
    assert page.url.text() == postgres_url
    assert not page.url_needed.isVisible()
    qtbot.mouseClick(button(dialog, QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)

    assert load_settings(settings_path(tmp_path / "ann")).workspace.store == postgres_url
    qtbot.wait(300)
    # It is the store this run is on already: nothing to start again for.
    box = window.findChild(QMessageBox, "restartForWorkspace")
    assert box is None or not box.isVisible()
    dialog = open_page(qtbot, window, "Workspace")
    assert not dialog.workspace_page.given.isVisible()
    assert dialog.workspace_page.shared.isChecked()


def test_the_settings_menu_opens_settings_by_that_name(qtbot, window):
    bar = window.menuBar()
    (menu,) = [a for a in bar.actions() if a.text() == "&Settings"]
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.actionGeometry(menu).center())
    qtbot.waitUntil(lambda: QApplication.activePopupWidget() is not None)
    popup = QApplication.activePopupWidget()
    texts = [a.text() for a in popup.actions()]
    assert "&Settings…" in texts
    (item,) = [a for a in popup.actions() if a.text() == "&Settings…"]
    assert item.shortcut().toString() == "Ctrl+,"
    qtbot.keyClick(popup, Qt.Key.Key_S)
    qtbot.waitUntil(lambda: any(d.isVisible() for d in window.findChildren(SettingsDialog)))
    (dialog,) = [d for d in window.findChildren(SettingsDialog) if d.isVisible()]
    assert dialog.windowTitle() == "Settings"
    dialog.reject()
