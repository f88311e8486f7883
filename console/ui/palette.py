"""Every colour the window uses, for a light and a dark theme.

Each theme names the colours of Qt's palette and the colours of meaning (good, bad,
doubtful and quiet news, environment badges, notices). Widgets never name a colour: they
ask for one with :func:`tint`, :func:`badge` or :func:`notice`, which :func:`apply_theme`
restyles, or read :func:`scheme` and repaint on :func:`theme_changed`. Text colours meet
WCAG AA (4.5:1) against the backgrounds they sit on in both themes, and the outline of
check boxes and radio buttons (the palette's Mid, see ``indicator_style``) 3:1;
``tests/ui/test_palette.py`` checks every pair.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from PySide6.QtCore import QObject, Qt, Signal, SignalInstance
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication, QLabel, QWidget

from console.settings import Theme


class Tone(StrEnum):
    """What a coloured text or mark means."""

    OK = "ok"
    ERROR = "error"
    WARNING = "warning"
    MUTED = "muted"


class Badge(StrEnum):
    """A badge's kind, named as the scheme's field of its colour."""

    PRODUCTION = "production"
    TEST = "test"
    DEMO = "demo"


@dataclass(frozen=True)
class Scheme:
    """One theme's colours, as ``#rrggbb``."""

    name: str
    window: str
    base: str
    alternate_base: str
    text: str
    placeholder: str
    disabled_text: str
    highlight: str
    highlighted_text: str
    link: str
    # Qt's shades for bevels (Light, Midlight, Dark, Shadow), and its Mid: the outline of
    # check boxes and radio buttons, 3:1 against the window and the fields.
    shade_light: str
    shade_midlight: str
    outline: str
    shade_dark: str
    shadow: str
    ok: str
    error: str
    warning: str
    muted: str
    badge_text: str
    production: str
    test: str
    demo: str
    ucs2_background: str
    notice_background: str
    notice_text: str
    notice_border: str

    def tone(self, tone: Tone) -> str:
        colour: str = getattr(self, tone.value)
        return colour

    @property
    def dark(self) -> bool:
        return QColor(self.base).lightness() < 128


LIGHT = Scheme(
    name="light",
    window="#efefef",
    base="#ffffff",
    alternate_base="#f6f8fa",
    text="#1f2328",
    placeholder="#6b6e73",
    disabled_text="#8c959f",
    highlight="#2f65ca",
    highlighted_text="#ffffff",
    link="#0b57d0",
    shade_light="#ffffff",
    shade_midlight="#f7f7f7",
    outline="#76797e",
    shade_dark="#5c6066",
    shadow="#3a3d41",
    ok="#116329",
    error="#b3261e",
    warning="#8a5100",
    muted="#57606a",
    badge_text="#ffffff",
    production="#b3261e",
    test="#00695c",
    demo="#6f42c1",
    ucs2_background="#ffd666",
    notice_background="#fff4e5",
    notice_text="#7a4100",
    notice_border="#f0b060",
)

DARK = Scheme(
    name="dark",
    window="#2b2d30",
    base="#1e1f22",
    alternate_base="#26282b",
    text="#e6e6e6",
    placeholder="#9a9da3",
    disabled_text="#6b6e73",
    highlight="#2f65ca",
    highlighted_text="#ffffff",
    link="#6ea8fe",
    shade_light="#44474c",
    shade_midlight="#383a3e",
    outline="#8a8e94",
    shade_dark="#1a1b1e",
    shadow="#000000",
    ok="#4ac26b",
    error="#ff7b72",
    warning="#e3b341",
    muted="#9aa4ae",
    badge_text="#ffffff",
    production="#b3261e",
    test="#00695c",
    demo="#6f42c1",
    ucs2_background="#6b5000",
    notice_background="#3d2e00",
    notice_text="#ffd58a",
    notice_border="#8a6a20",
)

SCHEMES = (LIGHT, DARK)
_STYLE_PROPERTY = "paletteStyle"


class _State(QObject):
    changed = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.theme = Theme.SYSTEM
        self.scheme = LIGHT


_state: _State | None = None


def _current() -> _State:
    global _state  # one per process, made when first asked for
    if _state is None:
        _state = _State()
    return _state


