"""The one function that draws annotations, for the screen and for every export.

Annotations are stored in image pixel coordinates (origin at the top-left corner of the
top-left pixel). The caller gives the image-to-device transform; sizes come from each
annotation's style, which is relative to the image, so an export at any scale and the
viewer at any zoom show the same picture.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Collection

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QPainter, QPainterPath, QPen, QTransform

from hoview.annotations import AnnotationDocument, Arrow, Ruler, Text
from hoview.annotations.shapes import Annotation
from hoview.annotations.style import ResolvedStyle

#: Selected annotations get a halo of this colour.
SELECTION_COLOUR = "#2f9bff"
#: Smallest sizes on the device, in device pixels, so a thumbnail still shows an arrow.
MIN_LINE_PX = 1.5
MIN_OUTLINE_PX = 1.0
MIN_HEAD_PX = 7.0
MIN_FONT_PX = 9.0


def paint_annotations(
    painter: QPainter,
    document: AnnotationDocument,
    transform: QTransform,
    frame: int = 1,
    *,
    layers: Collection[str] | None = None,
    pixel_spacing: tuple[float, float] | None = None,
    selected: Collection[str] = (),
) -> int:
    """Draw the document's visible annotations on one frame.

    Parameters
    ----------
    painter : QPainter
        An active painter on any paint device (a widget, a QImage, a PDF page).
    document : AnnotationDocument
        The annotations; what it says is visible is drawn (the "H" switch, layer
        visibility), in layer order.
    transform : QTransform
        Maps image pixel coordinates to device coordinates (zoom, pan, rotation).
    frame : int
        The frame shown, from 1.
    layers : collection of str, optional
        Draw only annotations on these layer ids (still only visible ones).
    pixel_spacing : tuple of float, optional
        (row, column) mm per pixel, for ruler lengths; pixels when ``None``.
    selected : collection of str
        Ids drawn with a selection halo.

    Returns
    -------
    int
        How many annotations were drawn.
    """
    drawn = 0
    device_scale = math.sqrt(abs(transform.determinant())) or 1.0
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    painter.setRenderHint(QPainter.RenderHint.TextAntialiasing, True)
    painter.setTransform(transform, combine=True)
    try:
        for annotation in document.visible_annotations(frame):
            if layers is not None and annotation.layer not in layers:
                continue
            style = at_least_visible(document.resolved_style(annotation), device_scale)
            path = annotation_path(annotation, style, pixel_spacing)
            if annotation.id in selected:
                _stroke(painter, path, SELECTION_COLOUR, style.line_width * 2.5)
            if style.outline is not None:
                _stroke(painter, path, style.outline, 2 * style.outline_width)
            painter.fillPath(path, QBrush(QColor(style.colour)))
            drawn += 1
    finally:
        painter.restore()
    return drawn


def at_least_visible(style: ResolvedStyle, device_scale: float) -> ResolvedStyle:
    """Grow a style's sizes (image pixels) to the device minimums at ``device_scale``.

    ``device_scale`` is device pixels per image pixel. The style's own sizes win
    whenever they are larger; only a thumbnail or a far zoom-out changes anything.
    """
    line = max(style.line_width, MIN_LINE_PX / device_scale)
    outline = max(style.outline_width, MIN_OUTLINE_PX / device_scale)
    head = max(style.head_length, MIN_HEAD_PX / device_scale, 4 * line)
    font = max(style.font_size, MIN_FONT_PX / device_scale)
    if (line, outline, head, font) == (
        style.line_width,
        style.outline_width,
        style.head_length,
        style.font_size,
    ):
        return style
    return dataclasses.replace(
        style,
        line_width=line,
        outline_width=outline,
        head_length=head,
        head_width=style.head_width * head / style.head_length,
        font_size=font,
    )


def _stroke(painter: QPainter, path: QPainterPath, colour: str, width: float) -> None:
    pen = QPen(QColor(colour), width)
    pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    painter.strokePath(path, pen)


def annotation_path(
    annotation: Annotation,
    style: ResolvedStyle,
    pixel_spacing: tuple[float, float] | None = None,
) -> QPainterPath:
    """Return the filled outline of an annotation in image coordinates.

    The same path is filled with the colour and stroked with the outline, and the
    viewer uses it for hit testing.
    """
    if isinstance(annotation, Arrow):
        path = arrow_path(annotation.tail, annotation.head, style)
        if annotation.label:
            path.addPath(_label_path(annotation.label, annotation.tail, annotation.head, style))
        return path
    if isinstance(annotation, Text):
        return _text_path(annotation.text, QPointF(*annotation.anchor), style)
    if isinstance(annotation, Ruler):
        return _ruler_path(annotation, style, pixel_spacing)
    raise TypeError(f"cannot draw a {type(annotation).__name__}")


def arrow_path(
    tail: tuple[float, float], head: tuple[float, float], style: ResolvedStyle
) -> QPainterPath:
    """Return an arrow as one closed polygon: a shaft and a triangular head.

    The tip is exactly on ``head`` (the finding). The head is at most half the arrow's
    length, and its width keeps the style's proportion, so it stays well formed at any
    line width and on a short arrow.
    """
    tx, ty = tail
    hx, hy = head
    length = math.hypot(hx - tx, hy - ty)
    path = QPainterPath()
    if length <= 1e-9:
        path.addEllipse(QPointF(hx, hy), style.line_width, style.line_width)
        return path
    ux, uy = (hx - tx) / length, (hy - ty) / length  # along the shaft
    nx, ny = -uy, ux  # across it
    head_length = min(style.head_length, 0.5 * length)
    head_half = 0.5 * style.head_width * head_length / style.head_length
    half = min(0.5 * style.line_width, 0.45 * head_half)
    bx, by = hx - ux * head_length, hy - uy * head_length  # base of the head
    points = [
        (tx + nx * half, ty + ny * half),
        (bx + nx * half, by + ny * half),
        (bx + nx * head_half, by + ny * head_half),
        (hx, hy),
        (bx - nx * head_half, by - ny * head_half),
        (bx - nx * half, by - ny * half),
        (tx - nx * half, ty - ny * half),
    ]
    path.moveTo(*points[0])
    for point in points[1:]:
        path.lineTo(*point)
    path.closeSubpath()
    return path


def _font(style: ResolvedStyle) -> QFont:
    font = QFont("DejaVu Sans")
    font.setStyleHint(QFont.StyleHint.SansSerif)
    font.setPixelSize(max(int(round(style.font_size)), 1))
    font.setWeight(QFont.Weight.DemiBold)
    return font


def _text_path(text: str, top_left: QPointF, style: ResolvedStyle) -> QPainterPath:
    """Turn text into a path whose box starts at ``top_left`` (image pixels)."""
    path = QPainterPath()
    font = _font(style)
    ascent = style.font_size * 0.8
    line_height = style.font_size * 1.2
    for i, line in enumerate(text.splitlines() or [""]):
        path.addText(QPointF(top_left.x(), top_left.y() + ascent + i * line_height), font, line)
    return path


def _label_path(
    label: str, tail: tuple[float, float], head: tuple[float, float], style: ResolvedStyle
) -> QPainterPath:
    """Place the label just beyond the arrow's tail, on the side away from the head."""
    probe = _text_path(label, QPointF(0, 0), style)
    box: QRectF = probe.boundingRect()
    dx, dy = tail[0] - head[0], tail[1] - head[1]
    norm = math.hypot(dx, dy) or 1.0
    gap = style.font_size * 0.4
    # Centre of the label box, pushed out from the tail along the shaft.
    cx = tail[0] + dx / norm * (gap + box.width() / 2)
    cy = tail[1] + dy / norm * (gap + box.height() / 2)
    probe.translate(cx - box.center().x(), cy - box.center().y())
    return probe


