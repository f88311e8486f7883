"""The embeddable simulator: in the caller's event loop, or in a thread of its own."""

from __future__ import annotations

import asyncio
import logging
import random
import threading
import time
from collections.abc import Callable
from types import TracebackType
from typing import Any, Self
from urllib.parse import urlsplit

import httpx

from console.asgi_server import AsgiServer
from console.net import bind_socket
from console.simulator.app import JOURNAL_PATH, MT_PATH, SimulatorApp
from console.simulator.callback_plan import CallbackPlanner
from console.simulator.callbacks import CallbackDispatcher
from console.simulator.config import SimulatorSettings
from console.simulator.connection_drop import DroppableHttpToolsProtocol
from console.simulator.journal import Journal
from console.simulator.mt_handler import MtHandler

log = logging.getLogger("console.simulator")

_CALLBACK_CONNECTIONS = 32


class SimulatorServer:
    """The provider simulator, served inside the running asyncio loop.

    ``await start()`` binds the port and returns the base URL; ``await stop()`` stops
    answering, cancels callbacks still scheduled and closes every connection.
    """

    def __init__(
        self,
        settings: SimulatorSettings | None = None,
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.settings = settings if settings is not None else SimulatorSettings()
        # Reproducible on purpose (``--seed``): nothing here guards a secret.
        rng = random.Random(self.settings.seed)  # noqa: S311
        self._journal = Journal(self.settings.journal_limit)
        self._handler = MtHandler(self.settings, rng, clock)
        self._planner = CallbackPlanner(self.settings.callbacks, rng)
        self._http: AsgiServer | None = None
        self._dispatcher: CallbackDispatcher | None = None
        self._client: httpx.AsyncClient | None = None
        self._base_url: str | None = None

    @property
    def base_url(self) -> str:
        """``http://host:port`` of the running simulator (still readable after ``stop``)."""
        if self._base_url is None:
            raise RuntimeError("the simulator is not running")
        return self._base_url

    @property
    def endpoint_url(self) -> str:
        """Where MT requests go: the stand-in for the provider's receiver URL."""
        return self.base_url + MT_PATH

    @property
    def journal_url(self) -> str:
        return self.base_url + JOURNAL_PATH

    @property
    def pending_callbacks(self) -> int:
        return self._dispatcher.pending if self._dispatcher is not None else 0

    async def start(self) -> str:
        if self._http is not None:
            raise RuntimeError("the simulator is already running")
        sock = bind_socket(self.settings.host, self.settings.port)
        callbacks = self.settings.callbacks
        client = httpx.AsyncClient(
            timeout=httpx.Timeout(callbacks.timeout, pool=None),
            limits=httpx.Limits(max_connections=_CALLBACK_CONNECTIONS),
            trust_env=False,
            headers={"user-agent": "sms-provider-simulator"},
        )
        dispatcher = CallbackDispatcher(callbacks, self._journal, client)
        app = SimulatorApp(
            handler=self._handler,
            planner=self._planner,
            dispatcher=dispatcher,
            journal=self._journal,
            journal_view=self.journal,
        )
        http = AsgiServer(app, protocol=DroppableHttpToolsProtocol)
        try:
            self._base_url = await http.start(sock)
        except BaseException:
            await client.aclose()
            raise
        self._http, self._dispatcher, self._client = http, dispatcher, client
        logins = ", ".join(account.login for account in self.settings.accounts)
        log.info("simulator at %s (accounts: %s)", self.endpoint_url, logins)
        if callbacks.url is None:
            log.info("no callback URL: receipts and replies are not sent")
        else:
            # The URL's path carries the listener's secret token; the host is enough here.
            parts = urlsplit(callbacks.url)
            log.info("callbacks go to %s://%s/…", parts.scheme, parts.netloc)
        return self._base_url

    async def stop(self) -> None:
        http, dispatcher, client = self._http, self._dispatcher, self._client
        self._http = self._dispatcher = self._client = None
        try:
            if http is not None:
                await http.stop()
        finally:
            if dispatcher is not None:
                await dispatcher.close()
            if client is not None:
                await client.aclose()

    async def wait_callbacks_idle(self) -> None:
        """Wait until every callback scheduled so far was delivered or given up."""
        if self._dispatcher is not None:
            await self._dispatcher.wait_idle()

    def journal(self) -> dict[str, Any]:
        """What was received and sent, as plain JSON-ready data (passwords masked)."""
        view = self._journal.snapshot()
        view["base_url"] = self._base_url
        view["callback_url"] = self.settings.callbacks.url
        view["accepted_by_account"] = self._handler.accepted_count()
        return view

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.stop()


class ThreadedSimulator:
    """The simulator on a thread with its own event loop, for callers without one.

    ``start_in_thread()`` returns the base URL once requests are accepted; ``stop()``
    shuts it down and joins the thread. ``journal()`` may be called from any thread.
    """

    def __init__(self, settings: SimulatorSettings | None = None) -> None:
        self.server = SimulatorServer(settings)
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop_event: asyncio.Event | None = None
        self._stop_requested = False
        self._error: BaseException | None = None

    @property
    def base_url(self) -> str:
        return self.server.base_url

    @property
    def endpoint_url(self) -> str:
        return self.server.endpoint_url

    def journal(self) -> dict[str, Any]:
        return self.server.journal()

    def start_in_thread(self, timeout: float = 10.0) -> str:
        if self._thread is not None:
            raise RuntimeError("the simulator thread is already running")
        ready = threading.Event()
        self._stop_requested = False
        self._error = None
        self._thread = threading.Thread(
            target=self._run, args=(ready,), name="sms-simulator", daemon=True
        )
        self._thread.start()
        if not ready.wait(timeout):
            self.stop(timeout)
            raise TimeoutError("the simulator did not start in time")
        if self._error is not None:
            self.stop(timeout)
            raise RuntimeError(f"the simulator could not start: {self._error}") from self._error
        return self.server.base_url

    def stop(self, timeout: float = 10.0) -> None:
        thread = self._thread
        if thread is None:
            return
        with self._lock:
            self._stop_requested = True
            loop, event = self._loop, self._stop_event
        if loop is not None and event is not None:
            # The loop may have closed already (start failed): then there is nothing to wake.
            try:
                loop.call_soon_threadsafe(event.set)
            except RuntimeError:
                log.debug("simulator loop already closed")
        thread.join(timeout)
        if thread.is_alive():
            raise TimeoutError("the simulator thread did not stop in time")
        self._thread = None
        self._loop = self._stop_event = None

    def _run(self, ready: threading.Event) -> None:
        asyncio.run(self._main(ready))

    async def _main(self, ready: threading.Event) -> None:
        stop_event = asyncio.Event()
        with self._lock:
            self._loop, self._stop_event = asyncio.get_running_loop(), stop_event
            if self._stop_requested:
                ready.set()
                return
        try:
            await self.server.start()
        except Exception as exc:
            self._error = exc
            ready.set()
            return
        ready.set()
        try:
            await stop_event.wait()
        finally:
            await self.server.stop()

    def __enter__(self) -> Self:
        self.start_in_thread()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()
