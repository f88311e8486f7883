"""A selected attachment reads as clearly as any selected row: its words in the selection's
colours, at WCAG AA, in both themes."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QImage

from console.settings import Theme
from console.ui.palette import DARK, LIGHT, apply_theme
from tests.ui.driving import wait_for_attachments
from tests.ui.test_compose import drag_and_drop, file_mime
from tests.ui.test_live_theme import grab_part, ink_and_ground
from tests.ui.test_palette import AA_TEXT, contrast
from tests.ui.test_profile_edit_keeps_settings import choose_theme

pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints")


def _picture(path: Path, colour: str) -> Path:
    image = QImage(64, 48, QImage.Format.Format_RGB32)
    image.fill(QColor(colour))
    assert image.save(str(path))
    return path


@pytest.mark.parametrize("theme", ["Light", "Dark"])
def test_a_selected_attachment_is_written_in_the_selection_colours(
    qtbot, windows, data_dir, tmp_path, theme
):
    window = windows.open(data_dir)
    try:
        choose_theme(qtbot, window, theme)
        chosen = LIGHT if theme == "Light" else DARK
        files = [_picture(tmp_path / f"{n}.png", c) for n, c in (("a", "#2e8b57"), ("b", "#444"))]
        assert drag_and_drop(window.compose, file_mime(*files))[2]
        attachments = window.compose.attachment_list
        wait_for_attachments(qtbot, attachments)
        first, second = attachments.rows()

        qtbot.mouseClick(first.name_label, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: attachments.view.item(0).isSelected(), timeout=5000)
        for label in (first.name_label, first.detail_label):
            ink, ground = ink_and_ground(grab_part(window, label))
            # The selection's colour (Fusion lightens it a little under the mouse).
            assert contrast(ground, chosen.highlight) < 1.2, (label.text(), ground)
            assert contrast(ink, ground) >= AA_TEXT, (label.text(), ink, ground)

        # Selected no more: its details are quiet again, and still readable.
        qtbot.mouseClick(second.name_label, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: attachments.view.item(1).isSelected(), timeout=5000)
        ink, ground = ink_and_ground(grab_part(window, first.detail_label))
        assert ground == chosen.base
        assert ink == chosen.muted
        for label in (second.name_label, second.detail_label):
            assert contrast(*ink_and_ground(grab_part(window, label))) >= AA_TEXT, label.text()
    finally:
        apply_theme(Theme.SYSTEM)