def _ruler_path(
    ruler: Ruler, style: ResolvedStyle, pixel_spacing: tuple[float, float] | None
) -> QPainterPath:
    """Draw a line with end ticks and its length written beside the middle."""
    (x1, y1), (x2, y2) = ruler.start, ruler.end
    length = math.hypot(x2 - x1, y2 - y1) or 1.0
    nx, ny = -(y2 - y1) / length, (x2 - x1) / length
    half = 0.5 * style.line_width
    tick = style.head_width * 0.5
    path = QPainterPath()
    path.addPolygon(_band((x1, y1), (x2, y2), nx, ny, half))
    for x, y in ((x1, y1), (x2, y2)):
        ux, uy = (x2 - x1) / length, (y2 - y1) / length
        path.addPolygon(
            _band((x - nx * tick, y - ny * tick), (x + nx * tick, y + ny * tick), ux, uy, half)
        )
    path = path.simplified()
    value, unit = ruler.length(pixel_spacing)
    text = f"{value:.1f} {unit}"
    if ruler.label:
        text = f"{ruler.label} {text}"
    label = _text_path(text, QPointF(0, 0), style)
    box = label.boundingRect()
    mx, my = (x1 + x2) / 2 + nx * (tick + box.height()), (y1 + y2) / 2 + ny * (tick + box.height())
    label.translate(mx - box.center().x(), my - box.center().y())
    path.addPath(label)
    return path


def _band(a: tuple[float, float], b: tuple[float, float], nx: float, ny: float, half: float):
    from PySide6.QtGui import QPolygonF

    return QPolygonF(
        [
            QPointF(a[0] + nx * half, a[1] + ny * half),
            QPointF(b[0] + nx * half, b[1] + ny * half),
            QPointF(b[0] - nx * half, b[1] - ny * half),
            QPointF(a[0] - nx * half, a[1] - ny * half),
        ]
    )
