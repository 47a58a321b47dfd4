"""The painter's text: labels, ruler lengths and orientation letters (QtGui only).

Text is laid out in device space after its anchor has been mapped from the image, so a
flip or a rotation never mirrors or turns its glyphs; letters are drawn as outlined
paths (a dark edge keeps them readable on bone). :mod:`hoview.render.paint` draws
annotations with these pieces; the canvas's and the exports' orientation markers come
from :func:`paint_orientation_markers`.
"""

from __future__ import annotations

import math

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QPainter, QPainterPath, QPen

from hoview.annotations import Ruler
from hoview.annotations.measures import measure_text
from hoview.display.orientation import EdgeLabels

#: Smallest text on the device, in device pixels, so a thumbnail still shows a label.
MIN_FONT_PX = 9.0
#: Orientation marker height as a fraction of the output's shorter side (exports).
MARKER_FRACTION = 0.04


def stroke(painter: QPainter, path: QPainterPath, colour: str, width: float) -> None:
    """Stroke ``path`` with round joins and caps: outlines, halos and letter edges."""
    pen = QPen(QColor(colour), width)
    pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    painter.strokePath(path, pen)


def corner_label(label: str, box: QRectF, font_px: float) -> QPainterPath:
    """Place a label just above the top-left corner of a shape's device box, upright."""
    text = text_path(label, QPointF(0, 0), font_px)
    bounds = text.boundingRect()
    gap = font_px * 0.3
    text.translate(box.left() - bounds.left(), box.top() - gap - bounds.bottom())
    return text


def _font(font_px: float) -> QFont:
    font = QFont("DejaVu Sans")
    font.setStyleHint(QFont.StyleHint.SansSerif)
    font.setPixelSize(max(int(round(font_px)), 1))
    font.setWeight(QFont.Weight.DemiBold)
    return font


def text_path(text: str, top_left: QPointF, font_px: float) -> QPainterPath:
    """Turn text into a path whose box starts at ``top_left`` (device pixels)."""
    path = QPainterPath()
    font = _font(font_px)
    ascent = font_px * 0.8
    line_height = font_px * 1.2
    for i, line in enumerate(text.splitlines() or [""]):
        path.addText(QPointF(top_left.x(), top_left.y() + ascent + i * line_height), font, line)
    return path


def keep_inside(text: QPainterPath, bounds: QRectF, outline: float) -> None:
    """Move a label that is partly outside ``bounds`` (the device) wholly inside it.

    A label cut by the edge of the viewport or of an exported image (an arrow near the
    edge, a narrow compare half) is read whole; one that is wholly outside (its arrow
    panned away) stays there.
    """
    box = text.boundingRect().adjusted(-outline, -outline, outline, outline)
    if not box.intersects(bounds) or bounds.contains(box):
        return
    dx = max(bounds.left() - box.left(), 0.0) or min(bounds.right() - box.right(), 0.0)
    dy = max(bounds.top() - box.top(), 0.0) or min(bounds.bottom() - box.bottom(), 0.0)
    text.translate(dx, dy)


def label_path(label: str, tail: QPointF, head: QPointF, font_px: float) -> QPainterPath:
    """Place the label just beyond the arrow's tail, away from the head (device pixels)."""
    probe = text_path(label, QPointF(0, 0), font_px)
    box: QRectF = probe.boundingRect()
    dx, dy = tail.x() - head.x(), tail.y() - head.y()
    norm = math.hypot(dx, dy) or 1.0
    gap = font_px * 0.4
    # Centre of the label box, pushed out from the tail along the shaft.
    cx = tail.x() + dx / norm * (gap + box.width() / 2)
    cy = tail.y() + dy / norm * (gap + box.height() / 2)
    probe.translate(cx - box.center().x(), cy - box.center().y())
    return probe


def ruler_text(ruler: Ruler, pixel_spacing: tuple[float, float] | None) -> str:
    """Return the text beside a ruler: its label, then its length and unit.

    ``"12.3 mm"`` from Pixel Spacing (0028,0030) or a magnification-corrected Imager
    Pixel Spacing, ``"12.3 mm at detector"`` from Imager Pixel Spacing (0018,1164) as
    it is, ``"12.3 mm calibrated"`` from a user calibration, ``"61.5 px"`` without
    spacing. The source is read from ``pixel_spacing``'s ``source`` (a
    :class:`hoview.sources.spacing.Spacing`); a plain pair counts as Pixel Spacing.
    The words are :func:`hoview.annotations.measures.measure_text`'s.
    """
    return measure_text(ruler, pixel_spacing)


def marker_size(text: str, font_px: float) -> tuple[float, float]:
    """Return the width and height of orientation letters as they are painted.

    :func:`paint_orientation_markers` draws the same outline and places it by the same
    box, so a layout that reserves this much room for a letter reserves exactly enough.
    """
    box = text_path(text, QPointF(0, 0), font_px).boundingRect()
    return box.width(), box.height()


def paint_orientation_markers(
    painter: QPainter,
    labels: EdgeLabels,
    rect: QRectF,
    font_px: float | None = None,
    colour: str = "#ffffff",
    bottom_inset: float = 0.0,
) -> None:
    """Draw orientation letters at the middle of each edge of ``rect``.

    Parameters
    ----------
    painter : QPainter
        An active painter; ``rect`` is in its current coordinates.
    labels : EdgeLabels
        The letters (:func:`hoview.display.orientation.edge_labels`); blank ones are
        skipped.
    rect : QRectF
        The area the image is shown in (a viewport, or an exported image).
    font_px : float, optional
        Letter height; default :data:`MARKER_FRACTION` of the shorter side, at least
        :data:`MIN_FONT_PX` (relative to the output, as exports want).
    colour : str
        Letter colour; a dark outline keeps them readable on bone.
    bottom_inset : float
        Extra room kept free under the bottom letter (the viewer's scale bar).
    """
    if font_px is None:
        font_px = max(MARKER_FRACTION * min(rect.width(), rect.height()), MIN_FONT_PX)
    margin = 0.5 * font_px
    places = {
        "left": lambda w, h: (rect.left() + margin, rect.center().y() - h / 2),
        "right": lambda w, h: (rect.right() - margin - w, rect.center().y() - h / 2),
        "top": lambda w, h: (rect.center().x() - w / 2, rect.top() + margin),
        "bottom": lambda w, h: (
            rect.center().x() - w / 2,
            rect.bottom() - margin - bottom_inset - h,
        ),
    }
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    try:
        for edge, place in places.items():
            text = getattr(labels, edge)
            if not text:
                continue
            path = text_path(text, QPointF(0, 0), font_px)
            box = path.boundingRect()
            x, y = place(box.width(), box.height())
            # Whole pixels: a letter looks the same on every edge (and stays crisp).
            path.translate(round(x - box.left()), round(y - box.top()))
            stroke(painter, path, "#000000", max(font_px / 6, 2.0))
            painter.fillPath(path, QBrush(QColor(colour)))
    finally:
        painter.restore()
