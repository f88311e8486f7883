"""Running an ASGI app on uvicorn inside an already running event loop.

uvicorn's own entry points own the process: they install signal handlers (and re-raise
the signal after shutdown) and exit the process when the port is taken. Embedded in the
GUI, a test or the CLI, the simulator needs neither, so it binds its socket itself and
runs a server that leaves signals alone.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import Generator

import uvicorn

from console.net import url_host
from console.simulator.asgi_types import AsgiApp
from console.simulator.connection_drop import DroppableHttpToolsProtocol

_STARTUP_POLL_SECONDS = 0.005


class _QuietServer(uvicorn.Server):
    @contextlib.contextmanager
    def capture_signals(self) -> Generator[None, None, None]:
        yield


class AsgiServer:
    """One uvicorn server for one app, started and stopped within the current loop."""

    def __init__(self, app: AsgiApp, *, graceful_shutdown_seconds: int = 2) -> None:
        self._app = app
        self._graceful = graceful_shutdown_seconds
        self._server: _QuietServer | None = None
        self._task: asyncio.Task[None] | None = None
        self.host = ""
        self.port = 0

    @property
    def base_url(self) -> str:
        if self._server is None:
            raise RuntimeError("the server is not running")
        return f"http://{url_host(self.host)}:{self.port}"

    async def start(self, sock: socket.socket) -> str:
        """Serve on ``sock`` (bound; it is closed when the server stops); return the base URL.

        A bound socket that is not listening yet is fine: until this call, connections
        to it are refused, which tests use to simulate a receiver that is down.
        """
        if self._server is not None:
            raise RuntimeError("the server is already running")
        self.host, self.port = sock.getsockname()[:2]
        config = uvicorn.Config(
            self._app,
            http=DroppableHttpToolsProtocol,
            ws="none",
            lifespan="off",
            interface="asgi3",
            log_config=None,
            access_log=False,
            proxy_headers=False,
            server_header=False,
            timeout_graceful_shutdown=self._graceful,
        )
        server = _QuietServer(config)
        self._server = server
        self._task = asyncio.create_task(server.serve(sockets=[sock]))
        while not server.started:
            if self._task.done():
                self._server = None
                sock.close()
                await self._task
                raise RuntimeError("the HTTP server stopped while starting")
            await asyncio.sleep(_STARTUP_POLL_SECONDS)
        return self.base_url

    async def stop(self) -> None:
        server, task = self._server, self._task
        if server is None or task is None:
            return
        server.should_exit = True
        try:
            await task
        finally:
            self._server = None
            self._task = None
