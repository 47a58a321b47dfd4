"""The canvas's annotation tools: select and edit, arrow, text, ruler.

A tool turns mouse input into edits of the image's :class:`AnnotationDocument`; the
canvas draws what the document then holds (one source of truth). Every edit goes
through the session's document and history, so a whole drag is one undo step and the
sidecar is saved a moment later. A session whose sidecar could not be read is never
edited. Annotations on a locked layer can be selected (to copy them) but not changed.

The arrow tool is built for speed: press where the arrow starts, drag to the finding,
release; the head lands on the finding. The editing helpers at the bottom
(:func:`delete`, :func:`set_finding`, :func:`set_colour`, :func:`edit_label`, ...) are
what the window's menus call; copy, paste and duplicate are in :mod:`hoview.ui.clipboard`.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Iterable, Sequence
from contextlib import ExitStack
from typing import TYPE_CHECKING

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import (
    QBrush,
    QColor,
    QKeyEvent,
    QKeySequence,
    QMouseEvent,
    QPainter,
    QPainterPath,
    QPainterPathStroker,
    QPen,
    QPolygonF,
    QTransform,
)

from hoview.annotations import (
    Annotation,
    AnnotationDocument,
    Arrow,
    Finding,
    Layer,
    Ruler,
    Style,
    Text,
)
from hoview.annotations.model import POINT_MARGIN
from hoview.annotations.style import ResolvedStyle
from hoview.render.paint import SELECTION_COLOUR, annotation_path, at_least_visible
from hoview.ui import tool_dialogs
from hoview.ui.canvas_tool import CanvasTool, ImagePoint

if TYPE_CHECKING:
    from hoview.ui.annotation_session import AnnotationSession
    from hoview.ui.canvas import ViewerCanvas

#: A press and release closer than this (screen pixels) are a click, not a drag.
CLICK_PX = 3.0
#: How close (screen pixels) a click must be to an annotation or a handle to hit it.
HIT_PX = 6.0
#: Side of the square handles drawn on a selected annotation's points (screen pixels).
HANDLE_PX = 8.0
#: Longest author name the model accepts.
_MAX_AUTHOR = 256

Reporter = Callable[[str], None]


def _ignore(message: str) -> None:
    """Drop a message (a tool that belongs to no controller)."""


# -- shared helpers ------------------------------------------------------------------


def editable_session(canvas: ViewerCanvas) -> AnnotationSession | None:
    """Return the shown image's session if its annotations may be edited, else ``None``."""
    session = canvas.session()
    if session is None or canvas.frame is None or session.read_only:
        return None
    return session


def selected_ids(canvas: ViewerCanvas) -> list[str]:
    """Return the selected annotations of the frame shown (ids, in document order)."""
    session = canvas.session()
    frame = canvas.frame
    tool = getattr(canvas, "tool", None)
    if session is None or frame is None or tool is None or not tool.selected:
        return []
    chosen = tool.selected
    return [
        a.id for a in session.document.annotations if a.id in chosen and a.frame == frame.number
    ]


def select(canvas: ViewerCanvas, ids: Iterable[str]) -> None:
    """Make ``ids`` the canvas's selection and tell the canvas's listeners."""
    tool = getattr(canvas, "tool", None)
    if tool is None:
        return
    wanted = list(dict.fromkeys(ids))
    if set(wanted) != tool.selected:
        tool.selected.clear()  # in place: the tools of a controller share one set
        tool.selected.update(wanted)
        canvas.selection_changed.emit(wanted)
    canvas.update()


def target_layer(canvas: ViewerCanvas, document: AnnotationDocument) -> Layer | None:
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


def _editable_ids(document: AnnotationDocument, ids: Iterable[str]) -> list[str]:
    """Return the ids that exist and lie on unlocked layers."""
    return [
        i for i in dict.fromkeys(ids) if i in document and is_editable(document, document.get(i))
    ]


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


def new_fields(canvas: ViewerCanvas, layer: Layer) -> dict[str, object]:
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


