"""numpy arrays to QImages and back (QtGui only)."""

from __future__ import annotations

import sys

import numpy as np
from PySide6.QtGui import QImage


def array_to_qimage(array: np.ndarray) -> QImage:
    """Copy a uint8 grey ``(h, w)`` or RGB ``(h, w, 3)`` array into a QImage."""
    return array_view(np.ascontiguousarray(array, dtype=np.uint8)).copy()


def array_view(array: np.ndarray) -> QImage:
    """Wrap a contiguous grey, RGB or packed RGB32 array as a QImage without copying it.

    ``uint8`` ``(h, w)`` is grey, ``(h, w, 3)`` RGB; ``uint32`` ``(h, w)`` holds
    ``0xFFRRGGBB`` pixels. The image reads the array's memory: draw it while ``array``
    is alive (the canvas's paintEvent does, synchronously), and never keep it.
    """
    height, width = array.shape[:2]
    if array.dtype == np.uint32:
        fmt = QImage.Format.Format_RGB32
    elif array.ndim == 2:
        fmt = QImage.Format.Format_Grayscale8
    else:
        fmt = QImage.Format.Format_RGB888
    return QImage(array.data, width, height, array.strides[0], fmt)


def qimage_to_array(image: QImage) -> np.ndarray:
    """Copy a QImage into a uint8 RGB ``(h, w, 3)`` array (grey images become RGB)."""
    image = image.convertToFormat(QImage.Format.Format_RGB888)
    height, width, stride = image.height(), image.width(), image.bytesPerLine()
    buffer = np.frombuffer(image.constBits(), np.uint8, count=stride * height)
    return buffer.reshape(height, stride)[:, : width * 3].reshape(height, width, 3).copy()


def rgb32_to_array(image: QImage) -> np.ndarray:
    """Copy a ``Format_RGB32`` QImage into a uint8 RGB ``(h, w, 3)`` array, fast.

    The pixels are read as the BGRA bytes they are on a little-endian machine, without
    Qt's format conversion; other formats and machines take :func:`qimage_to_array`.
    """
    if image.format() != QImage.Format.Format_RGB32 or sys.byteorder != "little":
        return qimage_to_array(image)
    height, width, stride = image.height(), image.width(), image.bytesPerLine()
    buffer = np.frombuffer(image.constBits(), np.uint8, count=stride * height)
    bgra = buffer.reshape(height, stride // 4, 4)[:, :width]
    return np.ascontiguousarray(bgra[:, :, 2::-1])
