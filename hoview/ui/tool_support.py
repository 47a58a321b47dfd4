"""What the annotation tools, the editing commands and the clipboard share.

Which session may be edited, the selection, the layer new annotations go onto, keeping
points within the image, the spacing measurements use (a user calibration first), the
Brooker suggestions brought up to date after an edit, and hit testing in screen pixels.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QPointF
from PySide6.QtGui import (
    QPainterPath,
    QPainterPathStroker,
)

from hoview.annotations import (
    Angle,
    Annotation,
    AnnotationDocument,
    Circle,
    CobbAngle,
    Ellipse,
    Layer,
    Style,
    Text,
)
from hoview.annotations.brooker import refresh_suggestions
from hoview.annotations.model import POINT_MARGIN
from hoview.annotations.style import ResolvedStyle
from hoview.render.paint import drawn_style, painted_path
from hoview.sources.spacing import Spacing, calibrated
from hoview.ui.canvas_tool import ImagePoint, ToolContext

if TYPE_CHECKING:
    from hoview.ui.annotation_session import AnnotationSession


#: A press and release closer than this (screen pixels) are a click, not a drag.
CLICK_PX = 3.0
#: How close (screen pixels) a click must be to an annotation or a handle to hit it.
HIT_PX = 6.0
#: Side of the square handles drawn on a selected annotation's points (screen pixels).
HANDLE_PX = 8.0
#: Longest author name the model accepts.
_MAX_AUTHOR = 256

Reporter = Callable[[str], None]


def ignore_message(message: str) -> None:
    """Drop a message (a tool that belongs to no controller)."""


# -- shared helpers ------------------------------------------------------------------


def editable_session(canvas: ToolContext) -> AnnotationSession | None:
    """Return the shown image's session if its annotations may be edited, else ``None``."""
    session = canvas.session()
    if session is None or canvas.frame is None or session.read_only:
        return None
    return session


def selected_ids(canvas: ToolContext) -> list[str]:
    """Return the selected annotations of the frame shown (ids, in document order)."""
    session = canvas.session()
    frame = canvas.frame
    chosen = set(canvas.state.selection)
    if session is None or frame is None or not chosen:
        return []
    return [
        a.id for a in session.document.annotations if a.id in chosen and a.frame == frame.number
    ]


def select(canvas: ToolContext, ids: Iterable[str]) -> None:
    """Make ``ids`` the selection of the canvas's view state (which tells its listeners)."""
    canvas.state.selection = ids
    canvas.update()


def target_layer(canvas: ToolContext, document: AnnotationDocument) -> Layer | None:
    """Return the layer new annotations go onto: the chosen one, else the first."""
    layer_id = canvas.current_layer_id
    if layer_id is not None and any(la.id == layer_id for la in document.layers):
        return document.layer(layer_id)
    return document.layers[0] if document.layers else None


def layer_problem(layer: Layer | None, document: AnnotationDocument) -> str:
    """Say why nothing may be drawn onto ``layer`` ("" when it may)."""
    if layer is None:
        return "There is no layer to draw on"
    if layer.locked:
        return f"Layer {layer.name!r} is locked"
    if not layer.visible or not document.annotations_visible:
        return f"Layer {layer.name!r} is hidden: show it to draw on it"
    return ""


def is_editable(document: AnnotationDocument, annotation: Annotation) -> bool:
    """Return whether ``annotation`` may be changed (its layer exists and is unlocked)."""
    try:
        return not document.layer(annotation.layer).locked
    except KeyError:
        return False


def editable_ids(document: AnnotationDocument, ids: Iterable[str]) -> list[str]:
    """Return the ids that exist and lie on unlocked layers (they may be deleted)."""
    return [
        i for i in dict.fromkeys(ids) if i in document and is_editable(document, document.get(i))
    ]


def changeable_ids(document: AnnotationDocument, ids: Iterable[str]) -> list[str]:
    """Return the ids that may be moved and edited: editable, of a kind hoview edits.

    Imported DICOM graphics (polyline, circle, ellipse, point) may be deleted but not
    moved, reshaped or edited (``Annotation.editable`` is false).
    """
    return [i for i in editable_ids(document, ids) if document.get(i).editable]