def scheme() -> Scheme:
    """The colours in use now."""
    return _current().scheme


def colour(tone: Tone) -> str:
    return scheme().tone(tone)


def theme_changed() -> SignalInstance:
    """Emitted after the theme changed, for what paints colours itself (rich text, icons)."""
    return _current().changed


def qt_palette(chosen: Scheme) -> QPalette:
    """Qt's palette for ``chosen``, so that plain widgets follow the theme too."""
    palette = QPalette()
    role = QPalette.ColorRole
    for qt_role, value in (
        (role.Window, chosen.window),
        (role.WindowText, chosen.text),
        (role.Base, chosen.base),
        (role.AlternateBase, chosen.alternate_base),
        (role.Text, chosen.text),
        (role.Button, chosen.window),
        (role.ButtonText, chosen.text),
        (role.Light, chosen.shade_light),
        (role.Midlight, chosen.shade_midlight),
        (role.Mid, chosen.outline),
        (role.Dark, chosen.shade_dark),
        (role.Shadow, chosen.shadow),
        (role.ToolTipBase, chosen.window),
        (role.ToolTipText, chosen.text),
        (role.PlaceholderText, chosen.placeholder),
        (role.Highlight, chosen.highlight),
        (role.HighlightedText, chosen.highlighted_text),
        (role.Link, chosen.link),
        (role.BrightText, chosen.badge_text),
    ):
        palette.setColor(qt_role, QColor(value))
    for qt_role in (role.Text, role.ButtonText, role.WindowText):
        palette.setColor(QPalette.ColorGroup.Disabled, qt_role, QColor(chosen.disabled_text))
    return palette


def apply_theme(theme: Theme | str) -> Scheme:
    """Use ``theme`` for the whole application from now on, repainting what is open.

    *System* keeps the style's own palette and takes the scheme whose lightness matches it.
    """
    app = QApplication.instance()
    assert isinstance(app, QApplication), "a theme needs the application"
    state = _current()
    state.theme = Theme(theme)
    hints = QGuiApplication.styleHints()
    if state.theme is Theme.SYSTEM:
        hints.unsetColorScheme()
        app.setPalette(QPalette())  # an empty palette gives back the desktop's own
        dark = app.palette().color(QPalette.ColorRole.Base).lightness() < 128
        state.scheme = DARK if dark else LIGHT
    else:
        state.scheme = DARK if state.theme is Theme.DARK else LIGHT
        hints.setColorScheme(Qt.ColorScheme.Dark if state.scheme.dark else Qt.ColorScheme.Light)
        app.setPalette(qt_palette(state.scheme))
    for widget in app.allWidgets():
        key = widget.property(_STYLE_PROPERTY)
        if key:
            _restyle(widget, str(key))
    state.changed.emit()
    return state.scheme


def tint(widget: QWidget, tone: Tone | None) -> None:
    """Give ``widget``'s text the colour of ``tone`` (None: the usual text colour)."""
    _style(widget, tone.value if tone else "")


def notice(widget: QWidget) -> None:
    """Make ``widget`` a boxed notice: a caution that must be read before going on."""
    _style(widget, "notice")


def badge(label: QLabel, kind: Badge) -> None:
    """Make ``label`` a bold badge in the colour of ``kind``."""
    _style(label, kind.value)


def badge_colour(kind: Badge) -> str:
    colour_of_badge: str = getattr(scheme(), kind.value)
    return colour_of_badge


def _style(widget: QWidget, key: str) -> None:
    widget.setProperty(_STYLE_PROPERTY, key)
    _restyle(widget, key)


def _restyle(widget: QWidget, key: str) -> None:
    chosen = scheme()
    if not key:
        css = ""
    elif key == "notice":
        css = (
            f"background: {chosen.notice_background}; color: {chosen.notice_text}; "
            f"border: 1px solid {chosen.notice_border}; border-radius: 4px; padding: 6px;"
        )
    elif key in Badge.__members__.values():
        css = (
            f"QLabel {{ background-color: {badge_colour(Badge(key))}; color: {chosen.badge_text};"
            " font-weight: bold; padding: 2px 8px; border-radius: 3px; }"
        )
    else:
        css = f"color: {chosen.tone(Tone(key))};"
    widget.setStyleSheet(css)
