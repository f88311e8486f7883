"""The application icon in every size and format the installers need, drawn from its SVG.

Run with the build environment's Python, which has PySide6::

    python packaging/icons.py resources/icons/sms-operator-console.svg build/icons

It writes ``hicolor/<n>x<n>/apps/sms-operator-console.png`` (the freedesktop sizes),
``sms-operator-console.ico`` for Windows and ``sms-operator-console.icns`` for macOS.
The ICO file holds its sizes below 256 px as 32-bit bitmaps (the form every Windows
program that reads icons knows, resource editors and older shell code included) and the
256 px one as PNG, as Windows' own icons do; the ICNS file holds PNG images, which every
macOS the console supports reads. Nothing but Qt is needed to make them.
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
# ICO sizes from this one up are stored as PNG, smaller ones as bitmaps.
ICO_PNG_FROM = 256
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


def render(renderer: QSvgRenderer, size: int) -> QImage:
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    return image


def encode_png(image: QImage) -> bytes:
    size = image.width()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    # PySide6's stubs type the format as bytes, but at run time it takes only a str.
    if not image.save(buffer, "PNG"):  # type: ignore[call-overload]
        raise RuntimeError(f"Qt could not encode the {size} px icon as PNG")
    buffer.close()
    return bytes(data.data())


def encode_dib(image: QImage) -> bytes:
    """One bitmap entry of an ICO file: a BITMAPINFOHEADER, then 32-bit BGRA pixels, then
    the 1-bit AND mask (set where a pixel is fully transparent), both bottom-up.

    The header's height counts both halves, the pixels and the mask, so it is twice the
    image's. Alpha is straight, not premultiplied.
    """
    if sys.byteorder != "little":
        raise RuntimeError("Format_ARGB32 is B, G, R, A in memory on little-endian machines only")
    straight = image.convertToFormat(QImage.Format.Format_ARGB32)
    width, height, stride = straight.width(), straight.height(), straight.bytesPerLine()
    # Format_ARGB32 keeps each pixel as a native 0xAARRGGBB word: B, G, R, A in memory,
    # which is the bitmap's order; a bitmap's 32-bit rows need no padding.
    pixels_top_down = bytes(straight.constBits())
    rows = [pixels_top_down[y * stride : y * stride + width * 4] for y in reversed(range(height))]
    mask_row_bytes = (width + 31) // 32 * 4
    mask = bytearray()
    for row in rows:
        bits = bytearray(mask_row_bytes)
        for x in range(width):
            if row[4 * x + 3] == 0:
                bits[x // 8] |= 0x80 >> (x % 8)
        mask += bits
    pixels = b"".join(rows)
    header = struct.pack(
        "<IiiHHIIiiII", 40, width, 2 * height, 1, 32, 0, len(pixels) + len(mask), 0, 0, 0, 0
    )
    return header + pixels + bytes(mask)


def ico(images: dict[int, bytes]) -> bytes:
    """A Windows icon file: a directory of entries, then the images (bitmap or PNG) they
    point at."""
    header = struct.pack("<HHH", 0, 1, len(images))
    offset = len(header) + 16 * len(images)
    entries, data = b"", b""
    for size, image in sorted(images.items()):
        # A width or height of 0 stands for 256.
        entries += struct.pack(
            "<BBBBHHII", size % 256, size % 256, 0, 0, 1, 32, len(image), offset + len(data)
        )
        data += image
    return header + entries + data


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
    images = {size: render(renderer, size) for size in sizes}
    pngs = {size: encode_png(image) for size, image in images.items()}
    for size in HICOLOR_SIZES:
        folder = out / "hicolor" / f"{size}x{size}" / "apps"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{NAME}.png").write_bytes(pngs[size])
    ico_images = {
        size: pngs[size] if size >= ICO_PNG_FROM else encode_dib(images[size]) for size in ICO_SIZES
    }
    (out / f"{NAME}.ico").write_bytes(ico(ico_images))
    (out / f"{NAME}.icns").write_bytes(icns(pngs))


if __name__ == "__main__":
    if len(sys.argv) != 3:
        raise SystemExit("usage: icons.py ICON.svg OUTPUT_FOLDER")
    # Offscreen: icons are made on build machines with no display.
    app = QGuiApplication([sys.argv[0], "-platform", "offscreen"])
    main(Path(sys.argv[1]), Path(sys.argv[2]))
