"""The receivers' health as ``db status`` shows it, from their heartbeats."""

from __future__ import annotations

import time

from console.store.receivers import STALE_AFTER, ReceiverBeat


def _when(at: float) -> str:
    return time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(at))


def _ago(at: float | None, now: float) -> str:
    if at is None:
        return "never"
    seconds = max(now - at, 0)
    if seconds < 120:
        return f"{seconds:.0f} s ago"
    if seconds < 7200:
        return f"{seconds // 60:.0f} min ago"
    return f"{seconds // 3600:.0f} h ago"


def receivers_text(beats: list[ReceiverBeat] | None, now: float) -> list[str]:
    """Lines for the text status: a count, then one line per receiver."""
    if beats is None:
        return ["receivers: unknown until the schema is current"]
    if not beats:
        return ["receivers: none running"]
    healthy = sum(beat.healthy(now) for beat in beats)
    lines = [f"receivers: {len(beats)} ({healthy} healthy, {len(beats) - healthy} stale)"]
    for beat in beats:
        health = "healthy" if beat.healthy(now) else f"STALE (no heartbeat for {STALE_AFTER:.0f} s)"
        lines.append(
            f"  {beat.host} pid {beat.pid}: started {_when(beat.started_at)},"
            f" last callback {_ago(beat.last_callback_at, now)},"
            f" last seen {_ago(beat.seen_at, now)}, {health}"
        )
    return lines


def receivers_json(beats: list[ReceiverBeat] | None, now: float) -> list[dict[str, object]] | None:
    """The receivers for ``db status --json``; None when they could not be read."""
    if beats is None:
        return None
    return [
        {
            "receiver_id": beat.receiver_id,
            "host": beat.host,
            "pid": beat.pid,
            "started_at": beat.started_at,
            "last_callback_at": beat.last_callback_at,
            "seen_at": beat.seen_at,
            "healthy": beat.healthy(now),
        }
        for beat in beats
    ]
