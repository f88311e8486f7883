"""The Profiles page: the list of account profiles, its buttons, and the chosen one's form."""

from __future__ import annotations

from PySide6.QtCore import QSignalBlocker
from PySide6.QtGui import QColor, QFont, QIcon, QPixmap
from PySide6.QtWidgets import (
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from console.settings import (
    Profile,
    SettingsError,
    add_profile,
    duplicate_profile,
    remove_profile,
    replace_profile,
    unique_name,
    with_active,
)
from console.ui.environment_style import environment_colour, environment_word
from console.ui.options.form import hint_label
from console.ui.options.page import Draft, SettingsPage
from console.ui.options.profile_form import ProfileForm


def _swatch(colour: QColor) -> QIcon:
    pixmap = QPixmap(12, 12)
    pixmap.fill(colour)
    return QIcon(pixmap)


class ProfilesPage(SettingsPage):
    """Every profile, which one is in use, and the form of the one chosen in the list.

    A profile with errors must be corrected before another one is chosen, so the list
    holds only valid profiles.
    """

    TITLE = "Profiles"

    def __init__(self, draft: Draft) -> None:
        super().__init__(draft)
        self._current = draft.settings.active
        self.profile_list = QListWidget()
        self.profile_list.setMinimumWidth(180)
        self.profile_list.currentRowChanged.connect(self._profile_chosen)
        self.add_button = QPushButton("Add")
        self.duplicate_button = QPushButton("Duplicate")
        self.rename_button = QPushButton("Rename")
        self.remove_button = QPushButton("Remove")
        self.activate_button = QPushButton("Make active")
        self.add_button.clicked.connect(self._add)
        self.duplicate_button.clicked.connect(self._duplicate)
        self.rename_button.clicked.connect(self._rename)
        self.remove_button.clicked.connect(self._remove)
        self.activate_button.clicked.connect(self._activate)
        self.locked_note = hint_label("Correct this profile before choosing another.")
        self.locked_note.hide()

        side = QVBoxLayout()
        side.addWidget(self.profile_list, 1)
        for button in (
            self.add_button,
            self.duplicate_button,
            self.rename_button,
            self.remove_button,
            self.activate_button,
        ):
            side.addWidget(button)
        side.addWidget(self.locked_note)
        side_box = QWidget()
        side_box.setLayout(side)
        side_box.setMaximumWidth(240)

        self.form = ProfileForm()
        layout = QHBoxLayout(self)
        layout.addWidget(side_box)
        layout.addWidget(self.form, 1)

        self.form.edited.connect(self._profile_edited)
        self._refresh_list()

    def _refresh_list(self) -> None:
        settings = self.draft.settings
        with QSignalBlocker(self.profile_list):
            self.profile_list.clear()
            for profile in settings.profiles:
                item = QListWidgetItem()
                self._dress(item, profile)
                self.profile_list.addItem(item)
            names = [p.name for p in settings.profiles]
            self.profile_list.setCurrentRow(names.index(self._current))
        self.form.load(settings.profile(self._current))
        self.problems = {}
        self._update_state()

    def _dress(self, item: QListWidgetItem, profile: Profile) -> None:
        active = profile.name == self.draft.settings.active
        item.setText(f"{profile.name}  (active)" if active else profile.name)
        font = QFont(item.font())
        font.setBold(active)
        item.setFont(font)
        item.setIcon(_swatch(environment_colour(profile)))
        item.setToolTip(f"{environment_word(profile)}: {profile.endpoint}")

    def _profile_chosen(self, row: int) -> None:
        if row < 0:
            return
        self._current = self.draft.settings.profiles[row].name
        self.form.load(self.draft.settings.profiles[row])
        self._update_state()

    def _profile_edited(self) -> None:
        try:
            profile = Profile(**self.form.values)
            self.draft.settings = replace_profile(self.draft.settings, self._current, profile)
        except SettingsError as exc:
            self.problems = exc.problems or {"name": str(exc)}
        else:
            self.problems = {}
            self._current = profile.name
            self._dress(self.profile_list.currentItem(), profile)
        self.form.show_problems(self.problems)
        self._update_state()

    def _add(self) -> None:
        profile = Profile(name=unique_name(self.draft.settings, "new profile"))
        self.draft.settings = add_profile(self.draft.settings, profile)
        self._current = profile.name
        self._refresh_list()
        self._rename()

    def _duplicate(self) -> None:
        self.draft.settings, copy = duplicate_profile(self.draft.settings, self._current)
        self._current = copy.name
        self._refresh_list()
        self._rename()

    def _rename(self) -> None:
        self.form.name.setFocus()
        self.form.name.selectAll()

    def _remove(self) -> None:
        row = self.profile_list.currentRow()
        self.draft.settings = remove_profile(self.draft.settings, self._current)
        profiles = self.draft.settings.profiles
        # The neighbour comes next, as in any list: Remove pressed twice never jumps far.
        self._current = profiles[min(row, len(profiles) - 1)].name
        self._refresh_list()

    def _activate(self) -> None:
        self.draft.settings = with_active(self.draft.settings, self._current)
        self._refresh_list()

    def _update_state(self) -> None:
        locked = bool(self.problems)
        self.profile_list.setEnabled(not locked)
        self.locked_note.setVisible(locked)
        for button in (self.add_button, self.duplicate_button):
            button.setEnabled(not locked)
        self.remove_button.setEnabled(not locked and len(self.draft.settings.profiles) > 1)
        self.activate_button.setEnabled(not locked and self._current != self.draft.settings.active)
        self.changed.emit()
