"""The region beside To: the country of numbers typed without + and their country code.

Typing in it finds a country by any part of its line ("uk", "kingdom", "+44"), the one
the text names exactly (its code, its other name, its calling code) first. Enter takes
the first country shown; Tab or a click elsewhere takes the only one shown, or the one
named exactly. Otherwise the region stays, and a line under the field says so.
"""

from __future__ import annotations

from PySide6.QtCore import (
    QLocale,
    QModelIndex,
    QPersistentModelIndex,
    QRect,
    QSortFilterProxyModel,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QLineEdit,
    QStyle,
    QStyleOptionFrame,
    QWidget,
)

from console.protocol.phone import main_region, regions
from console.ui.labels import plain_label
from console.ui.palette import Tone

NO_REGION = "Any: type +country code"
# What people call a country besides its name, so that typing it finds the country.
ALIASES = {"GB": "UK", "US": "USA", "AE": "UAE"}

_Index = QModelIndex | QPersistentModelIndex


def _country_name(code: str) -> str:
    """The English name of a region (Qt's own list: the number library's geocoder held
    about 100 MB and most of a second at start for the same names)."""
    territory = QLocale.codeToTerritory(code)
    if territory == QLocale.Country.AnyTerritory:
        return ""
    return QLocale.territoryToString(territory)


class _ExactFirst(QSortFilterProxyModel):
    """The box's lines in their order, but the one the text typed names exactly first."""

    def __init__(self, box: QComboBox) -> None:
        super().__init__(box)
        self._first = -1
        self.setSourceModel(box.model())
        self.sort(0)

    def put_first(self, row: int) -> None:
        if row != self._first:
            self._first = row
            self.invalidate()

    def lessThan(self, left: _Index, right: _Index) -> bool:
        first = self._first
        return (left.row() != first, left.row()) < (right.row() != first, right.row())


class _RegionLine(QLineEdit):
    """The box's text. Out of focus, a line too long ends in "…": the code and calling code
    at its start show whole, and that the rest is cut shows too."""

    def shown_text(self) -> str:
        if self.hasFocus():
            return self.text()
        width = self._text_rect().width()
        return self.fontMetrics().elidedText(self.text(), Qt.TextElideMode.ElideRight, width)

    def paintEvent(self, event: QPaintEvent) -> None:
        shown = self.shown_text()
        if shown == self.text():
            super().paintEvent(event)
            return
        option = QStyleOptionFrame()
        self.initStyleOption(option)
        painter = QPainter(self)
        self.style().drawPrimitive(QStyle.PrimitiveElement.PE_PanelLineEdit, option, painter, self)
        painter.setPen(self.palette().color(QPalette.ColorRole.Text))
        align = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
        painter.drawText(self._text_rect(), int(align), shown)

    def _text_rect(self) -> QRect:
        option = QStyleOptionFrame()
        self.initStyleOption(option)
        rect = self.style().subElementRect(QStyle.SubElement.SE_LineEditContents, option, self)
        # A line edit keeps two pixels either side of its text.
        return rect.marginsRemoved(self.textMargins()).adjusted(2, 0, -2, 0)


