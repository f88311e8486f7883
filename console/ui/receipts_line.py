"""The team's receivers in the status bar: the words of their health made short enough
for a window of ordinary width, what matters most first (how many answer), the time of
the last callback last, so that a narrow bar cuts only that."""

from __future__ import annotations

import re

from console.receipts_health import ReceiptsHealth

_SOME_SILENT = re.compile(
    r"^Receipts via (?P<up>\d+) receivers? \((?P<down>\d+) not answering\)"
    r"(?:, last callback (?P<last>.+) ago)?$"
)
_ALL_UP = re.compile(r"^Receipts via (?P<up>.+?)(?:, last callback (?P<last>.+) ago)?$")
# The store's own status says why; here, only that the receivers are not known.
_UNKNOWN = "Receivers not known"
SEPARATOR = " · "


def receipts_line(health: ReceiptsHealth) -> str:
    """``health``'s status line, short: "1 of 2 receivers answering · last callback 60 s"
    for "Receipts via 1 receiver (1 not answering), last callback 60 s ago"."""
    text = health.text
    if text.startswith(_UNKNOWN):
        return _UNKNOWN
    if found := _SOME_SILENT.match(text):
        up, down = int(found["up"]), int(found["down"])
        line = f"{up} of {up + down} receivers answering"
    elif found := _ALL_UP.match(text):
        line = f"Receipts via {found['up']}"
    else:
        return text
    return line + (f"{SEPARATOR}last callback {found['last']}" if found["last"] else "")


def key_words(line: str) -> str:
    """The part of ``line`` the status bar always shows whole: all before the last
    callback's time."""
    return line.split(SEPARATOR, 1)[0]
