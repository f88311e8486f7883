"""What a console on the shared store says about the team's receivers, from their
heartbeats: how many take callbacks and when the last one came; a caution when one has
stopped answering, or when none runs (a restart may be under way); and a warning when
none has been seen for a while (receipts and replies are then not arriving)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from console.store.receivers import ReceiverBeat

# With no healthy receiver for this long, the console warns.
SILENT_AFTER = 60.0


class Concern(Enum):
    NONE = "none"
    CAUTION = "caution"
    WARNING = "warning"


@dataclass(frozen=True)
class ReceiptsHealth:
    text: str
    concern: Concern
    detail: str


def _ago(seconds: float) -> str:
    seconds = max(seconds, 0.0)
    if seconds < 120:
        return f"{seconds:.0f} s ago"
    if seconds < 7200:
        return f"{seconds // 60:.0f} min ago"
    return f"{seconds // 3600:.0f} h ago"


def receipts_health(
    beats: list[ReceiverBeat], now: float, healthy_since: float | None, watched_since: float
) -> ReceiptsHealth:
    """The status line for ``beats`` read at ``now``. ``healthy_since``: when a healthy
    receiver was last seen by this console (None: never); ``watched_since``: when it
    began to look (a console just started does not warn at once)."""
    healthy = [b for b in beats if b.healthy(now)]
    stale = len(beats) - len(healthy)
    callbacks = [b.last_callback_at for b in beats if b.last_callback_at is not None]
    last = f", last callback {_ago(now - max(callbacks))}" if callbacks else ""
    hosts = ", ".join(sorted({b.host for b in healthy}))
    stale_hosts = ", ".join(sorted({b.host for b in beats if not b.healthy(now)}))
    if healthy:
        count = "1 receiver" if len(healthy) == 1 else f"{len(healthy)} receivers"
        detail = f"Receivers running on {hosts}"
        if not stale:
            return ReceiptsHealth(f"Receipts via {count}{last}", Concern.NONE, detail)
        return ReceiptsHealth(
            f"Receipts via {count} ({stale} not answering){last}",
            Concern.CAUTION,
            f"{detail}. Not answering for over 30 s: {stale_hosts}. See `sms-console db status`.",
        )
    silent = now - (healthy_since if healthy_since is not None else watched_since)
    detail = (
        "No receiver of the shared store has written its heartbeat lately: delivery "
        "receipts and customer replies are not being stored. See `sms-console db status`."
    )
    if silent < SILENT_AFTER:
        return ReceiptsHealth("No receiver running", Concern.CAUTION, detail)
    return ReceiptsHealth(
        f"No receiver seen for {_ago(silent).removesuffix(' ago')}", Concern.WARNING, detail
    )
