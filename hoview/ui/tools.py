"""The canvas's annotation tools: select and edit, arrow, text, ruler.

A tool turns mouse input into edits of the image's :class:`AnnotationDocument`; the
canvas draws what the document then holds (one source of truth). Every edit goes
through the session's document and history, so a whole drag is one undo step and the
sidecar is saved a moment later. A session whose sidecar could not be read is never
edited. Annotations on a locked layer can be selected (to copy them) but not changed.

The arrow tool is built for speed: press where the arrow starts, drag to the finding,
release; the head lands on the finding. What the tools share is in
:mod:`hoview.ui.tool_support`, the menus' edits in :mod:`hoview.ui.annotation_edits`,
copy, paste and duplicate in :mod:`hoview.ui.clipboard`.
"""

from __future__ import annotations

import math
from contextlib import ExitStack
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import (
    QBrush,
    QColor,
    QKeyEvent,
    QKeySequence,
    QMouseEvent,
    QPainter,
    QPainterPath,
    QPen,
    QPolygonF,
    QTransform,
)

from hoview.annotations import (
    Annotation,
    AnnotationDocument,
    Arrow,
    Gap,
    Layer,
    Ruler,
    Text,
)
from hoview.annotations.style import DEFAULT_STYLE, ResolvedStyle
from hoview.render.paint import SELECTION_COLOUR, annotation_path, draw_shape, glyph_style
from hoview.ui import tool_dialogs
from hoview.ui.canvas_tool import CanvasTool, ImagePoint, ToolContext

if TYPE_CHECKING:
    from hoview.ui.annotation_session import AnnotationSession

