"""The receivers' health as ``db status`` shows it, from their heartbeats."""

from __future__ import annotations

from console.receipts_health import ago_at, beat_health, when
from console.store.receivers import ReceiverBeat


def receivers_text(beats: list[ReceiverBeat] | None, now: float) -> list[str]:
    """Lines for the text status: a count, then one line per receiver."""
    if beats is None:
        return ["receivers: unknown until the schema is current"]
    if not beats:
        return ["receivers: none running"]
    healthy = sum(beat.healthy(now) for beat in beats)
    lines = [f"receivers: {len(beats)} ({healthy} healthy, {len(beats) - healthy} stale)"]
    for beat in beats:
        lines.append(
            f"  {beat.host} pid {beat.pid}: started {when(beat.started_at)},"
            f" last callback {ago_at(beat.last_callback_at, now)},"
            f" last seen {ago_at(beat.seen_at, now)}, {beat_health(beat, now)}"
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
