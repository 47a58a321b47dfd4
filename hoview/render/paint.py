"""The one function that draws annotations, for the screen and for every export.

Annotations are stored in image pixel coordinates (origin at the top-left corner of the
top-left pixel). The caller gives the image-to-device transform, and the points follow
it. Glyph sizes (line width, arrow head, outline, text) come in two modes:

- relative to the output (exports, ``screen=None``): each annotation's style is a
  fraction of the image diagonal, so a thumbnail and a full-size export show the same
  picture;
- device pixels (the viewer, ``screen=GlyphSizes(...)``): glyphs keep their size on
  screen at every zoom, as OHIF, Weasis and RadiAnt draw them.

Text is laid out after its anchor has been mapped through the transform, in device
space: it follows the image but a flip or a rotation never mirrors or turns its glyphs.
Text (labels, ruler lengths, orientation markers) is made in
:mod:`hoview.render.paint_text`.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Collection

import numpy as np
from PySide6.QtCore import QPointF, QRectF
from PySide6.QtGui import (
    QBrush,
    QColor,
    QPainter,
    QPainterPath,
    QTransform,
)

from hoview.annotations import (
    AnnotationDocument,
    Arrow,
    Circle,
    Ellipse,
    Point,
    Polyline,
    Text,
)
from hoview.annotations.shapes import Annotation
from hoview.annotations.style import DEFAULT_STYLE, ResolvedStyle
from hoview.render.paint_bounds import annotation_index, kept_device_bounds
from hoview.render.paint_measures import document_spacing, measure_glyphs, thick
from hoview.render.paint_text import (
    MIN_FONT_PX,
    corner_label,
    keep_inside,
    label_path,
    stroke,
    text_path,
)

#: Selected annotations get a halo of this colour.
SELECTION_COLOUR = "#2f9bff"
#: Smallest sizes on the device, in device pixels, so a thumbnail still shows an arrow.
MIN_LINE_PX = 1.5
MIN_OUTLINE_PX = 1.0
MIN_HEAD_PX = 7.0


@dataclasses.dataclass(frozen=True, slots=True)
class GlyphSizes:
    """Annotation sizes on screen, in device pixels, whatever the zoom.

    They are the sizes of an annotation with the default style; one whose style asks
    for a thicker line or a larger text than the default is drawn larger by the same
    ratio.

    Parameters
    ----------
    line_width, head_length, font_size : float
        Stroke width, arrow head length and text height in device pixels (positive).

    Raises
    ------
    ValueError
        If a size is not a positive finite number.
    """

    line_width: float = 3.0
    head_length: float = 18.0
    font_size: float = 15.0

    def __post_init__(self) -> None:
        for name in ("line_width", "head_length", "font_size"):
            value = getattr(self, name)
            if not (isinstance(value, (int, float)) and math.isfinite(value) and value > 0):
                raise ValueError(f"{name} must be a positive number of pixels, not {value!r}")


#: The screen sizes the viewer offers as a preference, by name.
SCREEN_SIZES = {
    "small": GlyphSizes(2.0, 13.0, 12.0),
    "medium": GlyphSizes(3.0, 18.0, 15.0),
    "large": GlyphSizes(4.5, 26.0, 20.0),
}


def paint_annotations(
    painter: QPainter,
    document: AnnotationDocument,
    transform: QTransform,
    frame: int = 1,
    *,
    layers: Collection[str] | None = None,
    pixel_spacing: tuple[float, float] | None = None,
    selected: Collection[str] = (),
    screen: GlyphSizes | None = None,
    window: QRectF | None = None,
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
        Maps image pixel coordinates to device coordinates (zoom, pan, rotation, flips).
    frame : int
        The frame shown, from 1.
    layers : collection of str, optional
        Draw only annotations on these layer ids (still only visible ones).
    pixel_spacing : tuple of float, optional
        (row, column) mm per pixel, for measurements (rulers, gaps, angles); pixels
        when ``None``. A document with a user calibration is measured with it
        whatever this says (:func:`~hoview.render.paint_measures.document_spacing`).
    selected : collection of str
        Ids drawn with a selection halo.
    screen : GlyphSizes, optional
        Draw glyphs at these sizes in device pixels (the viewer); ``None`` keeps them
        relative to the output image (exports).
    window : QRectF, optional
        The whole view, in the painter's coordinates, when the device holds only a part
        of it (a tile of the viewer's cached layer): labels cut by the view's edge are
        moved inside it, not inside the device. Default: the device.

    Returns
    -------
    int
        How many annotations were drawn: those whose glyphs cannot reach the painted
        region (the painter's clip, else its device) are skipped
        (:mod:`hoview.render.paint_bounds`); the picture is the same.
    """
    drawn = 0
    pixel_spacing = document_spacing(document, pixel_spacing)
    device_scale = transform_scale(transform)
    default = _default_style(document)
    painter.save()
    base = painter.transform()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    painter.setRenderHint(QPainter.RenderHint.TextAntialiasing, True)
    inverse, invertible = base.inverted()
    device = inverse.mapRect(QRectF(painter.window())) if invertible else None
    bounds = window if window is not None else device
    shown = _culled(painter, document, transform, frame, layers, (device, bounds), screen, default)
    try:
        for annotation, with_shape, with_text in shown:
            style = glyph_style(document.resolved_style(annotation), device_scale, screen, default)
            if not with_text and isinstance(annotation, Arrow):  # its label is not needed
                shape, text = arrow_path(annotation.tail, annotation.head, style), QPainterPath()
            else:
                shape, text = annotation_glyphs(annotation, style, transform, pixel_spacing)
            halo = annotation.id in selected
            if with_shape:
                painter.setTransform(transform * base)  # image -> device
                _draw(painter, shape, style, 1.0, halo)
            if with_text and not text.isEmpty():
                if bounds is not None:
                    keep_inside(text, bounds, style.outline_width * device_scale)
                painter.setTransform(base)  # upright text, already placed on the device
                _draw(painter, text, style, device_scale, halo)
            drawn += 1
    finally:
        painter.restore()
    return drawn