def read_only_message(document: AnnotationDocument, ids: Iterable[str]) -> str:
    """Say which of ``ids`` are imported read-only graphics ("" when none are).

    ``"Imported circle: read-only"`` for one kind, ``"Imported graphics: read-only"``
    for several.
    """
    kinds = {document.get(i).kind for i in ids if i in document and not document.get(i).editable}
    if not kinds:
        return ""
    what = kinds.pop() if len(kinds) == 1 else "graphics"
    return f"Imported {what}: read-only"


def _bounds(document: AnnotationDocument) -> tuple[float, float, float, float]:
    """Return where points may lie: the image plus the model's margin around it."""
    columns, rows = document.identity["columns"], document.identity["rows"]
    mx, my = columns * POINT_MARGIN, rows * POINT_MARGIN
    return (-mx, -my, columns + mx, rows + my)


def clamp_point(document: AnnotationDocument, point: ImagePoint) -> ImagePoint:
    """Return ``point`` moved just enough to lie where the document accepts points."""
    x0, y0, x1, y1 = _bounds(document)
    return (min(max(float(point[0]), x0), x1), min(max(float(point[1]), y0), y1))


def clamp_delta(
    document: AnnotationDocument, points: Sequence[ImagePoint], dx: float, dy: float
) -> tuple[float, float]:
    """Shorten a move ``(dx, dy)`` of ``points`` so that every point stays acceptable."""
    if not points:
        return (dx, dy)
    x0, y0, x1, y1 = _bounds(document)
    xs = [p[0] for p in points]
    ys = [p[1] for p in points]
    dx = min(max(dx, x0 - min(xs)), x1 - max(xs))
    dy = min(max(dy, y0 - min(ys)), y1 - max(ys))
    return (dx, dy)


def new_fields(canvas: ToolContext, layer: Layer) -> dict[str, object]:
    """Return what every annotation made on the canvas gets: layer, frame, author, style."""
    try:
        style = Style(colour=canvas.default_colour) if canvas.default_colour else Style()
    except (TypeError, ValueError):
        style = Style()
    return {
        "layer": layer.id,
        "frame": canvas.frame.number,
        "author": (canvas.author or "")[:_MAX_AUTHOR],
        "style": style,
    }


def measuring_spacing(canvas: ToolContext) -> Spacing | None:
    """Return the spacing measurements on the frame shown use: a user calibration first.

    ``None`` when lengths are in pixels (a raster image not yet calibrated).
    """
    frame = canvas.frame
    if frame is None:
        return None
    session = canvas.session()
    calibration = session.document.calibration if session is not None else None
    return calibrated(frame.source.spacing, calibration)


def refresh_brooker(canvas: ToolContext, session: AnnotationSession) -> int:
    """Bring the Brooker suggestions of ``session``'s arrows in line with their gaps.

    Call it inside the history group of the edit that changed a gap (or the
    calibration), so that one undo takes back both. Returns how many arrows changed.
    """
    return refresh_suggestions(session.document, measuring_spacing(canvas))


def _distance_to_segment(p: ImagePoint, a: ImagePoint, b: ImagePoint) -> float:
    ax, ay = a
    vx, vy = b[0] - ax, b[1] - ay
    length2 = vx * vx + vy * vy
    t = 0.0 if length2 == 0 else max(0.0, min(1.0, ((p[0] - ax) * vx + (p[1] - ay) * vy) / length2))
    return math.hypot(p[0] - (ax + t * vx), p[1] - (ay + t * vy))


def annotation_shape(
    canvas: ToolContext, annotation: Annotation
) -> tuple[QPainterPath, ResolvedStyle]:
    """Return the annotation's path and style as the canvas draws them at its zoom."""
    document = canvas.session().document
    return painted_path(
        document,
        annotation,
        canvas.image_transform(),
        screen=canvas.glyph_sizes,
        pixel_spacing=measuring_spacing(canvas),
    )


