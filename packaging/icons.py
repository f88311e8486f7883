"""The application icon in every size and format the installers need, drawn from its SVG.

Run with the build environment's Python, which has PySide6::

    python packaging/icons.py resources/icons/sms-operator-console.svg build/icons

It writes ``hicolor/<n>x<n>/apps/sms-operator-console.png`` (the freedesktop sizes),
``sms-operator-console.ico`` for Windows and ``sms-operator-console.icns`` for macOS. The
ICO and ICNS files hold PNG images, which every Windows and macOS the console supports
reads, so nothing but Qt is needed to make them.
"""

from __future__ import annotations

import struct
import sys
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

NAME = "sms-operator-console"
HICOLOR_SIZES = (16, 22, 24, 32, 48, 64, 128, 256, 512)
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
# ICNS element types that hold PNG data, with their pixel size; the "@2x" types (ic10 to
# ic14) reuse the larger sizes.
ICNS_TYPES = (
    (b"icp4", 16),
    (b"icp5", 32),
    (b"icp6", 64),
    (b"ic07", 128),
    (b"ic08", 256),
    (b"ic09", 512),
    (b"ic10", 1024),
    (b"ic11", 32),
    (b"ic12", 64),
    (b"ic13", 256),
    (b"ic14", 512),
)


def render_png(renderer: QSvgRenderer, size: int) -> bytes:
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    # PySide6's stubs type the format as bytes, but at run time it takes only a str.
    if not image.save(buffer, "PNG"):  # type: ignore[call-overload]
        raise RuntimeError(f"Qt could not encode the {size} px icon as PNG")
    buffer.close()
    return bytes(data.data())


def ico(pngs: dict[int, bytes]) -> bytes:
    """A Windows icon file: a directory of entries, then the PNG images they point at."""
    header = struct.pack("<HHH", 0, 1, len(pngs))
    offset = len(header) + 16 * len(pngs)
    entries, images = b"", b""
    for size, png in sorted(pngs.items()):
        # A width or height of 0 stands for 256.
        entries += struct.pack(
            "<BBBBHHII", size % 256, size % 256, 0, 0, 1, 32, len(png), offset + len(images)
        )
        images += png
    return header + entries + images


def icns(pngs: dict[int, bytes]) -> bytes:
    """A macOS icon file: typed elements, each with its length, after a header."""
    elements = b"".join(
        kind + struct.pack(">I", 8 + len(pngs[size])) + pngs[size] for kind, size in ICNS_TYPES
    )
    return b"icns" + struct.pack(">I", 8 + len(elements)) + elements


def main(svg: Path, out: Path) -> None:
    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise SystemExit(f"not a usable SVG: {svg}")
    sizes = sorted({*HICOLOR_SIZES, *ICO_SIZES, *(size for _, size in ICNS_TYPES)})
    pngs = {size: render_png(renderer, size) for size in sizes}
    for size in HICOLOR_SIZES:
        folder = out / "hicolor" / f"{size}x{size}" / "apps"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{NAME}.png").write_bytes(pngs[size])
    (out / f"{NAME}.ico").write_bytes(ico({size: pngs[size] for size in ICO_SIZES}))
    (out / f"{NAME}.icns").write_bytes(icns(pngs))


if __name__ == "__main__":
    if len(sys.argv) != 3:
        raise SystemExit("usage: icons.py ICON.svg OUTPUT_FOLDER")
    # Offscreen: icons are made on build machines with no display.
    app = QGuiApplication([sys.argv[0], "-platform", "offscreen"])
    main(Path(sys.argv[1]), Path(sys.argv[2]))
