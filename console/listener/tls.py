"""TLS for the listener's connections, started by the listener itself once it has counted
the TCP connection, with the request deadline on the handshake.

This is ``loop.start_tls`` with smaller buffers. asyncio gives each TLS connection a read
buffer of 256 KiB, and lets 256 KiB of input and 512 KiB of output wait in its TLS layer:
a few thousand connections that never finish a handshake, or never read their answers,
would hold gigabytes. A TLS record carries at most 16 KiB.
"""

from __future__ import annotations

import asyncio
import ssl
from asyncio import sslproto


class _LeanTLS(sslproto.SSLProtocol):
    max_size = 17 * 1024  # one TLS record and its overhead


# What may wait in the TLS layer, each way, before reading or writing pauses.
BUFFER_LIMIT = 64 * 1024
# After the last answer, how long a client has to close TLS in turn (the default is 30 s,
# during which whatever it still sends must be read and decrypted).
SHUTDOWN_TIMEOUT = 2.0


async def start_server_tls(
    transport: asyncio.Transport,
    protocol: asyncio.BaseProtocol,
    context: ssl.SSLContext,
    handshake_timeout: float,
) -> asyncio.Transport:
    """Put ``protocol`` behind TLS on ``transport``; returns the transport it must now use.

    Raises:
        OSError, TimeoutError: the handshake failed or did not finish in time; the
            connection is closed.
    """
    loop = asyncio.get_running_loop()
    waiter: asyncio.Future[None] = loop.create_future()
    secure = _LeanTLS(
        loop,
        protocol,
        context,
        waiter,
        server_side=True,
        call_connection_made=False,
        ssl_handshake_timeout=handshake_timeout,  # type: ignore[arg-type]
        ssl_shutdown_timeout=SHUTDOWN_TIMEOUT,
    )
    # Paused before the switch, so that no data reaches the TLS layer before it is ready.
    transport.pause_reading()
    transport.set_protocol(secure)
    made = loop.call_soon(secure.connection_made, transport)
    resumed = loop.call_soon(transport.resume_reading)
    try:
        await waiter
    except BaseException as error:
        transport.close()
        made.cancel()
        resumed.cancel()
        # The failure's traceback holds the TLS layer's frames and this one, and this frame
        # the future holding the failure: a cycle that would keep each failed connection's
        # buffers until the next full garbage collection.
        error.__traceback__ = None
        del waiter, secure
        raise
    app_transport = secure._app_transport
    if app_transport is None or app_transport.is_closing():
        raise ConnectionResetError("the connection closed as its handshake ended")
    app_transport.set_read_buffer_limits(high=BUFFER_LIMIT)
    app_transport.set_write_buffer_limits(high=BUFFER_LIMIT)
    return app_transport
