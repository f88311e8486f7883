"""The settings dialog: its pages as tabs, and OK, Cancel and Apply.

Every check is the settings' or the listener's own; the pages only show their messages next
to the fields they name. Nothing is written here: the new settings go out through
``settingsAccepted`` and whoever opened the dialog saves and applies them.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import (
    QAbstractButton,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QStyle,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from console.identity import RunOperator
from console.keychain import Keychain
from console.listener.config import new_path_token
from console.paths import settings_path
from console.session import ListenerState
from console.settings import Settings
from console.ui.options.appearance import AppearancePage
from console.ui.options.conversations import ConversationsPage
from console.ui.options.form import hint_label
from console.ui.options.listener import ListenerPage
from console.ui.options.operator import OperatorPage
from console.ui.options.page import Draft, SettingsPage
from console.ui.options.profiles import ProfilesPage
from console.ui.options.workspace import WorkspacePage


class SettingsDialog(QDialog):
    """Profiles, listener, workspace, appearance, operator and conversation settings; open it with
    ``open()``.

    ``settingsAccepted`` carries the new :class:`Settings` when OK or Apply is pressed; both
    stay disabled while any field is wrong.
    """

    settingsAccepted = Signal(object)

    def __init__(
        self,
        settings: Settings,
        data_dir: Path,
        parent: QWidget | None = None,
        listener: ListenerState | None = None,
        keychain: Keychain | None = None,
        run_operator: RunOperator | None = None,
        on_shared_store: bool = False,
        store_given: str | None = None,
        shared_url: str | None = None,
    ) -> None:
        """``listener``: the listener's state now (its URL has the port it took when started
        with a port of 0); None where it is not known. ``keychain``: where a shared
        store's password is kept (the system's by default). ``run_operator``: the
        operator's name this run uses in place of the settings', if any.
        ``on_shared_store``: the console runs on a shared store now, whatever the settings
        name. ``store_given``: the store this run uses, in words, when it is not the one
        the settings name. ``shared_url``: the URL (no password) of the shared store this
        run uses, if it uses one."""
        super().__init__(parent)
        self.setWindowTitle("Settings")
        if not settings.listener.path_token:
            # The URL shown must be the one the listener will answer at.
            settings = replace(
                settings, listener=replace(settings.listener, path_token=new_path_token())
            )
        self._draft = Draft(settings)
        self._applied = settings

        profiles = ProfilesPage(self._draft)
        self._listener_page = ListenerPage(self._draft, data_dir, listener, on_shared_store)
        self.workspace_page = WorkspacePage(self._draft, keychain, store_given, shared_url)
        appearance = AppearancePage(self._draft)
        operator = OperatorPage(self._draft, run_operator)
        self.conversations_page = ConversationsPage(self._draft)
        # The tabs, in this order. A new page is a SettingsPage of its own module, added here.
        self.pages: tuple[SettingsPage, ...] = (
            profiles,
            self._listener_page,
            self.workspace_page,
            appearance,
            operator,
            self.conversations_page,
        )
        # What callers reach for by name.
        self.profile_form = profiles.form
        self.profile_list = profiles.profile_list
        self.add_button = profiles.add_button
        self.duplicate_button = profiles.duplicate_button
        self.rename_button = profiles.rename_button
        self.remove_button = profiles.remove_button
        self.activate_button = profiles.activate_button
        self.locked_note = profiles.locked_note
        self.listener_form = self._listener_page.form
        self.theme_box = appearance.theme
        self.operator_name = operator.name

        self.tabs = QTabWidget()
        for page in self.pages:
            self.tabs.addTab(page, page.TITLE)
            page.changed.connect(self._update_state)
        # Whether the provider is given this console's URL hangs on the workspace.
        self.workspace_page.changed.connect(self._listener_page.workspace_edited)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok
            | QDialogButtonBox.StandardButton.Cancel
            | QDialogButtonBox.StandardButton.Apply
        )
        self.buttons.clicked.connect(self._button_clicked)
        location = hint_label(f"Settings file: {settings_path(data_dir)}")
        footer = QHBoxLayout()
        footer.addWidget(location, 1)
        footer.addWidget(self.buttons)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)
        layout.addLayout(footer)
        self._update_state()
        # Narrower, the sender list and its buttons no longer fit beside the pace settings.
        self.setMinimumWidth(900)
        self.resize(960, 720)

    def _valid(self) -> bool:
        return not any(page.problems for page in self.pages)

    def _update_state(self) -> None:
        warning = self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning)
        for index, page in enumerate(self.pages):
            self.tabs.setTabIcon(index, warning if page.problems else QIcon())
        valid = self._valid()
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(valid)
        self.buttons.button(QDialogButtonBox.StandardButton.Apply).setEnabled(
            valid and self._draft.settings != self._applied
        )

    def show_listener(self, state: ListenerState) -> None:
        """The listener started again with the settings last applied; ``state`` says how."""
        self._listener_page.show_running(self._applied.listener, state)

    def settings(self) -> Settings:
        """The settings as they stand in the dialog (valid only when OK is enabled)."""
        return self._draft.settings

    def _button_clicked(self, button: QAbstractButton) -> None:
        role = self.buttons.buttonRole(button)
        if role == QDialogButtonBox.ButtonRole.RejectRole:
            self.reject()
        elif self._valid():
            for page in self.pages:
                page.accepted()
            self._applied = self._draft.settings
            self.settingsAccepted.emit(self._draft.settings)
            if role == QDialogButtonBox.ButtonRole.AcceptRole:
                self.accept()
            else:
                self._update_state()
