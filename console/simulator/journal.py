"""A readable record of what the simulator received and what it sent back.

Read from other threads (the GUI runs the simulator in a thread of its own), so every
access takes a lock. Only the newest ``limit`` entries of each kind are kept, so a long
demonstration does not grow without bound. Passwords never enter the journal.
"""

from __future__ import annotations

import copy
import threading
from collections import OrderedDict
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any, Literal

MASKED = "***"

CallbackState = Literal["scheduled", "retrying", "delivered", "failed", "cancelled"]


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def readable_parameters(pairs: Iterable[tuple[str, str]]) -> dict[str, str | list[str]]:
    """Parameters fit to show: password masked, attachment content reduced to its size.

    A parameter given more than once keeps all its values, as a list.
    """
    readable: dict[str, str | list[str]] = {}
    for key, value in pairs:
        if key == "password":
            shown = MASKED
        elif key.startswith("mms_attachment") and key.endswith(".content"):
            shown = f"<{len(value)} base64 characters>"
        else:
            shown = value
        previous = readable.get(key)
        if previous is None:
            readable[key] = shown
        elif isinstance(previous, list):
            previous.append(shown)
        else:
            readable[key] = [previous, shown]
    return readable


class Journal:
    def __init__(self, limit: int) -> None:
        self._limit = limit
        self._lock = threading.Lock()
        self._mt_requests: OrderedDict[int, dict[str, Any]] = OrderedDict()
        self._callbacks: OrderedDict[int, dict[str, Any]] = OrderedDict()
        self._mt_seq = 0
        self._callback_seq = 0
        self._totals = {
            "mt_requests": 0,
            "accepted": 0,
            "dropped": 0,
            "callbacks": 0,
            "callbacks_delivered": 0,
            "callbacks_failed": 0,
            "callback_attempts": 0,
        }

    def record_mt(
        self,
        *,
        method: str,
        client: str,
        params: dict[str, str | list[str]],
        result_code: int,
        reason: str,
        dropped: bool,
        delay: float,
    ) -> None:
        with self._lock:
            self._mt_seq += 1
            self._totals["mt_requests"] += 1
            self._totals["accepted"] += result_code == 0
            self._totals["dropped"] += dropped
            self._append(
                self._mt_requests,
                self._mt_seq,
                {
                    "id": self._mt_seq,
                    "received_at": now_iso(),
                    "method": method,
                    "client": client,
                    "params": params,
                    "result_code": result_code,
                    "reason": reason,
                    "answer": "dropped connection" if dropped else f"result_code={result_code}",
                    "delay_seconds": delay,
                },
            )

    def add_callback(self, *, kind: str, url: str | None, fields: dict[str, str]) -> int:
        """Record a planned callback; returns its id for :meth:`record_attempt`."""
        with self._lock:
            self._callback_seq += 1
            self._totals["callbacks"] += 1
            self._append(
                self._callbacks,
                self._callback_seq,
                {
                    "id": self._callback_seq,
                    "kind": kind,
                    "url": url,
                    "fields": readable_parameters(fields.items()),
                    "planned_at": now_iso(),
                    "state": "scheduled",
                    "attempts": [],
                },
            )
            return self._callback_seq

    def record_attempt(
        self, callback_id: int, *, status: int | None, error: str | None, state: CallbackState
    ) -> None:
        with self._lock:
            self._totals["callback_attempts"] += 1
            self._totals["callbacks_delivered"] += state == "delivered"
            self._totals["callbacks_failed"] += state == "failed"
            entry = self._callbacks.get(callback_id)
            if entry is None:
                return
            attempt: dict[str, Any] = {"at": now_iso()}
            if status is not None:
                attempt["status"] = status
            if error is not None:
                attempt["error"] = error
            entry["attempts"].append(attempt)
            entry["state"] = state

    def set_callback_state(self, callback_id: int, state: CallbackState) -> None:
        with self._lock:
            entry = self._callbacks.get(callback_id)
            if entry is not None:
                entry["state"] = state

    def snapshot(self) -> dict[str, Any]:
        """A deep copy, safe to serialise or inspect while the simulator keeps running."""
        with self._lock:
            return {
                "totals": dict(self._totals),
                "mt_requests": copy.deepcopy(list(self._mt_requests.values())),
                "callbacks": copy.deepcopy(list(self._callbacks.values())),
            }

    def _append(
        self, entries: OrderedDict[int, dict[str, Any]], key: int, entry: dict[str, Any]
    ) -> None:
        entries[key] = entry
        while len(entries) > self._limit:
            entries.popitem(last=False)


def one_line(params: dict[str, str | list[str]], max_value: int = 60) -> str:
    """``key=value`` pairs on one line for the log, long values shortened."""
    parts = []
    for key, value in params.items():
        text = value if isinstance(value, str) else " | ".join(value)
        if len(text) > max_value:
            text = text[: max_value - 1] + "…"
        parts.append(f"{key}={text!r}" if " " in text or not text else f"{key}={text}")
    return " ".join(parts)
