"""Check boxes and radio buttons whose outline can be seen in every theme.

Fusion draws an indicator's outline a shade darker than the window colour: about 1.1:1
against the dark theme's window and 1.6:1 against the light one, where WCAG asks 3:1 of
what shows a control is there. Its outline comes from the window colour alone, so no
palette role can change it: :class:`IndicatorStyle` lets Fusion draw the indicator, then
draws the outline again, on the same line, in the palette's Mid (which both themes set to
3:1 against the window and the fields; see ``palette.py``).

It is the style of the check boxes and radio buttons only (:func:`outlined`), not of the
application: a style written in Python is called for every primitive of every widget, and
made the log's table about two thirds slower to paint
(``tests/benchmarks/bench_paint_style.py``).
"""

from __future__ import annotations

from typing import TypeVar

from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QPainter, QPalette, QPen
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QProxyStyle,
    QStyle,
    QStyleOption,
    QWidget,
)

_FUSION = "fusion"
_INDICATORS = (
    QStyle.PrimitiveElement.PE_IndicatorCheckBox,
    QStyle.PrimitiveElement.PE_IndicatorRadioButton,
)


class IndicatorStyle(QProxyStyle):
    """Fusion, with the outline of check boxes and radio buttons in the palette's Mid."""

    def drawPrimitive(
        self,
        element: QStyle.PrimitiveElement,
        option: QStyleOption,
        painter: QPainter,
        widget: QWidget | None = None,
    ) -> None:
        super().drawPrimitive(element, option, painter, widget)
        if element not in _INDICATORS:
            return
        state = option.state
        if state & QStyle.StateFlag.State_HasFocus and (
            state & QStyle.StateFlag.State_KeyboardFocusChange
        ):
            return  # Fusion's focus colour says more than the outline
        rect = option.rect
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.setPen(QPen(option.palette.color(QPalette.ColorRole.Mid)))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        if element == QStyle.PrimitiveElement.PE_IndicatorCheckBox:
            # Where Fusion draws it: a one-pixel line on the rectangle's inner edge.
            painter.translate(0.5, 0.5)
            painter.drawRect(rect.adjusted(0, 0, -1, -1))
        else:
            # Fusion's circle: centred a pixel right of and below the rectangle's centre.
            radius = (rect.width() + (rect.width() + 1) % 2) / 2.0 - 1
            painter.drawEllipse(QPointF(rect.center()) + QPointF(1, 1), radius, radius)
        painter.restore()


_shared: IndicatorStyle | None = None

B = TypeVar("B", bound=QAbstractButton)


def outlined(button: B) -> B:
    """``button`` (a check box or radio button) with its indicator outlined in the palette's
    Mid, where the application's style is Fusion (other styles draw their own indicators,
    with their own contrast)."""
    global _shared  # one for every button, made when first asked for
    app = QApplication.instance()
    assert isinstance(app, QApplication), "a style needs the application"
    if app.style().name().lower() != _FUSION:
        return button
    if _shared is None:
        _shared = IndicatorStyle(_FUSION)
        _shared.setParent(app)  # a widget's style is not its own: the application keeps it
    button.setStyle(_shared)
    return button
