"""Listening sockets for the embedded HTTP servers (callback listener, simulator)."""

from __future__ import annotations

import errno
import os
import socket


class PortUnavailable(OSError):
    """The address cannot be listened on; the message says why in plain words."""


def url_host(host: str) -> str:
    """``host`` as it goes into a URL (IPv6 addresses in brackets)."""
    return f"[{host}]" if ":" in host else host


def bind_socket(host: str, port: int, backlog: int = 2048) -> socket.socket:
    """A listening TCP socket on ``host``:``port`` (0 picks a free port).

    Created with an explicit ``IPPROTO_TCP``: asyncio only sets ``TCP_NODELAY`` on
    connections whose socket says so, and without it every answer, written as headers
    then body, waits some 40 ms for the client's delayed acknowledgement.

    Raises:
        PortUnavailable: the port is taken, not allowed, or the address is not ours.
    """
    try:
        family, kind, proto, _, address = socket.getaddrinfo(
            host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP
        )[0]
    except socket.gaierror as exc:
        raise PortUnavailable(
            0, f"{host!r} is not an address of this machine ({exc.strerror})"
        ) from None
    sock = socket.socket(family, kind, proto)
    try:
        if os.name != "nt":
            # Lets a restarted server take its port back at once; on Windows the same
            # option would let two servers share the port.
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(backlog)
    except OSError as exc:
        sock.close()
        if exc.errno == errno.EADDRINUSE:
            message = (
                f"port {port} on {host} is already in use by another program; "
                "choose another port or stop that program"
            )
        elif exc.errno == errno.EACCES:
            message = f"not allowed to listen on port {port} of {host}"
        else:
            message = f"cannot listen on {host}:{port}: {exc.strerror or exc}"
        raise PortUnavailable(exc.errno or 0, message) from None
    return sock


def raise_open_file_limit(wanted: int) -> None:
    """Allow this process ``wanted`` open files if the system lets it, so that a server's
    connection limit, not the file limit, is what turns clients away."""
    try:
        import resource  # not on Windows, whose limit is far higher
    except ImportError:
        return
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
    if soft != resource.RLIM_INFINITY and soft < target:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
