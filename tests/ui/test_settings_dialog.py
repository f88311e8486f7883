"""The settings dialog, driven as an operator would: typing, clicking, confirming."""

from __future__ import annotations

from dataclasses import replace

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QDialogButtonBox, QFileDialog, QMessageBox

from console.paths import settings_path
from console.protocol.mt_request import HttpMethod, Priority
from console.settings import (
    Environment,
    ListenerSettings,
    Profile,
    Settings,
    load_settings,
    save_settings,
)
from console.settings.listener import listener_config
from console.ui.environment_style import EnvironmentBadge, environment_colour
from console.ui.options.dialog import SettingsDialog

TOKEN = "t" * 24
MASK = "•" * 8

# What the offscreen platform says about window features it lacks (on showing the dialog,
# raising the message box, the region completer's popup); nothing about the dialog itself.
pytestmark = pytest.mark.qt_log_ignore(
    r"^This plugin does not support (propagateSizeHints\(\)|raise\(\)|grabbing the keyboard)"
)


@pytest.fixture
def make_dialog(qtbot, tmp_path):
    def make(settings=None):
        settings = settings or Settings(listener=ListenerSettings(path_token=TOKEN))
        dialog = SettingsDialog(settings, tmp_path)
        qtbot.addWidget(dialog)
        dialog.open()
        qtbot.waitExposed(dialog)
        return dialog

    return make


def ok_button(dialog):
    return dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)


def apply_button(dialog):
    return dialog.buttons.button(QDialogButtonBox.StandardButton.Apply)


def retype(qtbot, edit, text):
    edit.selectAll()
    qtbot.keyClicks(edit, text)


def type_lines(qtbot, edit, lines):
    # QTest has no key for "\n": each line ends with a press of Return.
    for index, line in enumerate(lines):
        if index:
            qtbot.keyClick(edit, Qt.Key.Key_Return)
        qtbot.keyClicks(edit, line)


def names(dialog):
    return [dialog.profile_list.item(row).text() for row in range(dialog.profile_list.count())]


def test_edited_profile_comes_out_on_ok_and_survives_the_file(qtbot, tmp_path, make_dialog):
    dialog = make_dialog()
    form = dialog.profile_form
    retype(qtbot, form.name, "front desk")
    form.environment.setCurrentIndex(1)
    qtbot.keyClicks(form.login, "acme")
    for sender in ("ACME", "12345"):
        qtbot.keyClicks(form.sender_input, sender)
        qtbot.mouseClick(form.add_sender, Qt.MouseButton.LeftButton)
    form.priority.setCurrentIndex(4)
    form.method.setCurrentIndex(1)
    qtbot.keyClicks(form.region, "gb")
    form.receipt.setChecked(False)
    form.attempts.setValue(3)

    with qtbot.waitSignal(dialog.settingsAccepted) as emitted:
        qtbot.mouseClick(ok_button(dialog), Qt.MouseButton.LeftButton)

    settings = emitted.args[0]
    assert settings.active == "front desk"
    assert settings.profile() == Profile(
        name="front desk",
        environment=Environment.TEST,
        login="acme",
        senders=("ACME", "12345"),
        default_priority=Priority.INTERACTIVE,
        default_receipt=False,
        method=HttpMethod.GET,
        default_region="GB",
        max_attempts=3,
    )
    assert not dialog.isVisible()
    path = settings_path(tmp_path)
    save_settings(path, settings)
    assert load_settings(path) == settings


def test_cancel_emits_nothing(qtbot, make_dialog):
    dialog = make_dialog()
    qtbot.keyClicks(dialog.profile_form.login, "acme")
    with qtbot.assertNotEmitted(dialog.settingsAccepted):
        qtbot.mouseClick(
            dialog.buttons.button(QDialogButtonBox.StandardButton.Cancel),
            Qt.MouseButton.LeftButton,
        )
    assert not dialog.isVisible()


def test_apply_emits_and_stays_open_and_is_off_until_something_changes(qtbot, make_dialog):
    dialog = make_dialog()
    assert not apply_button(dialog).isEnabled()
    qtbot.keyClicks(dialog.profile_form.login, "acme")
    assert apply_button(dialog).isEnabled()
    with qtbot.waitSignal(dialog.settingsAccepted) as emitted:
        qtbot.mouseClick(apply_button(dialog), Qt.MouseButton.LeftButton)
    assert emitted.args[0].profile().login == "acme"
    assert dialog.isVisible()
    assert not apply_button(dialog).isEnabled()