def _distance_to_segment(p: ImagePoint, a: ImagePoint, b: ImagePoint) -> float:
    ax, ay = a
    vx, vy = b[0] - ax, b[1] - ay
    length2 = vx * vx + vy * vy
    t = 0.0 if length2 == 0 else max(0.0, min(1.0, ((p[0] - ax) * vx + (p[1] - ay) * vy) / length2))
    return math.hypot(p[0] - (ax + t * vx), p[1] - (ay + t * vy))


def _shape(canvas: ViewerCanvas, annotation: Annotation) -> tuple[QPainterPath, ResolvedStyle]:
    """Return the annotation's path and style as the canvas draws them at its zoom."""
    document = canvas.session().document
    style = at_least_visible(document.resolved_style(annotation), canvas.zoom or 1.0)
    return annotation_path(annotation, style, canvas.frame.source.pixel_spacing), style


def _far_from(canvas: ViewerCanvas, annotation: Annotation, point: ImagePoint) -> bool:
    """Tell cheaply that ``point`` is far from anything ``annotation`` draws.

    Nothing an annotation draws (head, ticks, label, length) lies further from its
    points than its head plus a generous text width, so most annotations of a busy
    frame are ruled out without building their paths.
    """
    style = at_least_visible(
        canvas.session().document.resolved_style(annotation), canvas.zoom or 1.0
    )
    characters = len(annotation.label or "") + len(getattr(annotation, "text", "")) + 12
    reach = HIT_PX / (canvas.zoom or 1.0) + style.head_length + style.font_size * characters
    points = annotation.points
    if len(points) == 1:
        return math.hypot(point[0] - points[0][0], point[1] - points[0][1]) > reach
    return _distance_to_segment(point, points[0], points[1]) > reach


def _hits(canvas: ViewerCanvas, annotation: Annotation, point: ImagePoint) -> bool:
    if _far_from(canvas, annotation, point):
        return False
    tolerance = HIT_PX / (canvas.zoom or 1.0)
    path, style = _shape(canvas, annotation)
    box = path.boundingRect().adjusted(-tolerance, -tolerance, tolerance, tolerance)
    where = QPointF(*point)
    if not box.contains(where):
        return False
    if isinstance(annotation, Text):
        return True
    start, end = annotation.points
    if _distance_to_segment(point, start, end) <= tolerance + style.line_width / 2:
        return True
    if path.contains(where):
        return True
    stroker = QPainterPathStroker()  # near the head's edges or the label's letters
    stroker.setWidth(2 * tolerance)
    return stroker.createStroke(path).contains(where)


def annotation_at(canvas: ViewerCanvas, point: ImagePoint) -> Annotation | None:
    """Return the topmost visible annotation of the frame shown under image ``point``."""
    session = canvas.session()
    frame = canvas.frame
    if session is None or frame is None:
        return None
    for annotation in reversed(session.document.visible_annotations(frame.number)):
        if _hits(canvas, annotation, point):
            return annotation
    return None


def _paint_shape(painter: QPainter, path: QPainterPath, style: ResolvedStyle) -> None:
    """Draw a path the way :func:`hoview.render.paint.paint_annotations` does."""
    if style.outline is not None:
        pen = QPen(QColor(style.outline), 2 * style.outline_width)
        pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
        painter.strokePath(path, pen)
    painter.fillPath(path, QBrush(QColor(style.colour)))


# -- the tools -----------------------------------------------------------------------


