"""What the measuring kinds draw: rulers, gaps, angles and Cobb angles (QtGui only).

Lines are built in image pixel coordinates (drawn through the image-to-device
transform, like every other shape); the value is laid out upright in device pixels
after its anchor has been mapped, as :mod:`hoview.render.paint` does for labels. Every
value's words come from :func:`hoview.annotations.measures.measure`, so the screen,
the exports and ``hoview annotations`` say the same number the same way.

- a ruler and a gap: a line with short perpendicular end ticks (a caliper), the value
  beside its middle (a gap's reads ``"gap 4.0 mm"`` or ``"bridging"``);
- an angle: two arms from the vertex, a small arc at the vertex, the value just outside
  the vertex, away from the arms;
- a Cobb angle: both lines, the value half-way between their middles.
"""

from __future__ import annotations

import math

from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QPainterPath, QPainterPathStroker, QPolygonF, QTransform

from hoview.annotations import Angle, AnnotationDocument, CobbAngle, Gap, Ruler
from hoview.annotations.measures import measure_text
from hoview.annotations.shapes import Annotation
from hoview.annotations.style import ResolvedStyle
from hoview.render.paint_text import text_path
from hoview.sources.spacing import Spacing, calibrated

Point = tuple[float, float]
#: The arc at an angle's vertex: this many arrow heads in radius, at most this share of
#: the shorter arm.
ARC_HEADS = 1.5
ARC_ARM_SHARE = 0.35
#: Segments per quarter turn of that arc.
ARC_STEPS = 12


def document_spacing(
    document: AnnotationDocument, spacing: tuple[float, float] | None
) -> tuple[float, float] | None:
    """Return the spacing a document's measurements use: its user calibration first.

    Parameters
    ----------
    document : AnnotationDocument
        The annotations (their ``calibration``, if any, wins).
    spacing : (float, float) or None
        What the image file gives (``source.spacing``), or a spacing already chosen.

    Returns
    -------
    (float, float) or None
        ``Spacing(mm, mm, "user-calibration")`` when the document is calibrated, else
        ``spacing`` unchanged.
    """
    calibration = document.calibration
    if calibration is None:
        return spacing
    file_spacing = spacing if isinstance(spacing, Spacing) else None
    return calibrated(file_spacing, calibration)


def measure_glyphs(
    annotation: Annotation,
    style: ResolvedStyle,
    transform: QTransform,
    pixel_spacing: tuple[float, float] | None,
) -> tuple[QPainterPath, QPainterPath] | None:
    """Return a measuring annotation's shape (image) and text (device), else ``None``.

    Parameters
    ----------
    annotation : Annotation
        A ruler, gap, angle or Cobb angle; anything else gives ``None``.
    style : ResolvedStyle
        Sizes in image pixels.
    transform : QTransform
        Image to device coordinates.
    pixel_spacing : (float, float) or None
        The measuring spacing (a user calibration first).
    """
    text = measure_text(annotation, pixel_spacing)
    if isinstance(annotation, (Ruler, Gap)):
        return caliper(annotation.start, annotation.end, style, transform, text)
    if isinstance(annotation, Angle):
        return _angle(annotation, style, transform, text)
    if isinstance(annotation, CobbAngle):
        return _cobb(annotation, style, transform, text)
    return None


def caliper(
    start: Point, end: Point, style: ResolvedStyle, transform: QTransform, text: str
) -> tuple[QPainterPath, QPainterPath]:
    """Return a line with end ticks (image) and ``text`` beside its middle (device)."""
    (x1, y1), (x2, y2) = start, end
    length = math.hypot(x2 - x1, y2 - y1) or 1.0
    ux, uy = (x2 - x1) / length, (y2 - y1) / length
    nx, ny = -uy, ux
    half = 0.5 * style.line_width
    tick = style.head_width * 0.5
    path = QPainterPath()
    path.addPolygon(band((x1, y1), (x2, y2), nx, ny, half))
    for x, y in ((x1, y1), (x2, y2)):
        path.addPolygon(
            band((x - nx * tick, y - ny * tick), (x + nx * tick, y + ny * tick), ux, uy, half)
        )
    path = path.simplified()
    scale = _scale(transform)
    label = text_path(text, QPointF(0, 0), style.font_size * scale)
    box = label.boundingRect()
    a, b = transform.map(QPointF(x1, y1)), transform.map(QPointF(x2, y2))
    dlen = math.hypot(b.x() - a.x(), b.y() - a.y()) or 1.0
    dnx, dny = -(b.y() - a.y()) / dlen, (b.x() - a.x()) / dlen
    reach = tick * scale + box.height()
    mx, my = (a.x() + b.x()) / 2 + dnx * reach, (a.y() + b.y()) / 2 + dny * reach
    label.translate(mx - box.center().x(), my - box.center().y())
    return path, label


