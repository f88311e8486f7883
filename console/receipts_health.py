"""What a console on the shared store says about the team's receivers, from their
heartbeats: how many take callbacks and when the last one came; a caution when one has
stopped answering, or when none runs (a restart may be under way); a warning when none has
been seen for a while (receipts and replies are then not arriving); and each receiver's
own line, as ``db status`` and the window's list of receivers word it."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from enum import Enum

from console.store.receivers import STALE_AFTER, ReceiverBeat

# With no healthy receiver for this long, the console warns.
SILENT_AFTER = 60.0
# A receiver silent this long is gone (killed, its host replaced), no longer "not
# answering": its row stays until the others delete it, a day later.
GONE_AFTER = 600.0


class Concern(Enum):
    NONE = "none"
    CAUTION = "caution"
    WARNING = "warning"


@dataclass(frozen=True)
class ReceiptsHealth:
    """The status line, and the heartbeats it was made from, read at ``read_at``."""

    text: str
    concern: Concern
    detail: str
    beats: tuple[ReceiverBeat, ...] = ()
    read_at: float = field(default=0.0, compare=False)


def when(at: float) -> str:
    """A time of day with its date, in local time."""
    return time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(at))


def ago(seconds: float) -> str:
    seconds = max(seconds, 0.0)
    if seconds < 120:
        return f"{seconds:.0f} s ago"
    if seconds < 7200:
        return f"{seconds // 60:.0f} min ago"
    return f"{seconds // 3600:.0f} h ago"


def ago_at(at: float | None, now: float) -> str:
    """How long before ``now`` ``at`` was; ``never`` for None."""
    return "never" if at is None else ago(now - at)


def named(beat: ReceiverBeat) -> str:
    """A receiver by its host and process: two on one host are told apart."""
    return f"{beat.host} (pid {beat.pid})"


def beat_health(beat: ReceiverBeat, now: float) -> str:
    return "healthy" if beat.healthy(now) else f"STALE (no heartbeat for {STALE_AFTER:.0f} s)"


def receivers_unknown(reason: str) -> ReceiptsHealth:
    """What is said while the heartbeats cannot be read: nothing about the receivers,
    which may well be answering the provider 503 meanwhile."""
    return ReceiptsHealth(
        "Receivers not known: shared store unreachable",
        Concern.CAUTION,
        f"The receivers' heartbeats could not be read: {reason}",
    )


def receipts_health(
    beats: list[ReceiverBeat],
    now: float,
    healthy_since: float | None,
    watched_since: float,
    heard_at: float | None = None,
) -> ReceiptsHealth:
    """The status line for ``beats`` read at ``now``. ``healthy_since``: when a healthy
    receiver was last seen by this console (None: never); ``watched_since``: when it
    began to look (a console just started does not warn at once); ``heard_at``: when this
    console last heard of a receipt or reply stored, which a heartbeat tells only at its
    next beat."""
    healthy = [b for b in beats if b.healthy(now)]
    stale_beats = [b for b in beats if not b.healthy(now) and now - b.seen_at < GONE_AFTER]
    stale = len(stale_beats)
    callbacks = [b.last_callback_at for b in beats if b.last_callback_at is not None]
    if heard_at is not None:
        callbacks.append(heard_at)
    last = f", last callback {ago(now - max(callbacks))}" if callbacks else ""
    hosts = ", ".join(sorted({named(b) for b in healthy}))
    stale_hosts = ", ".join(sorted({named(b) for b in stale_beats}))
    silent = now - (healthy_since if healthy_since is not None else watched_since)
    if healthy:
        count = "1 receiver" if len(healthy) == 1 else f"{len(healthy)} receivers"
        detail = f"Receivers running on {hosts}"
        if not stale:
            text, concern = f"Receipts via {count}{last}", Concern.NONE
        else:
            text, concern = f"Receipts via {count} ({stale} not answering){last}", Concern.CAUTION
            detail += f". Not answering for over {STALE_AFTER:.0f} s: {stale_hosts}."
    else:
        detail = (
            "No receiver of the shared store has written its heartbeat lately: delivery "
            "receipts and customer replies are not being stored. See `sms-console db status`."
        )
        if silent < SILENT_AFTER:
            text, concern = "No receiver running", Concern.CAUTION
        else:
            text = f"No receiver seen for {ago(silent).removesuffix(' ago')}"
            concern = Concern.WARNING
    return ReceiptsHealth(text, concern, detail, tuple(beats), now)
