"""How the listener is exposed: address, secret path, allowlist, TLS, limits."""

from __future__ import annotations

import functools
import ipaddress
import secrets
from dataclasses import dataclass, field
from pathlib import Path

from console.net import url_host
from console.protocol.keywords import KeywordRules

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

CALLBACK_PREFIX = "/callbacks/"
DEFAULT_MAX_BODY = 8 * 1024 * 1024  # room for an MMS reply with a few pictures
DEFAULT_MAX_CONNECTIONS = 1024
# The provider posts from a few addresses, several callbacks at a time each; far more
# from one address is someone holding connections.
DEFAULT_MAX_CONNECTIONS_PER_ADDRESS = 256
# Bodies above this size draw on a shared memory budget; receipts are far smaller.
LARGE_BODY = 64 * 1024


class ListenerConfigError(ValueError):
    """A listener setting is not usable; the message names it."""


def new_path_token() -> str:
    """An unguessable path segment: the only thing that tells our callbacks from a scan."""
    return secrets.token_urlsafe(24)


def parse_networks(texts: list[str] | tuple[str, ...]) -> tuple[IPNetwork, ...]:
    """Read CIDR ranges (``203.0.113.0/24``, ``2001:db8::/32``, or single addresses)."""
    networks = []
    for text in texts:
        try:
            networks.append(ipaddress.ip_network(text.strip(), strict=False))
        except ValueError:
            raise ListenerConfigError(
                f"{text!r} is not an address range like 203.0.113.0/24"
            ) from None
    return tuple(networks)


@dataclass(frozen=True)
class ListenerConfig:
    host: str = "127.0.0.1"
    port: int = 8787
    path_token: str = ""
    allow: tuple[IPNetwork, ...] = ()
    trusted_proxies: tuple[IPNetwork, ...] = ()
    tls_cert: Path | None = None
    tls_key: Path | None = None
    max_body: int = DEFAULT_MAX_BODY
    keep_alive_timeout: float = 15.0
    # From a connection's first byte (or its start) to its last answer written.
    request_timeout: float = 30.0
    max_connections: int = DEFAULT_MAX_CONNECTIONS
    max_connections_per_address: int = DEFAULT_MAX_CONNECTIONS_PER_ADDRESS
    # A provider's callback has a handful of short headers.
    max_header_bytes: int = 16 * 1024
    max_headers: int = 100
    # Requests read ahead of their answers on one connection.
    max_pipeline: int = 8
    # Form fields: how many, and how long all but attachment content may be together.
    max_fields: int = 100
    max_text_bytes: int = 64 * 1024
    # Bodies over LARGE_BODY bytes being read or decoded at once, across connections.
    large_body_memory: int = 32 * 1024 * 1024
    # How long a callback may wait for a store locked by another program, then 503.
    store_lock_wait: float = 2.0
    # The keywords a reply may be, by the shortcode it was sent to (from the profiles).
    keywords: KeywordRules = field(default_factory=KeywordRules)

    def __post_init__(self) -> None:
        if len(self.path_token) < 16 or not all(c.isalnum() or c in "-_" for c in self.path_token):
            raise ListenerConfigError(
                "the path token must be at least 16 letters, digits, - or _ "
                "(leave it empty to generate one)"
            )
        if not 0 <= self.port <= 65535:
            raise ListenerConfigError(f"port {self.port} is outside 0-65535")
        if (self.tls_cert is None) != (self.tls_key is None):
            raise ListenerConfigError("HTTPS needs both a certificate file and a key file")
        for path in (self.tls_cert, self.tls_key):
            if path is not None and not path.is_file():
                raise ListenerConfigError(f"{path}: no such file")
        if self.max_body < 1024:
            raise ListenerConfigError("the body limit must be at least 1024 bytes")
        if self.request_timeout <= 0 or self.keep_alive_timeout <= 0:
            raise ListenerConfigError("timeouts must be positive")
        if self.max_connections < 1 or self.max_connections_per_address < 1:
            raise ListenerConfigError("connection limits must be at least 1")

    @property
    def body_memory(self) -> int:
        """The memory for large bodies, room for one of the largest at least."""
        return max(self.large_body_memory, self.max_body)

    @property
    def path(self) -> str:
        return CALLBACK_PREFIX + self.path_token

    @property
    def scheme(self) -> str:
        return "https" if self.tls_cert else "http"

    def url(self, port: int | None = None) -> str:
        """The full callback URL (with the bound port once known)."""
        host = url_host(self.host)
        return f"{self.scheme}://{host}:{port if port is not None else self.port}{self.path}"


def allowed(address: IPAddress | None, networks: tuple[IPNetwork, ...]) -> bool:
    """Whether ``address`` may post; an empty allowlist lets everyone in."""
    if not networks:
        return True
    return address is not None and any(address in network for network in networks)


@functools.lru_cache(maxsize=4096)
def parse_address(text: str) -> IPAddress:
    # The provider posts from a few ranges: parse each address once.
    return ipaddress.ip_address(text)


def client_address(
    peer: str | None, forwarded_for: str | None, proxies: tuple[IPNetwork, ...]
) -> IPAddress | None:
    """The address a callback came from.

    ``X-Forwarded-For`` is believed only when the direct peer is a configured proxy, and
    then only up to the first hop that is not itself a trusted proxy.
    """
    try:
        address: IPAddress | None = parse_address(peer) if peer else None
    except ValueError:
        return None
    if address is None or not forwarded_for or not proxies or not allowed(address, proxies):
        return address
    for hop in reversed([h.strip() for h in forwarded_for.split(",")]):
        try:
            hop_address = ipaddress.ip_address(hop)
        except ValueError:
            return None
        if not allowed(hop_address, proxies):
            return hop_address
        address = hop_address
    return address
