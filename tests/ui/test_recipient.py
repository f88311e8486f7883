"""The To field: examples, errors and the region of numbers typed without a country code."""

from __future__ import annotations

import pytest

from tests.ui.driving import choose
from tests.ui.test_main_window import compose, press_send, wait_for_outcome

pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints")


def test_the_region_beside_to_reads_national_numbers_and_is_kept(qtbot, windows, data_dir):
    window = windows.open(data_dir)  # the demo profile reads numbers as US ones
    pane = window.compose
    assert pane.recipient_field.region_box.currentText() == "US +1 · United States"
    # The example is one the profile's region accepts.
    assert pane.recipient.placeholderText().startswith("(201) 555-0123, +1 201-555-0123")

    qtbot.keyClicks(pane.recipient, "07700 900123")
    qtbot.keyClicks(pane.editor, "Your parcel is on its way")
    assert pane.recipient_preview.text() == (
        "Not a usable number: it has too many digits for its country (read as a US number)"
    )
    assert not pane.send_button.isEnabled()

    choose(qtbot, pane.recipient_field.region_box, "GB +44 · United Kingdom")
    assert pane.recipient_preview.text() == "→ +44 7700 900123 (GB)"
    assert pane.send_button.isEnabled()
    assert pane.recipient.placeholderText().startswith("07400 123456, +44 7400 123456")

    windows.close(window)
    again = windows.open(data_dir)
    assert again.compose.recipient_field.region_box.currentText() == "GB +44 · United Kingdom"
    qtbot.keyClicks(again.compose.recipient, "07700 900123")
    assert again.compose.recipient_preview.text() == "→ +44 7700 900123 (GB)"


def test_a_number_with_its_country_code_needs_no_region(qtbot, windows, data_dir):
    window = windows.open(data_dir)
    pane = window.compose
    choose(qtbot, pane.recipient_field.region_box, "Any: type +country code")
    assert pane.recipient.placeholderText() == "+44 7700 900123…"
    qtbot.keyClicks(pane.recipient, "+44 7700 9001234")
    assert pane.recipient_preview.text() == (
        "Not a usable number: it has too many digits for its country"
        " (read with country code +44, GB)"
    )
    pane.recipient.clear()
    qtbot.keyClicks(pane.recipient, "+44 7700 900123")
    assert pane.recipient_preview.text() == "→ +44 7700 900123 (GB)"


def test_sending_goes_on_after_the_region_is_changed(qtbot, window):
    pane = window.compose
    compose(qtbot, window, "First, as a US number")
    press_send(qtbot, window)
    assert wait_for_outcome(qtbot, window).startswith("Accepted by the provider")

    choose(qtbot, pane.recipient_field.region_box, "GB +44 · United Kingdom")
    pane.recipient.clear()
    qtbot.keyClicks(pane.recipient, "07700 900123")
    qtbot.keyClicks(pane.editor, "Then a UK one, typed the local way")
    press_send(qtbot, window)
    assert wait_for_outcome(qtbot, window).startswith("Accepted by the provider for +44 7700")