def _culled(
    painter: QPainter,
    document: AnnotationDocument,
    transform: QTransform,
    frame: int,
    layers: Collection[str] | None,
    area: tuple[QRectF | None, QRectF | None],
    screen: GlyphSizes | None,
    default: ResolvedStyle,
) -> list[tuple[Annotation, bool, bool]]:
    """Return the visible annotations to draw, in order, each with (shape?, text?).

    ``area`` is the device and the view (where labels are kept inside), in the
    painter's coordinates. What is painted is the painter's clip within the device;
    a shape or a label that cannot reach it is skipped. A label crossing the view's
    edge is kept whatever the clip: :func:`keep_inside` moves it (see
    :mod:`hoview.render.paint_bounds`).
    """
    index = annotation_index(document, frame, layers)
    device, bounds = area
    if device is None or bounds is None or not index.annotations:
        return [(a, True, True) for a in index.annotations]
    if painter.hasClipping():
        clip = painter.clipRegion()
        rects = [QRectF(r).intersected(device) for r in clip]  # type: ignore[attr-defined]
    else:
        rects = [device]
    scale = transform_scale(transform)
    found = kept_device_bounds(
        index, transform, (screen, default), lambda s: glyph_style(s, scale, screen, default)
    )
    with_shape, with_text = found.parts(rects, bounds)
    keep = np.flatnonzero(with_shape | with_text)
    return [(index.annotations[i], bool(with_shape[i]), bool(with_text[i])) for i in keep]


def moved_label_rects(
    document: AnnotationDocument,
    transform: QTransform,
    frame: int,
    window: QRectF,
    *,
    screen: GlyphSizes | None = None,
    across: bool = True,
    down: bool = True,
) -> list[QRectF]:
    """Return where labels crossing ``window``'s edge may be drawn once moved inside it.

    :func:`paint_annotations` moves a label cut by the edge of the device wholly inside
    (:func:`~hoview.render.paint_text.keep_inside`), so where it lands depends on the
    device, not only on the transform. A cached layer that is shifted (a pan) must
    redraw these boxes, before and after the shift. Boxes are conservative.
    ``across`` / ``down``: only labels crossing the left or right / the top or bottom
    edge (for a pan along x / y; see
    :meth:`~hoview.render.paint_bounds.DeviceBounds.moved_label_rects`).
    """
    index = annotation_index(document, frame)
    if not index.annotations:
        return []
    scale = transform_scale(transform)
    default = _default_style(document)
    found = kept_device_bounds(
        index, transform, (screen, default), lambda s: glyph_style(s, scale, screen, default)
    )
    return found.moved_label_rects(window, across, down)


def transform_scale(transform: QTransform) -> float:
    """Return device pixels per image pixel of an image-to-device transform."""
    return math.sqrt(abs(transform.determinant())) or 1.0


def _default_style(document: AnnotationDocument) -> ResolvedStyle:
    identity = document.identity
    return DEFAULT_STYLE.resolve(int(identity["columns"]), int(identity["rows"]))


