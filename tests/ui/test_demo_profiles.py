"""Demo mode with a profile made from the demo one: it sends to the simulator whatever its
environment, and the window says so (the demo banner, never a PRODUCTION badge); its
credentials are the simulator's own."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication, QLabel, QMessageBox, QToolBar, QToolButton

from console.ui.credentials_dialog import CredentialsDialog
from console.ui.options.dialog import SettingsDialog
from tests.ui.driving import choose
from tests.ui.test_main_window import compose, press_send, wait_for_outcome
from tests.ui.test_settings_dialog import ok_button

pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints")


def open_settings(qtbot, window) -> SettingsDialog:
    toolbar = window.findChild(QToolBar)
    qtbot.mouseClick(toolbar.widgetForAction(window.settings_action), Qt.MouseButton.LeftButton)
    (dialog,) = [d for d in window.findChildren(SettingsDialog) if d.isVisible()]
    return dialog


def make_live_profile(qtbot, window) -> None:
    """Duplicate the demo profile as a production one, "live", and take it into use."""
    dialog = open_settings(qtbot, window)
    qtbot.mouseClick(dialog.duplicate_button, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(dialog.profile_form.name, "live")
    choose(qtbot, dialog.profile_form.environment, "Production")
    qtbot.mouseClick(dialog.activate_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(ok_button(dialog), Qt.MouseButton.LeftButton, pos=QPoint(5, 5))
    qtbot.waitUntil(lambda: window.profile_box.currentText() == "live", timeout=5000)


def test_a_production_profile_in_demo_mode_says_it_is_simulated(qtbot, window, windows):
    banner = window.findChild(QLabel, "demoBanner")
    make_live_profile(qtbot, window)

    # It signs in with the simulator's account: no password asked for.
    qtbot.waitUntil(lambda: window.profile_label.text() == "Profile live as demo", timeout=5000)
    assert not [d for d in window.findChildren(CredentialsDialog) if d.isVisible()]
    assert not window.badge.isVisible()  # no PRODUCTION: nothing reaches a customer
    assert banner.isVisible()
    assert banner.toolTip().startswith(
        "Profile 'live' (production) sends to the built-in provider simulator: no message "
        "reaches a customer."
    )
    assert window.windowTitle() == "Demo mode"

    compose(qtbot, window, "Rehearsing with the production profile")
    press_send(qtbot, window)
    assert wait_for_outcome(qtbot, window).startswith("Accepted by the provider")
    assert window.windowTitle() == "Demo mode"


def test_the_profile_follows_the_simulator_when_the_listener_moves(qtbot, window):
    make_live_profile(qtbot, window)
    qtbot.waitUntil(lambda: window.profile_label.text() == "Profile live as demo", timeout=5000)
    before = window.session.profile.endpoint

    # A new path token restarts the listener, and the simulator with it, on another port.
    dialog = open_settings(qtbot, window)
    dialog.tabs.setCurrentIndex(1)
    qtbot.mouseClick(dialog.listener_form.regenerate, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: any(b.isVisible() for b in dialog.findChildren(QMessageBox)))
    box = next(b for b in dialog.findChildren(QMessageBox) if b.isVisible())
    regenerate = next(b for b in box.buttons() if b.text() == "Regenerate")
    qtbot.mouseClick(regenerate, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(ok_button(dialog), Qt.MouseButton.LeftButton, pos=QPoint(5, 5))

    qtbot.waitUntil(lambda: window.session.profile.endpoint != before, timeout=10_000)
    qtbot.waitUntil(lambda: window.profile_label.text() == "Profile live as demo", timeout=5000)
    assert not window.badge.isVisible()
    assert window.findChild(QLabel, "demoBanner").isVisible()
    assert window.windowTitle() == "Demo mode"
    compose(qtbot, window, "Still the simulator")
    press_send(qtbot, window)
    assert wait_for_outcome(qtbot, window).startswith("Accepted by the provider")


@pytest.mark.parametrize("profile", ["demo", "live"])
def test_credentials_in_demo_mode_say_the_simulator_signs_them_in(qtbot, window, windows, profile):
    if profile == "live":
        make_live_profile(qtbot, window)
    qtbot.waitUntil(
        lambda: window.profile_label.text() == f"Profile {profile} as demo", timeout=5000
    )
    toolbar = window.findChild(QToolBar)
    qtbot.mouseClick(toolbar.widgetForAction(window.credentials_action), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), QMessageBox), timeout=5000)
    box = QApplication.activeModalWidget()
    assert box.objectName() == "demoCredentials"
    assert box.windowTitle() == f"Credentials — {profile}"
    assert box.text() == (
        f"Demo mode: profile {profile} sends to the built-in simulator and signs in with the "
        "simulator's own account (login demo, with its built-in password). There is nothing "
        "to enter here, and nothing is kept in the keychain."
    )
    assert "No password" not in box.text()
    assert not [d for d in window.findChildren(CredentialsDialog) if d.isVisible()]
    qtbot.keyClick(box, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not box.isVisible(), timeout=5000)
    assert windows.keyring.entries == {}


def test_the_toolbar_shows_a_simulated_production_profile_whole_on_a_small_screen(qtbot, window):
    make_live_profile(qtbot, window)
    window.resize(800, 600)
    qtbot.waitUntil(lambda: window.width() <= 800, timeout=5000)
    qtbot.wait(50)
    toolbar = window.findChild(QToolBar)
    folded = toolbar.findChild(QToolButton, "qt_toolbar_ext_button")
    assert folded is None or not folded.isVisible()
    assert window.findChild(QLabel, "demoBanner").isVisible()
