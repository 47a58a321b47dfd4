"""The measuring tools of a hip film: angle, Cobb angle, gap (Brooker) and calibration.

Like the angle, Cobb and calibration tools of RadiAnt, Horos and OHIF:

- **Angle** (N): click the end of the first arm, the vertex, the end of the second arm;
  or press at the end of the first arm, drag to the vertex, release, and click the end
  of the second arm.
- **Cobb angle** (B): drag along one end plate, then along the other.
- **Gap** (G): drag from one bone surface to the opposing one. Picked from an arrow's
  context menu ("Measure gap for Brooker grade"), the next gap belongs to that arrow's
  finding of heterotopic ossification (on its layer and frame), and the arrow's
  suggested Brooker grade follows in the same undo step
  (:mod:`hoview.annotations.brooker`, Brooker et al. 1973).
- **Calibrate** (Shift+M): drag along something of known size, type its length in mm;
  every measurement of the image then reads "calibrated".

Values are in the spacing measurements use (:func:`~hoview.ui.tool_support.measuring_spacing`:
a user calibration first).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QColor, QMouseEvent, QPainter, QPen, QPolygonF, QTransform

from hoview.annotations import (
    Angle,
    Annotation,
    AnnotationDocument,
    CobbAngle,
    Gap,
    Layer,
    Ruler,
)
from hoview.annotations.brooker import check_gap_target
from hoview.annotations.calibration import MIN_LINE_PX, Calibration
from hoview.annotations.style import DEFAULT_STYLE
from hoview.render.paint import annotation_path, draw_shape, glyph_style
from hoview.ui import tool_dialogs
from hoview.ui.annotation_edits import set_calibration
from hoview.ui.canvas_tool import ImagePoint, ToolContext
from hoview.ui.tool_support import (
    CLICK_PX,
    clamp_point,
    layer_problem,
    measuring_spacing,
    new_fields,
    refresh_brooker,
    select,
    target_layer,
)
from hoview.ui.tools import AnnotationTool, _TwoPointTool

if TYPE_CHECKING:
    from hoview.ui.annotation_session import AnnotationSession

#: Longest author name a calibration keeps.
_MAX_AUTHOR = 256


def _screen_distance(canvas: ToolContext, a: ImagePoint, b: ImagePoint) -> float:
    """Return how far apart two image points are on the screen (device pixels)."""
    transform = canvas.image_transform()
    pa, pb = transform.map(QPointF(*a)), transform.map(QPointF(*b))
    return math.hypot(pa.x() - pb.x(), pa.y() - pb.y())


def _draw_lines(
    painter: QPainter,
    transform: QTransform,
    lines: list[tuple[ImagePoint, ImagePoint]],
    colour: str,
) -> None:
    """Draw plain lines in image coordinates (what is drawn before a shape is whole)."""
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    painter.setPen(QPen(QColor(colour), 1.5, Qt.PenStyle.DashLine))
    for a, b in lines:
        painter.drawPolyline(transform.map(QPolygonF([QPointF(*a), QPointF(*b)])))
    painter.restore()


def _draw_preview(
    canvas: ToolContext,
    painter: QPainter,
    transform: QTransform,
    document: AnnotationDocument,
    layer: Layer,
    annotation: Annotation,
) -> None:
    """Draw ``annotation`` exactly as it will look, through the one painter."""
    columns, rows = document.identity["columns"], document.identity["rows"]
    resolved = annotation.style.resolve(columns, rows, layer.colour)
    default = DEFAULT_STYLE.resolve(columns, rows)
    style = glyph_style(resolved, canvas.zoom or 1.0, canvas.glyph_sizes, default)
    path = annotation_path(annotation, style, measuring_spacing(canvas), canvas.image_transform())
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    painter.setTransform(transform, combine=True)
    draw_shape(painter, path, style)
    painter.restore()


class _PointsTool(AnnotationTool):
    """A tool that collects several points (clicks or drags), then adds one annotation."""

    def __init__(self) -> None:
        super().__init__()
        self._session: AnnotationSession | None = None
        self._layer: Layer | None = None
        self._points: list[ImagePoint] = []
        self._cursor: ImagePoint = (0.0, 0.0)
        self._pressed_at: ImagePoint | None = None

    def _begin(self, canvas: ToolContext, point: ImagePoint) -> bool:
        """Start a new shape at ``point``; return whether one was started."""
        self.cancel(canvas)
        session = self._session_for_edit(canvas)
        if session is None:
            return False
        layer = target_layer(canvas, session.document)
        problem = layer_problem(layer, session.document)
        if problem:
            self.report(problem)
            return False
        self._session, self._layer = session, layer
        self._cursor = clamp_point(session.document, point)
        return True

    def _clamped(self, point: ImagePoint) -> ImagePoint:
        assert self._session is not None
        return clamp_point(self._session.document, point)

    def move(self, canvas: ToolContext, event: QMouseEvent, point: ImagePoint) -> bool:
        """Follow the mouse with the next point."""
        if self._session is None:
            return False
        self._cursor = self._clamped(point)
        canvas.update()
        return True

    def _commit(self, canvas: ToolContext, annotation: Annotation) -> Annotation | None:
        """Add ``annotation`` as one undo step and select it; ``None`` if refused."""
        session = self._session
        self.cancel(canvas)
        if session is None or session is not canvas.session():
            return None
        with session.history.group():
            try:
                added = session.document.add(annotation)
            except (TypeError, ValueError) as exc:
                self.report(f"Nothing added: {exc}")
                return None
            select(canvas, [added.id])
        return added

    def cancel(self, canvas: ToolContext) -> bool:
        """Drop the shape being drawn."""
        if self._session is None:
            return False
        self._session = None
        self._points = []
        self._pressed_at = None
        canvas.update()
        return True

    def _whole(self, canvas: ToolContext) -> Annotation | None:
        """Return the annotation the points and the cursor make, once it can be drawn."""
        return None

    def _lines(self) -> list[tuple[ImagePoint, ImagePoint]]:
        """Return the lines drawn while the shape is not yet whole."""
        return []

    def paint(self, canvas: ToolContext, painter: QPainter, transform: QTransform) -> None:
        """Draw what is being drawn: the lines so far, the whole shape as it will look."""
        if self._session is None or self._layer is None or canvas.frame is None:
            return
        whole = self._whole(canvas)
        if whole is not None:
            try:
                _draw_preview(
                    canvas, painter, transform, self._session.document, self._layer, whole
                )
                return
            except TypeError:  # a kind the painter cannot draw yet: plain lines
                pass
        _draw_lines(painter, transform, self._lines(), self._layer.colour)


class AngleTool(_PointsTool):
    """Measure an angle: three clicks (the vertex second), or a drag and a click."""

    name = "Angle"

    def press(self, canvas: ToolContext, event: QMouseEvent, point: ImagePoint) -> bool:
        """Start an angle at ``point``, or press for its next point."""
        if event.button() != Qt.MouseButton.LeftButton or canvas.session() is None:
            return False
        if self._session is None or self._session is not canvas.session():
            if not self._begin(canvas, point):
                return True
            self._points = [self._cursor]
        self._pressed_at = self._clamped(point)
        return True

    def double_click(self, canvas: ToolContext, event: QMouseEvent, point: ImagePoint) -> bool:
        """Count a quick second click as a click."""
        return self.press(canvas, event, point)

    def release(self, canvas: ToolContext, event: QMouseEvent, point: ImagePoint) -> bool:
        """Place the next point where the mouse is let go (a drag's end, a click)."""
        if self._session is None:
            return False
        point = self._clamped(point)
        self._pressed_at = None
        if _screen_distance(canvas, point, self._points[-1]) < CLICK_PX:
            return True  # the first click itself, or a click on the last point
        self._points.append(point)
        if len(self._points) == 3:
            start, vertex, end = self._points
            assert self._layer is not None
            self._commit(
                canvas,
                Angle(start=start, vertex=vertex, end=end, **new_fields(canvas, self._layer)),
            )
        canvas.update()
        return True

    def _whole(self, canvas: ToolContext) -> Annotation | None:
        if len(self._points) != 2 or self._layer is None:
            return None
        start, vertex = self._points
        return Angle(
            start=start, vertex=vertex, end=self._cursor, **new_fields(canvas, self._layer)
        )

    def _lines(self) -> list[tuple[ImagePoint, ImagePoint]]:
        ends = [*self._points, self._cursor]
        return list(zip(ends, ends[1:], strict=False))


class CobbTool(_PointsTool):
    """Measure a Cobb angle: drag along one end plate, then along the other."""

    name = "Cobb angle"

    def press(self, canvas: ToolContext, event: QMouseEvent, point: ImagePoint) -> bool:
        """Start a line at ``point`` (the first starts a new Cobb angle)."""
        if event.button() != Qt.MouseButton.LeftButton or canvas.session() is None:
            return False
        if self._session is None or self._session is not canvas.session():
            if not self._begin(canvas, point):
                return True
        self._pressed_at = self._cursor = self._clamped(point)
        canvas.update()
        return True

    def release(self, canvas: ToolContext, event: QMouseEvent, point: ImagePoint) -> bool:
        """End the line; the second line adds the Cobb angle (a click adds nothing)."""
        if self._session is None:
            return False
        start, self._pressed_at = self._pressed_at, None
        end = self._clamped(point)
        if start is None or _screen_distance(canvas, start, end) < CLICK_PX:
            if not self._points:
                self.cancel(canvas)
            return True
        self._points += [start, end]
        if len(self._points) == 4:
            a, b, c, d = self._points
            assert self._layer is not None
            fields = new_fields(canvas, self._layer)
            self._commit(
                canvas,
                CobbAngle(first_start=a, first_end=b, second_start=c, second_end=d, **fields),
            )
        canvas.update()
        return True

    def _whole(self, canvas: ToolContext) -> Annotation | None:
        if len(self._points) != 2 or self._pressed_at is None or self._layer is None:
            return None
        (a, b), c = self._points, self._pressed_at
        if _screen_distance(canvas, c, self._cursor) < CLICK_PX:
            return None
        fields = new_fields(canvas, self._layer)
        return CobbAngle(
            first_start=a, first_end=b, second_start=c, second_end=self._cursor, **fields
        )

    def _lines(self) -> list[tuple[ImagePoint, ImagePoint]]:
        lines = [(self._points[i], self._points[i + 1]) for i in range(0, len(self._points), 2)]
        if self._pressed_at is not None:
            lines.append((self._pressed_at, self._cursor))
        return lines


class GapTool(_TwoPointTool):
    """Measure a gap between opposing bone surfaces: press on one, drag, release.

    Attributes
    ----------
    arrow_id : str or None
        The arrow whose finding the next gap measures (set by :meth:`measure_for`);
        the gap goes onto its layer, and its Brooker suggestion follows. Cleared once
        that gap is drawn, or when another tool is chosen.
    """

    name = "Gap"

    def __init__(self) -> None:
        super().__init__()
        self.arrow_id: str | None = None

    def measure_for(self, arrow_id: str | None) -> None:
        """Make the next gap belong to arrow ``arrow_id``'s finding (``None``: to none)."""
        self.arrow_id = arrow_id

    def deactivate(self, canvas: ToolContext) -> None:
        """Another tool: the next gap belongs to no arrow."""
        super().deactivate(canvas)
        self.arrow_id = None

    def _arrow(self, document: AnnotationDocument) -> Annotation | None:
        if self.arrow_id is None or self.arrow_id not in document:
            return None
        return document.get(self.arrow_id)

    def _layer_for(self, canvas: ToolContext, document: AnnotationDocument) -> Layer | None:
        arrow = self._arrow(document)
        if arrow is not None and any(la.id == arrow.layer for la in document.layers):
            return document.layer(arrow.layer)
        return target_layer(canvas, document)

    def _make(self, canvas: ToolContext, start: ImagePoint, end: ImagePoint) -> Annotation:
        assert self._layer is not None
        return Gap(start=start, end=end, arrow=self.arrow_id, **new_fields(canvas, self._layer))

    def _check(self, canvas: ToolContext, annotation: Annotation) -> None:
        if self.arrow_id is None:
            return
        session = canvas.session()
        arrow = self._arrow(session.document) if session is not None else None
        if arrow is None:
            raise ValueError(f"the arrow {self.arrow_id} is gone")
        assert isinstance(annotation, Gap)
        check_gap_target(arrow, annotation)

    def _added(self, canvas: ToolContext, annotation: Annotation) -> None:
        """Bring the arrow's Brooker suggestion up to date (in the gap's undo step)."""
        session = canvas.session()
        if session is None or not isinstance(annotation, Gap):
            return
        refresh_brooker(canvas, session)
        if annotation.arrow is not None:
            self.arrow_id = None
            finding = session.document.get(annotation.arrow).finding
            suggested = finding.suggested_grade if finding is not None else None
            self.report(
                f"Suggested grade: {suggested}"
                if suggested
                else "No grade suggested: the image has no spacing in mm (calibrate it)"
            )


class CalibrateTool(_TwoPointTool):
    """Calibrate: drag along something of known size, then type its length in mm."""

    name = "Calibrate"
    draws_on_layer = False  # a calibration belongs to the image, not to a layer

    def _make(self, canvas: ToolContext, start: ImagePoint, end: ImagePoint) -> Annotation:
        assert self._layer is not None
        return Ruler(start=start, end=end, **new_fields(canvas, self._layer))

    def paint(self, canvas: ToolContext, painter: QPainter, transform: QTransform) -> None:
        """Draw the line as a ruler reading its length now (plain without a layer)."""
        if self._session is not None and self._moved and self._layer is None:
            _draw_lines(painter, transform, [(self._start, self._end)], "#ffff00")
            return
        super().paint(canvas, painter, transform)

    def release(self, canvas: ToolContext, event: QMouseEvent, point: ImagePoint) -> bool:
        """Ask the line's real length and calibrate the image (a click does nothing)."""
        if self._session is None:
            return False
        dragged = self._dragged(canvas, event, point)
        if dragged is None:
            return True
        session, start, end = dragged
        pixels = math.hypot(end[0] - start[0], end[1] - start[1])
        if pixels < MIN_LINE_PX:
            self.report(f"Not calibrated: draw a line of at least {MIN_LINE_PX:g} pixels")
            return True
        length = tool_dialogs.ask_length_mm(canvas.dialog_parent(), pixels)
        if length is None or session is not canvas.session() or canvas.frame is None:
            return True
        try:
            calibration = Calibration(
                start, end, length, frame=canvas.frame.number, author=canvas.author[:_MAX_AUTHOR]
            )
        except (TypeError, ValueError) as exc:
            self.report(f"Not calibrated: {exc}")
            return True
        if set_calibration(canvas, calibration):
            self.report(f"Calibrated: {calibration.mm_per_pixel:.4g} mm per pixel")
        return True