def glyph_style(
    style: ResolvedStyle,
    device_scale: float,
    screen: GlyphSizes | None = None,
    default: ResolvedStyle | None = None,
) -> ResolvedStyle:
    """Return the style to draw with, in image pixels, at ``device_scale``.

    Parameters
    ----------
    style : ResolvedStyle
        The annotation's style (:meth:`AnnotationDocument.resolved_style`).
    device_scale : float
        Device pixels per image pixel.
    screen : GlyphSizes, optional
        Device-pixel sizes (the viewer). ``None``: the style's own sizes, relative to
        the image, grown to the device minimums (:func:`at_least_visible`).
    default : ResolvedStyle, optional
        The default style of the same image; a style larger than it is drawn larger
        on screen by the same ratio. Without it every annotation gets ``screen``.

    Returns
    -------
    ResolvedStyle
    """
    if screen is None:
        return at_least_visible(style, device_scale)
    ref = default or style
    k = 1.0 / device_scale
    line = screen.line_width * style.line_width / ref.line_width * k
    head = max(screen.head_length * style.head_length / ref.head_length * k, 4 * line)
    return dataclasses.replace(
        style,
        line_width=line,
        outline_width=max(0.3 * line, MIN_OUTLINE_PX * k),
        head_length=head,
        head_width=style.head_width * head / style.head_length,
        font_size=screen.font_size * style.font_size / ref.font_size * k,
    )


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


def _draw(
    painter: QPainter, path: QPainterPath, style: ResolvedStyle, k: float, halo: bool
) -> None:
    """Halo, outline, fill; ``k`` turns the style's image pixels into path units."""
    if path.isEmpty():
        return
    if halo:
        stroke(painter, path, SELECTION_COLOUR, style.line_width * 2.5 * k)
    if style.outline is not None:
        stroke(painter, path, style.outline, 2 * style.outline_width * k)
    painter.fillPath(path, QBrush(QColor(style.colour)))


def draw_shape(
    painter: QPainter, path: QPainterPath, style: ResolvedStyle, scale: float = 1.0
) -> None:
    """Draw one annotation's path as :func:`paint_annotations` draws it: outline, fill.

    For the viewer's tools (the arrow being drawn), so that nothing else paints
    annotations. ``scale`` turns the style's widths into the path's units.
    """
    _draw(painter, path, style, scale, False)


def annotation_glyphs(
    annotation: Annotation,
    style: ResolvedStyle,
    transform: QTransform,
    pixel_spacing: tuple[float, float] | None = None,
) -> tuple[QPainterPath, QPainterPath]:
    """Return what an annotation draws: its shape and its text.

    Parameters
    ----------
    annotation : Annotation
        Any kind: an arrow, a text, a ruler, a gap, an angle, a Cobb angle, or an
        imported polyline, circle, ellipse or point.
    style : ResolvedStyle
        Sizes in image pixels (see :func:`glyph_style`).
    transform : QTransform
        Image to device coordinates.
    pixel_spacing : tuple of float, optional
        The measuring spacing (a user calibration first), for values in mm.

    Returns
    -------
    shape : QPainterPath
        Lines and heads in image coordinates (draw it through ``transform``).
    text : QPainterPath
        Labels in device coordinates, upright, their anchors mapped through
        ``transform``; empty when there is no text.
    """
    scale = transform_scale(transform)
    font_px = style.font_size * scale
    if isinstance(annotation, Arrow):
        shape = arrow_path(annotation.tail, annotation.head, style)
        text = QPainterPath()
        if annotation.label:
            tail = transform.map(QPointF(*annotation.tail))
            head = transform.map(QPointF(*annotation.head))
            text = label_path(annotation.label, tail, head, font_px)
        return shape, text
    if isinstance(annotation, Text):
        anchor = transform.map(QPointF(*annotation.anchor))
        return QPainterPath(), text_path(annotation.text, anchor, font_px)
    measured = measure_glyphs(annotation, style, transform, pixel_spacing)
    if measured is not None:
        return measured
    line = _outline_line(annotation, style)
    if line is not None:
        shape = thick(line, style.line_width)
        text = QPainterPath()
        if annotation.label:
            text = corner_label(annotation.label, transform.map(line).boundingRect(), font_px)
        return shape, text
    raise TypeError(f"cannot draw a {type(annotation).__name__}")