@pytest.mark.parametrize(
    ("widget", "text", "field", "message", "fixed"),
    [
        ("endpoint", "ftp://example.test", "endpoint", "http:// or https://", "https://a.test/"),
        ("endpoint", "https://u:pw@example.test/", "endpoint", "must not carry", "http://a.test"),
        ("endpoint", "https://example.test:99999/", "endpoint", "1 to 65535", "http://a.test"),
        ("region", "XX", "default_region", "not a region code", "us"),
        ("name", "   ", "name", "needs a name", "desk"),
    ],
)
def test_a_wrong_profile_field_says_why_and_holds_ok(
    qtbot, make_dialog, widget, text, field, message, fixed
):
    dialog = make_dialog()
    form = dialog.profile_form
    retype(qtbot, getattr(form, widget), text)
    error = form.fields[field].error
    assert error.isVisible()
    assert message in error.text()
    assert not ok_button(dialog).isEnabled()
    assert not apply_button(dialog).isEnabled()
    assert not dialog.profile_list.isEnabled()
    assert dialog.locked_note.isVisible()

    retype(qtbot, getattr(form, widget), fixed)
    assert not error.isVisible()
    assert ok_button(dialog).isEnabled()
    assert dialog.profile_list.isEnabled()


def test_a_name_taken_by_another_profile_is_refused_at_the_name(qtbot, make_dialog):
    dialog = make_dialog()
    qtbot.mouseClick(dialog.add_button, Qt.MouseButton.LeftButton)
    retype(qtbot, dialog.profile_form.name, "default")
    assert "already taken" in dialog.profile_form.fields["name"].error.text()
    assert not ok_button(dialog).isEnabled()


@pytest.mark.parametrize(
    ("text", "message"),
    [("70000", "outside 0-65535"), ("80a", "not a port number"), ("", "not a port number")],
)
def test_a_wrong_port_says_why_and_holds_ok(qtbot, make_dialog, text, message):
    dialog = make_dialog()
    listener = dialog.listener_form
    dialog.tabs.setCurrentIndex(1)
    listener.port.selectAll()
    qtbot.keyClick(listener.port, Qt.Key.Key_Delete)
    qtbot.keyClicks(listener.port, text)
    assert message in listener.fields["port"].error.text()
    assert listener.fields["port"].error.isVisible()
    assert not ok_button(dialog).isEnabled()
    assert listener.url.text() == ""
    assert not listener.copy.isEnabled()


def test_a_wrong_address_range_says_which_and_holds_ok(qtbot, make_dialog):
    dialog = make_dialog()
    listener = dialog.listener_form
    dialog.tabs.setCurrentIndex(1)
    type_lines(qtbot, listener.allow, ["203.0.113.0/24", "10.0.0.300/8"])
    assert "'10.0.0.300/8' is not an address range" in listener.fields["allow"].error.text()
    assert not ok_button(dialog).isEnabled()
    qtbot.keyClicks(listener.proxies, "nonsense")
    assert "'nonsense'" in listener.fields["trusted_proxies"].error.text()

    listener.allow.setPlainText("203.0.113.0/24\n\n2001:db8::/32\n")
    listener.proxies.setPlainText("10.0.0.5")
    assert ok_button(dialog).isEnabled()
    with qtbot.waitSignal(dialog.settingsAccepted) as emitted:
        qtbot.mouseClick(ok_button(dialog), Qt.MouseButton.LeftButton)
    saved = emitted.args[0].listener
    assert saved.allow == ("203.0.113.0/24", "2001:db8::/32")
    assert saved.trusted_proxies == ("10.0.0.5",)


def test_callback_url_is_the_listeners_own_and_follows_the_fields(qtbot, make_dialog, tmp_path):
    dialog = make_dialog()
    listener = dialog.listener_form
    # The token is a secret: masked until Show, whole when copied.
    assert listener.url.text() == f"http://127.0.0.1:8787/callbacks/{MASK}"
    assert listener.token.text() == MASK
    listener.host.setCurrentText("::")
    retype(qtbot, listener.port, "9443")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert.write_text("cert")
    qtbot.keyClicks(listener.tls_cert, str(cert))
    assert "both" in listener.fields["tls"].error.text()
    key.write_text("key")
    qtbot.keyClicks(listener.tls_key, str(key))
    assert listener.url.text() == f"https://[::]:9443/callbacks/{MASK}"
    qtbot.mouseClick(listener.show_secret, Qt.MouseButton.LeftButton)
    assert listener.url.text() == f"https://[::]:9443/callbacks/{TOKEN}"
    assert listener.url.text() == listener_config(dialog.settings().listener).url()
    assert listener.token.text() == TOKEN
    qtbot.mouseClick(listener.show_secret, Qt.MouseButton.LeftButton)
    assert listener.url.text() == f"https://[::]:9443/callbacks/{MASK}"

    qtbot.mouseClick(listener.copy, Qt.MouseButton.LeftButton)
    assert QGuiApplication.clipboard().text() == f"https://[::]:9443/callbacks/{TOKEN}"


