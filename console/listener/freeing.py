"""Closed connections freed at once, not at the next garbage collection.

asyncio's socket transport keeps a bound method of its own (the callback for readable
data) until it is freed: a reference cycle. Each closed connection then waits for the
cyclic garbage collector, and under a flood of short connections a collection has
thousands to free at once, which held up every other request for 50-200 ms. Cutting the
cycle once the connection is lost lets reference counting free it straight away.
"""

from __future__ import annotations

import asyncio

_SELF_REFERENCE = "_read_ready_cb"  # asyncio.selector_events, Python 3.11-3.13


def unlink(transport: asyncio.BaseTransport | None) -> None:
    """Cut ``transport``'s reference to itself, once it is closed (it reads no more)."""
    if transport is None or not transport.is_closing():
        return
    attributes = getattr(transport, "__dict__", None)
    if attributes is not None and _SELF_REFERENCE in attributes:
        attributes[_SELF_REFERENCE] = None
