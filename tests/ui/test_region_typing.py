"""Typing in the region box beside To: Enter, Tab or a click elsewhere take the country the
text stands for, or leave the region as it was and say so; the box shows its code whole."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from console.paths import settings_path
from console.settings import load_settings
from tests.ui.driving import choose, press
from tests.ui.test_main_window import activate

pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints")

UK = "GB +44 · United Kingdom (UK)"
US = "US +1 · United States (USA)"


def type_region(qtbot, window, text: str) -> list[str]:
    """Type ``text`` over the region, as the operator does; the suggestions shown."""
    activate(qtbot, window)
    box = window.compose.recipient_field.region_box
    qtbot.mouseClick(box.lineEdit(), Qt.MouseButton.LeftButton)
    box.lineEdit().selectAll()
    qtbot.keyClicks(box.lineEdit(), text)
    popup = box.completer().popup()
    if not popup.isVisible():
        return []
    return [popup.model().index(i, 0).data() for i in range(popup.model().rowCount())]


def kept_region(data_dir) -> str | None:
    return load_settings(settings_path(data_dir)).profile().default_region


def test_enter_takes_the_only_country_the_text_finds(qtbot, window, data_dir):
    pane = window.compose
    box = pane.recipient_field.region_box
    qtbot.keyClicks(pane.recipient, "07700 900123")
    assert box.currentText() == US

    assert type_region(qtbot, window, "kingdom") == [UK]
    press(qtbot, box.lineEdit(), Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: box.currentText() == UK, timeout=2000)
    assert pane.recipient_preview.text().startswith("→ +44 7700 900123 (GB)")
    assert not box.note.isVisible()
    assert kept_region(data_dir) == "GB"


def test_tab_takes_the_country_a_calling_code_stands_for(qtbot, window, data_dir):
    pane = window.compose
    box = pane.recipient_field.region_box
    choose(qtbot, box, UK)

    shown = type_region(qtbot, window, "+1")
    assert shown[0] == US  # named exactly: first, before Antigua and the rest of +1
    assert len(shown) > 20
    press(qtbot, box.lineEdit(), Qt.Key.Key_Tab)
    qtbot.waitUntil(lambda: box.currentText() == US, timeout=2000)
    assert not box.lineEdit().hasFocus()
    assert kept_region(data_dir) == "US"


def test_enter_takes_the_first_country_shown_of_several(qtbot, window, data_dir):
    box = window.compose.recipient_field.region_box
    shown = type_region(qtbot, window, "united")
    assert len(shown) > 2
    press(qtbot, box.lineEdit(), Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: box.currentText() == shown[0], timeout=2000)
    assert kept_region(data_dir) == shown[0].split()[0]


def test_text_that_stands_for_no_one_country_leaves_the_region_and_says_so(qtbot, window, data_dir):
    box = window.compose.recipient_field.region_box
    note = box.note
    choose(qtbot, box, UK)

    assert type_region(qtbot, window, "xyz") == []
    press(qtbot, box.lineEdit(), Qt.Key.Key_Return)
    assert box.currentText() == UK
    assert box.lineEdit().text() == UK
    assert note.isVisible()
    assert note.text() == "No country matches “xyz”; the region stays GB +44."

    shown = type_region(qtbot, window, "united")
    assert not note.isVisible()  # typing again: the note has had its say
    press(qtbot, box.lineEdit(), Qt.Key.Key_Tab)
    qtbot.waitUntil(note.isVisible, timeout=2000)
    assert box.currentText() == UK
    assert note.text() == (
        f"“united” fits {len(shown)} countries; the region stays GB +44. Choose one from the "
        "list, or press Enter for the first."
    )
    assert kept_region(data_dir) == "GB"

    choose(qtbot, box, US)
    assert not note.isVisible()


@pytest.mark.parametrize("region", [US, "CD +243 · Congo - Kinshasa"])
def test_the_region_shows_its_code_whole_and_its_cut_at_1024_by_700(
    qtbot, windows, data_dir, region
):
    window = windows.open(data_dir)
    window.resize(1024, 700)
    qtbot.waitUntil(lambda: window.width() <= 1024, timeout=5000)
    box = window.compose.recipient_field.region_box
    choose(qtbot, box, region)
    window.compose.recipient.setFocus()  # out of the box, as after a choice
    qtbot.waitUntil(lambda: not box.lineEdit().hasFocus(), timeout=2000)
    shown = box.lineEdit().shown_text()
    code = region.split(" · ")[0]
    assert shown.startswith(f"{code} · ")
    assert shown.endswith("…")
    assert box.lineEdit().fontMetrics().horizontalAdvance(shown) <= box.lineEdit().width()


def test_tab_from_to_reaches_the_region_beside_it_then_the_text(qtbot, window, data_dir):
    pane = window.compose
    box = pane.recipient_field.region_box
    choose(qtbot, box, UK)
    activate(qtbot, window)
    qtbot.mouseClick(pane.recipient, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(pane.recipient, "07700 900123")
    press(qtbot, pane.recipient, Qt.Key.Key_Tab)
    qtbot.waitUntil(lambda: box.lineEdit().hasFocus(), timeout=2000)
    press(qtbot, box.lineEdit(), Qt.Key.Key_Tab)
    qtbot.waitUntil(pane.editor.hasFocus, timeout=2000)
    # Passing through left the region as it was.
    assert box.currentText() == UK
    assert kept_region(data_dir) == "GB"
