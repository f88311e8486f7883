"""The session's own callback listener: started with the saved settings on its thread,
stopped off the loop, and its state (running, stopped with why, off, or no longer storing)
told to the session on the session's loop."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from urllib.parse import urlsplit

from console.listener.config import ListenerConfig, ListenerConfigError
from console.listener.intake import Change
from console.listener.server import CallbackListener, ListenerError, callback_store
from console.paths import access_log_path
from console.session_state import ListenerState
from console.settings import Settings
from console.settings.listener import ensure_path_token, listener_config
from console.settings.model import keyword_rules
from console.store import StoreLocation


class EmbeddedListener:
    """One listener at a time over ``data_dir`` and the store at ``location``.

    ``on_changes``: what the listener stored, told on its thread. ``on_state``: every
    change of :attr:`state`. ``reload_settings``: the settings read again from disk (once
    the path token is sure to be there), to take the keywords from.
    """

    def __init__(
        self,
        data_dir: Path,
        location: StoreLocation,
        on_changes: Callable[[list[Change]], None],
        on_state: Callable[[ListenerState], None],
        reload_settings: Callable[[], Settings],
    ) -> None:
        self.state = ListenerState(running=False)
        self._data_dir = data_dir
        self._location = location
        self._on_changes = on_changes
        self._on_state = on_state
        self._reload_settings = reload_settings
        self._listener: CallbackListener | None = None

    async def restart(self, wanted: bool) -> ListenerState:
        """(Re)start with the saved settings, or only stop when not ``wanted`` (then it is
        ``off``); a failure is reported in the state, not raised.

        A listener on a port chosen at start (port 0) keeps its port through a restart,
        when it is still free: the URL given out stays right."""
        previous = urlsplit(self.state.url).port if self.state.running and self.state.url else None
        await self.stop()
        try:
            if not wanted:
                return self._is(ListenerState(running=False, off=True))
            saved = ensure_path_token(self._data_dir)
            config = listener_config(saved, keyword_rules(self._reload_settings()))
            listener: CallbackListener | None = None
            if config.port == 0 and previous:
                try:
                    listener, url = await self._start(replace(config, port=previous))
                except (ListenerError, OSError):
                    listener = None  # taken meanwhile: another port is chosen
            if listener is None:
                listener, url = await self._start(config)
        except (ListenerError, ListenerConfigError, OSError) as exc:
            state = ListenerState(running=False, error=str(exc))
        else:
            self._listener = listener
            state = ListenerState(running=True, url=url)
        return self._is(state)

    async def _start(self, config: ListenerConfig) -> tuple[CallbackListener, str]:
        loop = asyncio.get_running_loop()
        listener = CallbackListener(
            config,
            callback_store(self._location),
            access_log=access_log_path(self._data_dir),
            on_changes=self._on_changes,
            # Told on the listener's thread; shown from the session's.
            on_storing=lambda why: loop.call_soon_threadsafe(self._storing, listener, why),
        )
        return listener, await asyncio.to_thread(listener.start_in_thread)

    async def stop(self) -> None:
        """Stop the running listener, if any; waiting for it happens off the loop."""
        if self._listener is not None:
            old, self._listener = self._listener, None
            await asyncio.to_thread(old.stop)

    def _storing(self, listener: CallbackListener, not_storing: str | None) -> None:
        if listener is self._listener and self.state.running:
            self._is(replace(self.state, not_storing=not_storing))

    def _is(self, state: ListenerState) -> ListenerState:
        self.state = state
        self._on_state(state)
        return state
