"""Running the listener: in the foreground (``sms-console receiver``) or in a thread of the GUI."""

from __future__ import annotations

import asyncio
import functools
import logging
import socket
import ssl
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Final

from console.asgi_server import AsgiServer
from console.listener.access_log import AccessLog
from console.listener.admission import Admission
from console.listener.app import CallbackApp
from console.listener.batching import BatchWriter
from console.listener.config import ListenerConfig
from console.listener.form import FieldLimits
from console.listener.http_protocol import ListenerHttpProtocol
from console.listener.intake import Change
from console.listener.slow_clients import Sweeper
from console.listener.write_batching import Flusher
from console.net import PortUnavailable, bind_socket, raise_open_file_limit
from console.store import StoreLocation, deadlines, open_store
from console.store.interface import StoreOpener

log = logging.getLogger(__name__)

OnChanges = Callable[[list[Change]], None]


class ListenerError(Exception):
    """The listener cannot start; the message says why in plain words."""


# Callbacks are acknowledged only once committed, and the provider does not send them
# again after that: each commit must survive a power cut, not just a crash.
LISTENER_SYNCHRONOUS: Final = "FULL"
# The listener never waits long on a store another program has locked: it tries again
# between other requests, then answers 503 (see BatchWriter).
LISTENER_BUSY_TIMEOUT = 0.01
# Connections a listener keeps to a shared store: while one waits for its commit, another
# writes the next batch.
REMOTE_LANES = 2
# Requests in flight when the listener is told to stop may take this long to finish.
_GRACEFUL_SHUTDOWN_SECONDS = 10


def callback_store(database: StoreLocation | Path) -> StoreOpener:
    """Opens the store at ``database`` as the listener needs it: each commit durable, a
    lock held by another program waited on only briefly, commits from the writer's thread."""
    return functools.partial(
        open_store,
        database,
        synchronous=LISTENER_SYNCHRONOUS,
        busy_timeout=LISTENER_BUSY_TIMEOUT,
        any_thread=True,
        deadline=deadlines.RECEIVER,
    )


def tls_context(config: ListenerConfig) -> ssl.SSLContext | None:
    """The server's TLS context, or None for plain HTTP.

    Raises:
        ListenerError: the certificate or key cannot be used.
    """
    if config.tls_cert is None or config.tls_key is None:
        return None
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    try:
        context.load_cert_chain(config.tls_cert, config.tls_key)
    except (OSError, ssl.SSLError) as exc:
        raise ListenerError(
            f"cannot use the certificate {config.tls_cert} with the key {config.tls_key}: "
            f"{exc.strerror or exc}"
        ) from None
    return context


def listener_protocol(
    config: ListenerConfig, tls: ssl.SSLContext | None, access: AccessLog | None
) -> type[ListenerHttpProtocol]:
    """A protocol class for one server (uvicorn's ``http`` setting).

    The class holds that server's settings, admission, sweeper and flusher, so they go
    when the server does.
    """
    return type(
        "ListenerHttpProtocol",
        (ListenerHttpProtocol,),
        {
            "listener": config,
            "request_timeout": config.request_timeout,
            "sweeper": Sweeper(),
            "flusher": Flusher(),
            "admission": Admission(
                config.max_connections,
                config.max_connections_per_address,
                config.trusted_proxies,
            ),
            "tls": tls,
            "access": access,
        },
    )


class CallbackListener:
    """The callback server over one store; start it once, stop it once."""

    def __init__(
        self,
        config: ListenerConfig,
        store: StoreOpener,
        *,
        access_log: Path | None = None,
        on_changes: OnChanges | None = None,
        on_storing: Callable[[str | None], object] | None = None,
    ) -> None:
        """``store`` opens the store callbacks go to, on the listener's thread (see
        :func:`callback_store`). ``on_storing``: as :class:`BatchWriter`'s, on the
        listener's thread."""
        self.config = config
        self._open_store = store
        self._access_log_path = access_log
        self._on_changes = on_changes
        self._on_storing = on_storing
        self._server: AsgiServer | None = None
        self._thread: threading.Thread | None = None
        self._sock: socket.socket | None = None
        self._writer: BatchWriter | None = None
        self.port: int | None = None

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    @property
    def last_callback_at(self) -> float | None:
        """When callbacks were last stored; None before the first."""
        return self._writer.last_stored_at if self._writer is not None else None

    @property
    def url(self) -> str:
        return self.config.url(self.port)

    def _bind(self) -> socket.socket:
        try:
            sock = bind_socket(self.config.host, self.config.port)
        except PortUnavailable as exc:
            raise ListenerError(exc.strerror or str(exc)) from None
        self.port = sock.getsockname()[1]
        return sock

    async def serve(self, ready: Callable[[str], None] | None = None) -> None:
        """Serve until :meth:`stop`; ``ready`` gets the callback URL once requests are taken."""
        sock = self._sock or self._bind()
        self._sock = None
        tls = tls_context(self.config)
        raise_open_file_limit(self.config.max_connections + 256)
        store = self._open_store()
        lanes = REMOTE_LANES if store.remote else 1
        stores = [store] + [self._open_store() for _ in range(1, lanes)]
        writer = BatchWriter(
            store,
            self._on_changes,
            lock_wait=self.config.store_lock_wait,
            limits=FieldLimits(self.config.max_fields, self.config.max_text_bytes),
            spares=stores[1:],
            keywords=self.config.keywords,
            on_storing=self._on_storing,
        )
        self._writer = writer
        access = AccessLog(self._access_log_path, self.config.path_token)
        server = AsgiServer(
            CallbackApp(self.config, writer, access),
            protocol=listener_protocol(self.config, tls, access),
            graceful_shutdown_seconds=_GRACEFUL_SHUTDOWN_SECONDS,
            date_header=False,
        )
        self._server = server
        try:
            await server.start(sock)
            if ready is not None:
                ready(self.url)
            await server.wait()
        finally:
            # Every acknowledged callback was committed before its answer; this only
            # releases the files.
            writer.close()
            access.close()
            for opened in stores:
                opened.close()
            sock.close()

    def start_in_thread(self, timeout: float = 10.0) -> str:
        """Start serving in a background thread; returns the callback URL once accepting.

        Raises:
            ListenerError: the port cannot be bound, or the server did not start in time.
        """
        self._sock = self._bind()
        started = threading.Event()
        failure: list[BaseException] = []

        def run() -> None:
            try:
                asyncio.run(self.serve(ready=lambda _url: started.set()))
            except BaseException as exc:  # reported to the starting thread
                failure.append(exc)
                started.set()

        self._thread = threading.Thread(target=run, name="callback-listener", daemon=True)
        self._thread.start()
        if not started.wait(timeout) or failure:
            self.stop()
            raise ListenerError(
                f"the listener did not start: {failure[0] if failure else 'timeout'}"
            )
        log.info(
            "listening for callbacks at %s",
            self.config.url(self.port).replace(self.config.path_token, "<token>"),
        )
        return self.url

    def stop(self, timeout: float = 15.0) -> None:
        """Stop accepting, finish requests in flight, and release the port."""
        if self._server is not None:
            self._server.request_stop()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None
        if self._sock is not None:
            self._sock.close()
            self._sock = None
