"""The To field: examples, errors and the region of numbers typed without a country code."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from console.ui.palette import scheme
from tests.ui.driving import choose
from tests.ui.test_main_window import compose, press_send, wait_for_outcome

pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints")


def test_the_region_beside_to_reads_national_numbers_and_is_kept(qtbot, windows, data_dir):
    window = windows.open(data_dir)  # the demo profile reads numbers as US ones
    pane = window.compose
    assert pane.recipient_field.region_box.currentText() == "US +1 · United States (USA)"
    assert pane.recipient_field.region_box.lineEdit().cursorPosition() == 0  # "US +1" shows
    # The example is one the profile's region accepts.
    assert pane.recipient.placeholderText().startswith("(201) 555-0123, +1 201-555-0123")

    qtbot.keyClicks(pane.recipient, "07700 900123")
    qtbot.keyClicks(pane.editor, "Your parcel is on its way")
    assert pane.recipient_preview.text() == (
        "Not a usable number: it has too many digits for its country (read as a US number)"
    )
    assert not pane.send_button.isEnabled()

    choose(qtbot, pane.recipient_field.region_box, "GB +44 · United Kingdom (UK)")
    assert pane.recipient_preview.text().startswith("→ +44 7700 900123 (GB)")
    assert pane.send_button.isEnabled()
    assert pane.recipient.placeholderText().startswith("07400 123456, +44 7400 123456")

    windows.close(window)
    again = windows.open(data_dir)
    assert again.compose.recipient_field.region_box.currentText() == "GB +44 · United Kingdom (UK)"
    qtbot.keyClicks(again.compose.recipient, "07700 900123")
    assert again.compose.recipient_preview.text().startswith("→ +44 7700 900123 (GB)")


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
    assert pane.recipient_preview.text().startswith("→ +44 7700 900123 (GB)")


def test_sending_goes_on_after_the_region_is_changed(qtbot, window):
    pane = window.compose
    compose(qtbot, window, "First, as a US number")
    press_send(qtbot, window)
    assert wait_for_outcome(qtbot, window).startswith("Accepted by the provider")

    choose(qtbot, pane.recipient_field.region_box, "GB +44 · United Kingdom (UK)")
    pane.recipient.clear()
    qtbot.keyClicks(pane.recipient, "07700 900123")
    qtbot.keyClicks(pane.editor, "Then a UK one, typed the local way")
    press_send(qtbot, window)
    assert wait_for_outcome(qtbot, window).startswith("Accepted by the provider for +44 7700")


def test_typing_in_the_region_list_finds_a_country_by_any_part_of_its_name(qtbot, window):
    pane = window.compose
    box = pane.recipient_field.region_box
    qtbot.keyClicks(pane.recipient, "07700 900123")
    box.setFocus()
    box.lineEdit().selectAll()
    qtbot.keyClicks(box.lineEdit(), "uk")
    popup = box.completer().popup()
    qtbot.waitUntil(popup.isVisible, timeout=5000)
    shown = [popup.model().index(i, 0).data() for i in range(popup.model().rowCount())]
    assert shown == ["GB +44 · United Kingdom (UK)", "UA +380 · Ukraine"]
    assert popup.width() > popup.fontMetrics().horizontalAdvance(shown[0])  # not cut short
    qtbot.keyClick(popup, Qt.Key.Key_Down)
    qtbot.keyClick(popup, Qt.Key.Key_Return)
    assert box.currentText() == "GB +44 · United Kingdom (UK)"
    qtbot.waitUntil(lambda: box.lineEdit().cursorPosition() == 0, timeout=2000)
    assert pane.recipient_preview.text().startswith("→ +44 7700 900123 (GB)")


def test_a_region_code_typed_whole_is_taken_and_other_text_is_undone(qtbot, window):
    pane = window.compose
    box = pane.recipient_field.region_box
    for typed, expected in (("de", "DE +49 · Germany"), ("nowhere", "DE +49 · Germany")):
        box.setFocus()
        box.lineEdit().selectAll()
        qtbot.keyClicks(box.lineEdit(), typed)
        qtbot.keyClick(box.completer().popup(), Qt.Key.Key_Escape)  # no suggestion taken
        qtbot.keyClick(box.lineEdit(), Qt.Key.Key_Return)
        qtbot.wait(200)
        assert (typed, box.currentText(), box.lineEdit().text()) == (typed, expected, expected)
        assert box.lineEdit().text() == expected
    assert pane.recipient.placeholderText().startswith("01512 3456789, +49 1512 3456789")


def test_a_uk_number_a_digit_short_is_an_error_that_holds_send(qtbot, window):
    pane = window.compose
    choose(qtbot, pane.recipient_field.region_box, "GB +44 · United Kingdom (UK)")
    qtbot.keyClicks(pane.editor, "Your parcel is on its way")
    qtbot.keyClicks(pane.recipient, "07700 90012")
    problem = "it has too few digits for a mobile number of its country (read as a UK number)"
    assert pane.recipient_preview.text() == f"Not a usable number: {problem}"
    assert scheme().error in pane.recipient_preview.styleSheet()
    assert not pane.send_button.isEnabled()
    assert pane.reason.text() == f"Check the recipient number: {problem}"

    # The digit it lacked: a mobile's length, in a range kept for examples. That is the
    # operator's call, so a warning, and Send.
    qtbot.keyClicks(pane.recipient, "3")
    assert pane.recipient_preview.text() == (
        "→ +44 7700 900123 (GB) · not known to be assigned: check it"
    )
    assert scheme().warning in pane.recipient_preview.styleSheet()
    assert "not known to be an assigned number" in pane.recipient_preview.toolTip()
    assert pane.send_button.isEnabled()