def band(a: Point, b: Point, nx: float, ny: float, half: float) -> QPolygonF:
    """Return the rectangle ``2 * half`` wide around the segment ``a``-``b``."""
    return QPolygonF(
        [
            QPointF(a[0] + nx * half, a[1] + ny * half),
            QPointF(b[0] + nx * half, b[1] + ny * half),
            QPointF(b[0] - nx * half, b[1] - ny * half),
            QPointF(a[0] - nx * half, a[1] - ny * half),
        ]
    )


def thick(line: QPainterPath, width: float) -> QPainterPath:
    """Return a centre line as a filled outline ``width`` wide, with round joins."""
    stroker = QPainterPathStroker()
    stroker.setWidth(width)
    stroker.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    stroker.setCapStyle(Qt.PenCapStyle.RoundCap)
    return stroker.createStroke(line).simplified()


def _scale(transform: QTransform) -> float:
    return math.sqrt(abs(transform.determinant())) or 1.0


def _angle(
    angle: Angle, style: ResolvedStyle, transform: QTransform, text: str
) -> tuple[QPainterPath, QPainterPath]:
    """Two arms, an arc at the vertex; the value outside the vertex, away from the arms."""
    vx, vy = angle.vertex
    line = QPainterPath()
    line.moveTo(*angle.start)
    line.lineTo(vx, vy)
    line.lineTo(*angle.end)
    shape = thick(line, style.line_width)
    arms = [(x - vx, y - vy) for x, y in (angle.start, angle.end)]
    lengths = [math.hypot(*arm) for arm in arms]
    radius = min(ARC_HEADS * style.head_length, ARC_ARM_SHARE * min(lengths))
    if radius > style.line_width:
        a1 = math.atan2(arms[0][1], arms[0][0])
        a2 = math.atan2(arms[1][1], arms[1][0])
        sweep = math.remainder(a2 - a1, math.tau)  # the shorter way round, -pi to pi
        steps = max(2, int(abs(sweep) / (math.pi / 2) * ARC_STEPS))
        arc = QPainterPath()
        arc.moveTo(vx + radius * math.cos(a1), vy + radius * math.sin(a1))
        for i in range(1, steps + 1):
            t = a1 + sweep * i / steps
            arc.lineTo(vx + radius * math.cos(t), vy + radius * math.sin(t))
        shape = shape.united(thick(arc, 0.6 * style.line_width))
    # The value: on the side of the vertex the arms leave free (device pixels).
    vertex = transform.map(QPointF(vx, vy))
    units = []
    for x, y in (angle.start, angle.end):
        p = transform.map(QPointF(x, y))
        dx, dy = p.x() - vertex.x(), p.y() - vertex.y()
        norm = math.hypot(dx, dy)
        units.append((dx / norm, dy / norm) if norm else (0.0, 0.0))
    bx, by = units[0][0] + units[1][0], units[0][1] + units[1][1]
    norm = math.hypot(bx, by)
    if norm < 1e-6:  # a straight angle: beside the vertex, across the line
        bx, by = -units[0][1], units[0][0]
        norm = math.hypot(bx, by) or 1.0
    bx, by = bx / norm, by / norm
    font_px = style.font_size * _scale(transform)
    label = text_path(text, QPointF(0, 0), font_px)
    box = label.boundingRect()
    reach = (
        0.5 * style.line_width * _scale(transform)
        + 0.4 * font_px
        + abs(bx) * box.width() / 2
        + abs(by) * box.height() / 2
    )
    cx, cy = vertex.x() - bx * reach, vertex.y() - by * reach
    label.translate(cx - box.center().x(), cy - box.center().y())
    return shape, label


def _cobb(
    cobb: CobbAngle, style: ResolvedStyle, transform: QTransform, text: str
) -> tuple[QPainterPath, QPainterPath]:
    """Both lines; the value half-way between their middles (device pixels)."""
    line = QPainterPath()
    line.moveTo(*cobb.first_start)
    line.lineTo(*cobb.first_end)
    line.moveTo(*cobb.second_start)
    line.lineTo(*cobb.second_end)
    shape = thick(line, style.line_width)
    middles = [
        transform.map(QPointF((a[0] + b[0]) / 2, (a[1] + b[1]) / 2))
        for a, b in ((cobb.first_start, cobb.first_end), (cobb.second_start, cobb.second_end))
    ]
    label = text_path(text, QPointF(0, 0), style.font_size * _scale(transform))
    box = label.boundingRect()
    cx = (middles[0].x() + middles[1].x()) / 2
    cy = (middles[0].y() + middles[1].y()) / 2
    label.translate(cx - box.center().x(), cy - box.center().y())
    return shape, label