class AnnotationTool(CanvasTool):
    """What every annotation tool shares: the selection's keys and a way to report.

    Keys: Delete or Backspace removes the selection, Ctrl+D duplicates it, Ctrl+C and
    Ctrl+V copy and paste it, Escape drops what is being drawn or clears the selection.

    Attributes
    ----------
    report : callable
        Called with a short message when the tool refuses something (a locked layer,
        a read-only sidecar); a :class:`ToolController` routes it to the status bar.
    """

    def __init__(self) -> None:
        super().__init__()
        self.report: Reporter = _ignore

    def _session_for_edit(self, canvas: ViewerCanvas) -> AnnotationSession | None:
        session = editable_session(canvas)
        if session is None and canvas.session() is not None:
            self.report("This image's annotation file could not be read: nothing is changed")
        return session

    def cancel(self, canvas: ViewerCanvas) -> bool:
        """Drop what is under way; return whether there was something."""
        return False

    def deactivate(self, canvas: ViewerCanvas) -> None:
        """Drop what is under way (a drag is undone, a drawing dropped)."""
        self.cancel(canvas)

    def key(self, canvas: ViewerCanvas, event: QKeyEvent) -> bool:
        """Handle the selection's keys (see the class description)."""
        from hoview.ui import clipboard  # clipboard builds on this module's helpers

        key = event.key()
        control = event.modifiers() & Qt.KeyboardModifier.ControlModifier
        ids = selected_ids(canvas)
        if key == Qt.Key.Key_Escape:
            if self.cancel(canvas):
                return True
            if ids:
                select(canvas, [])
                return True
            return False
        if key in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace) and ids:
            if not delete(canvas, ids):
                self.report("Nothing deleted: the selection is locked or read-only")
            return True
        if key == Qt.Key.Key_D and control and ids:
            if not clipboard.duplicate(canvas, ids):
                self.report("Nothing duplicated: the layer is locked or read-only")
            return True
        if event.matches(QKeySequence.StandardKey.Copy) and ids:
            clipboard.copy_annotations(canvas)
            return True
        if event.matches(QKeySequence.StandardKey.Paste):
            return bool(clipboard.paste_annotations(canvas, self.report))
        return False


class _Drag:
    """A drag of the select tool: moving annotations, one handle, or a selection band."""

    def __init__(self, mode: str, session: AnnotationSession, point: ImagePoint, pos: QPointF):
        self.mode = mode
        self.session = session
        self.start = point
        self.current = point
        self.start_pos = pos
        self.started = False
        self.originals: dict[str, tuple[ImagePoint, ...]] = {}
        self.index = -1
        self.additive = False
        self.changed = False
        self.group = ExitStack()


