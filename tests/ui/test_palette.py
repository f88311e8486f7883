"""The palette: every text colour readable (WCAG AA) in both themes, check boxes and radio
buttons outlined at 3:1, and a theme chosen in the settings repaints what is already open."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtGui import QImage, QPalette
from PySide6.QtWidgets import (
    QAbstractButton,
    QCheckBox,
    QDialogButtonBox,
    QLabel,
    QRadioButton,
    QStyle,
    QStyleOptionButton,
    QToolBar,
    QWidget,
)

from console.paths import settings_path
from console.settings import Theme, load_settings
from console.ui.indicator_style import IndicatorStyle, outlined
from console.ui.labels import plain_label
from console.ui.options.dialog import SettingsDialog
from console.ui.palette import (
    DARK,
    SCHEMES,
    Badge,
    Scheme,
    Tone,
    apply_theme,
    badge,
    qt_palette,
    scheme,
)
from tests.ui.driving import choose

pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints")

AA_TEXT = 4.5
NON_TEXT = 3.0  # WCAG 1.4.11: what shows a control is there


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


def choose_theme_in_the_settings(qtbot, window, theme: str) -> None:
    """Settings, Appearance, ``theme``, OK: as the operator does it."""
    toolbar = window.findChild(QToolBar)
    qtbot.mouseClick(toolbar.widgetForAction(window.settings_action), Qt.MouseButton.LeftButton)
    (dialog,) = [d for d in window.findChildren(SettingsDialog) if d.isVisible()]
    tabs = dialog.tabs.tabBar()
    appearance = next(i for i in range(tabs.count()) if tabs.tabText(i) == "Appearance")
    qtbot.mouseClick(tabs, Qt.MouseButton.LeftButton, pos=tabs.tabRect(appearance).center())
    assert dialog.theme_box.isVisible()
    assert dialog.theme_box.currentText() == "System (as the desktop)"
    choose(qtbot, dialog.theme_box, theme)
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    qtbot.mouseClick(ok, Qt.MouseButton.LeftButton, pos=QPoint(5, 5))


def test_choosing_dark_in_the_settings_turns_the_open_window_dark_and_stays(
    qtbot, windows, data_dir
):
    window = windows.open(data_dir)
    try:
        choose_theme_in_the_settings(qtbot, window, "Dark")

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


@pytest.mark.parametrize("chosen", SCHEMES, ids=lambda s: s.name)
def test_check_box_and_radio_outlines_meet_3_to_1_in_the_palette(qapp, chosen: Scheme) -> None:
    palette = qt_palette(chosen)
    role = QPalette.ColorRole
    outline = palette.color(role.Mid).name()  # what indicator_style draws them with
    weak = [
        f"outline {outline} on {ground.name} is {contrast(outline, colour):.2f}:1"
        for ground in (role.Window, role.Base, role.AlternateBase, role.Button)
        if contrast(outline, colour := palette.color(ground).name()) < NON_TEXT
    ]
    assert not weak
    # The bevel shades go from light to dark, as Qt's styles expect.
    shades = [role.Light, role.Midlight, role.Button, role.Dark, role.Shadow]
    lightness = [palette.color(shade).lightness() for shade in shades]
    assert lightness == sorted(lightness, reverse=True)


def _indicator_frame(
    window: QWidget, button: QAbstractButton, element: QStyle.SubElement
) -> tuple[str, str, str]:
    """The colours left of an indicator's outline, on it, and inside it, as ``window``
    shows them, at the indicator's middle row."""
    option = QStyleOptionButton()
    button.initStyleOption(option)
    rect = button.style().subElementRect(element, option, button)
    origin = button.mapTo(window, QPoint(0, 0))
    margin = 2  # a little of what is around it
    image: QImage = window.grab(
        QRect(origin.x() - margin, origin.y(), button.width() + margin, button.height())
    ).toImage()
    x, y = rect.left() + margin, rect.center().y() + 1
    around, frame, inside = (image.pixelColor(x + dx, y).name() for dx in (-1, 0, 2))
    return around, frame, inside


def test_check_boxes_and_radio_buttons_stand_out_in_the_dark_theme(qtbot, windows, data_dir):
    window = windows.open(data_dir)
    try:
        choose_theme_in_the_settings(qtbot, window, "Dark")
        compose = window.compose
        window_colour = QPalette.ColorRole.Window
        qtbot.waitUntil(lambda: compose.palette().color(window_colour).name() == DARK.window)
        receipt = compose.receipt  # a check box the operator uses on every message
        # None in the window yet; one made the way a new one must be.
        radio = outlined(QRadioButton("Reply from the same sender", compose))
        radio.move(receipt.x(), receipt.y() + 2 * receipt.height())
        radio.show()
        for button, element in (
            (receipt, QStyle.SubElement.SE_CheckBoxIndicator),
            (radio, QStyle.SubElement.SE_RadioButtonIndicator),
        ):
            assert isinstance(button, (QCheckBox, QRadioButton))
            around, frame, inside = _indicator_frame(window, button, element)
            assert around == DARK.window
            assert contrast(frame, around) >= NON_TEXT, (button.text(), frame, around)
            assert contrast(frame, inside) >= NON_TEXT, (button.text(), frame, inside)
    finally:
        apply_theme(Theme.SYSTEM)


def test_every_check_box_of_the_window_and_its_settings_is_outlined(qtbot, window):
    toolbar = window.findChild(QToolBar)
    qtbot.mouseClick(toolbar.widgetForAction(window.settings_action), Qt.MouseButton.LeftButton)
    (dialog,) = [d for d in window.findChildren(SettingsDialog) if d.isVisible()]
    # The dialog is the window's child: its buttons are among the window's.
    buttons = [*window.findChildren(QCheckBox), *window.findChildren(QRadioButton)]
    assert len(buttons) >= 2
    assert [b.text() for b in buttons if not isinstance(b.style(), IndicatorStyle)] == []
    dialog.reject()
