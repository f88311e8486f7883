"""What outlining check boxes and radio buttons costs a repaint.

Run: ``.venv/bin/python tests/benchmarks/bench_paint_style.py [--rounds 5] [--paints 200]``.
Offscreen, in the dark theme's palette. Three ways are compared: plain Fusion (as before
the outline), Fusion with ``IndicatorStyle`` on the check boxes only (what the console
does, ``outlined``), and ``IndicatorStyle`` as the application's style (where every
primitive of every widget passes through a Python method). Two widgets are painted whole
(``QWidget.grab``): a table of 40 rows and 9 columns of text, as many cells as the log
shows at once, and the real settings dialog on its Profiles page (which has a check box).
Each round paints each widget ``--paints`` times in each way, the order turning between
rounds; the figures are each way's median time per paint over the rounds, in ms.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtWidgets import (  # noqa: E402
    QApplication,
    QCheckBox,
    QStyleFactory,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from console.settings import ListenerSettings, Settings  # noqa: E402
from console.ui.indicator_style import IndicatorStyle, outlined  # noqa: E402
from console.ui.options.dialog import SettingsDialog  # noqa: E402
from console.ui.palette import DARK, qt_palette  # noqa: E402

ROWS, COLUMNS = 40, 9
WAYS = ("Fusion", "check boxes outlined", "IndicatorStyle for the application")


def table() -> QTableWidget:
    widget = QTableWidget(ROWS, COLUMNS)
    for row in range(ROWS):
        for column in range(COLUMNS):
            widget.setItem(row, column, QTableWidgetItem(f"+1 202-555-{row:04d} · {column}"))
    widget.resize(1100, 40 + ROWS * 30)
    return widget


def use(app: QApplication, way: str, boxes: list[QCheckBox]) -> None:
    whole = way == WAYS[2]
    app.setStyle(IndicatorStyle("fusion") if whole else QStyleFactory.create("fusion"))
    app.setPalette(qt_palette(DARK))  # a new style resets the palette
    for box in boxes:
        if way == WAYS[1]:
            outlined(box)
        else:
            box.setStyle(None)  # type: ignore[arg-type]  # None: the application's
    app.processEvents()


def per_paint_ms(widget: QWidget, paints: int) -> float:
    widget.grab()  # the first paint after a change of style lays out
    started = time.perf_counter()
    for _ in range(paints):
        widget.grab()
    return (time.perf_counter() - started) * 1000 / paints


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--paints", type=int, default=200)
    args = parser.parse_args()
    app = QApplication.instance() or QApplication([sys.argv[0]])
    assert isinstance(app, QApplication)
    with tempfile.TemporaryDirectory() as folder:
        settings = Settings(listener=ListenerSettings(path_token="t" * 24))
        dialog = SettingsDialog(settings, Path(folder))
        boxes = dialog.findChildren(QCheckBox)
        assert boxes
        widgets = {"log-sized table": table(), "settings dialog": dialog}
        for widget in widgets.values():
            widget.show()
        times: dict[tuple[str, str], list[float]] = {}
        for round_number in range(args.rounds):
            turn = round_number % len(WAYS)
            for way in WAYS[turn:] + WAYS[:turn]:
                use(app, way, boxes)
                for name, widget in widgets.items():
                    ms = per_paint_ms(widget, args.paints)
                    times.setdefault((name, way), []).append(ms)
        for name in widgets:
            print(f"{name}, ms per paint:")
            for way in WAYS:
                print(f"  {way}: {statistics.median(times[(name, way)]):.2f}")


if __name__ == "__main__":
    main()