from hoview.ui.annotation_edits import delete, edit_label
from hoview.ui.tool_support import (
    CLICK_PX,
    HANDLE_PX,
    HIT_PX,
    Reporter,
    annotation_at,
    annotation_shape,
    changeable_ids,
    clamp_delta,
    clamp_point,
    editable_session,
    ignore_message,
    is_editable,
    layer_problem,
    measuring_spacing,
    new_fields,
    read_only_message,
    refresh_brooker,
    select,
    selected_ids,
    target_layer,
)

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
        self.report: Reporter = ignore_message

    def _session_for_edit(self, canvas: ToolContext) -> AnnotationSession | None:
        session = editable_session(canvas)
        if session is None and canvas.session() is not None:
            self.report("This image's annotation file could not be read: nothing is changed")
        return session

    def cancel(self, canvas: ToolContext) -> bool:
        """Drop what is under way; return whether there was something."""
        return False

    def deactivate(self, canvas: ToolContext) -> None:
        """Drop what is under way (a drag is undone, a drawing dropped)."""
        self.cancel(canvas)

    def key(self, canvas: ToolContext, event: QKeyEvent) -> bool:
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
        self.refused = False  # told why it cannot move (once per drag)
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

    def press(self, canvas: ToolContext, event: QMouseEvent, point: ImagePoint) -> bool:
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
        self._drag.originals = {i: document.get(i).points for i in changeable_ids(document, ids)}
        return True

    def move(self, canvas: ToolContext, event: QMouseEvent, point: ImagePoint) -> bool:
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

    def _start(self, canvas: ToolContext, drag: _Drag) -> bool:
        """Start a real drag once the mouse has gone further than a click."""
        if drag.mode != "band":
            # Imported graphics stay where they are (the rest of the selection moves).
            read_only = read_only_message(drag.session.document, selected_ids(canvas))
            if read_only and not drag.refused:
                self.report(read_only)
            if not drag.originals:
                if selected_ids(canvas) and not read_only and not drag.refused:
                    self.report("The selection is on a locked layer: it cannot be moved")
                drag.refused = True
                return False
            if drag.session is not canvas.session() or self._session_for_edit(canvas) is None:
                return False
            what = "point" if drag.mode == "handle" else "annotations"
            drag.group.enter_context(drag.session.history.group(f"Move {what}"))
        drag.started = True
        return True

    def release(self, canvas: ToolContext, event: QMouseEvent, point: ImagePoint) -> bool:
        """End the drag: one undo step, or the band's selection."""
        drag = self._drag
        if drag is None:
            return False
        if drag.mode == "band" and drag.started:
            band = QRectF(QPointF(*drag.start), QPointF(*point)).normalized()
            inside = [
                a.id
                for a in drag.session.document.visible_annotations(canvas.frame.number)
                if annotation_shape(canvas, a)[0].boundingRect().intersects(band)
            ]
            select(canvas, (selected_ids(canvas) if drag.additive else []) + inside)
        self._finish(canvas)
        return True

    def _finish(self, canvas: ToolContext) -> _Drag | None:
        """End a drag where it is: the moves made so far are one undo step."""
        drag, self._drag = self._drag, None
        if drag is not None:
            doc = drag.session.document
            if drag.changed and any(
                i in doc and isinstance(doc.get(i), Gap) for i in drag.originals
            ):
                refresh_brooker(canvas, drag.session)  # in the move's undo step
            drag.group.close()
            canvas.update()
        return drag

    def cancel(self, canvas: ToolContext) -> bool:
        """Drop a drag (Escape): what it moved goes back where it was."""
        drag = self._finish(canvas)
        if drag is None:
            return False
        if drag.changed:
            drag.session.history.undo()
        return True

    def double_click(self, canvas: ToolContext, event: QMouseEvent, point: ImagePoint) -> bool:
        """Edit the label (or a text's words) of the annotation under the cursor."""
        hit = annotation_at(canvas, point)
        if hit is None:
            return False
        self._finish(canvas)
        select(canvas, [hit.id])
        if self._session_for_edit(canvas) is not None:
            if not hit.editable:
                self.report(read_only_message(canvas.session().document, [hit.id]))
            elif not is_editable(canvas.session().document, hit):
                self.report("This annotation is on a locked layer")
            else:
                edit_label(canvas, hit.id)
        return True

    def _handle_at(self, canvas: ToolContext, point: ImagePoint) -> tuple[str, int] | None:
        """Return ``(id, point index)`` of the selected handle under ``point``."""
        zoom = canvas.zoom or 1.0
        best: tuple[float, str, int] | None = None
        for annotation in self._handled(canvas):
            for index, (x, y) in enumerate(annotation.points):
                distance = math.hypot(x - point[0], y - point[1]) * zoom
                if distance <= HIT_PX and (best is None or distance < best[0]):
                    best = (distance, annotation.id, index)
        return None if best is None else (best[1], best[2])

    def _handled(self, canvas: ToolContext) -> list[Annotation]:
        """Return the selected annotations that show handles (shown, editable, not imported)."""
        session = canvas.session()
        chosen = set(canvas.state.selection)
        if session is None or canvas.frame is None or session.read_only or not chosen:
            return []
        document = session.document
        return [
            a
            for a in document.visible_annotations(canvas.frame.number)
            if a.id in chosen and a.editable and is_editable(document, a)
        ]

    def paint(self, canvas: ToolContext, painter: QPainter, transform: QTransform) -> None:
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

    #: Whether what is drawn goes onto a layer (it must then be shown and unlocked).
    draws_on_layer = True

    def __init__(self) -> None:
        super().__init__()
        self._session: AnnotationSession | None = None
        self._layer: Layer | None = None
        self._start: ImagePoint = (0.0, 0.0)
        self._end: ImagePoint = (0.0, 0.0)
        self._start_pos = QPointF()
        self._moved = False

    def _make(self, canvas: ToolContext, start: ImagePoint, end: ImagePoint) -> Annotation:
        raise NotImplementedError

    def _layer_for(self, canvas: ToolContext, document: AnnotationDocument) -> Layer | None:
        """Return the layer the new annotation goes onto (the gap tool's: its arrow's)."""
        return target_layer(canvas, document)

    def _check(self, canvas: ToolContext, annotation: Annotation) -> None:
        """Raise ``ValueError`` if ``annotation`` may not be added (a gap's arrow)."""

    def press(self, canvas: ToolContext, event: QMouseEvent, point: ImagePoint) -> bool:
        """Start drawing at image ``point``."""
        if event.button() != Qt.MouseButton.LeftButton or canvas.session() is None:
            return False
        self.cancel(canvas)
        session = self._session_for_edit(canvas)
        if session is None:
            return True
        layer = self._layer_for(canvas, session.document)
        problem = layer_problem(layer, session.document)
        if problem and self.draws_on_layer:
            self.report(problem)
            return True
        self._session, self._layer = session, layer
        self._start = self._end = clamp_point(session.document, point)
        self._start_pos = event.position()
        self._moved = False
        return True

    def move(self, canvas: ToolContext, event: QMouseEvent, point: ImagePoint) -> bool:
        """Follow the mouse with the second point."""
        if self._session is None:
            return False
        self._end = clamp_point(self._session.document, point)
        offset = event.position() - self._start_pos
        self._moved = self._moved or math.hypot(offset.x(), offset.y()) >= CLICK_PX
        canvas.update()
        return True

    def _dragged(
        self, canvas: ToolContext, event: QMouseEvent, point: ImagePoint
    ) -> tuple[Any, ImagePoint, ImagePoint] | None:
        """End the drag; return ``(session, start, end)`` when it drew a line, else None.

        A click (the mouse hardly moved) or an image changed meanwhile draws nothing.
        """
        session = self._session
        assert session is not None
        offset = event.position() - self._start_pos
        start, end = self._start, clamp_point(session.document, point)
        self.cancel(canvas)
        if math.hypot(offset.x(), offset.y()) < CLICK_PX or session is not canvas.session():
            return None
        return session, start, end

    def release(self, canvas: ToolContext, event: QMouseEvent, point: ImagePoint) -> bool:
        """Add the annotation, unless the mouse hardly moved (a click makes nothing)."""
        if self._session is None:
            return False
        dragged = self._dragged(canvas, event, point)
        if dragged is None:
            return True
        session, start, end = dragged
        with session.history.group():  # the arrow and its label: one undo step
            try:
                made = self._make(canvas, start, end)
                self._check(canvas, made)
                annotation = session.document.add(made)
            except (TypeError, ValueError) as exc:
                self.report(f"Nothing added: {exc}")
                return True
            select(canvas, [annotation.id])
            self._added(canvas, annotation)
        return True

    def _added(self, canvas: ToolContext, annotation: Annotation) -> None:
        """Follow up on a new annotation (the arrow tool may ask for a label)."""

    def cancel(self, canvas: ToolContext) -> bool:
        """Drop the annotation being drawn."""
        if self._session is None:
            return False
        self._session = None
        canvas.update()
        return True

    def _preview(self, canvas: ToolContext) -> tuple[QPainterPath, ResolvedStyle]:
        annotation = self._make(canvas, self._start, self._end)
        document = self._session.document
        columns, rows = document.identity["columns"], document.identity["rows"]
        resolved = annotation.style.resolve(columns, rows, self._layer.colour)
        default = DEFAULT_STYLE.resolve(columns, rows)
        style = glyph_style(resolved, canvas.zoom or 1.0, canvas.glyph_sizes, default)
        transform = canvas.image_transform()
        spacing = measuring_spacing(canvas)
        return annotation_path(annotation, style, spacing, transform), style

    def paint(self, canvas: ToolContext, painter: QPainter, transform: QTransform) -> None:
        """Draw the annotation being drawn exactly as it will look."""
        if self._session is None or not self._moved or canvas.frame is None:
            return
        path, style = self._preview(canvas)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.setTransform(transform, combine=True)
        draw_shape(painter, path, style)
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

    def _make(self, canvas: ToolContext, start: ImagePoint, end: ImagePoint) -> Annotation:
        return Arrow(tail=start, head=end, **new_fields(canvas, self._layer))

    def _added(self, canvas: ToolContext, annotation: Annotation) -> None:
        if self.ask_label:
            edit_label(canvas, annotation.id)


class RulerTool(_TwoPointTool):
    """Measure: press at one end, drag, release at the other (mm when the spacing is known)."""

    name = "Ruler"

    def _make(self, canvas: ToolContext, start: ImagePoint, end: ImagePoint) -> Annotation:
        return Ruler(start=start, end=end, **new_fields(canvas, self._layer))


class TextTool(AnnotationTool):
    """Place text: click where its top-left corner goes, then type it."""

    name = "Text"

    def __init__(self) -> None:
        super().__init__()
        self._pending: tuple[AnnotationSession, Layer, ImagePoint] | None = None

    def press(self, canvas: ToolContext, event: QMouseEvent, point: ImagePoint) -> bool:
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

    def release(self, canvas: ToolContext, event: QMouseEvent, point: ImagePoint) -> bool:
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

    def cancel(self, canvas: ToolContext) -> bool:
        """Forget a pending click."""
        pending, self._pending = self._pending, None
        return pending is not None
