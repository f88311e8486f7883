"""A theme chosen while the window is open: every line of text it shows is as readable as
after a restart with that theme."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QRect
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QAbstractButton, QLabel, QWidget

from console.paths import settings_path
from console.settings import Theme, load_settings, save_settings
from console.ui.main_window import MainWindow
from console.ui.palette import DARK, LIGHT, apply_theme
from tests.ui.test_main_window import seed
from tests.ui.test_palette import AA_TEXT, NON_TEXT, contrast
from tests.ui.test_profile_edit_keeps_settings import choose_theme

pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints")


def grab_part(window: QWidget, widget: QWidget, part: QRect | None = None) -> QImage:
    """``part`` of ``widget`` (all of it by default) as the window shows it, with what its
    parents paint behind it."""
    area = widget.rect() if part is None else part
    return window.grab(area.translated(widget.mapTo(window, QPoint(0, 0)))).toImage()


def ink_and_ground(image: QImage) -> tuple[str, str]:
    """The ground is the commonest colour, the ink the colour that stands out most from it
    (the full colour of a glyph's stem)."""
    colours = Counter(
        image.pixelColor(x, y).name() for y in range(image.height()) for x in range(image.width())
    )
    ground = colours.most_common(1)[0][0]
    return max(colours, key=lambda colour: contrast(colour, ground)), ground


def ink_contrast(image: QImage) -> float:
    """The contrast of the ink against the ground (see :func:`ink_and_ground`)."""
    return contrast(*ink_and_ground(image))


def open_in_theme(windows, data_dir: Path, theme: str) -> MainWindow:
    """The window as it opens with ``theme`` chosen in an earlier session."""
    path = settings_path(data_dir)
    save_settings(path, replace(load_settings(path), theme=Theme(theme.lower())))
    window: MainWindow = windows.open(data_dir)
    return window


def _texts(window: QWidget) -> list[QWidget]:
    """The labels and buttons with words on them that the operator can see now."""
    return [
        widget
        for widget in window.findChildren(QWidget)
        if isinstance(widget, (QLabel, QAbstractButton))
        and widget.isVisible()
        and widget.isEnabled()
        and widget.text().strip()
        and not widget.visibleRegion().isEmpty()
    ]


@pytest.mark.parametrize(("first", "then"), [("Dark", "Light"), ("Light", "Dark")])
def test_every_text_is_readable_after_the_theme_changes_while_open(
    qtbot, windows, data_dir, first, then
):
    seed(data_dir, "12025550101")
    window = open_in_theme(windows, data_dir, first)
    try:
        choose_theme(qtbot, window, then)
        chosen = LIGHT if then == "Light" else DARK
        qtbot.waitUntil(lambda: window.compose.palette().window().color().name() == chosen.window)
        texts = _texts(window)
        assert window.compose.more_toggle in texts
        weak = [
            (type(widget).__name__, widget.objectName(), widget.text()[:30], round(ratio, 2))
            for widget in texts
            if (ratio := ink_contrast(grab_part(window, widget))) < AA_TEXT
        ]
        assert not weak
    finally:
        apply_theme(Theme.SYSTEM)


@pytest.mark.parametrize(("first", "then"), [("Dark", "Light"), ("Light", "Dark")])
def test_the_more_options_arrow_follows_a_theme_change(qtbot, windows, data_dir, first, then):
    window = open_in_theme(windows, data_dir, first)
    try:
        choose_theme(qtbot, window, then)
        toggle = window.compose.more_toggle
        qtbot.wait(50)
        arrow = QRect(0, 0, toggle.iconSize().width() + 4, toggle.height())
        assert ink_contrast(grab_part(window, toggle, arrow)) >= NON_TEXT
    finally:
        apply_theme(Theme.SYSTEM)
