"""Which TCP connections the listener keeps: a cap per client address and one in all.

Connections are counted from the moment they are accepted, before any TLS handshake, so
silent or half-open sockets count like any other. When a cap is reached, the oldest idle
connection (no request under way, no answer owed) is closed to make room: a new
connection is far more likely to be the provider than an old silent one. Only when none
is idle is the newcomer refused.

An IPv6 client is counted by its /64 network: one host commonly has a whole one.
"""

from __future__ import annotations

import functools
import ipaddress
import time
from typing import Protocol

from console.listener.config import IPNetwork, allowed, parse_address

# After a look over every connection found none idle, newcomers are refused without
# looking again for this long: a flood of them must not cost a scan each.
_FULL_FOR = 0.05


@functools.lru_cache(maxsize=4096)
def client_key(address: str) -> str:
    """What connections are counted by: the address, or an IPv6 address's /64 network."""
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address
    if isinstance(parsed, ipaddress.IPv6Address) and parsed.ipv4_mapped is None:
        return str(ipaddress.IPv6Network((parsed, 64), strict=False))
    return address


class Held(Protocol):
    """A connection as the admission sees it."""

    def idle(self) -> bool:
        """Whether it has nothing under way: no request being read, no answer owed."""

    def evict(self) -> None:
        """Close it at once, to make room."""


class Admission:
    """Counts one server's connections, in all and per client address."""

    def __init__(self, total: int, per_address: int, uncapped: tuple[IPNetwork, ...]) -> None:
        self._total = total
        self._per_address = min(per_address, total)
        # Trusted proxies relay many clients over their own address.
        self._uncapped = uncapped
        # Oldest first (dicts keep their order): the first idle one found is the oldest.
        self._held: dict[Held, str] = {}
        self._by_address: dict[str, dict[Held, None]] = {}
        self._full_until = 0.0

    def admit(self, connection: Held, address: str) -> str | None:
        """Count ``connection`` in, making room if needed; else say why it is refused."""
        key = client_key(address)
        same = self._by_address.get(key)
        if (
            same
            and len(same) >= self._per_address
            and not self._is_uncapped(address)
            and not self._make_room(same)
        ):
            return f"more than {self._per_address} connections from this address"
        if len(self._held) >= self._total and not self._room_in_all():
            return f"more than {self._total} connections in all"
        self._held[connection] = key
        self._by_address.setdefault(key, {})[connection] = None
        return None

    def _room_in_all(self) -> bool:
        now = time.monotonic()
        if now < self._full_until:
            return False
        if self._make_room(self._held):
            return True
        self._full_until = now + _FULL_FOR
        return False

    def release(self, connection: Held) -> None:
        """Count ``connection`` out (more than once is harmless)."""
        key = self._held.pop(connection, None)
        if key is None:
            return
        same = self._by_address[key]
        del same[connection]
        if not same:
            del self._by_address[key]

    def _is_uncapped(self, address: str) -> bool:
        if not self._uncapped:
            return False
        try:
            return allowed(parse_address(address), self._uncapped)
        except ValueError:
            return False

    def _make_room(self, among: dict[Held, str] | dict[Held, None]) -> bool:
        oldest = next((connection for connection in among if connection.idle()), None)
        if oldest is None:
            return False
        self.release(oldest)
        oldest.evict()
        return True
