"""A profile's reply keywords and texts in the settings dialog, typed as an operator would."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox

from console.paths import settings_path
from console.protocol.keywords import Keywords
from console.settings import ListenerSettings, Settings, load_settings, save_settings
from console.ui.options.dialog import SettingsDialog

pytestmark = pytest.mark.qt_log_ignore(
    r"^This plugin does not support (propagateSizeHints\(\)|raise\(\)|grabbing the keyboard)"
)


@pytest.fixture
def dialog(qtbot, tmp_path):
    opened = SettingsDialog(Settings(listener=ListenerSettings(path_token="t" * 24)), tmp_path)
    qtbot.addWidget(opened)
    opened.open()
    qtbot.waitExposed(opened)
    return opened


def replies_tab(qtbot, dialog):
    """Open the chosen profile's Replies tab, as the operator clicks it; its fields."""
    form = dialog.profile_form
    bar = form.pages.tabBar()
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(1).center())
    assert form.keywords.opt_out.isVisible()
    return form.keywords


def retype(qtbot, edit, text):
    edit.selectAll()
    qtbot.keyClick(edit, Qt.Key.Key_Delete)
    qtbot.keyClicks(edit, text)


def ok(dialog):
    return dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)


def test_the_form_shows_the_default_words_and_no_texts(qtbot, dialog):
    fields = replies_tab(qtbot, dialog)

    assert fields.opt_out.text() == "STOP, STOPALL, UNSUBSCRIBE, CANCEL, END, QUIT"
    assert fields.opt_in.text() == "START, UNSTOP, YES"
    assert fields.help.text() == "HELP, INFO"
    assert fields.help_reply.text() == ""
    assert fields.stop_confirmation.placeholderText() == "none (off)"


def test_typed_words_and_texts_come_out_on_ok_and_survive_the_file(qtbot, tmp_path, dialog):
    fields = replies_tab(qtbot, dialog)
    retype(qtbot, fields.opt_out, "STOP, Arret ,  unsubscribe")
    retype(qtbot, fields.help, "HELP, AIDE")
    qtbot.keyClicks(fields.help_reply, "Acme: call 0800 000 000")
    qtbot.keyClicks(fields.stop_confirmation, "You will get no more messages.")

    with qtbot.waitSignal(dialog.settingsAccepted) as emitted:
        qtbot.mouseClick(ok(dialog), Qt.MouseButton.LeftButton)

    settings = emitted.args[0]
    assert settings.profile().keywords == Keywords(
        opt_out=("STOP", "Arret", "unsubscribe"),
        help=("HELP", "AIDE"),
        help_reply="Acme: call 0800 000 000",
        stop_confirmation="You will get no more messages.",
    )
    path = settings_path(tmp_path)
    save_settings(path, settings)
    assert load_settings(path) == settings


def test_a_word_in_two_lists_is_told_at_its_field_and_blocks_ok(qtbot, dialog):
    fields = replies_tab(qtbot, dialog)
    retype(qtbot, fields.opt_in, "START, stop")

    error = dialog.profile_form.fields["opt_in_keywords"].error
    assert error.isVisible()
    assert error.text() == "'stop' is listed in the opt-out keywords too"
    assert not ok(dialog).isEnabled()

    retype(qtbot, fields.opt_in, "START")

    assert not error.isVisible()
    assert ok(dialog).isEnabled()
