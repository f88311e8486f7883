"""The Operator page: the name this console's operator is recorded under."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFormLayout, QLabel, QLineEdit, QVBoxLayout

from console.identity import RunOperator, os_user
from console.settings import MAX_NAME_LENGTH, SettingsError
from console.ui.named import named
from console.ui.options.form import Field, hint_label
from console.ui.options.page import Draft, SettingsPage


class OperatorPage(SettingsPage):
    """Who sends from this console: recorded with each message and in the audit trail."""

    TITLE = "Operator"

    def __init__(self, draft: Draft, run_operator: RunOperator | None = None) -> None:
        """``run_operator``: the name this run uses instead (``--operator`` or the
        environment), said on the page."""
        super().__init__(draft)
        self.name = named(QLineEdit(draft.settings.operator_name), "operatorName")
        self.name.setMaxLength(MAX_NAME_LENGTH)
        self.name.setPlaceholderText(os_user())
        self.name.setAccessibleName("Operator name")
        self.field = Field(
            self.name,
            f"Empty: your user name on this computer ({os_user()}). Each message sent is "
            "recorded with it and this computer's name, and so is what the audit trail lists "
            "(sends, retries, exports, settings changes).",
        )
        label = QLabel("Operator &name")
        label.setBuddy(self.name)
        form = QFormLayout()
        form.addRow(label, self.field)
        if run_operator is not None:
            note = named(
                QLabel(
                    f"This run uses {run_operator.name} (from {run_operator.source}); "
                    "the name here is used otherwise."
                ),
                "runOperatorNote",
            )
            note.setWordWrap(True)
            note.setTextFormat(Qt.TextFormat.PlainText)
            form.addRow("", note)
        form.addRow(
            "",
            hint_label(
                "The log's Mine filter shows the messages sent under the operator's name. "
                "--operator or SMS_CONSOLE_OPERATOR, for the window or a command, take this "
                "name's place for that run."
            ),
        )
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addStretch(1)
        self.name.textEdited.connect(self._typed)

    def _typed(self, text: str) -> None:
        try:
            self.draft.settings = replace(self.draft.settings, operator_name=text.strip())
        except SettingsError as exc:
            self.problems = {"operator_name": exc.problems.get("operator_name", str(exc))}
        else:
            self.problems = {}
        self.field.set_error(self.problems.get("operator_name"))
        self.changed.emit()
