"""Draw what the canvas shows besides annotations: corner text, scale bar, overlays.

The file's own DICOM overlay planes are drawn in image space, the rest on the screen.

Nothing here goes into exports: corner text is off there (it may identify the patient).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QImage, QPainter, QPainterPath, QPen, QTransform

from hoview.display.attributes import Window
from hoview.display.corner_text import corner_text
from hoview.display.scale_bar import scale_bar

if TYPE_CHECKING:
    from hoview.ui.canvas import ViewerCanvas

#: Colour of DICOM overlay planes (graphics drawn by the modality).
OVERLAY_COLOUR = (255, 214, 0)
TEXT_COLOUR = QColor(255, 255, 255)
MARGIN = 8


def paint_overlays(canvas: ViewerCanvas, painter: QPainter, transform: QTransform) -> None:
    """Draw DICOM overlays (in image space), then corner text and the scale bar."""
    frame = canvas.frame
    if frame is None:
        return
    if canvas.show_overlays and frame.source.kind == "dicom":
        for overlay in frame.source.overlays:
            _paint_bitmap(painter, transform, overlay.bitmap, overlay.origin, frame.number)
    if canvas.show_corner_text:
        _paint_corner_text(canvas, painter)
        rotation = canvas.geometry_state.rotation if canvas.geometry_state else 0
        bar = scale_bar(
            frame.source.pixel_spacing, canvas.zoom, canvas.width() / 4, rotation=rotation
        )
        if bar is not None:
            _paint_scale_bar(canvas, painter, bar.length_px, bar.label)


def view_description(canvas: ViewerCanvas) -> dict:
    """Return the view state corner text shows: window, zoom, frame, rotation, flips."""
    geometry = canvas.geometry_state
    voi = canvas.voi
    series = canvas.series
    return {
        "window_center": voi.center if isinstance(voi, Window) else None,
        "window_width": voi.width if isinstance(voi, Window) else None,
        "zoom": canvas.zoom,
        "frame_index": canvas.frame_index,
        "frame_count": len(series.frames) if series is not None else 0,
        "rotation": geometry.rotation if geometry is not None else 0,
        "flip_h": geometry.flip_h if geometry is not None else False,
        "flip_v": geometry.flip_v if geometry is not None else False,
        "invert": canvas.invert,
    }


def _paint_bitmap(painter, transform, bitmap: np.ndarray, origin, frame_number: int) -> None:
    if bitmap.ndim == 3:
        if frame_number > bitmap.shape[0]:
            return
        bitmap = bitmap[frame_number - 1]
    rgba = np.zeros(bitmap.shape + (4,), np.uint8)
    rgba[bitmap] = (*OVERLAY_COLOUR, 255)
    height, width = bitmap.shape
    image = QImage(rgba.data, width, height, 4 * width, QImage.Format.Format_RGBA8888).copy()
    painter.save()
    painter.setTransform(transform)
    # Overlay Origin (60xx,0050) is 1-based (row, column) of the bitmap's first pixel.
    painter.drawImage(QPointF(origin[1] - 1, origin[0] - 1), image)
    painter.restore()


def _font(canvas: ViewerCanvas) -> QFont:
    font = QFont(canvas.font())
    font.setPixelSize(max(11, min(15, canvas.height() // 55)))
    return font


def _outlined_text(painter: QPainter, lines: list[str], font: QFont, corner: str, canvas) -> None:
    height = font.pixelSize() * 1.3
    top = corner.startswith("top")
    left = corner.endswith("left")
    path = QPainterPath()
    metrics_width = painter.fontMetrics().horizontalAdvance
    for i, line in enumerate(lines):
        row = i if top else len(lines) - 1 - i
        y = (
            MARGIN + font.pixelSize() + row * height
            if top
            else canvas.height() - MARGIN - row * height
        )
        x = MARGIN if left else canvas.width() - MARGIN - metrics_width(line)
        path.addText(QPointF(x, y), font, line)
    painter.strokePath(path, QPen(QColor(0, 0, 0, 200), 3))
    painter.fillPath(path, TEXT_COLOUR)


def _paint_corner_text(canvas: ViewerCanvas, painter: QPainter) -> None:
    frame = canvas.frame
    corners = corner_text(frame.source.metadata, view_description(canvas), canvas.anonymous)
    font = _font(canvas)
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    painter.setFont(font)
    for corner, lines in corners.items():
        if lines:
            _outlined_text(painter, lines, font, corner, canvas)
    painter.restore()


def _paint_scale_bar(canvas: ViewerCanvas, painter: QPainter, length: float, label: str) -> None:
    """Draw a bar with end ticks at the bottom centre, its length written above it."""
    x0 = (canvas.width() - length) / 2
    y = canvas.height() - MARGIN - 4
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    for colour, width in ((QColor(0, 0, 0, 200), 4.0), (TEXT_COLOUR, 2.0)):
        pen = QPen(colour, width)
        pen.setCapStyle(Qt.PenCapStyle.FlatCap)
        painter.setPen(pen)
        painter.drawLine(QPointF(x0, y), QPointF(x0 + length, y))
        painter.drawLine(QPointF(x0, y - 6), QPointF(x0, y))
        painter.drawLine(QPointF(x0 + length, y - 6), QPointF(x0 + length, y))
    font = _font(canvas)
    painter.setFont(font)
    box = QRectF(x0, y - 8 - font.pixelSize() * 1.4, length, font.pixelSize() * 1.4)
    painter.setPen(TEXT_COLOUR)
    painter.drawText(box, Qt.AlignmentFlag.AlignCenter, label)
    painter.restore()
