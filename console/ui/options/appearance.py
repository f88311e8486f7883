"""The Appearance page: how the window looks."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtWidgets import QComboBox, QFormLayout, QLabel, QVBoxLayout

from console.settings import Theme
from console.ui.named import named
from console.ui.options.form import hint_label
from console.ui.options.page import Draft, SettingsPage

THEMES: tuple[tuple[Theme, str], ...] = (
    (Theme.SYSTEM, "System (as the desktop)"),
    (Theme.LIGHT, "Light"),
    (Theme.DARK, "Dark"),
)


class AppearancePage(SettingsPage):
    """The window's theme: the desktop's, or always light or dark."""

    TITLE = "Appearance"

    def __init__(self, draft: Draft) -> None:
        super().__init__(draft)
        self.theme = named(QComboBox(), "theme")
        for _, words in THEMES:
            self.theme.addItem(words)
        self.theme.setCurrentIndex([t for t, _ in THEMES].index(draft.settings.theme))
        self.theme.setAccessibleName("Theme")
        label = QLabel("&Theme")
        label.setBuddy(self.theme)
        form = QFormLayout()
        form.addRow(label, self.theme)
        form.addRow(
            "",
            hint_label(
                "Applies to this computer's console as soon as the settings are saved. Every "
                "theme keeps text readable: its colours meet the WCAG AA contrast."
            ),
        )
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addStretch(1)
        self.theme.currentIndexChanged.connect(self._chosen)

    def _chosen(self, index: int) -> None:
        self.draft.settings = replace(self.draft.settings, theme=THEMES[index][0])
        self.changed.emit()
