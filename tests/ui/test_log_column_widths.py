"""The log's column widths: the message text always wide enough to read, every column the
operator's to widen (the log then scrolls sideways), no header's words cut, and none of it
lost or squeezed by a restart."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QByteArray, QPoint, QSettings, Qt
from PySide6.QtGui import QStandardItemModel
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QHeaderView, QStyle, QTableView

from console.ui.log_columns import HEADERS, Column
from tests.ui.test_log_columns import _click, _header_menu
from tests.ui.test_main_window import seed

pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints")

READABLE_CHARS = 30  # the least of a message support staff must see at a glance


def _open(qtbot, windows, data_dir, size):
    window = windows.open(data_dir)
    window.resize(*size)
    qtbot.waitUntil(lambda: window.width() == size[0], timeout=5000)
    qtbot.wait(50)
    return window


def _show_columns(qtbot, window, *names: str) -> None:
    for name in names:
        _click(qtbot, _header_menu(qtbot, window), name)


def _text_is_readable(window) -> bool:
    table = window.table
    width = table.horizontalHeader().sectionSize(Column.TEXT)
    return width >= table.fontMetrics().averageCharWidth() * READABLE_CHARS


def _clipped_headers(window) -> list[tuple[str, int, int]]:
    """Each shown column whose header's words do not fit in it: (words, width, needed)."""
    header = window.table.horizontalHeader()
    margin = header.style().pixelMetric(QStyle.PixelMetric.PM_HeaderMargin, None, header)
    clipped = []
    for column in Column:
        needed = header.fontMetrics().horizontalAdvance(HEADERS[column]) + 2 * margin
        if not header.isSectionHidden(column) and header.sectionSize(column) < needed:
            clipped.append((HEADERS[column], header.sectionSize(column), needed))
    return clipped


def _in_view(window, column: Column) -> bool:
    header = window.table.horizontalHeader()
    left = header.sectionViewportPosition(column)
    return left >= 0 and left + header.sectionSize(column) <= window.table.viewport().width()


def _drag_border(qtbot, window, column: Column, by: int) -> None:
    """Press on ``column``'s right border in the header, move ``by`` pixels, let go."""
    header = window.table.horizontalHeader()
    viewport = header.viewport()
    x = header.sectionViewportPosition(column) + header.sectionSize(column) - 1
    start = QPoint(x, header.height() // 2)
    QTest.mousePress(viewport, Qt.MouseButton.LeftButton, pos=start)
    for step in range(1, 11):
        QTest.mouseMove(viewport, start + QPoint(by * step // 10, 0))
    QTest.mouseRelease(viewport, Qt.MouseButton.LeftButton, pos=start + QPoint(by, 0))


@pytest.mark.parametrize(
    ("size", "shown"),
    [
        ((1280, 800), ("Priority", "Type", "Last update")),
        ((1024, 700), ("Priority",)),
        ((1024, 700), ()),
        ((1920, 1080), ("Priority", "Type", "Last update")),
    ],
)
def test_the_message_stays_readable_and_the_log_scrolls_sideways(
    qtbot, windows, data_dir, size, shown
):
    seed(data_dir, "12025550101")
    window = _open(qtbot, windows, data_dir, size)
    _show_columns(qtbot, window, *shown)
    table = window.table
    header = table.horizontalHeader()

    assert _text_is_readable(window), header.sectionSize(Column.TEXT)
    assert _clipped_headers(window) == []
    for column in (Column.TIME, Column.NUMBER, Column.STATUS):
        assert _in_view(window, column), column.name
    columns = sum(header.sectionSize(c) for c in Column)
    bar = table.horizontalScrollBar()
    if columns > table.viewport().width():
        qtbot.waitUntil(lambda: bar.maximum() > 0, timeout=5000)  # the rest is a scroll away
    else:
        # Room to spare goes to the text: no gap after the last column.
        assert columns == table.viewport().width()
    assert bar.value() == bar.minimum()


def test_any_column_can_be_widened_by_its_border_and_none_narrowed_past_its_header(
    qtbot, windows, data_dir
):
    seed(data_dir, "12025550101")
    window = _open(qtbot, windows, data_dir, (1280, 800))
    header = window.table.horizontalHeader()
    bar = window.table.horizontalScrollBar()
    text = header.sectionSize(Column.TEXT)

    _drag_border(qtbot, window, Column.TEXT, 200)
    assert header.sectionSize(Column.TEXT) == text + 200
    qtbot.waitUntil(lambda: bar.maximum() > 0, timeout=5000)

    customer = header.sectionSize(Column.NUMBER)
    _drag_border(qtbot, window, Column.NUMBER, 60)
    assert header.sectionSize(Column.NUMBER) == customer + 60
    assert header.sectionSize(Column.TEXT) == text + 200

    _drag_border(qtbot, window, Column.SENDER, -80)
    assert _clipped_headers(window) == []


def _older_run_header(window) -> bytes:
    """What an earlier version saved: the text stretched and squeezed to a sliver, and our
    number narrower than its header."""
    model = QStandardItemModel(0, len(Column))
    table = QTableView()
    table.setModel(model)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    header.setSectionResizeMode(Column.TEXT, QHeaderView.ResizeMode.Stretch)
    shown = window.table.horizontalHeader()
    for column in Column:
        header.resizeSection(column, shown.sectionSize(column) or 80)
        header.setSectionHidden(column, shown.isSectionHidden(column))
    header.resizeSection(Column.TEXT, 25)
    header.resizeSection(Column.SENDER, 62)
    return bytes(header.saveState().data())


def test_a_restart_puts_back_widened_columns_but_never_a_squeezed_one(qtbot, windows, data_dir):
    seed(data_dir, "12025550101")
    window = _open(qtbot, windows, data_dir, (1024, 700))
    _drag_border(qtbot, window, Column.NUMBER, 40)
    customer = window.table.horizontalHeader().sectionSize(Column.NUMBER)
    windows.close(window)
    window = _open(qtbot, windows, data_dir, (1024, 700))
    assert window.table.horizontalHeader().sectionSize(Column.NUMBER) == customer

    older = _older_run_header(window)
    windows.close(window)
    ini = QSettings(str(data_dir / "window.ini"), QSettings.Format.IniFormat)
    saved = [key for key in ini.allKeys() if key.startswith("logHeader")]
    assert len(saved) == 1
    ini.setValue(saved[0], QByteArray(older))
    ini.sync()
    window = _open(qtbot, windows, data_dir, (1024, 700))
    header = window.table.horizontalHeader()
    assert _text_is_readable(window), header.sectionSize(Column.TEXT)
    assert _clipped_headers(window) == []
    # Still the operator's to widen: it was stretched before.
    text = header.sectionSize(Column.TEXT)
    _drag_border(qtbot, window, Column.TEXT, 100)
    assert header.sectionSize(Column.TEXT) == text + 100