class SelectTool(AnnotationTool):
    """Select, move and edit annotations.

    A click selects the topmost annotation under the cursor (Shift or Ctrl+click adds
    or removes it), a click on empty space clears the selection and a drag there
    selects what the band touches. Dragging a selected annotation moves the selection;
    dragging one of its square handles moves that point only. A double click edits
    the label (the words of a text). Every drag is one undo step.
    """

    name = "Select"

    def __init__(self) -> None:
        super().__init__()
        self._drag: _Drag | None = None

    def press(self, canvas: ViewerCanvas, event: QMouseEvent, point: ImagePoint) -> bool:
        """Select, or start a move, a handle drag or a selection band."""
        session = canvas.session()
        if event.button() != Qt.MouseButton.LeftButton or session is None or canvas.frame is None:
            return False
        self._finish(canvas)
        pos = event.position()
        toggle = bool(
            event.modifiers()
            & (Qt.KeyboardModifier.ShiftModifier | Qt.KeyboardModifier.ControlModifier)
        )
        handle = None if toggle else self._handle_at(canvas, point)
        if handle is not None:
            self._drag = _Drag("handle", session, point, pos)
            self._drag.originals = {handle[0]: session.document.get(handle[0]).points}
            self._drag.index = handle[1]
            return True
        hit = annotation_at(canvas, point)
        ids = selected_ids(canvas)
        if hit is None:
            self._drag = _Drag("band", session, point, pos)
            self._drag.additive = toggle
            if not toggle:
                select(canvas, [])
            return True
        if toggle:
            select(canvas, [i for i in ids if i != hit.id] + ([] if hit.id in ids else [hit.id]))
            return True
        if hit.id not in ids:
            ids = [hit.id]
            select(canvas, ids)
        document = session.document
        self._drag = _Drag("move", session, point, pos)
        self._drag.originals = {i: document.get(i).points for i in _editable_ids(document, ids)}
        return True

    def move(self, canvas: ViewerCanvas, event: QMouseEvent, point: ImagePoint) -> bool:
        """Move what is being dragged to image ``point``."""
        drag = self._drag
        if drag is None:
            return False
        drag.current = point
        if not drag.started:
            offset = event.position() - drag.start_pos
            if math.hypot(offset.x(), offset.y()) < CLICK_PX:
                return True
            if not self._start(canvas, drag):
                return True
        if drag.mode == "band":
            canvas.update()
            return True
        document = drag.session.document
        try:
            if drag.mode == "move":
                points = [p for pts in drag.originals.values() for p in pts]
                dx, dy = clamp_delta(
                    document, points, point[0] - drag.start[0], point[1] - drag.start[1]
                )
                for annotation_id, originals in drag.originals.items():
                    document.update(annotation_id, points=[(x + dx, y + dy) for x, y in originals])
            else:
                ((annotation_id, originals),) = drag.originals.items()
                points = list(originals)
                points[drag.index] = clamp_point(document, point)
                document.update(annotation_id, points=points)
            drag.changed = True
        except (KeyError, ValueError) as exc:  # deleted or locked meanwhile
            self.report(f"The move stopped: {exc}")
            self._finish(canvas)
        return True

    def _start(self, canvas: ViewerCanvas, drag: _Drag) -> bool:
        """Start a real drag once the mouse has gone further than a click."""
        if drag.mode != "band":
            if not drag.originals:
                if selected_ids(canvas):
                    self.report("The selection is on a locked layer: it cannot be moved")
                return False
            if drag.session is not canvas.session() or self._session_for_edit(canvas) is None:
                return False
            what = "point" if drag.mode == "handle" else "annotations"
            drag.group.enter_context(drag.session.history.group(f"Move {what}"))
        drag.started = True
        return True

    def release(self, canvas: ViewerCanvas, event: QMouseEvent, point: ImagePoint) -> bool:
        """End the drag: one undo step, or the band's selection."""
        drag = self._drag
        if drag is None:
            return False
        if drag.mode == "band" and drag.started:
            band = QRectF(QPointF(*drag.start), QPointF(*point)).normalized()
            inside = [
                a.id
                for a in drag.session.document.visible_annotations(canvas.frame.number)
                if _shape(canvas, a)[0].boundingRect().intersects(band)
            ]
            select(canvas, (selected_ids(canvas) if drag.additive else []) + inside)
        self._finish(canvas)
        return True

    def _finish(self, canvas: ViewerCanvas) -> _Drag | None:
        """End a drag where it is: the moves made so far are one undo step."""
        drag, self._drag = self._drag, None
        if drag is not None:
            drag.group.close()
            canvas.update()
        return drag

    def cancel(self, canvas: ViewerCanvas) -> bool:
        """Drop a drag (Escape): what it moved goes back where it was."""
        drag = self._finish(canvas)
        if drag is None:
            return False
        if drag.changed:
            drag.session.history.undo()
        return True

    def double_click(self, canvas: ViewerCanvas, event: QMouseEvent, point: ImagePoint) -> bool:
        """Edit the label (or a text's words) of the annotation under the cursor."""
        hit = annotation_at(canvas, point)
        if hit is None:
            return False
        self._finish(canvas)
        select(canvas, [hit.id])
        if self._session_for_edit(canvas) is not None:
            if not is_editable(canvas.session().document, hit):
                self.report("This annotation is on a locked layer")
            else:
                edit_label(canvas, hit.id)
        return True

    def _handle_at(self, canvas: ViewerCanvas, point: ImagePoint) -> tuple[str, int] | None:
        """Return ``(id, point index)`` of the selected handle under ``point``."""
        zoom = canvas.zoom or 1.0
        best: tuple[float, str, int] | None = None
        for annotation in self._handled(canvas):
            for index, (x, y) in enumerate(annotation.points):
                distance = math.hypot(x - point[0], y - point[1]) * zoom
                if distance <= HIT_PX and (best is None or distance < best[0]):
                    best = (distance, annotation.id, index)
        return None if best is None else (best[1], best[2])

    def _handled(self, canvas: ViewerCanvas) -> list[Annotation]:
        """Return the selected annotations that show handles (shown and editable)."""
        session = canvas.session()
        if session is None or canvas.frame is None or session.read_only or not self.selected:
            return []
        document = session.document
        return [
            a
            for a in document.visible_annotations(canvas.frame.number)
            if a.id in self.selected and is_editable(document, a)
        ]

    def paint(self, canvas: ViewerCanvas, painter: QPainter, transform: QTransform) -> None:
        """Draw the handles of the selection and the selection band."""
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        painter.setPen(QPen(QColor(SELECTION_COLOUR), 1.5))
        painter.setBrush(QBrush(QColor("#ffffff")))
        half = HANDLE_PX / 2
        for annotation in self._handled(canvas):
            for x, y in annotation.points:
                centre = transform.map(QPointF(x, y))
                painter.drawRect(QRectF(centre.x() - half, centre.y() - half, HANDLE_PX, HANDLE_PX))
        drag = self._drag
        if drag is not None and drag.mode == "band" and drag.started:
            band = QRectF(QPointF(*drag.start), QPointF(*drag.current)).normalized()
            colour = QColor(SELECTION_COLOUR)
            painter.setPen(QPen(colour, 1.0, Qt.PenStyle.DashLine))
            colour.setAlpha(40)
            painter.setBrush(QBrush(colour))
            painter.drawPolygon(transform.map(QPolygonF(band)))
        painter.restore()


