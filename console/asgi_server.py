"""Running an ASGI app on uvicorn inside an already running event loop: the callback
listener's and the simulator's one way to serve HTTP.

uvicorn's own entry points own the process: they install signal handlers (and re-raise
the signal after shutdown) and exit the process when the port is taken. Embedded in the
GUI, the receiver command, a test or the simulator, a server needs neither: its caller
binds the socket (``console.net.bind_socket``) and says when to stop, and the server
leaves signals alone.

Each server brings its own protocol class (uvicorn's ``http`` setting): the listener's
guards its connections, the simulator's can drop one. TLS, keep-alive and connection
limits, where a server has them, are its protocol class's own.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
from collections.abc import Generator

import uvicorn

from console.asgi_types import AsgiApp
from console.net import url_host

_STARTUP_POLL_SECONDS = 0.005
# uvicorn tells its start and stop ("Started server process [pid]") on this logger at
# INFO; each program says itself what it serves. Its warnings and errors still show.
logging.getLogger("uvicorn.error").setLevel(logging.WARNING)


class _QuietServer(uvicorn.Server):
    @contextlib.contextmanager
    def capture_signals(self) -> Generator[None, None, None]:
        yield


class AsgiServer:
    """One uvicorn server for one app, started and stopped within the current loop."""

    def __init__(
        self,
        app: AsgiApp,
        *,
        protocol: type[asyncio.Protocol],
        graceful_shutdown_seconds: int = 2,
        date_header: bool = True,
    ) -> None:
        """``protocol``: the class serving each connection (an uvicorn HTTP protocol).
        ``graceful_shutdown_seconds``: how long requests in flight may take to finish
        once the server is told to stop."""
        self._app = app
        self._protocol = protocol
        self._graceful = graceful_shutdown_seconds
        self._date_header = date_header
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

        Raises:
            RuntimeError: the server stopped while starting (or whatever stopped it).
        """
        if self._server is not None:
            raise RuntimeError("the server is already running")
        self.host, self.port = sock.getsockname()[:2]
        config = uvicorn.Config(
            self._app,
            http=self._protocol,
            ws="none",
            # Never used to make a loop: the server runs in its caller's.
            loop="none",
            lifespan="off",
            interface="asgi3",
            log_config=None,
            access_log=False,
            # Forwarded headers are the app's to judge (the listener has its own allowlist
            # of proxies), not uvicorn's.
            proxy_headers=False,
            server_header=False,
            date_header=self._date_header,
            timeout_graceful_shutdown=self._graceful,
        )
        server = _QuietServer(config)
        self._server = server
        self._task = asyncio.create_task(server.serve(sockets=[sock]))
        # uvicorn signals readiness only through this flag.
        while not server.started:
            if self._task.done():
                self._server = None
                sock.close()
                await self._task
                raise RuntimeError("the HTTP server stopped while starting")
            await asyncio.sleep(_STARTUP_POLL_SECONDS)
        return self.base_url

    def request_stop(self) -> None:
        """Stop accepting, and end once requests in flight are answered; any thread may ask."""
        server = self._server  # read once: the loop's thread may clear it meanwhile
        if server is not None:
            server.should_exit = True

    async def wait(self) -> None:
        """Until the server has stopped (re-raising what stopped it, if it failed)."""
        task = self._task
        if task is None:
            return
        try:
            await task
        finally:
            self._server = None
            self._task = None

    async def stop(self) -> None:
        """:meth:`request_stop`, then :meth:`wait`."""
        self.request_stop()
        await self.wait()