def test_tls_files_are_picked_in_a_file_dialog(qtbot, make_dialog, tmp_path):
    dialog = make_dialog()
    listener = dialog.listener_form
    dialog.tabs.setCurrentIndex(1)
    for name, button, edit in (
        ("cert.pem", listener.browse_cert, listener.tls_cert),
        ("key.pem", listener.browse_key, listener.tls_key),
    ):
        (tmp_path / name).write_text(name)
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
        picker = next(d for d in dialog.findChildren(QFileDialog) if d.isVisible())
        picker.selectFile(str(tmp_path / name))
        picker.accept()
        assert edit.text() == str(tmp_path / name)
    assert listener.url.text().startswith("https://")


def test_a_missing_path_token_is_made_before_the_url_is_shown(qtbot, make_dialog):
    dialog = make_dialog(Settings())
    token = dialog.settings().listener.path_token
    assert len(token) >= 16
    qtbot.mouseClick(dialog.listener_form.copy, Qt.MouseButton.LeftButton)
    assert QGuiApplication.clipboard().text().endswith("/callbacks/" + token)
    assert ok_button(dialog).isEnabled()


def _confirmation(qtbot, dialog):
    qtbot.mouseClick(dialog.listener_form.regenerate, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: any(b.isVisible() for b in dialog.findChildren(QMessageBox)))
    return next(b for b in dialog.findChildren(QMessageBox) if b.isVisible())


def test_regenerating_the_token_asks_first_then_changes_the_url(qtbot, make_dialog):
    dialog = make_dialog()
    dialog.tabs.setCurrentIndex(1)
    listener = dialog.listener_form
    qtbot.mouseClick(listener.show_secret, Qt.MouseButton.LeftButton)
    before = listener.url.text()

    box = _confirmation(qtbot, dialog)
    assert "callback URL" in box.text()
    qtbot.mouseClick(box.button(QMessageBox.StandardButton.Cancel), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not box.isVisible())
    assert listener.url.text() == before

    box = _confirmation(qtbot, dialog)
    regenerate = next(b for b in box.buttons() if b.text() == "Regenerate")
    qtbot.mouseClick(regenerate, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: listener.url.text() != before)
    token = listener.token.text()
    assert token != TOKEN
    assert listener.url.text() == f"http://127.0.0.1:8787/callbacks/{token}"
    with qtbot.waitSignal(dialog.settingsAccepted) as emitted:
        qtbot.mouseClick(ok_button(dialog), Qt.MouseButton.LeftButton)
    assert emitted.args[0].listener.path_token == token


def test_profiles_can_be_added_duplicated_and_removed_but_not_the_last(qtbot, make_dialog):
    dialog = make_dialog()
    assert names(dialog) == ["default  (active)"]
    assert not dialog.remove_button.isEnabled()

    qtbot.mouseClick(dialog.add_button, Qt.MouseButton.LeftButton)
    assert names(dialog) == ["default  (active)", "new profile"]
    assert dialog.focusWidget() is dialog.profile_form.name
    assert dialog.profile_form.name.selectedText() == "new profile"
    qtbot.keyClicks(dialog.profile_form.name, "lab")
    assert names(dialog) == ["default  (active)", "lab"]

    qtbot.mouseClick(dialog.duplicate_button, Qt.MouseButton.LeftButton)
    assert names(dialog) == ["default  (active)", "lab", "lab copy"]
    assert dialog.remove_button.isEnabled()

    for _ in range(2):
        qtbot.mouseClick(dialog.remove_button, Qt.MouseButton.LeftButton)
    assert names(dialog) == ["default  (active)"]
    assert not dialog.remove_button.isEnabled()
    assert dialog.settings().profiles == (Profile(),)


def test_any_profile_can_be_made_active(qtbot, make_dialog):
    lab = Profile(name="lab", environment=Environment.TEST)
    dialog = make_dialog(Settings(profiles=(Profile(), lab)))
    assert not dialog.activate_button.isEnabled()
    dialog.profile_list.setCurrentRow(1)
    assert dialog.profile_form.name.text() == "lab"
    assert dialog.profile_form.badge.text() == "TEST"
    qtbot.mouseClick(dialog.activate_button, Qt.MouseButton.LeftButton)
    assert names(dialog) == ["default", "lab  (active)"]
    assert dialog.profile_list.item(1).font().bold()
    qtbot.mouseClick(dialog.remove_button, Qt.MouseButton.LeftButton)
    assert dialog.settings().active == "default"


def test_switching_profiles_keeps_what_was_typed_in_each(qtbot, make_dialog):
    dialog = make_dialog(Settings(profiles=(Profile(), Profile(name="lab"))))
    qtbot.keyClicks(dialog.profile_form.login, "first")
    dialog.profile_list.setCurrentRow(1)
    assert dialog.profile_form.login.text() == ""
    qtbot.keyClicks(dialog.profile_form.login, "second")
    dialog.profile_list.setCurrentRow(0)
    assert dialog.profile_form.login.text() == "first"
    assert [p.login for p in dialog.settings().profiles] == ["first", "second"]


