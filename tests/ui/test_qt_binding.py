"""The installed Qt binding keeps Python's reference counts straight.

PySide6-Essentials 6.12.0 on Python 3.11 takes a reference away from ``None`` on every
call of a Qt method that returns nothing; after enough repaints ``None`` is freed and
the viewer aborts. pyproject.toml excludes that release; this test catches another one.
"""

from __future__ import annotations

import sys

from PySide6.QtGui import QImage, QPainter, QPainterPath


def test_void_qt_calls_leave_none_alone():
    path = QPainterPath()
    image = QImage(8, 8, QImage.Format.Format_RGB32)
    before = sys.getrefcount(None)
    for _ in range(500):
        path.lineTo(1.0, 2.0)
        image.fill(0)
    painter = QPainter(image)
    for _ in range(500):
        painter.drawPath(path)
    painter.end()
    assert abs(sys.getrefcount(None) - before) < 50