def _outline_line(annotation: Annotation, style: ResolvedStyle) -> QPainterPath | None:
    """Return the centre line of a read-only imported graphic (image pixels), else None.

    The shapes of DICOM Graphic Types (PS3.3 C.10.5.1.2): POLYLINE and INTERPOLATED
    through their points, CIRCLE from the centre and a point on it, ELLIPSE from the
    ends of its major then minor axes, POINT as a small cross of the arrow head's size
    (screen pixels in the viewer, relative to the output in exports).
    """
    path = QPainterPath()
    if isinstance(annotation, Polyline):
        if annotation.interpolated:
            _smooth_curve(path, annotation.vertices, annotation.closed)
        else:
            path.moveTo(*annotation.vertices[0])
            for point in annotation.vertices[1:]:
                path.lineTo(*point)
            if annotation.closed:
                path.closeSubpath()
    elif isinstance(annotation, Circle):
        r = annotation.radius
        path.addEllipse(QPointF(*annotation.centre), r, r)
    elif isinstance(annotation, Ellipse):
        (ax, ay), (bx, by) = annotation.major_start, annotation.major_end
        (cx, cy), (dx, dy) = annotation.minor_start, annotation.minor_end
        ellipse = QPainterPath()
        ellipse.addEllipse(
            QPointF(0, 0), math.hypot(bx - ax, by - ay) / 2, math.hypot(dx - cx, dy - cy) / 2
        )
        place = QTransform().translate((ax + bx) / 2, (ay + by) / 2)
        place.rotate(math.degrees(math.atan2(by - ay, bx - ax)))
        path = place.map(ellipse)
    elif isinstance(annotation, Point):
        x, y = annotation.at
        half = 0.35 * style.head_length
        path.moveTo(x - half, y - half)
        path.lineTo(x + half, y + half)
        path.moveTo(x - half, y + half)
        path.lineTo(x + half, y - half)
    else:
        return None
    return path


def _smooth_curve(
    path: QPainterPath, points: tuple[tuple[float, float], ...], closed: bool
) -> None:
    """Add a Catmull-Rom curve through every point as cubic Bezier segments."""
    n = len(points)
    if closed:
        at = lambda i: points[i % n]  # noqa: E731
        segments = n
    else:
        at = lambda i: points[min(max(i, 0), n - 1)]  # noqa: E731 (ends repeat)
        segments = n - 1
    path.moveTo(*points[0])
    for i in range(segments):
        (x0, y0), (x1, y1), (x2, y2), (x3, y3) = at(i - 1), at(i), at(i + 1), at(i + 2)
        path.cubicTo(
            x1 + (x2 - x0) / 6,
            y1 + (y2 - y0) / 6,
            x2 - (x3 - x1) / 6,
            y2 - (y3 - y1) / 6,
            x2,
            y2,
        )
    if closed:
        path.closeSubpath()


def annotation_path(
    annotation: Annotation,
    style: ResolvedStyle,
    pixel_spacing: tuple[float, float] | None = None,
    transform: QTransform | None = None,
) -> QPainterPath:
    """Return the filled outline of everything an annotation draws, in image coordinates.

    With ``transform`` the text is where :func:`paint_annotations` puts it on that
    device (upright, mapped back into the image), so the viewer can hit-test the
    painted shape; without it, the text is laid out in image coordinates.
    """
    transform = QTransform() if transform is None else transform
    shape, text = annotation_glyphs(annotation, style, transform, pixel_spacing)
    if not text.isEmpty():
        inverse, invertible = transform.inverted()
        if invertible:
            shape.addPath(inverse.map(text))
    return shape


def painted_path(
    document: AnnotationDocument,
    annotation: Annotation,
    transform: QTransform,
    *,
    screen: GlyphSizes | None = None,
    pixel_spacing: tuple[float, float] | None = None,
) -> tuple[QPainterPath, ResolvedStyle]:
    """Return an annotation's painted outline (image coordinates) and its drawn style.

    The same sizes and text placement as :func:`paint_annotations` with the same
    ``transform`` and ``screen``: what a hit test should use.
    """
    style = drawn_style(document, annotation, transform_scale(transform), screen)
    pixel_spacing = document_spacing(document, pixel_spacing)
    return annotation_path(annotation, style, pixel_spacing, transform), style


def drawn_style(
    document: AnnotationDocument,
    annotation: Annotation,
    device_scale: float,
    screen: GlyphSizes | None = None,
) -> ResolvedStyle:
    """Return the style :func:`paint_annotations` draws an annotation with (image pixels).

    Parameters
    ----------
    document : AnnotationDocument
        The annotation's document (its layer colour, the image size).
    annotation : Annotation
        One of its annotations.
    device_scale : float
        Device pixels per image pixel (the zoom).
    screen : GlyphSizes, optional
        As in :func:`paint_annotations`.
    """
    return glyph_style(
        document.resolved_style(annotation), device_scale, screen, _default_style(document)
    )


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
