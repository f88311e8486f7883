"""How long each live receipt took to show in the benchmarked window's log.

``bench_window.py``'s figure: from a receipt's acknowledgement to the end of the first
paint of its row showing it, or a receipt for the same message stored after it.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any


def percentile(values: list[float], share: float) -> float:
    """The nearest-rank percentile (inf for a receipt whose row was never repainted)."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def stored_places(rows: Iterable[tuple[str, int]]) -> dict[tuple[str, int], int]:
    """Each receipt's place among its message's receipts, from ``(message_id,
    result_code)`` rows in the order they were stored.

    That is the order their states were applied in: two receipts for one message in flight
    at once may be stored in either order.
    """
    places: dict[tuple[str, int], int] = {}
    counts: dict[str, int] = {}
    for message_id, code in rows:
        places[(message_id, code)] = counts.get(message_id, 0)
        counts[message_id] = counts.get(message_id, 0) + 1
    return places


def receipt_latencies(
    receipts: list[list[Any]],
    history: dict[str, list[list[Any]]],
    places: dict[tuple[str, int], int],
) -> dict[str, Any]:
    """From each acknowledgement to the first paint of its row showing it or a later one.

    "Later" is in the order the receipts were stored, which is the order the row's state
    went through; a row painted before any receipt shows none.
    """
    latencies = []
    exact = before_ack = missing = wrong_state = reordered = 0
    for message_id, number, state, _sent, acknowledged, status in receipts:
        if not 200 <= status < 300:
            continue
        place = places.get((message_id, number))
        if place is None:
            missing += 1
            latencies.append(math.inf)
            continue
        reordered += place != number
        shown = None
        for painted in history.get(message_id, []):
            code = painted[1]
            if code is not None and places.get((message_id, code), -1) >= place:
                shown = painted
                break
        if shown is None:
            missing += 1
            latencies.append(math.inf)
            continue
        painted_at, code, painted_state = shown
        if code == number:
            exact += 1
            wrong_state += painted_state != state
        if painted_at < acknowledged:
            before_ack += 1
        latencies.append(max(0.0, painted_at - acknowledged) * 1000)
    return {
        "count": len(latencies),
        "p50": percentile(latencies, 0.50) if latencies else math.nan,
        "p95": percentile(latencies, 0.95) if latencies else math.nan,
        "max": max(latencies) if latencies else math.nan,
        "exact": exact,
        "before_ack": before_ack,
        "missing": missing,
        "wrong_state": wrong_state,
        "reordered": reordered,
    }
