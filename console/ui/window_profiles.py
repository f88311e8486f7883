"""The profile in use and its credentials, as the window shows and changes them."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from console import demo
from console.keychain import Credentials, Rename, find_credentials, follow_renames, renames
from console.settings import Profile, Settings, keyword_rules, with_profile
from console.shared_store import is_workspace
from console.ui.credentials_dialog import CredentialsDialog
from console.ui.options.dialog import SettingsDialog
from console.ui.palette import apply_theme

if TYPE_CHECKING:
    from console.ui.main_window import MainWindow


class WindowProfiles:
    """Switching profiles (the toolbar's box), editing them (the settings dialog) and their
    credentials (the credentials dialog); what the window shows of the profile in use.

    Renamed profiles keep their passwords; a profile taken into use loads its own. In demo
    mode, a profile that sends to the simulator (the demo one, and those made from it) signs
    in with the simulator's own account, and the window says that nothing reaches a
    customer; one given another endpoint sends there, and is shown as it is.
    """

    def __init__(self, window: MainWindow) -> None:
        self._window = window
        self.session = window.session
        self.keychain = window.keychain
        self._settings_dialog: SettingsDialog | None = None
        # Where the demo's simulator answers (the demo profile's placeholder until it runs).
        self._simulator = demo.PLACEHOLDER_ENDPOINT if window.demo_mode else None

    def simulated(self, profile: Profile) -> bool:
        """Whether ``profile`` sends to the demo's simulator."""
        return profile.endpoint == self._simulator

    def simulator_moved(self, endpoint: str) -> None:
        """The simulator answers at ``endpoint`` now: the profiles that sent to it follow."""
        moved_from, self._simulator = self._simulator, endpoint
        if moved_from is not None:
            # The program's own change, not the operator's: no audit entry.
            self.session.save_settings(
                demo.with_endpoint(self.session.settings, endpoint, moved_from=moved_from),
                by_operator=False,
            )

    def apply_profile(self) -> None:
        """Show the profile in use: in the toolbar, the compose pane, title and status bar."""
        window = self._window
        profile = self.session.profile
        simulated = self.simulated(profile)
        window.toolbar.show_profile(self.session.settings, profile, simulated)
        window.compose.set_profile(profile)
        window.conversations.pane.reply_box.set_profile(profile)
        # The system adds the program's name; on a shared store, whose console it is.
        shared = self.session.store_state.shared
        who = [self.session.actor.operator, "shared store"] if shared else []
        window.conversations.set_title(" — ".join([*who, *(["Demo mode"] if simulated else [])]))
        ready = self.session.credentials is not None
        login = f" as {self.session.credentials.login}" if self.session.credentials else ""
        window.profile_label.setText(
            f"Profile {profile.name}{login}" if ready else f"Profile {profile.name}: no credentials"
        )

    def profile_chosen(self, index: int) -> None:
        name = self._window.toolbar.profile_box.itemText(index)
        if name == self.session.settings.active:
            return
        self.session.save_settings(replace(self.session.settings, active=name))
        self.apply_profile()
        self._window.run_task(self._load_credentials_task())

    def region_chosen(self, region: str | None) -> None:
        # The profile keeps it: the next number, and the next start, are read there too.
        profile = replace(self.session.profile, default_region=region)
        self.session.save_settings(with_profile(self.session.settings, profile))

    # Credentials

    async def load_credentials(self) -> None:
        """Credentials of the active profile: environment, then keychain, else the dialog;
        the simulator's own for a profile that sends to it."""
        profile = self.session.profile
        if self.simulated(profile):
            await self.use_credentials(demo.demo_credentials())
            return
        found = await find_credentials(profile, self.keychain)
        for problem in found.problems:
            self._window.show_alert(problem)
        if found.credentials is None:
            self.open_credentials()
        else:
            await self.use_credentials(found.credentials)

    async def use_credentials(self, credentials: Credentials | None) -> None:
        await self.session.use_credentials(credentials)
        self.apply_profile()

    async def _load_credentials_task(self) -> None:
        await self.session.use_credentials(None)
        await self.load_credentials()

    def open_credentials(self) -> None:
        profile = self.session.profile
        if self.simulated(profile):
            # Nothing to enter or keep: the simulator knows its own account only.
            box = QMessageBox(
                QMessageBox.Icon.Information,
                f"Credentials — {profile.name}",
                f"Demo mode: profile {profile.name} sends to the built-in simulator and signs in "
                f"with the simulator's own account (login {demo.DEMO_LOGIN}, with its built-in "
                "password). There is nothing to enter here, and nothing is kept in the keychain.",
                QMessageBox.StandardButton.Ok,
                self._window,
            )
            box.setObjectName("demoCredentials")
            box.setTextFormat(Qt.TextFormat.PlainText)
            self._window.open_dialog(box)
            return
        dialog = CredentialsDialog(
            profile.name, self.keychain, login=profile.login or "", parent=self._window
        )
        dialog.credentialsSaved.connect(lambda login: self._window.run_task(self._saved(login)))
        dialog.credentialsDeleted.connect(lambda: self._window.run_task(self.use_credentials(None)))
        self._window.open_dialog(dialog)

    async def _saved(self, login: str) -> None:
        profile = self.session.profile
        if profile.login != login:
            self.session.save_settings(
                with_profile(self.session.settings, replace(profile, login=login))
            )
        password = await self.keychain.get(profile.name, login)
        await self.use_credentials(Credentials(login, password) if password else None)

    # Settings

    def open_settings(self) -> None:
        window = self._window
        dialog = SettingsDialog(
            self.session.settings,
            self.session.data_dir,
            window,
            self.session.listener_state,
            keychain=self.keychain,
            run_operator=self.session.run_operator,
            on_shared_store=self.session.store_state.shared,
            store_given=None
            if is_workspace(self.session.settings, self.session.location, self.session.data_dir)
            else self.session.location.describe(),
            shared_url=self.session.location.url,
        )
        dialog.settingsAccepted.connect(self.settings_accepted)
        # Kept while open: a listener started again from it is shown there.
        self._settings_dialog = dialog
        dialog.finished.connect(lambda _result: self._settings_closed(dialog))
        window.open_dialog(dialog)

    def _settings_closed(self, dialog: SettingsDialog) -> None:
        if self._settings_dialog is dialog:
            self._settings_dialog = None

    def settings_accepted(self, settings: Settings) -> None:
        old = self.session.settings
        self.session.save_settings(settings)
        self._window.filter_bar.set_operator(self.session.actor.operator)
        if settings.theme != old.theme:
            apply_theme(settings.theme)
        # The listener reads which keywords a reply may be (STOP…) as it starts.
        if settings.listener != old.listener or keyword_rules(settings) != keyword_rules(old):
            self._window.run_task(self._restart_listener())
        if settings.workspace.store != old.workspace.store and not is_workspace(
            settings, self.session.location, self.session.data_dir
        ):
            self._window.offer_restart(settings.workspace.store or "this computer")
        self._window.run_task(
            self._follow_profiles(renames(old, settings), settings.profile() != old.profile())
        )
        self.apply_profile()

    async def _restart_listener(self) -> None:
        state = await self.session.restart_listener()
        if self._settings_dialog is not None:
            self._settings_dialog.show_listener(state)
        if state.running:
            self._window.listenerRestarted.emit()

    async def _follow_profiles(self, moves: list[Rename], active_changed: bool) -> None:
        """Renamed profiles keep their passwords; a changed active one loads its own."""
        for problem in await follow_renames(self.keychain, moves):
            self._window.show_alert(problem)
        if active_changed:
            await self._load_credentials_task()
