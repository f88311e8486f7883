"""The palette: every text colour readable (WCAG AA) in both themes, and a theme chosen in
the settings repaints what is already open."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QDialogButtonBox, QLabel, QToolBar

from console.paths import settings_path
from console.settings import Theme, load_settings
from console.ui.labels import plain_label
from console.ui.options.dialog import SettingsDialog
from console.ui.palette import DARK, SCHEMES, Badge, Scheme, Tone, apply_theme, badge, scheme
from tests.ui.driving import choose

pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints")

AA_TEXT = 4.5


def _luminance(colour: str) -> float:
    def linear(channel: int) -> float:
        c = channel / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b)


def contrast(one: str, other: str) -> float:
    """WCAG 2 contrast ratio of two ``#rrggbb`` colours."""
    light, dark = sorted((_luminance(one), _luminance(other)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def _pairs(chosen: Scheme) -> Iterator[tuple[str, str, str]]:
    """(what, text colour, background) for every text the window shows in ``chosen``."""
    for ground in ("window", "base", "alternate_base"):
        yield f"text on {ground}", chosen.text, getattr(chosen, ground)
        yield f"link on {ground}", chosen.link, getattr(chosen, ground)
        for tone in Tone:
            yield f"{tone} on {ground}", chosen.tone(tone), getattr(chosen, ground)
    yield "placeholder on base", chosen.placeholder, chosen.base
    yield "selected text", chosen.highlighted_text, chosen.highlight
    for kind in Badge:
        yield f"{kind} badge", chosen.badge_text, getattr(chosen, kind.value)
    yield "notice", chosen.notice_text, chosen.notice_background
    yield "UCS-2 character", chosen.text, chosen.ucs2_background


@pytest.mark.parametrize("chosen", SCHEMES, ids=lambda s: s.name)
def test_every_text_colour_meets_wcag_aa_against_what_it_sits_on(chosen: Scheme) -> None:
    weak = [
        f"{what}: {text} on {ground} is {contrast(text, ground):.2f}:1"
        for what, text, ground in _pairs(chosen)
        if contrast(text, ground) < AA_TEXT
    ]
    assert not weak


def test_the_contrast_formula_gives_the_known_extremes() -> None:
    assert contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast("#777777", "#777777") == pytest.approx(1.0)
    # A grey that famously just fails AA on white.
    assert contrast("#777777", "#ffffff") < AA_TEXT < contrast("#767676", "#ffffff")


def test_a_theme_change_recolours_what_is_open(qapp: object) -> None:
    label = plain_label("note", Tone.ERROR)
    tag = plain_label("tag")
    badge(tag, Badge.PRODUCTION)
    try:
        apply_theme(Theme.LIGHT)
        assert scheme().error in label.styleSheet()
        apply_theme(Theme.DARK)
        assert scheme().name == "dark"
        assert scheme().error in label.styleSheet()
        assert scheme().production in tag.styleSheet()
        window = qapp.palette().color(QPalette.ColorRole.Window)  # type: ignore[attr-defined]
        assert window.name() == scheme().window
    finally:
        apply_theme(Theme.SYSTEM)
    assert scheme().name == "light"  # the offscreen desktop is light


def test_choosing_dark_in_the_settings_turns_the_open_window_dark_and_stays(
    qtbot, windows, data_dir
):
    window = windows.open(data_dir)
    try:
        toolbar = window.findChild(QToolBar)
        qtbot.mouseClick(toolbar.widgetForAction(window.settings_action), Qt.MouseButton.LeftButton)
        (dialog,) = [d for d in window.findChildren(SettingsDialog) if d.isVisible()]
        tabs = dialog.tabs.tabBar()
        appearance = next(i for i in range(tabs.count()) if tabs.tabText(i) == "Appearance")
        qtbot.mouseClick(tabs, Qt.MouseButton.LeftButton, pos=tabs.tabRect(appearance).center())
        assert dialog.theme_box.isVisible()
        assert dialog.theme_box.currentText() == "System (as the desktop)"
        choose(qtbot, dialog.theme_box, "Dark")
        ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
        qtbot.mouseClick(ok, Qt.MouseButton.LeftButton, pos=QPoint(5, 5))

        qtbot.waitUntil(
            lambda: window.palette().color(QPalette.ColorRole.Window).name() == DARK.window
        )
        assert window.table.palette().color(QPalette.ColorRole.Base).name() == DARK.base
        # Coloured words already shown take the dark theme's colour.
        assert DARK.ok in window.listener_status.styleSheet()
        assert load_settings(settings_path(data_dir)).theme is Theme.DARK

        windows.close(window)
        again = windows.open(data_dir)
        assert again.palette().color(QPalette.ColorRole.Window).name() == DARK.window
    finally:
        apply_theme(Theme.SYSTEM)


def _text_colour(label: QLabel) -> str:
    sheet = re.search(r"(?<![-\w])color: (#[0-9a-f]{6})", label.styleSheet())
    if sheet:
        return sheet.group(1)
    group = QPalette.ColorGroup.Active if label.isEnabled() else QPalette.ColorGroup.Disabled
    return label.palette().color(group, QPalette.ColorRole.WindowText).name()


@pytest.mark.parametrize("theme", [Theme.SYSTEM, Theme.LIGHT, Theme.DARK])
def test_every_line_of_the_settings_dialog_is_readable(qtbot, window, theme):
    apply_theme(theme)
    try:
        toolbar = window.findChild(QToolBar)
        qtbot.mouseClick(toolbar.widgetForAction(window.settings_action), Qt.MouseButton.LeftButton)
        (dialog,) = [d for d in window.findChildren(SettingsDialog) if d.isVisible()]
        ground = dialog.palette().color(QPalette.ColorRole.Window).name()
        weak = [
            (
                label.text()[:40],
                _text_colour(label),
                round(contrast(_text_colour(label), ground), 2),
            )
            for label in dialog.findChildren(QLabel)
            # Badges have a background of their own, checked with the scheme above.
            if label.text() and "background" not in label.styleSheet()
            if contrast(_text_colour(label), ground) < AA_TEXT
        ]
        assert not weak
        dialog.reject()
    finally:
        apply_theme(Theme.SYSTEM)
