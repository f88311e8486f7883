"""Pictures to attach: a camera photo's size and weight, not a flat colour that packs to nothing."""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QPoint
from PySide6.QtGui import QColor, QImage, QLinearGradient, QPainter

# What a phone camera makes: 12 megapixels in a JPEG of 4 to 5 MiB.
PHOTO_WIDTH, PHOTO_HEIGHT = 4000, 3000
_NOISE_SPAN = 128  # grain across half the range: JPEG keeps ~0.4 bytes per pixel of it


def camera_photo(path: Path, width: int = PHOTO_WIDTH, height: int = PHOTO_HEIGHT) -> Path:
    """Write a JPEG at ``path`` (named .jpg): random grain under a colour gradient."""
    grain = bytes(128 - _NOISE_SPAN // 2 + value % _NOISE_SPAN for value in range(256))
    pixels = os.urandom(width * height * 3).translate(grain)
    image = QImage(pixels, width, height, width * 3, QImage.Format.Format_RGB888).copy()
    gradient = QLinearGradient(QPoint(0, 0), QPoint(width, height))
    gradient.setColorAt(0, QColor(30, 90, 160, 160))
    gradient.setColorAt(1, QColor(220, 180, 60, 160))
    painter = QPainter(image)
    painter.fillRect(image.rect(), gradient)
    painter.end()
    if not image.save(str(path), quality=90):
        raise OSError(f"{path}: the picture could not be written")
    return path
