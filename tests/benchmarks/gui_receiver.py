"""The listener inside a Qt process, for the benchmark: does a receipt storm stall the GUI?

A QApplication (offscreen) runs a 10 ms heartbeat timer and a label that repaints with
each coalesced batch of changes; the listener runs in its thread as in the console.
Prints ``listening <url>``; on SIGTERM prints one JSON line of heartbeat figures and exits.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import qasync
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QLabel

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from console.listener.config import ListenerConfig  # noqa: E402
from console.listener.intake import Change  # noqa: E402
from console.listener.notify import Coalescer  # noqa: E402
from console.listener.server import CallbackListener, callback_store  # noqa: E402


def main() -> None:
    database, token = Path(sys.argv[1]), sys.argv[2]
    app = QApplication([])
    label = QLabel("waiting")
    label.resize(300, 40)
    label.show()
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)

    gaps = {"max": 0.0, "beats": 0, "updates": 0, "changes": 0}
    last = time.perf_counter()

    def beat() -> None:
        nonlocal last
        now = time.perf_counter()
        gaps["max"] = max(gaps["max"], now - last)
        gaps["beats"] += 1
        last = now

    def show(batch: frozenset[Change]) -> None:
        gaps["updates"] += 1
        gaps["changes"] += len(batch)
        label.setText(f"{gaps['changes']} receipts")
        label.repaint()

    coalescer = Coalescer(loop, show)

    listener = CallbackListener(
        ListenerConfig(port=0, path_token=token), callback_store(database), on_changes=coalescer.add
    )
    print(f"listening {listener.start_in_thread()}", flush=True)
    heartbeat = QTimer()
    heartbeat.timeout.connect(beat)
    heartbeat.start(10)
    started = time.perf_counter()

    def finish(*_args: object) -> None:
        listener.stop()
        seconds = time.perf_counter() - started
        report = {
            "max_gap_ms": round(gaps["max"] * 1000, 1),
            "heartbeats": gaps["beats"],
            "ui_updates_per_s": round(gaps["updates"] / seconds, 1),
            "changes": gaps["changes"],
        }
        print(json.dumps(report), flush=True)
        app.quit()

    signal.signal(signal.SIGTERM, finish)
    with loop:
        loop.run_forever()
    heartbeat.stop()


if __name__ == "__main__":
    main()
