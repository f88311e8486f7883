"""The To field: the number, the region it is read in, and how it was read."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLineEdit, QVBoxLayout, QWidget

from console.drafts import check_recipient
from console.protocol.phone import InvalidPhoneNumber, example_numbers
from console.ui.labels import ElidedLabel, coloured, reserved
from console.ui.named import named
from console.ui.palette import Tone
from console.ui.region_box import RegionBox


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
        self.region_box = named(RegionBox(), "region")
        # One line, cut short to fit, whole in its tooltip: a wrapping line would move the
        # fields below it as the number is typed.
        self.preview = named(ElidedLabel(), "recipientPreview")
        # Why a number is refused by the opt-out list, if it is (set by the window).
        self.opted_out: Callable[[str], str | None] = lambda _digits: None

        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.line, stretch=1)
        row.addWidget(self.region_box)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addLayout(row)
        layout.addWidget(reserved(self.preview, 1))
        layout.addWidget(self.region_box.note)

        self.line.textChanged.connect(self.textChanged)
        self.region_box.regionChosen.connect(self._chosen)
        self.set_region(None)

    def region(self) -> str | None:
        return self.region_box.region()

    def set_region(self, region: str | None) -> None:
        """Read numbers in ``region`` from now on (no signal: not the operator's choice)."""
        self.region_box.set_region(region)
        self._describe()

    def refresh(self) -> None:
        """Say how the number reads, or why it cannot be sent to."""
        text = self.line.text()
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
            refused = self.opted_out(number.digits)
            if refused:
                # The store has the last word at Send; this says it before anything is typed.
                self.preview.setText(
                    f"{self.preview.text()} · opted out: a message will be refused"
                )
                self.preview.setToolTip(refused)
                coloured(self.preview, Tone.ERROR)
            elif number.warning:
                # On the same line, whole in its tooltip: a line more would move the form.
                self.preview.setText(f"{self.preview.text()} · not known to be assigned: check it")
                self.preview.setToolTip(number.warning)
                coloured(self.preview, Tone.WARNING)
        self.preview.show()

    def _chosen(self, region: str | None) -> None:
        self._describe()
        self.refresh()
        self.regionChosen.emit(region)

    def _describe(self) -> None:
        examples = example_numbers(self.region())
        self.line.setPlaceholderText(", ".join(examples) + "…")