def _far_from(canvas: ToolContext, annotation: Annotation, point: ImagePoint) -> bool:
    """Tell cheaply that ``point`` is far from anything ``annotation`` draws.

    Nothing an annotation draws (head, ticks, label, length) lies further from its
    points than its head plus a generous text width, so most annotations of a busy
    frame are ruled out without building their paths.
    """
    document = canvas.session().document
    style = drawn_style(document, annotation, canvas.zoom or 1.0, canvas.glyph_sizes)
    characters = len(annotation.label or "") + len(getattr(annotation, "text", "")) + 12
    reach = HIT_PX / (canvas.zoom or 1.0) + style.head_length + style.font_size * characters
    if not annotation.editable:
        x0, y0, x1, y1 = _extent(annotation)
        dx = max(x0 - point[0], 0.0, point[0] - x1)
        dy = max(y0 - point[1], 0.0, point[1] - y1)
        return math.hypot(dx, dy) > reach
    points = annotation.points
    if len(points) == 1:
        return math.hypot(point[0] - points[0][0], point[1] - points[0][1]) > reach
    return _distance_to_lines(annotation, point) > reach


def segments(annotation: Annotation) -> list[tuple[ImagePoint, ImagePoint]]:
    """Return the straight lines an editable annotation draws between its points.

    An angle's two arms meet at its vertex (the second point); a Cobb angle's two
    lines are its points 1-2 and 3-4; an arrow, a ruler or a gap is one line.
    """
    points = annotation.points
    if isinstance(annotation, Angle):
        return [(points[0], points[1]), (points[1], points[2])]
    if isinstance(annotation, CobbAngle):
        return [(points[0], points[1]), (points[2], points[3])]
    return list(itertools.pairwise(points))


def _distance_to_lines(annotation: Annotation, point: ImagePoint) -> float:
    """Return how far (image pixels) ``point`` is from the lines ``annotation`` draws."""
    return min(
        (_distance_to_segment(point, a, b) for a, b in segments(annotation)),
        default=math.inf,
    )


def _extent(annotation: Annotation) -> tuple[float, float, float, float]:
    """Return a box around an imported graphic's line (image pixels), without its path."""
    points = annotation.points
    if isinstance(annotation, (Circle, Ellipse)):
        # A circle's centre is its first point, an ellipse's the middle of its major axis.
        (ax, ay), (bx, by) = points[0], points[1]
        cx, cy = (ax, ay) if isinstance(annotation, Circle) else ((ax + bx) / 2, (ay + by) / 2)
        far = max(math.hypot(x - cx, y - cy) for x, y in points)
        return (cx - far, cy - far, cx + far, cy + far)
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    steps = [math.hypot(b[0] - a[0], b[1] - a[1]) for a, b in itertools.pairwise(points)]
    # A smooth curve (Catmull-Rom) strays at most a third of its longest step from them.
    stray = max(steps, default=0.0) / 3
    return (min(xs) - stray, min(ys) - stray, max(xs) + stray, max(ys) + stray)


def _hits(canvas: ToolContext, annotation: Annotation, point: ImagePoint) -> bool:
    if _far_from(canvas, annotation, point):
        return False
    tolerance = HIT_PX / (canvas.zoom or 1.0)
    path, style = annotation_shape(canvas, annotation)
    box = path.boundingRect().adjusted(-tolerance, -tolerance, tolerance, tolerance)
    where = QPointF(*point)
    if not box.contains(where):
        return False
    if isinstance(annotation, Text):
        return True
    if annotation.editable:  # an arrow, a ruler, a gap, an angle: near its lines
        if _distance_to_lines(annotation, point) <= tolerance + style.line_width / 2:
            return True
    if path.contains(where):
        return True
    stroker = QPainterPathStroker()  # near the head's edges or the label's letters
    stroker.setWidth(2 * tolerance)
    return stroker.createStroke(path).contains(where)


def annotation_at(canvas: ToolContext, point: ImagePoint) -> Annotation | None:
    """Return the topmost visible annotation of the frame shown under image ``point``."""
    session = canvas.session()
    frame = canvas.frame
    if session is None or frame is None:
        return None
    for annotation in reversed(session.document.visible_annotations(frame.number)):
        if _hits(canvas, annotation, point):
            return annotation
    return None