class RegionBox(QComboBox):
    """Every region, as ``GB +44 · United Kingdom (UK)``, and a first line for none.

    ``regionChosen(str | None)`` is the operator choosing another region; ``note`` is the
    line that says why what was typed chose none (the caller places it).
    """

    regionChosen = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._regions: list[str | None] = [None]
        self.addItem(NO_REGION)
        # What names a line exactly, folded: its code, other name, country name, the line.
        self._exact: dict[str, int] = {NO_REGION.casefold(): 0}
        for row, (code, calling) in enumerate(regions(), start=1):
            name = _country_name(code)
            self._regions.append(code)
            alias = f" ({ALIASES[code]})" if code in ALIASES else ""
            line = f"{code} +{calling}" + (f" · {name}{alias}" if name else "")
            self.addItem(line)
            for word in (code, ALIASES.get(code, ""), name, line):
                if word:
                    self._exact[word.casefold()] = row
            if main_region(calling) == code:
                self._exact[f"+{calling}"] = row
        self._announced: str | None = None

        self.setEditable(True)
        self._line = _RegionLine()
        self.setLineEdit(self._line)
        self.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self._ranked = _ExactFirst(self)
        completer = QCompleter(self._ranked, self)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.setCompleter(completer)
        # Narrow beside the number; its list is wide enough for the longest choice.
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.setMinimumContentsLength(7)
        self.view().setMinimumWidth(self.sizeHint().width() * 2)
        # Its suggestions whole too, not as narrow as the box.
        popup = completer.popup()
        assert popup is not None  # a completer makes its popup when asked for it
        popup.setMinimumWidth(self.view().minimumWidth())
        self.setToolTip("The country of a number typed without + and its country code")
        self.setAccessibleName("Region of numbers without a country code")
        self.note = plain_label("regionNote", Tone.WARNING)
        self.note.hide()

        # Typed: ranked before the completer filters (it does so after textEdited).
        self._line.textEdited.connect(self._edited)
        self._line.returnPressed.connect(lambda: self._typed(enter=True))
        self._line.editingFinished.connect(lambda: self._typed(enter=False))
        # The code and calling code lead the line: show them, not the line's end.
        self.currentIndexChanged.connect(lambda _: self._line.home(False))
        self.activated.connect(self._chosen)

    def region(self) -> str | None:
        return self._regions[max(0, self.currentIndex())]

    def set_region(self, region: str | None) -> None:
        """Read numbers in ``region`` from now on (no signal: not the operator's choice)."""
        code = region.upper() if region else None
        self.setCurrentIndex(self._regions.index(code) if code in self._regions else 0)
        self._line.home(False)
        self._announced = self.region()
        self.note.hide()

    def matching(self, text: str) -> list[int]:
        """The rows whose line holds ``text``, in the order the suggestions show them."""
        needle = text.casefold()
        rows = [row for row in range(self.count()) if needle in self.itemText(row).casefold()]
        exact = self._exact.get(text.strip().casefold())
        if exact in rows:
            rows.remove(exact)
            rows.insert(0, exact)
        return rows

    def _edited(self, text: str) -> None:
        self.note.hide()
        self._ranked.put_first(self._exact.get(text.strip().casefold(), -1))

    def _typed(self, *, enter: bool) -> None:
        """Take the country the text typed stands for; say why when it stands for none."""
        text = self._line.text()
        current = self.currentIndex()
        if text == self.itemText(current):
            return  # nothing typed, or a suggestion taken already
        typed = text.strip()
        rows = self.matching(text) if typed else []
        named_exactly = bool(rows) and rows[0] == self._exact.get(typed.casefold())
        if len(rows) == 1 or (rows and (enter or named_exactly)):
            self.setCurrentIndex(rows[0])
            self._chosen(rows[0])
        else:
            if rows:
                self._say(
                    f"“{typed}” fits {len(rows)} countries; the region stays {self._short()}. "
                    "Choose one from the list, or press Enter for the first."
                )
            elif typed:
                self._say(f"No country matches “{typed}”; the region stays {self._short()}.")
            self._line.setText(self.itemText(current))
        self._line.home(False)

    def _chosen(self, _index: int) -> None:
        # A suggestion taken is written into the box after this: show its start then.
        QTimer.singleShot(0, self, lambda: self._line.home(False))
        self.note.hide()
        if self.region() != self._announced:
            self._announced = self.region()
            self.regionChosen.emit(self._announced)

    def _short(self) -> str:
        """The region in use as the note names it: ``GB +44``, or Any."""
        return self.itemText(self.currentIndex()).split(" · ")[0] if self.region() else "Any"

    def _say(self, text: str) -> None:
        self.note.setText(text)
        self.note.show()