class _TwoPointTool(AnnotationTool):
    """Press at the first point, drag, release at the second: an arrow or a ruler."""

    def __init__(self) -> None:
        super().__init__()
        self._session: AnnotationSession | None = None
        self._layer: Layer | None = None
        self._start: ImagePoint = (0.0, 0.0)
        self._end: ImagePoint = (0.0, 0.0)
        self._start_pos = QPointF()
        self._moved = False

    def _make(self, canvas: ViewerCanvas, start: ImagePoint, end: ImagePoint) -> Annotation:
        raise NotImplementedError

    def press(self, canvas: ViewerCanvas, event: QMouseEvent, point: ImagePoint) -> bool:
        """Start drawing at image ``point``."""
        if event.button() != Qt.MouseButton.LeftButton or canvas.session() is None:
            return False
        self.cancel(canvas)
        session = self._session_for_edit(canvas)
        if session is None:
            return True
        layer = target_layer(canvas, session.document)
        problem = layer_problem(layer, session.document)
        if problem:
            self.report(problem)
            return True
        self._session, self._layer = session, layer
        self._start = self._end = clamp_point(session.document, point)
        self._start_pos = event.position()
        self._moved = False
        return True

    def move(self, canvas: ViewerCanvas, event: QMouseEvent, point: ImagePoint) -> bool:
        """Follow the mouse with the second point."""
        if self._session is None:
            return False
        self._end = clamp_point(self._session.document, point)
        offset = event.position() - self._start_pos
        self._moved = self._moved or math.hypot(offset.x(), offset.y()) >= CLICK_PX
        canvas.update()
        return True

    def release(self, canvas: ViewerCanvas, event: QMouseEvent, point: ImagePoint) -> bool:
        """Add the annotation, unless the mouse hardly moved (a click makes nothing)."""
        session = self._session
        if session is None:
            return False
        offset = event.position() - self._start_pos
        start, end = self._start, clamp_point(session.document, point)
        self.cancel(canvas)
        if math.hypot(offset.x(), offset.y()) < CLICK_PX or session is not canvas.session():
            return True
        with session.history.group():  # the arrow and its label: one undo step
            try:
                annotation = session.document.add(self._make(canvas, start, end))
            except (TypeError, ValueError) as exc:
                self.report(f"Nothing added: {exc}")
                return True
            select(canvas, [annotation.id])
            self._added(canvas, annotation)
        return True

    def _added(self, canvas: ViewerCanvas, annotation: Annotation) -> None:
        """Follow up on a new annotation (the arrow tool may ask for a label)."""

    def cancel(self, canvas: ViewerCanvas) -> bool:
        """Drop the annotation being drawn."""
        if self._session is None:
            return False
        self._session = None
        canvas.update()
        return True

    def _preview(self, canvas: ViewerCanvas) -> tuple[QPainterPath, ResolvedStyle]:
        annotation = self._make(canvas, self._start, self._end)
        document = self._session.document
        columns, rows = document.identity["columns"], document.identity["rows"]
        resolved = annotation.style.resolve(columns, rows, self._layer.colour)
        style = at_least_visible(resolved, canvas.zoom or 1.0)
        return annotation_path(annotation, style, canvas.frame.source.pixel_spacing), style

    def paint(self, canvas: ViewerCanvas, painter: QPainter, transform: QTransform) -> None:
        """Draw the annotation being drawn exactly as it will look."""
        if self._session is None or not self._moved or canvas.frame is None:
            return
        path, style = self._preview(canvas)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.setTransform(transform, combine=True)
        _paint_shape(painter, path, style)
        painter.restore()


