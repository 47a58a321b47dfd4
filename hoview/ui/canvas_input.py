"""The canvas's mouse and keyboard: pan, zoom, window, frames, and the current tool.

:class:`CanvasInput` is the part of :class:`~hoview.ui.canvas.ViewerCanvas` that turns
Qt input events into view-state changes; the canvas inherits it. The left button goes to
the current tool; the middle button or space + drag pans; the right button changes the
window (left/right the width, up/down the level), and a right click that does not drag
asks for the context menu (as does the Menu key); the wheel scrolls frames of a series
and zooms a single image (Ctrl: always zoom). Holding Z shows the magnifier around the
cursor (the wheel then changes its factor); releasing Z hides it.
"""

from __future__ import annotations

import math

from PySide6.QtCore import QEvent, QPoint, QPointF, Qt, Signal
from PySide6.QtGui import QContextMenuEvent, QCursor, QKeyEvent, QMouseEvent, QWheelEvent
from PySide6.QtWidgets import QWidget

from hoview.display.attributes import Window
from hoview.display.viewport import ViewGeometry

#: How much one wheel step zooms.
ZOOM_STEP = 1.25
#: A right press and release closer than this (screen pixels) are a click: the menu.
MENU_CLICK_PX = 3.0

#: Modifiers that make Z something else than the magnifier (Ctrl+Z is Undo).
_MODIFIERS = (
    Qt.KeyboardModifier.ControlModifier
    | Qt.KeyboardModifier.AltModifier
    | Qt.KeyboardModifier.MetaModifier
)


