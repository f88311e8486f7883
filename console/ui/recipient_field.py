"""The To field: the number, the region it is read in, and how it was read."""

from __future__ import annotations

from PySide6.QtCore import QLocale, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QHBoxLayout,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from console.drafts import check_recipient
from console.protocol.phone import InvalidPhoneNumber, example_numbers, regions
from console.ui.labels import ElidedLabel, coloured, plain_label, reserved
from console.ui.named import named
from console.ui.palette import Tone

NO_REGION = "Any: type +country code"
# What people call a country besides its name, so that typing it finds the country.
ALIASES = {"GB": "UK", "US": "USA", "AE": "UAE"}


def _country_name(code: str) -> str:
    """The English name of a region (Qt's own list: the number library's geocoder held
    about 100 MB and most of a second at start for the same names)."""
    territory = QLocale.codeToTerritory(code)
    if territory == QLocale.Country.AnyTerritory:
        return ""
    return QLocale.territoryToString(territory)


class RecipientField(QWidget):
    """A number, read in the region beside it (a number with ``+`` needs none).

    ``textChanged`` follows the number; ``regionChosen(str | None)`` is the operator
    choosing another region.
    """

    textChanged = Signal()
    regionChosen = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.line = named(QLineEdit(), "recipient")
        self.line.setClearButtonEnabled(True)
        self._regions: list[str | None] = [None]
        self.region_box = named(QComboBox(), "region")
        self.region_box.addItem(NO_REGION)
        for code, calling in regions():
            name = _country_name(code)
            self._regions.append(code)
            alias = f" ({ALIASES[code]})" if code in ALIASES else ""
            self.region_box.addItem(f"{code} +{calling}" + (f" · {name}{alias}" if name else ""))
        # Typing finds a region by any part of its line: "uk", "kingdom", "+44".
        self.region_box.setEditable(True)
        self._region_text = QLineEdit()
        self.region_box.setLineEdit(self._region_text)
        self.region_box.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        completer = QCompleter(self.region_box.model(), self.region_box)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.region_box.setCompleter(completer)
        self._region_text.editingFinished.connect(self._typed)
        # The code and calling code lead the line: show them, not the line's end.
        self.region_box.currentIndexChanged.connect(lambda _: self._region_text.home(False))
        # Narrow beside the number; its list is wide enough for the longest choice.
        self.region_box.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.region_box.setMinimumContentsLength(7)
        self.region_box.view().setMinimumWidth(self.region_box.sizeHint().width() * 2)
        # Its suggestions whole too, not as narrow as the box.
        popup = completer.popup()
        assert popup is not None  # a completer makes its popup when asked for it
        popup.setMinimumWidth(self.region_box.view().minimumWidth())
        self.region_box.setToolTip("The country of a number typed without + and its country code")
        self.region_box.setAccessibleName("Region of numbers without a country code")
        # One line, cut short to fit, whole in its tooltip: a wrapping line would move the
        # fields below it as the number is typed.
        self.preview = named(ElidedLabel(), "recipientPreview")
        self.warning = plain_label("recipientWarning", Tone.WARNING)

        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.line, stretch=1)
        row.addWidget(self.region_box)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addLayout(row)
        layout.addWidget(reserved(self.preview, 1))
        layout.addWidget(self.warning)

        self.line.textChanged.connect(self.textChanged)
        self.region_box.activated.connect(self._chosen)
        self.set_region(None)

    def region(self) -> str | None:
        return self._regions[max(0, self.region_box.currentIndex())]

    def set_region(self, region: str | None) -> None:
        """Read numbers in ``region`` from now on (no signal: not the operator's choice)."""
        code = region.upper() if region else None
        index = self._regions.index(code) if code in self._regions else 0
        self.region_box.setCurrentIndex(index)
        self._region_text.home(False)
        self._describe()

    def refresh(self) -> None:
        """Say how the number reads, or why it cannot be sent to."""
        text = self.line.text()
        self.warning.hide()
        if not text.strip():
            self.preview.hide()
            return
        try:
            number = check_recipient(text, self.region())
        except InvalidPhoneNumber as exc:
            self.preview.setText(f"Not a usable number: {exc.reason}")
            self.preview.setToolTip(self.preview.text())
            coloured(self.preview, Tone.ERROR)
        else:
            region = f" ({number.region})" if number.region else ""
            self.preview.setText(f"→ {number.display}{region}")
            self.preview.setToolTip("")
            coloured(self.preview, Tone.MUTED)
            if number.warning:
                self.warning.setText(number.warning)
                self.warning.show()
        self.preview.show()

    def _typed(self) -> None:
        """Take a region code typed whole; anything else that is no region is undone."""
        box = self.region_box
        text = self._region_text.text().strip().upper()
        if text in self._regions and self._regions.index(text) != box.currentIndex():
            box.setCurrentIndex(self._regions.index(text))
            self._chosen(box.currentIndex())
        else:
            self._region_text.setText(box.itemText(box.currentIndex()))
        self._region_text.home(False)

    def _chosen(self, _index: int) -> None:
        # A suggestion taken is written into the box after this: show its start then.
        QTimer.singleShot(0, self, lambda: self._region_text.home(False))
        self._describe()
        self.refresh()
        self.regionChosen.emit(self.region())

    def _describe(self) -> None:
        examples = example_numbers(self.region())
        self.line.setPlaceholderText(", ".join(examples) + "…")
