"""The Listener page: the callback listener's settings and the URL the provider is given."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from urllib.parse import urlsplit

from PySide6.QtWidgets import QMessageBox, QVBoxLayout

from console.listener.config import ListenerConfigError, new_path_token
from console.session import ListenerState
from console.settings import ListenerSettings, public_callback_url
from console.settings.listener import listener_config
from console.ui.options.listener_form import ListenerForm
from console.ui.options.page import Draft, SettingsPage


class ListenerPage(SettingsPage):
    """Where the callback listener listens, who may post to it, and the URL it answers at."""

    TITLE = "Listener"

    def __init__(
        self,
        draft: Draft,
        data_dir: Path,
        running: ListenerState | None,
        on_shared_store: bool = False,
    ) -> None:
        """``running``: the listener's state now (None: not known here); its URL has the
        port it took when started with a port of 0. ``on_shared_store``: the console runs
        on a shared store now (opened with ``--store``, or the settings' workspace)."""
        super().__init__(draft)
        self._on_shared_store = on_shared_store
        self._running = (draft.settings.listener, running)
        self._confirm: QMessageBox | None = None
        self.form = ListenerForm(data_dir)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.form)
        self.form.edited.connect(self._listener_edited)
        self.form.regenerate.clicked.connect(self._ask_regenerate)
        self.form.load(draft.settings.listener)
        self._listener_edited()

    def show_running(self, settings: ListenerSettings, state: ListenerState) -> None:
        """The listener was started again, with ``settings``; ``state`` says how it went."""
        self._running = (settings, state)
        self._listener_edited()

    def workspace_edited(self) -> None:
        """The Workspace page changed the store or whether this console listens there."""
        self._listener_edited()

    def _listener_edited(self) -> None:
        # Shared now, or from the next start on: either way the team's receivers are the
        # ones the provider calls, unless this console listens too.
        on_shared = self._on_shared_store or self.draft.settings.workspace.shared
        embedded = self.draft.settings.listener.embedded_on_shared
        self.form.show_team(team=on_shared and not embedded, shared=on_shared)
        listener, problems = self.form.listener(self.draft.settings.listener.port)
        # Whether it runs on a shared store is the Workspace page's to say.
        listener = replace(listener, embedded_on_shared=embedded)
        self.problems = problems
        self.form.show_problems(problems)
        running, state = self._running
        running_url = state.url if state is not None and state.running else None
        current = not problems and listener == running
        self._show_listening(state, running_url, current)
        self.form.show_free_port(
            listener.port == 0, _port(running_url) if current and running_url else None
        )
        if problems:
            self.form.show_url(None, None)
        else:
            self.draft.settings = replace(self.draft.settings, listener=listener)
            try:
                url = listener_config(listener).url()
                if running_url and current:
                    url = running_url
                if listener.public_url:
                    # Reached through the public address: its port is not the listener's.
                    self.form.show_url(public_callback_url(url, listener.public_url), None)
                elif listener.port == 0 and url != running_url:
                    # Not a URL yet: a free port is chosen when the listener starts.
                    host, _, path = url.partition(":0/")
                    later = f"{host}:(port chosen at start)/{path}"
                    self.form.show_url(later, None, copyable=False)
                else:
                    self.form.show_url(url, None)
            except ListenerConfigError as exc:
                self.problems = {"url": str(exc)}
                self.form.show_url(None, str(exc))
        self.changed.emit()

    def _show_listening(self, state: ListenerState | None, url: str | None, current: bool) -> None:
        if state is None:
            self.form.show_listening(None)
        elif url is None and state.off:
            # Off on the shared store; the option to turn it on was just ticked.
            self.form.show_listening(None, error="not started; it starts after OK or Apply")
        elif url is None:
            self.form.show_listening(None, error=state.error or "not started")
        else:
            later = "" if current else "; the settings above apply after OK or Apply"
            self.form.show_listening(url, later)

    def _ask_regenerate(self) -> None:
        # One box, kept: a box deleted on close can take its buttons' wrappers with it.
        if self._confirm is None:
            self._confirm = QMessageBox(
                QMessageBox.Icon.Warning,
                "Regenerate the path token?",
                "A new token changes the callback URL. Until the provider account is set to "
                "the new URL, its delivery receipts and replies are refused, and it retries "
                "them for hours.",
                QMessageBox.StandardButton.Cancel,
                self.window(),
            )
            self._confirm.addButton("Regenerate", QMessageBox.ButtonRole.DestructiveRole)
            self._confirm.setDefaultButton(QMessageBox.StandardButton.Cancel)
            self._confirm.finished.connect(self._regenerate_answered)
        self._confirm.open()

    def _regenerate_answered(self) -> None:
        assert self._confirm is not None  # it is what answered
        clicked = self._confirm.clickedButton()
        role = self._confirm.buttonRole(clicked) if clicked is not None else None
        if role == QMessageBox.ButtonRole.DestructiveRole:
            self.form.set_token(new_path_token())


def _port(url: str) -> int | None:
    return urlsplit(url).port
