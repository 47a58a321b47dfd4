"""The image canvas: shows one frame at viewport resolution, zoom, pan, window/level."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
from PySide6.QtCore import QPointF, Qt, Signal
from PySide6.QtGui import QColor, QKeyEvent, QMouseEvent, QPainter, QTransform, QWheelEvent
from PySide6.QtWidgets import QSizePolicy, QWidget

from hoview.annotations import AnnotationDocument, LoadResult, open_annotations
from hoview.display.attributes import Window
from hoview.display.pipeline import VOI, default_voi
from hoview.display.pyramid import Pyramid
from hoview.display.viewport import ViewGeometry, render_view
from hoview.render.paint import paint_annotations
from hoview.render.qimage import array_to_qimage
from hoview.sources.base import Frame, ImageSource, Series

ZOOM_STEP = 1.25


def image_to_screen(geometry: ViewGeometry) -> QTransform:
    """Return the transform from image pixel coordinates to the canvas."""
    zoom = geometry.zoom
    return QTransform(
        zoom,
        0.0,
        0.0,
        zoom,
        geometry.width / 2 - geometry.center_x * zoom,
        geometry.height / 2 - geometry.center_y * zoom,
    )


class ViewerCanvas(QWidget):
    """Shows the current frame of a series; repaints only the viewport's pixels.

    Mouse: wheel zooms about the cursor, left or middle drag pans, right drag changes
    the window (horizontal: width, vertical: centre). Keys: Page Up/Down and the
    arrow keys step through frames, ``F`` fits, ``1``... presets come later.
    """

    #: Emitted with a one-line status text when the cursor, window, zoom or frame change.
    status_changed = Signal(str)
    #: Emitted with (frame index from 0, frame count) when the frame changes.
    frame_changed = Signal(int, int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setMouseTracking(True)
        self.setMinimumSize(200, 200)
        self._series: Series | None = None
        self._index = 0
        self._pyramids: dict[int, Pyramid] = {}
        self._geometry: ViewGeometry | None = None
        self._fitted = True
        self._voi: VOI | None = None
        self._drag: tuple[Qt.MouseButton, QPointF] | None = None
        self._drag_start_window: Window | None = None
        self._drag_start_geometry: ViewGeometry | None = None
        self._cursor_text = ""
        self._documents: dict[int, LoadResult] = {}
        #: The last problem worth telling the user (an unreadable sidecar).
        self.warning = ""

    # --- what is shown ------------------------------------------------------------

    @property
    def frame(self) -> Frame | None:
        """The frame on screen, or ``None`` before a series is set."""
        if self._series is None or not self._series.frames:
            return None
        return self._series.frames[self._index]

    @property
    def voi(self) -> VOI | None:
        """The window (or VOI LUT) in use."""
        return self._voi

    @property
    def geometry_state(self) -> ViewGeometry | None:
        """Zoom and pan: which image point is at the viewport centre, at what zoom."""
        return self._geometry

    def annotations_for(self, source: ImageSource) -> AnnotationDocument | None:
        """Return an image's annotations, loaded once; ``None`` if its sidecar is unreadable.

        A sidecar that cannot be read is reported in the status bar and never written.
        """
        key = id(source)
        if key not in self._documents:
            result = open_annotations(source.path, source.identity)
            self._documents[key] = result
            if result.error is not None:
                self.warning = str(result.error)
        result = self._documents[key]
        return None if result.error is not None else result.document

    def set_series(self, series: Series, index: int = 0) -> None:
        """Show ``series``, starting at frame ``index`` (from 0), fitted to the window."""
        self._series = series
        self._pyramids.clear()
        self._index = max(0, min(index, len(series.frames) - 1))
        self._fitted = True
        self._voi = None
        self._update_view()

    def set_frame_index(self, index: int) -> None:
        """Go to frame ``index`` (from 0), keeping zoom, pan and window."""
        if self._series is None:
            return
        index = max(0, min(index, len(self._series.frames) - 1))
        if index != self._index:
            self._index = index
            self._update_view(keep_window=True)

    def set_window(self, voi: VOI) -> None:
        """Use ``voi`` (a Window or a VOI LUT) for every frame from now on."""
        self._voi = voi
        self.update()
        self._emit_status()

    def fit(self) -> None:
        """Fit the whole image in the viewport."""
        self._fitted = True
        self._update_view(keep_window=True)

    def zoom_by(self, factor: float, anchor: QPointF | None = None) -> None:
        """Zoom by ``factor`` keeping the image point under ``anchor`` in place."""
        if self._geometry is None:
            return
        g = self._geometry
        zoom = float(np.clip(g.zoom * factor, 0.01, 64.0))
        if anchor is None:
            anchor = QPointF(self.width() / 2, self.height() / 2)
        ix, iy = g.screen_to_image(anchor.x(), anchor.y())
        cx = ix - (anchor.x() - g.width / 2) / zoom
        cy = iy - (anchor.y() - g.height / 2) / zoom
        self._geometry = replace(g, zoom=zoom, center_x=cx, center_y=cy)
        self._fitted = False
        self.update()
        self._emit_status()

    # --- internals ----------------------------------------------------------------

    def _pyramid(self) -> Pyramid | None:
        frame = self.frame
        if frame is None:
            return None
        key = self._index
        if key not in self._pyramids:
            if len(self._pyramids) > 8:
                self._pyramids.pop(next(iter(self._pyramids)))
            self._pyramids[key] = Pyramid(frame.pixels())
        return self._pyramids[key]

    def _update_view(self, keep_window: bool = False) -> None:
        frame = self.frame
        if frame is None:
            return
        if self._fitted or self._geometry is None:
            self._geometry = ViewGeometry.fit(
                frame.columns, frame.rows, max(self.width(), 1), max(self.height(), 1)
            )
        if not keep_window or self._voi is None:
            self._voi = default_voi(frame.pixels(), frame.attributes)
        self.update()
        self.frame_changed.emit(self._index, len(self._series.frames) if self._series else 0)
        self._emit_status()

    def _emit_status(self) -> None:
        parts = []
        if self._cursor_text:
            parts.append(self._cursor_text)
        if isinstance(self._voi, Window):
            parts.append(f"W {self._voi.width:g} L {self._voi.center:g}")
        if self._geometry is not None:
            parts.append(f"zoom {self._geometry.zoom * 100:.0f}%")
        if self._series is not None:
            parts.append(f"frame {self._index + 1} / {len(self._series.frames)}")
        self.status_changed.emit("   ".join(parts))

    # --- Qt events ------------------------------------------------------------------

    def paintEvent(self, event) -> None:  # noqa: ANN001, N802 - Qt API
        """Render only the viewport: the pyramid level for the zoom, the visible part."""
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor(0, 0, 0))
        pyramid = self._pyramid()
        frame = self.frame
        if pyramid is not None and frame is not None and self._geometry is not None:
            geometry = replace(self._geometry, width=self.width(), height=self.height())
            array = render_view(pyramid, frame.attributes, self._voi, geometry)
            painter.drawImage(0, 0, array_to_qimage(array))
            document = self.annotations_for(frame.source)
            if document is not None:
                paint_annotations(
                    painter,
                    document,
                    image_to_screen(geometry),
                    frame.number,
                    pixel_spacing=frame.source.pixel_spacing,
                )
        painter.end()

    def resizeEvent(self, event) -> None:  # noqa: ANN001, N802 - Qt API
        """Refit when fitted; otherwise keep the centre point and zoom."""
        if self._geometry is not None:
            if self._fitted and self.frame is not None:
                self._geometry = ViewGeometry.fit(
                    self.frame.columns, self.frame.rows, self.width(), self.height()
                )
            else:
                self._geometry = replace(self._geometry, width=self.width(), height=self.height())
            self._emit_status()
        super().resizeEvent(event)

    def wheelEvent(self, event: QWheelEvent) -> None:  # noqa: N802 - Qt API
        """Zoom about the cursor."""
        steps = event.angleDelta().y() / 120
        if steps:
            self.zoom_by(ZOOM_STEP**steps, event.position())

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt API
        """Start a pan (left/middle) or a window drag (right)."""
        self._drag = (event.button(), event.position())
        self._drag_start_geometry = self._geometry
        self._drag_start_window = self._voi if isinstance(self._voi, Window) else None

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt API
        """Pan, change the window, or report the pixel under the cursor."""
        pos = event.position()
        if self._drag is not None and self._drag_start_geometry is not None:
            button, start = self._drag
            dx, dy = pos.x() - start.x(), pos.y() - start.y()
            g = self._drag_start_geometry
            if button in (Qt.MouseButton.LeftButton, Qt.MouseButton.MiddleButton):
                self._geometry = replace(
                    self._geometry,
                    center_x=g.center_x - dx / g.zoom,
                    center_y=g.center_y - dy / g.zoom,
                )
                self._fitted = False
                self.update()
            elif button == Qt.MouseButton.RightButton and self._drag_start_window is not None:
                w = self._drag_start_window
                scale = max(w.width, 1.0) / 256
                width = max(w.width + dx * scale, 1.0)
                self._voi = Window(w.center + dy * scale, width, w.function, "Custom")
                self.update()
        self._cursor_text = self._describe_point(pos)
        self._emit_status()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt API
        """End a drag."""
        self._drag = None

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt API
        """Frames with Page Up/Down and arrows; F fits; +/- zoom."""
        key = event.key()
        if key in (Qt.Key.Key_PageDown, Qt.Key.Key_Down, Qt.Key.Key_Right):
            self.set_frame_index(self._index + 1)
        elif key in (Qt.Key.Key_PageUp, Qt.Key.Key_Up, Qt.Key.Key_Left):
            self.set_frame_index(self._index - 1)
        elif key == Qt.Key.Key_F:
            self.fit()
        elif key in (Qt.Key.Key_Plus, Qt.Key.Key_Equal):
            self.zoom_by(ZOOM_STEP)
        elif key == Qt.Key.Key_Minus:
            self.zoom_by(1 / ZOOM_STEP)
        else:
            super().keyPressEvent(event)

    def _describe_point(self, pos: QPointF) -> str:
        frame = self.frame
        if frame is None or self._geometry is None:
            return ""
        x, y = self._geometry.screen_to_image(pos.x(), pos.y())
        col, row = int(np.floor(x)), int(np.floor(y))
        if not (0 <= col < frame.columns and 0 <= row < frame.rows):
            return ""
        value = frame.pixels()[row, col]
        attrs = frame.attributes
        if np.ndim(value) == 0 and attrs.samples_per_pixel == 1:
            modality = float(value) * attrs.rescale_slope + attrs.rescale_intercept
            unit = f" {attrs.units}" if attrs.units else ""
            return f"x {col} y {row}  stored {value}  value {modality:g}{unit}"
        return f"x {col} y {row}  RGB {tuple(int(v) for v in np.atleast_1d(value))}"