class ArrowTool(_TwoPointTool):
    """Draw arrows: press where the arrow starts, drag to the finding, release.

    Attributes
    ----------
    ask_label : bool
        Ask for a label after each new arrow (off by default: drop arrows and move on).
    """

    name = "Arrow"

    def __init__(self) -> None:
        super().__init__()
        self.ask_label = False

    def _make(self, canvas: ViewerCanvas, start: ImagePoint, end: ImagePoint) -> Annotation:
        return Arrow(tail=start, head=end, **new_fields(canvas, self._layer))

    def _added(self, canvas: ViewerCanvas, annotation: Annotation) -> None:
        if self.ask_label:
            edit_label(canvas, annotation.id)


class RulerTool(_TwoPointTool):
    """Measure: press at one end, drag, release at the other (mm when the spacing is known)."""

    name = "Ruler"

    def _make(self, canvas: ViewerCanvas, start: ImagePoint, end: ImagePoint) -> Annotation:
        return Ruler(start=start, end=end, **new_fields(canvas, self._layer))


class TextTool(AnnotationTool):
    """Place text: click where its top-left corner goes, then type it."""

    name = "Text"

    def __init__(self) -> None:
        super().__init__()
        self._pending: tuple[AnnotationSession, Layer, ImagePoint] | None = None

    def press(self, canvas: ViewerCanvas, event: QMouseEvent, point: ImagePoint) -> bool:
        """Remember where the text goes."""
        if event.button() != Qt.MouseButton.LeftButton or canvas.session() is None:
            return False
        self._pending = None
        session = self._session_for_edit(canvas)
        if session is None:
            return True
        layer = target_layer(canvas, session.document)
        problem = layer_problem(layer, session.document)
        if problem:
            self.report(problem)
            return True
        self._pending = (session, layer, clamp_point(session.document, point))
        return True

    def release(self, canvas: ViewerCanvas, event: QMouseEvent, point: ImagePoint) -> bool:
        """Ask for the text and add it (an empty text adds nothing)."""
        pending, self._pending = self._pending, None
        if pending is None:
            return False
        session, layer, anchor = pending
        text = tool_dialogs.ask_text(canvas, "")
        if not text or session is not canvas.session():
            return True
        try:
            added = session.document.add(
                Text(anchor=anchor, text=text, **new_fields(canvas, layer))
            )
        except (TypeError, ValueError) as exc:
            self.report(f"Nothing added: {exc}")
            return True
        select(canvas, [added.id])
        return True

    def cancel(self, canvas: ViewerCanvas) -> bool:
        """Forget a pending click."""
        pending, self._pending = self._pending, None
        return pending is not None


