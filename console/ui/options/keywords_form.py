"""A profile's reply keywords (STOP, START, HELP) and the texts sent back, in its form."""

from __future__ import annotations

from PySide6.QtWidgets import QFormLayout, QGroupBox, QLineEdit

from console.protocol.keywords import Keywords
from console.ui.options.form import Form, hint_label

KEYWORDS_HINT = (
    "Separated by commas. A customer's reply that is only one of these words (in any case, "
    "spaces and punctuation around it ignored) puts the number on the opt-out list at once."
)
WHICH_PROFILE = (
    "A reply gets the words and texts of the profile whose senders include the number the "
    "customer wrote to, else those of the active profile."
)


def _words(line: QLineEdit) -> tuple[str, ...]:
    return tuple(word.strip() for word in line.text().split(",") if word.strip())


class KeywordFields:
    """The keyword lists (comma-separated) and the optional texts, bound to ``keywords``."""

    def __init__(self, form: Form) -> None:
        self._form = form
        self.opt_out = QLineEdit()
        self.opt_in = QLineEdit()
        self.help = QLineEdit()
        self.help_reply = QLineEdit()
        self.stop_confirmation = QLineEdit()
        self.start_confirmation = QLineEdit()
        for line in (self.help_reply, self.stop_confirmation, self.start_confirmation):
            line.setPlaceholderText("none (off)")
        for line in self._lines():
            form._bind("keywords", line.textEdited, self.value)

    def _lines(self) -> tuple[QLineEdit, ...]:
        return (
            self.opt_out,
            self.opt_in,
            self.help,
            self.help_reply,
            self.stop_confirmation,
            self.start_confirmation,
        )

    def box(self) -> QGroupBox:
        box = QGroupBox("Customers' replies")
        form = QFormLayout(box)
        form.addRow(hint_label(WHICH_PROFILE))
        field = self._form._field
        form.addRow("Opt-out words", field("opt_out_keywords", self.opt_out, KEYWORDS_HINT))
        form.addRow(
            "Opt-in words",
            field("opt_in_keywords", self.opt_in, "These take the number off the list."),
        )
        form.addRow("Help words", field("help_keywords", self.help))
        form.addRow(
            "Help answer",
            field("help_reply", self.help_reply, "Sent back to a help word; none when empty."),
        )
        form.addRow(
            "STOP confirmation",
            field(
                "stop_confirmation",
                self.stop_confirmation,
                "Sent in answer to each opt-out keyword; the only text an opted-out number gets.",
            ),
        )
        form.addRow("START confirmation", field("start_confirmation", self.start_confirmation))
        return box

    def value(self) -> Keywords:
        return Keywords(
            opt_out=_words(self.opt_out),
            opt_in=_words(self.opt_in),
            help=_words(self.help),
            help_reply=self.help_reply.text().strip(),
            stop_confirmation=self.stop_confirmation.text().strip(),
            start_confirmation=self.start_confirmation.text().strip(),
        )

    def load(self, keywords: Keywords) -> None:
        self.opt_out.setText(", ".join(keywords.opt_out))
        self.opt_in.setText(", ".join(keywords.opt_in))
        self.help.setText(", ".join(keywords.help))
        self.help_reply.setText(keywords.help_reply)
        self.stop_confirmation.setText(keywords.stop_confirmation)
        self.start_confirmation.setText(keywords.start_confirmation)
