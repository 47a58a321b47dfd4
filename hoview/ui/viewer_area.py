"""The image area: a layout of viewports (1x1, 1x2, 2x1, 2x2), and what goes below.

Each viewport is a canvas over a :class:`~hoview.display.view_state.ViewState` of its
own. The top-left one is the *primary* viewport, :attr:`ViewerArea.canvas`: the window's
tools, layers panel, frame bar and status bar work on it, and annotations are edited
there. The others show any series with its annotations drawn (read-only: a left drag
pans there) and navigate on their own (frame, window, zoom and pan); the window's view
actions (fit, zoom, rotate, presets, next frame...) act on the *active* viewport, the
last one clicked, marked by a highlighted border. The viewer's flags (corner text,
anonymous mode, DICOM overlays) are the primary's, and every viewport follows them.

Compare mode is the special case of two canvases over one view state, in the primary
viewport's cell: frame, window, zoom, pan, rotation, inversion, corner text and
anonymous mode are the same in both by construction. The twin overrides one thing
only: it draws no annotations.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QGridLayout, QLabel, QSplitter, QVBoxLayout, QWidget

from hoview.display.view_state import FLAGS, ViewEvent, ViewState
from hoview.sources.base import Series
from hoview.sources.priors import Prior, prior_note, prior_of
from hoview.ui.annotation_session import SessionStore
from hoview.ui.canvas import ViewerCanvas
from hoview.ui.viewport import ViewportCanvas, ViewportCell
from hoview.ui.viewport_sync import ViewportLink

#: The captions over the two halves of compare mode.
WITHOUT_CAPTION, WITH_CAPTION = "Without arrows", "With arrows"

#: The layouts offered, as (rows, columns).
LAYOUTS = ((1, 1), (1, 2), (2, 1), (2, 2))
#: The most viewports a layout has.
MAX_VIEWPORTS = max(rows * columns for rows, columns in LAYOUTS)

#: Flags of the primary viewport every other viewport follows (annotations_shown is
#: each document's own visibility, not shared).
SHARED_FLAGS = tuple(name for name in FLAGS if name != "annotations_shown")


def _captioned(canvas: ViewerCanvas, text: str, parent: QWidget) -> tuple[QWidget, QLabel]:
    """Return a box holding a small caption (hidden until compare) above ``canvas``."""
    box = QWidget(parent)
    caption = QLabel(text, box)
    caption.setAlignment(Qt.AlignmentFlag.AlignCenter)
    caption.setStyleSheet("background: black; color: #e0e0e0; padding: 2px;")
    caption.hide()
    layout = QVBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(0)
    layout.addWidget(caption)
    layout.addWidget(canvas, 1)
    return box, caption


class ViewerArea(QWidget):
    """Viewports in a layout, the primary's "without annotations" twin, and what goes below.

    Parameters
    ----------
    sessions : SessionStore
        The window's annotation sessions (every viewport draws from them).
    parent : QWidget, optional
        Qt parent.

    Attributes
    ----------
    available_series : callable
        Returns the open series, in the series panel's order (dropped thumbnails and
        new viewports take series from it; set by the window).
    """

    #: Emitted with the canvas of the viewport that became active.
    active_changed = Signal(object)
    #: Emitted with (rows, columns) when the layout changes.
    layout_changed = Signal(int, int)
    #: Emitted with the status line of the active viewport, or of the one under the mouse.
    status_changed = Signal(str)

    def __init__(self, sessions: SessionStore, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.sessions = sessions
        self.available_series: Callable[[], list[Series]] = list
        self.canvas = ViewportCanvas(sessions, self)
        self.twin = ViewerCanvas(sessions, self, state=self.canvas.state)
        self.twin.set_annotations_override(False)
        self.twin.hide()
        self.splitter = QSplitter(self)
        self._twin_box, self.twin_caption = _captioned(self.twin, WITHOUT_CAPTION, self)
        self._canvas_box, self.canvas_caption = _captioned(self.canvas, WITH_CAPTION, self)
        self._twin_box.hide()
        self.splitter.addWidget(self._twin_box)
        self.splitter.addWidget(self._canvas_box)
        self._cells = [ViewportCell(self.canvas, self.splitter, [self.canvas, self.twin], self)]
        for _ in range(MAX_VIEWPORTS - 1):
            state = ViewState(**{name: self.canvas.state.flag(name) for name in SHARED_FLAGS})
            self._cells.append(ViewportCell(ViewportCanvas(sessions, self, state), parent=self))
        for cell in self._cells:
            cell.clicked.connect(lambda c=cell: self.set_active(c.canvas))
            cell.series_dropped.connect(lambda index, c=cell: self._on_series_dropped(c, index))
            cell.canvas.status_changed.connect(
                lambda text, c=cell.canvas: self._on_status_changed(c, text)
            )
        self.canvas.state.events.connect(self._on_primary_state_changed)
        self._grid_box = QWidget(self)
        self._grid = QGridLayout(self._grid_box)
        self._grid.setContentsMargins(0, 0, 0, 0)
        self._grid.setSpacing(0)
        self._shape = (1, 1)
        self._active: ViewportCanvas = self.canvas
        self.link = ViewportLink([c.canvas for c in self._cells], lambda: list(self.viewports))
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.addWidget(self._grid_box, 1)
        self._arrange()

    # --- layouts --------------------------------------------------------------------

    @property
    def layout_shape(self) -> tuple[int, int]:
        """The layout as (rows, columns)."""
        return self._shape

    @property
    def viewports(self) -> list[ViewportCanvas]:
        """The canvases of the viewports shown, row by row (the primary first)."""
        rows, columns = self._shape
        return [cell.canvas for cell in self._cells[: rows * columns]]

    @property
    def active_canvas(self) -> ViewportCanvas:
        """The active viewport's canvas (the view actions act on it)."""
        return self._active

    def set_layout(self, rows: int, columns: int) -> None:
        """Show ``rows`` x ``columns`` viewports (one of :data:`LAYOUTS`).

        Viewports that appear empty get the next open series not shown yet; viewports
        that go keep their series for when they come back.

        Raises
        ------
        ValueError
            If the layout is not one of :data:`LAYOUTS`.
        """
        if (rows, columns) not in LAYOUTS:
            offered = ", ".join(f"{r}x{c}" for r, c in LAYOUTS)
            raise ValueError(f"layout: {rows}x{columns} is not offered; choose {offered}")
        if (rows, columns) == self._shape:
            return
        self._shape = (rows, columns)
        self._arrange()
        self._fill_empty()
        if self._active not in self.viewports:
            self.set_active(self.canvas)
        self.layout_changed.emit(rows, columns)

    def set_active(self, canvas: ViewerCanvas) -> None:
        """Make the viewport of ``canvas`` the active one."""
        found = [cell for cell in self._cells if cell.canvas is canvas]
        if not found or found[0].canvas is self._active:
            return
        self._active = found[0].canvas
        for cell in self._cells:
            cell.set_active(cell is found[0])
        self.active_changed.emit(self._active)
        self.status_changed.emit(self._active.status_text())

    def _on_status_changed(self, canvas: ViewerCanvas, text: str) -> None:
        if canvas is self._active or canvas.underMouse():
            self.status_changed.emit(text)

    def _arrange(self) -> None:
        rows, columns = self._shape
        several = rows * columns > 1
        for cell in self._cells:
            self._grid.removeWidget(cell)
        for index, cell in enumerate(self._cells):
            shown = index < rows * columns
            if shown:
                self._grid.addWidget(cell, index // columns, index % columns)
            cell.setVisible(shown)
            cell.set_bordered(several)
            cell.set_active(cell.canvas is self._active)
        for r in range(2):
            self._grid.setRowStretch(r, 1 if r < rows else 0)
        for c in range(2):
            self._grid.setColumnStretch(c, 1 if c < columns else 0)
        self._grid.activate()  # laid out now: a series shown next is fitted to its cell

    def _fill_empty(self) -> None:
        shown = {id(c.series) for c in self.viewports if c.series is not None}
        waiting = [s for s in self.available_series() if id(s) not in shown and s.frames]
        for canvas in self.viewports:
            if canvas.series is None and waiting:
                self.show_series(canvas, waiting.pop(0))

    # --- series ---------------------------------------------------------------------

    def set_series(self, series: Series) -> None:
        """Show ``series`` in the active viewport (in both halves of compare mode)."""
        self.show_series(self._active, series)

    def show_series(self, canvas: ViewerCanvas, series: Series) -> None:
        """Show ``series`` in the viewport of ``canvas``.

        A linked viewport then takes the others' slice, window and view, not the reverse.
        A viewport showing an earlier study of the primary's patient says how much
        earlier in its corner text (``"prior, 3 months earlier"``).
        """
        with self.link.paused():
            if canvas is self.canvas and self.comparing:
                self.twin.share_series(series)
            canvas.set_series(series)
        self._update_notes()
        leader = next((c for c in self.viewports if c is not canvas and c.series), None)
        if leader is not None:
            self.link.follow(leader)

    def _update_notes(self) -> None:
        current = self.canvas.series
        for cell in self._cells[1:]:
            shown = cell.canvas.series
            note = prior_note(current, shown) if current is not None and shown else ""
            cell.canvas.set_corner_note(note)

    def clear_viewports(self) -> None:
        """Empty the viewports but the primary, and make it active (a new open)."""
        for cell in self._cells[1:]:
            cell.canvas.set_corner_note("")
            cell.canvas.share_series(None)
        self.canvas.set_corner_note("")
        self.set_active(self.canvas)

    def _on_series_dropped(self, cell: ViewportCell, index: int) -> None:
        series = self.available_series()
        if 0 <= index < len(series):
            self.show_series(cell.canvas, series[index])

    # --- linking and priors ---------------------------------------------------------

    @property
    def linked(self) -> bool:
        """True while the viewports follow each other (window, zoom and pan, slice)."""
        return self.link.linked

    def set_linked(self, on: bool) -> None:
        """Link the viewports (the others take the active one's view) or unlink them."""
        self.link.set_linked(on, leader=self._active)

    def compare_with_prior(self) -> Prior | None:
        """Show the primary's series left and its prior right, in a 1x2 layout.

        The prior is chosen by :func:`hoview.sources.priors.prior_of` among the open
        series; its corner text says how much earlier it is. Nothing changes when there
        is none (the return value is then ``None``).
        """
        current = self.canvas.series
        prior = prior_of(current, self.available_series()) if current is not None else None
        if prior is None:
            return None
        self._shape = (1, 2)
        self._arrange()
        self.show_series(self._cells[1].canvas, prior.series)
        self.set_active(self.canvas)
        self.layout_changed.emit(1, 2)
        return prior

    # --- the primary and compare mode ---------------------------------------------------

    def _on_primary_state_changed(self, event: ViewEvent) -> None:
        """Give every viewport the primary's flags (the viewer's): anonymous mode reaches all."""
        if event.type == "flags_changed" and event.name in SHARED_FLAGS:
            for cell in self._cells[1:]:
                cell.canvas.state.set_flag(event.name, event.value)

    @property
    def comparing(self) -> bool:
        """True while the twin canvas is shown."""
        return self.twin.isVisible()

    def add_below(self, widget: QWidget) -> None:
        """Put ``widget`` (the frame bar) under the viewports."""
        self._layout.addWidget(widget)

    def set_compare(self, on: bool) -> None:
        """Show or hide the "without annotations" twin beside the primary canvas."""
        # The hidden twin shows nothing, so it never refits the shared state to its size.
        self.twin.share_series(self.canvas.series if on else None)
        self.twin.setVisible(on)
        for widget in (self._twin_box, self.twin_caption, self.canvas_caption):
            widget.setVisible(on)
        if on:
            self.splitter.setSizes([1, 1])
        # Entering: both halves fitted; leaving: the single view refitted. Fitted, the
        # canvases refit again when the splitter has laid them out at their new sizes.
        self.canvas.fit()