def test_senders_are_added_with_enter_reordered_and_removed(qtbot, make_dialog):
    dialog = make_dialog()
    form = dialog.profile_form
    for sender in ("ACME", "12345", "ALERTS"):
        qtbot.keyClicks(form.sender_input, sender)
        qtbot.keyClick(form.sender_input, Qt.Key.Key_Return)
    assert dialog.isVisible()
    assert dialog.settings().profile().senders == ("ACME", "12345", "ALERTS")

    form.senders.setCurrentRow(2)
    qtbot.mouseClick(form.sender_up, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(form.sender_up, Qt.MouseButton.LeftButton)
    assert not form.sender_up.isEnabled()
    assert dialog.settings().profile().senders == ("ALERTS", "ACME", "12345")
    form.senders.setCurrentRow(1)
    qtbot.mouseClick(form.remove_sender, Qt.MouseButton.LeftButton)
    assert dialog.settings().profile().senders == ("ALERTS", "12345")

    qtbot.keyClicks(form.sender_input, "12345")
    qtbot.keyClick(form.sender_input, Qt.Key.Key_Return)
    assert "listed twice" in form.fields["senders"].error.text()
    assert not ok_button(dialog).isEnabled()


def test_values_a_box_cannot_show_exactly_are_kept_unless_edited(qtbot, make_dialog):
    profile = Profile(messages_per_second=2.55, timeout=0.25)
    listener = ListenerSettings(path_token=TOKEN, max_body=5000)
    dialog = make_dialog(Settings(profiles=(profile,), listener=listener))
    qtbot.keyClicks(dialog.profile_form.login, "acme")
    assert dialog.settings().profile() == replace(profile, login="acme")
    assert dialog.settings().listener == listener


def test_rate_zero_means_no_limit(qtbot, make_dialog):
    dialog = make_dialog()
    dialog.profile_form.rate.setValue(0)
    assert dialog.profile_form.rate.text() == "no limit"
    assert dialog.settings().profile().messages_per_second is None


def test_the_longest_message_is_typed_in_segments_or_characters(qtbot, make_dialog):
    dialog = make_dialog()
    form = dialog.profile_form
    assert form.max_segments.text() == "10 segments"
    assert form.max_characters.text() == "no limit"
    form.max_segments.selectAll()
    qtbot.keyClicks(form.max_segments, "4")
    form.max_characters.selectAll()
    qtbot.keyClicks(form.max_characters, "500")
    profile = dialog.settings().profile()
    assert (profile.max_segments, profile.max_characters) == (4, 500)
    form.max_segments.selectAll()
    qtbot.keyClicks(form.max_segments, "0")
    qtbot.keyClick(form.max_segments, Qt.Key.Key_Return)
    assert form.max_segments.text() == "no limit"
    assert dialog.settings().profile().max_segments is None


def test_get_note_stands_out_only_for_get(make_dialog):
    dialog = make_dialog()
    note = dialog.profile_form.method_note
    assert "password" in note.text()
    muted = note.styleSheet()
    dialog.profile_form.method.setCurrentIndex(1)
    assert note.styleSheet() != muted
    dialog.profile_form.method.setCurrentIndex(0)
    assert note.styleSheet() == muted


def test_production_and_test_look_different(qtbot):
    production = EnvironmentBadge(Profile(name="live"))
    test = EnvironmentBadge(Environment.TEST)
    for badge in (production, test):
        qtbot.addWidget(badge)
        badge.show()
        qtbot.waitExposed(badge)
    assert (production.text(), test.text()) == ("PRODUCTION", "TEST")
    assert "'live'" in production.toolTip()
    assert production.colour() == environment_colour(Profile())
    assert test.colour() == environment_colour(Environment.TEST)
    assert production.colour() != test.colour()

    def painted(badge):
        return badge.grab().toImage().pixelColor(3, badge.height() // 2)

    assert painted(production) == production.colour()
    assert painted(test) == test.colour()

    test.set_profile(Profile(environment=Environment.PRODUCTION))
    assert test.text() == "PRODUCTION"
    assert painted(test) == production.colour()


def test_the_dialog_badge_follows_the_environment_choice(make_dialog):
    dialog = make_dialog()
    badge = dialog.profile_form.badge
    assert badge.environment() is Environment.PRODUCTION
    dialog.profile_form.environment.setCurrentIndex(1)
    assert badge.environment() is Environment.TEST
    icon = dialog.profile_list.item(0).icon().pixmap(12, 12).toImage()
    assert icon.pixelColor(6, 6) == environment_colour(Environment.TEST)
