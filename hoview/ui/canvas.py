"""The image canvas: one frame at viewport resolution, its annotations, and the mouse.

Repaints never reprocess the full-resolution frame: the pyramid level that matches the
zoom is cut to the viewport and windowed through a lookup table
(:func:`hoview.display.viewport.render_region`). Annotations are drawn over it by the one
painting function the exports use. Left-button input goes to the current tool; the
middle button or space + drag pans, the right button changes the window.

What is shown (frame, window, zoom, rotation, flags, selection) lives in a
:class:`~hoview.display.view_state.ViewState` the canvas observes; its methods write to
that state. Several canvases over one state (compare mode) show the same view by
construction; a canvas may override only whether annotations are drawn.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
from PySide6.QtCore import QPointF, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QPainter,
    QTransform,
)
from PySide6.QtWidgets import QSizePolicy, QWidget

from hoview.annotations import AnnotationDocument
from hoview.display.pipeline import VOI, default_voi
from hoview.display.pyramid import Pyramid
from hoview.display.view_state import ViewEvent, ViewState
from hoview.display.viewport import ViewGeometry, ViewRegion, make_pyramid, render_region
from hoview.errors import HoviewError
from hoview.render.paint import SCREEN_SIZES, GlyphSizes, paint_annotations
from hoview.render.qimage import array_view
from hoview.sources.base import Frame, ImageSource, Series
from hoview.ui.annotation_layer import AnnotationLayer
from hoview.ui.annotation_session import AnnotationSession, SessionStore
from hoview.ui.canvas_input import CanvasInput
from hoview.ui.canvas_overlay import OverlayCache, corner_lines, paint_overlays
from hoview.ui.canvas_status import status_line
from hoview.ui.canvas_tool import CanvasTool
from hoview.ui.magnifier import Magnifier
from hoview.ui.orientation_markers import paint_canvas_markers
from hoview.ui.tool_support import measuring_spacing

#: Pyramids kept for recently shown frames.
PYRAMIDS_KEPT = 8


class ViewerCanvas(CanvasInput):
    """Shows the current frame of a series with its annotations.

    Parameters
    ----------
    sessions : SessionStore, optional
        Where each image's annotations are kept while open (shared with the window).
    parent : QWidget, optional
        Qt parent.
    state : ViewState, optional
        The view state to show and write to (another canvas's, to show the same view);
        by default the canvas's own.

    Attributes
    ----------
    state : ViewState
        Frame, window, geometry, flags and selection of what the canvas shows.
    """

    #: Emitted with a one-line status text when the cursor, window, zoom or frame change.
    status_changed = Signal(str)
    #: Emitted with (frame index from 0, frame count) when the frame changes.
    frame_changed = Signal(int, int)
    #: Emitted with the ids of the selected annotations.
    selection_changed = Signal(list)
    #: Emitted when the view (window, zoom, pan, rotation, inversion) changes.
    view_changed = Signal()
    #: Emitted at the end of every repaint that showed a frame.
    frame_painted = Signal()

    def __init__(
        self,
        sessions: SessionStore | None = None,
        parent: QWidget | None = None,
        state: ViewState | None = None,
    ):
        super().__init__(parent)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setMouseTracking(True)
        self.setAcceptDrops(False)
        self.setMinimumSize(200, 200)
        self.sessions = sessions if sessions is not None else SessionStore(self)
        self.sessions.changed.connect(self._on_session_changed)
        self.state = state if state is not None else ViewState()
        #: Draw annotations or not, whatever the state says (compare's twin); None: follow it.
        self._annotations_override: bool | None = None
        self._series: Series | None = None
        self._pyramids: dict[int, Pyramid] = {}
        #: What the overlay painting keeps between repaints (fonts, corner text).
        self.overlay_cache = OverlayCache()
        #: The annotations drawn once and reused by repaints that change nothing of them.
        self.annotation_layer = AnnotationLayer()
        #: The lens shown while Z is held or the toolbar's magnifier is on.
        self.magnifier = Magnifier()
        self._init_input()
        self.tool: CanvasTool = CanvasTool()
        self.tool.activate(self)
        #: Layer new annotations go onto (set by the layers panel); None: the first.
        self.current_layer_id: str | None = None
        #: Author of new annotations and their default colour (preferences).
        self.author = ""
        self.default_colour: str | None = None
        #: Annotation glyph sizes on screen, in device pixels (a preference).
        self.glyph_sizes: GlyphSizes = SCREEN_SIZES["medium"]
        #: The last problem worth telling the user (an unreadable sidecar).
        self.warning = ""
        #: Why the frame on screen cannot be shown (``<file>: <what is wrong>``), or "".
        self.frame_error = ""
        self.state.events.connect(self._on_state_changed)

    # --- what is shown ------------------------------------------------------------

    @property
    def series(self) -> Series | None:
        """The series on screen."""
        return self._series

    @property
    def frame(self) -> Frame | None:
        """The frame on screen, or ``None`` before a series is set."""
        if self._series is None or not self._series.frames:
            return None
        return self._series.frames[self.frame_index]

    @property
    def frame_index(self) -> int:
        """Index of the frame on screen in its series, from 0."""
        if self._series is None or not self._series.frames:
            return self.state.frame_index
        return min(self.state.frame_index, len(self._series.frames) - 1)

    @property
    def voi(self) -> VOI | None:
        """The window (or VOI LUT) in use."""
        return self.state.window

    @property
    def invert(self) -> bool:
        """Whether the image is shown negated (the state's; see :meth:`set_invert`)."""
        return self.state.invert

    @property
    def geometry_state(self) -> ViewGeometry | None:
        """Zoom, pan, rotation and flips: which image point is at the centre, and how."""
        return self.state.geometry

    @property
    def zoom(self) -> float:
        """Screen pixels per image pixel."""
        geometry = self.state.geometry
        return geometry.zoom if geometry is not None else 1.0

    @property
    def show_annotations(self) -> bool:
        """Whether this canvas draws annotations: its override, else the state's flag."""
        if self._annotations_override is not None:
            return self._annotations_override
        return self.state.annotations_shown

    @show_annotations.setter
    def show_annotations(self, on: bool) -> None:
        self.state.annotations_shown = on

    def set_annotations_override(self, on: bool | None) -> None:
        """Draw annotations (``True``), never (``False``) or as the state says (``None``).

        The one thing a canvas may decide for itself over a shared state: the compare
        view's twin shows the film without arrows.
        """
        self._annotations_override = None if on is None else bool(on)
        self.update()

    @property
    def show_corner_text(self) -> bool:
        """Whether corner text and the scale bar are drawn (the state's flag)."""
        return self.state.corner_text

    @show_corner_text.setter
    def show_corner_text(self, on: bool) -> None:
        self.state.corner_text = on

    @property
    def show_overlays(self) -> bool:
        """Whether the file's DICOM overlay planes are drawn (the state's flag)."""
        return self.state.overlays

    @show_overlays.setter
    def show_overlays(self, on: bool) -> None:
        self.state.overlays = on

    @property
    def anonymous(self) -> bool:
        """Whether corner text leaves out what identifies the patient (the state's flag)."""
        return self.state.anonymous

    @anonymous.setter
    def anonymous(self, on: bool) -> None:
        self.state.anonymous = on

    def corner_text_lines(self) -> dict[str, list[str]]:
        """Return the corner text this canvas draws, by corner (empty when none is drawn)."""
        if not self.show_corner_text or self.frame is None:
            return {}
        return corner_lines(self)

    def session(self) -> AnnotationSession | None:
        """Return the annotation session of the image on screen."""
        frame = self.frame
        return None if frame is None else self.sessions.session(frame.source)

    def annotations_for(self, source: ImageSource) -> AnnotationDocument | None:
        """Return an image's annotations; ``None`` if its sidecar could not be read."""
        session = self.sessions.session(source)
        if session.read_only:
            self.warning = str(session.load_error)
            return None
        return session.document

    def image_transform(self) -> QTransform:
        """Return the transform from image pixel coordinates to the canvas."""
        if self.state.geometry is None:
            return QTransform()
        return QTransform(*self._view_geometry().affine())

    def screen_to_image(self, pos: QPointF) -> tuple[float, float]:
        """Return the image point under canvas position ``pos``."""
        if self.state.geometry is None:
            return (pos.x(), pos.y())
        return self._view_geometry().screen_to_image(pos.x(), pos.y())

    def _view_geometry(self) -> ViewGeometry:
        """Return the state's geometry on this canvas: its centre at this canvas's centre."""
        return replace(self.state.geometry, width=self.width(), height=self.height())

    # --- changing the view ----------------------------------------------------------

    def set_series(self, series: Series, index: int = 0) -> None:
        """Show ``series``, starting at frame ``index`` (from 0), fitted to the window."""
        self._series = series
        self._pyramids.clear()
        state = self.state
        before = state.frame_index
        state.selection = ()
        state.frame_index = max(0, min(index, len(series.frames) - 1))
        state.set_geometry(None, fitted=True)
        state.set_window(None)
        state.invert = False
        self._update_view(announce=state.frame_index == before)
        session = self.session()
        self.warning = str(session.load_error) if session and session.read_only else ""

    def share_series(self, series: Series | None) -> None:
        """Show ``series`` over the state as it is (a second canvas over one state).

        Unlike :meth:`set_series`, nothing of the view state changes: the canvas shows
        the frame, window and geometry another canvas over the same state chose.
        ``None`` shows nothing (and frees the canvas's pyramids).
        """
        self._series = series
        self._pyramids.clear()
        self.frame_error = ""
        if series is not None and self.state.geometry is None:
            self._refit()
        self.update()

    def set_frame_index(self, index: int) -> None:
        """Go to frame ``index`` (from 0), keeping zoom, pan and window."""
        if self._series is None:
            return
        index = max(0, min(index, len(self._series.frames) - 1))
        if index != self.frame_index:
            self.state.selection = ()
            self.state.frame_index = index
            self._update_view(keep_window=True, announce=False)

    def set_window(self, voi: VOI) -> None:
        """Use ``voi`` (a Window or a VOI LUT) for every frame from now on."""
        self.state.set_window(voi, from_file=False)

    def set_invert(self, invert: bool) -> None:
        """Show the image negated (the ``I`` key)."""
        self.state.invert = bool(invert)

    def set_geometry(self, geometry: ViewGeometry, fitted: bool = False) -> None:
        """Set zoom, pan, rotation and flips."""
        self._set_geometry(replace(geometry, width=self.width(), height=self.height()), fitted)

    def rotate(self, degrees: int = 90) -> None:
        """Rotate the view clockwise by ``degrees`` (a multiple of 90)."""
        geometry = self.state.geometry
        if geometry is not None:
            if self.state.fitted:
                self._refit(geometry.rotated(degrees))
            else:
                self._set_geometry(geometry.rotated(degrees), False)

    def flip(self, horizontal: bool = True) -> None:
        """Mirror the view left-right (``horizontal``) or top-bottom."""
        geometry = self.state.geometry
        if geometry is not None:
            self._set_geometry(geometry.flipped(horizontal), self.state.fitted)

    def reset(self) -> None:
        """Back to the file's window, no rotation, flip or inversion, fitted."""
        self.state.set_geometry(None, fitted=True)
        self.state.invert = False
        self._update_view()

    def fit(self) -> None:
        """Fit the whole image in the viewport."""
        self._refit()

    def actual_size(self) -> None:
        """Show one image pixel per screen pixel (1:1), keeping the centre."""
        if self.state.geometry is not None:
            self._set_geometry(replace(self._view_geometry(), zoom=1.0), False)

    def zoom_by(self, factor: float, anchor: QPointF | None = None) -> None:
        """Zoom by ``factor`` keeping the image point under ``anchor`` in place."""
        if self.state.geometry is None:
            return
        g = self._view_geometry()
        if anchor is None:
            anchor = QPointF(self.width() / 2, self.height() / 2)
        before = g.screen_to_image(anchor.x(), anchor.y())
        zoomed = replace(g, zoom=float(np.clip(g.zoom * factor, 0.01, 64.0)))
        after = zoomed.screen_to_image(anchor.x(), anchor.y())
        moved = replace(
            zoomed,
            center_x=zoomed.center_x + before[0] - after[0],
            center_y=zoomed.center_y + before[1] - after[1],
        )
        self._set_geometry(moved, False)

    def pan_by(self, start: ViewGeometry, dx: float, dy: float) -> None:
        """Move the image with the mouse: ``(dx, dy)`` screen pixels from ``start``."""
        x0, y0 = start.screen_to_image(start.width / 2, start.height / 2)
        x1, y1 = start.screen_to_image(start.width / 2 - dx, start.height / 2 - dy)
        moved = replace(start, center_x=start.center_x + x1 - x0, center_y=start.center_y + y1 - y0)
        self._set_geometry(moved, False)

    def dialog_parent(self) -> QWidget:
        """Return the widget tools' dialogs open over: the canvas itself."""
        return self

    def set_tool(self, tool: CanvasTool) -> None:
        """Make ``tool`` receive the left button (select, arrow, text, ruler)."""
        self.tool.deactivate(self)
        self.tool = tool
        tool.activate(self)
        self.update()

    # --- internals ----------------------------------------------------------------

    def _on_state_changed(self, event: ViewEvent) -> None:
        """Repaint, and tell the window, after any change of the state (by any canvas)."""
        self.update()
        if event.type == "selection_changed":
            self.selection_changed.emit(list(event.value))
            return
        if event.type == "flags_changed":
            return
        if event.type == "frame_changed":
            self._announce_frame()
        self._emit_status()
        self.view_changed.emit()

    def _on_session_changed(self, _session: object) -> None:
        """Repaint after an annotation edit; the status bar may say "calibrated" now."""
        self.update()
        self._emit_status()

    def _announce_frame(self) -> None:
        count = len(self._series.frames) if self._series else 0
        self.frame_changed.emit(self.frame_index, count)

    def _set_geometry(self, geometry: ViewGeometry, fitted: bool) -> None:
        self.state.set_geometry(geometry, fitted)

    def _refit(self, geometry: ViewGeometry | None = None) -> None:
        """Fit the frame to this canvas, keeping rotation and flips (of ``geometry``)."""
        frame = self.frame
        if frame is None:
            return
        geometry = geometry if geometry is not None else self.state.geometry
        rotation = geometry.rotation if geometry is not None else 0
        fitted = ViewGeometry.fit(
            frame.columns, frame.rows, max(self.width(), 1), max(self.height(), 1), rotation
        )
        if geometry is not None:
            fitted = replace(fitted, flip_h=geometry.flip_h, flip_v=geometry.flip_v)
        self.state.set_geometry(fitted, fitted=True)

    def pyramid(self) -> Pyramid | None:
        """Return the pyramid of the frame on screen (``None``: none, or undecodable)."""
        return self._pyramid()

    def paint_frame(
        self,
        painter: QPainter,
        frame: Frame,
        pyramid: Pyramid,
        geometry: ViewGeometry,
        *,
        cached: bool = False,
    ) -> QTransform:
        """Draw ``frame`` (the one on screen) as ``geometry`` shows it, with its annotations.

        Only the image's part of ``geometry``'s viewport is rendered (the margins are
        painted black), windowed as the view state says; then the image's annotations and
        a presentation state's read-only layers on top. The screen and the magnifier's
        lens (a zoomed geometry) both paint through here; ``cached`` (the screen only)
        draws the annotations through :attr:`annotation_layer`, so a window change or a
        pan does not draw every annotation again.

        Returns
        -------
        QTransform
            Image pixel coordinates to the painter's device.
        """
        region = render_region(
            pyramid, frame.attributes, self.voi, geometry, self.invert, packed=True
        )
        _fill_around(painter, region, geometry.width, geometry.height)
        if region.pixels.size:
            painter.drawImage(region.x, region.y, array_view(region.pixels))
        transform = QTransform(*geometry.affine())
        spacing = measuring_spacing(self)  # a user calibration first
        shown = self.shown_documents()
        if cached and shown:
            self.annotation_layer.paint(
                painter,
                shown,
                transform,
                frame=frame.number,
                size=(geometry.width, geometry.height),
                ratio=painter.device().devicePixelRatioF(),
                pixel_spacing=spacing,
                screen=self.glyph_sizes,
            )
            return transform
        for document, selected in shown:
            paint_annotations(
                painter,
                document,
                transform,
                frame.number,
                pixel_spacing=spacing,
                selected=selected,
                screen=self.glyph_sizes,
            )
        return transform

    def shown_documents(self) -> list[tuple[AnnotationDocument, tuple[str, ...]]]:
        """Return the annotation documents drawn over the frame, each with its selection.

        The image's own annotations (with the view state's selection), then a
        presentation state shown over it (read-only, nothing selected); empty when
        annotations are hidden.
        """
        frame = self.frame
        if frame is None or not self.show_annotations:
            return []
        shown: list[tuple[AnnotationDocument, tuple[str, ...]]] = []
        document = self.annotations_for(frame.source)
        if document is not None:
            shown.append((document, tuple(self.state.selection)))
        presentation = self.sessions.presentation(frame.source)
        if presentation is not None and (document is None or document.annotations_visible):
            shown.append((presentation.document, ()))
        return shown

    def _pyramid(self) -> Pyramid | None:
        frame = self.frame
        if frame is None:
            return None
        key = self.frame_index
        if key not in self._pyramids:
            if len(self._pyramids) >= PYRAMIDS_KEPT:
                self._pyramids.pop(next(iter(self._pyramids)))
            try:
                self._pyramids[key] = make_pyramid(frame.pixels(), frame.attributes)
            except HoviewError as exc:  # painted in place of the image
                self.frame_error = str(exc)
                return None
        return self._pyramids[key]

    def _update_view(self, keep_window: bool = False, announce: bool = True) -> None:
        """Fit if fitted, choose the frame's window unless kept; ``announce`` the frame."""
        frame = self.frame
        if frame is None:
            return
        state = self.state
        if state.fitted or state.geometry is None:
            self._refit()
        self.frame_error = ""
        own = bool(frame.attributes.windows or frame.attributes.voi_luts)
        if not keep_window or state.window is None or (state.window_from_file and own):
            try:
                # e.g. an enhanced file's per-frame windows are followed frame by frame
                state.set_window(default_voi(frame.pixels(), frame.attributes), from_file=own)
            except HoviewError as exc:  # painted in place of the image
                self.frame_error = str(exc)
                state.set_window(None)
        if announce:
            self._announce_frame()
        self._emit_status()
        self.view_changed.emit()
        self.update()

    def status_text(self) -> str:
        """Return the status bar's line: cursor pixel, window, zoom, frame."""
        return status_line(self, self._cursor_pos)

    def _emit_status(self) -> None:
        self.status_changed.emit(self.status_text())

    # --- Qt events ------------------------------------------------------------------

    def paintEvent(self, event) -> None:  # noqa: ANN001, N802 - Qt API
        """Render only the viewport, then annotations, overlays and the tool's marks."""
        painter = QPainter(self)
        pyramid = self._pyramid()
        frame = self.frame
        if pyramid is None or frame is None or self.state.geometry is None:
            painter.fillRect(self.rect(), QColor(0, 0, 0))
            if self.frame_error:
                painter.setPen(QColor(255, 255, 255))
                flags = Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap
                painter.drawText(self.rect().adjusted(20, 20, -20, -20), flags, self.frame_error)
        else:
            transform = self.paint_frame(
                painter, frame, pyramid, self._view_geometry(), cached=True
            )
            paint_overlays(self, painter, transform)
            paint_canvas_markers(self, painter)
            self.tool.paint(self, painter, transform)
            self.magnifier.paint(self, painter, self._cursor_pos)  # last: over everything
        painter.end()
        if frame is not None:
            self.frame_painted.emit()

    def resizeEvent(self, event) -> None:  # noqa: ANN001, N802 - Qt API
        """Refit when fitted; otherwise keep the centre point and zoom."""
        if self.state.geometry is not None and self._series is not None:
            if self.state.fitted:
                self._refit()  # over a shared state, each canvas of one size: the same fit
            self._emit_status()
        super().resizeEvent(event)


def _fill_around(painter: QPainter, region: ViewRegion, width: int, height: int) -> None:
    """Paint the viewport black where ``region`` (the image) does not cover it."""
    black = QColor(0, 0, 0)
    h, w = region.pixels.shape[:2]
    if not (h and w):
        painter.fillRect(0, 0, width, height, black)
        return
    x, y = region.x, region.y
    if y > 0:
        painter.fillRect(0, 0, width, y, black)
    if y + h < height:
        painter.fillRect(0, y + h, width, height - y - h, black)
    if x > 0:
        painter.fillRect(0, y, x, h, black)
    if x + w < width:
        painter.fillRect(x + w, y, width - x - w, h, black)