# -- editing helpers (the window's menus call these) ----------------------------------


def _edit_each(
    canvas: ViewerCanvas,
    ids: Iterable[str],
    description: str,
    change: Callable[[Annotation], dict[str, object]],
) -> int:
    """Apply ``change(annotation)`` to each editable annotation as one undo step."""
    session = editable_session(canvas)
    if session is None:
        return 0
    document = session.document
    changed = 0
    with session.history.group(description):
        for annotation_id in _editable_ids(document, ids):
            old = document.get(annotation_id)
            if document.update(annotation_id, **change(old)) is not old:
                changed += 1
    return changed


def set_finding(canvas: ViewerCanvas, ids: Iterable[str], finding: Finding | None) -> int:
    """Give annotations a structured finding (``None`` removes it); one undo step.

    Returns
    -------
    int
        How many annotations changed (locked and read-only ones never do).
    """
    return _edit_each(canvas, ids, "Set finding", lambda _a: {"finding": finding})


def set_colour(canvas: ViewerCanvas, ids: Iterable[str], colour: str | None) -> int:
    """Colour annotations ``#rrggbb`` (``None``: their layer's colour); one undo step.

    Returns
    -------
    int
        How many annotations changed.

    Raises
    ------
    ValueError
        If ``colour`` is not ``#rrggbb``.
    """
    Style(colour=colour)  # check it before touching anything
    return _edit_each(
        canvas,
        ids,
        "Set colour",
        lambda a: {"style": dataclasses.replace(a.style, colour=colour)},
    )


def set_label(canvas: ViewerCanvas, annotation_id: str, label: str | None) -> bool:
    """Set an annotation's label (``""`` or ``None`` removes it); return whether it changed."""
    return bool(
        _edit_each(canvas, [annotation_id], "Edit label", lambda _a: {"label": label or None})
    )


def edit_label(canvas: ViewerCanvas, annotation_id: str) -> bool:
    """Ask for an annotation's label (a text's words) and set it; return whether it changed."""
    session = editable_session(canvas)
    if session is None or not _editable_ids(session.document, [annotation_id]):
        return False
    annotation = session.document.get(annotation_id)
    if isinstance(annotation, Text):
        text = tool_dialogs.ask_text(canvas, annotation.text)
        if not text or annotation_id not in session.document:
            return False
        return bool(_edit_each(canvas, [annotation_id], "Edit text", lambda _a: {"text": text}))
    label = tool_dialogs.ask_label(canvas, annotation.label)
    return label is not None and set_label(canvas, annotation_id, label)


def edit_finding(canvas: ViewerCanvas, ids: Iterable[str]) -> int:
    """Ask for a finding (starting from the first annotation's) and give it to ``ids``."""
    session = editable_session(canvas)
    ids = _editable_ids(session.document, ids) if session is not None else []
    if not ids:
        return 0
    finding = tool_dialogs.edit_finding_dialog(canvas, session.document.get(ids[0]).finding)
    return 0 if finding is None else set_finding(canvas, ids, finding)


def edit_colour(canvas: ViewerCanvas, ids: Iterable[str]) -> int:
    """Ask for a colour (starting from the first annotation's) and give it to ``ids``."""
    session = editable_session(canvas)
    ids = _editable_ids(session.document, ids) if session is not None else []
    if not ids:
        return 0
    first = session.document.get(ids[0])
    colour = tool_dialogs.ask_colour(canvas, session.document.resolved_style(first).colour)
    return 0 if colour is None else set_colour(canvas, ids, colour)


def delete(canvas: ViewerCanvas, ids: Iterable[str]) -> int:
    """Remove annotations (not those on locked layers) as one undo step; return how many."""
    session = editable_session(canvas)
    if session is None:
        return 0
    removed = _editable_ids(session.document, ids)
    if removed:
        session.document.remove(removed)
        tool = getattr(canvas, "tool", None)
        if tool is not None:
            select(canvas, [i for i in tool.selected if i not in removed])
    return len(removed)