class CanvasInput(QWidget):
    """Mouse and keyboard handling of a :class:`~hoview.ui.canvas.ViewerCanvas`."""

    #: Emitted with (image point, global screen position) when the context menu is
    #: asked for: a right click without a drag, or the Menu key (at the cursor).
    context_menu_requested = Signal(object, QPoint)

    def _init_input(self) -> None:
        """Start with no drag under way and the space bar up."""
        self._drag: tuple[Qt.MouseButton, QPointF] | None = None
        self._drag_start_window: Window | None = None
        self._drag_start_geometry: ViewGeometry | None = None
        self._space_held = False
        #: Where the mouse is over the canvas (None: elsewhere): the status bar's
        #: pixel read-out is made from it for whatever image is shown now.
        self._cursor_pos: QPointF | None = None

    def wheelEvent(self, event: QWheelEvent) -> None:  # noqa: N802 - Qt API
        """Scroll through frames of a series; zoom a single image (Ctrl: always zoom)."""
        steps = event.angleDelta().y() / 120
        if not steps:
            return
        if self.magnifier.held:  # Z + wheel: the lens's factor, not the view
            self.magnifier.step(steps)
            self.update()
            return
        many = self._series is not None and len(self._series.frames) > 1
        if many and not event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            self.set_frame_index(self.frame_index + (1 if steps < 0 else -1))
        else:
            self.zoom_by(ZOOM_STEP**steps, event.position())

    def _starts_pan(self, event: QMouseEvent) -> bool:
        button = event.button()
        left = button == Qt.MouseButton.LeftButton
        return button == Qt.MouseButton.MiddleButton or (left and self._space_held)

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt API
        """Pan (middle, space + left), window (right), else the tool."""
        button = event.button()
        if not self._starts_pan(event) and button == Qt.MouseButton.LeftButton:
            if self.tool.press(self, event, self.screen_to_image(event.position())):
                return
        self._drag = (button, event.position())
        self._drag_start_geometry = self._view_geometry() if self.state.geometry else None
        voi = self.state.window
        self._drag_start_window = voi if isinstance(voi, Window) else None

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt API
        """Pan, change the window, or hand the move to the tool."""
        pos = event.position()
        if self._drag is not None and self._drag_start_geometry is not None:
            button, start = self._drag
            dx, dy = pos.x() - start.x(), pos.y() - start.y()
            if button == Qt.MouseButton.RightButton:
                self._window_drag(dx, dy)
            else:
                self.pan_by(self._drag_start_geometry, dx, dy)
        else:
            self.tool.move(self, event, self.screen_to_image(pos))
        self._cursor_pos = QPointF(pos)
        self._emit_status()
        if self.magnifier.active:  # the lens follows the cursor
            self.update()

    def leaveEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt API
        """Drop the pixel read-out (and the lens): the mouse is no longer over the image."""
        self._cursor_pos = None
        self._emit_status()
        if self.magnifier.active:
            self.update()
        super().leaveEvent(event)

    def _window_drag(self, dx: float, dy: float) -> None:
        """Right drag: left/right changes the width, up/down the level (centre)."""
        w = self._drag_start_window
        if w is None:
            return
        scale = max(w.width, 1.0) / 256
        window = Window(w.center + dy * scale, max(w.width + dx * scale, 1.0), w.function, "Custom")
        self.state.set_window(window, from_file=False)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt API
        """End a drag, or hand the release to the tool; a right click asks for the menu."""
        if self._drag is None:
            self.tool.release(self, event, self.screen_to_image(event.position()))
        elif self._drag[0] == Qt.MouseButton.RightButton == event.button():
            start, pos = self._drag[1], event.position()
            if math.hypot(pos.x() - start.x(), pos.y() - start.y()) < MENU_CLICK_PX:
                before = self._drag_start_window
                if before is not None and self.state.window != before:  # a click keeps it
                    self.state.set_window(before, from_file=False)
                self._drag = None
                where = event.globalPosition().toPoint()
                self.context_menu_requested.emit(self.screen_to_image(pos), where)
        self._drag = None

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:  # noqa: N802 - Qt API
        """Ask for the menu at the cursor on the Menu key (a right click asks on release)."""
        event.accept()
        if event.reason() != QContextMenuEvent.Reason.Mouse:
            pos = QPointF(event.pos())
            self.context_menu_requested.emit(self.screen_to_image(pos), event.globalPos())

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt API
        """Hand double clicks to the tool (edit a label)."""
        if event.button() == Qt.MouseButton.LeftButton:
            self.tool.double_click(self, event, self.screen_to_image(event.position()))

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt API
        """Frames with Page Up/Down and arrows; space + drag pans; the tool's keys."""
        key = event.key()
        if key == Qt.Key.Key_Space and not event.isAutoRepeat():
            self._space_held = True
        elif key == Qt.Key.Key_Z and not event.modifiers() & _MODIFIERS:
            if not event.isAutoRepeat():
                self._hold_magnifier(True)
        elif self.tool.key(self, event):
            return
        elif key in (Qt.Key.Key_PageDown, Qt.Key.Key_Down, Qt.Key.Key_Right):
            self.set_frame_index(self.frame_index + 1)
        elif key in (Qt.Key.Key_PageUp, Qt.Key.Key_Up, Qt.Key.Key_Left):
            self.set_frame_index(self.frame_index - 1)
        elif key == Qt.Key.Key_Home:
            self.set_frame_index(0)
        elif key == Qt.Key.Key_End and self._series is not None:
            self.set_frame_index(len(self._series.frames) - 1)
        else:
            super().keyPressEvent(event)

    def keyReleaseEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt API
        """Space released: back to the tool."""
        if event.key() == Qt.Key.Key_Space and not event.isAutoRepeat():
            self._space_held = False
        elif event.key() == Qt.Key.Key_Z and not event.isAutoRepeat():
            self._hold_magnifier(False)
        super().keyReleaseEvent(event)

    def focusOutEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt API
        """Focus gone: Z's release will not come here, so the held lens goes now."""
        if self.magnifier.held:
            self._hold_magnifier(False)
        super().focusOutEvent(event)

    def _hold_magnifier(self, on: bool) -> None:
        """Z down or up: show or hide the lens at the cursor."""
        if on and self._cursor_pos is None:  # Z before any mouse move over the canvas
            pos = self.mapFromGlobal(QCursor.pos())
            if self.rect().contains(pos):
                self._cursor_pos = QPointF(pos)
        self.magnifier.hold(on)
        self.update()
