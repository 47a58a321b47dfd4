"""The image area: the canvas, and in compare mode a second canvas without annotations.

In compare mode both canvases show the same frame; zoom, pan, rotation, window and
inversion are linked both ways.
"""

from __future__ import annotations

from PySide6.QtWidgets import QSplitter, QVBoxLayout, QWidget

from hoview.sources.base import Series
from hoview.ui.annotation_session import SessionStore
from hoview.ui.canvas import ViewerCanvas


class ViewerArea(QWidget):
    """The main canvas, an optional "without annotations" twin, and what goes below."""

    def __init__(self, sessions: SessionStore, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.canvas = ViewerCanvas(sessions, self)
        self.twin = ViewerCanvas(sessions, self)
        self.twin.show_annotations = False
        self.twin.hide()
        self.splitter = QSplitter(self)
        self.splitter.addWidget(self.twin)
        self.splitter.addWidget(self.canvas)
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.addWidget(self.splitter, 1)
        self._linking = False
        self.canvas.view_changed.connect(lambda: self._link(self.canvas, self.twin))
        self.twin.view_changed.connect(lambda: self._link(self.twin, self.canvas))
        self.canvas.frame_changed.connect(lambda i, _n: self._follow_frame(i))

    @property
    def comparing(self) -> bool:
        """True while the twin canvas is shown."""
        return self.twin.isVisible()

    def add_below(self, widget: QWidget) -> None:
        """Put ``widget`` (the frame bar) under the canvases."""
        self._layout.addWidget(widget)

    def set_series(self, series: Series) -> None:
        """Show ``series`` on both canvases."""
        self.canvas.set_series(series)
        if self.comparing:
            self.twin.set_series(series, self.canvas.frame_index)
            self._link(self.canvas, self.twin)

    def set_compare(self, on: bool) -> None:
        """Show or hide the "without annotations" twin beside the canvas."""
        self.twin.setVisible(on)
        if on and self.canvas.series is not None:
            self.twin.set_series(self.canvas.series, self.canvas.frame_index)
            self.splitter.setSizes([1, 1])
            self._link(self.canvas, self.twin)

    def _follow_frame(self, index: int) -> None:
        if self.comparing:
            self.twin.set_frame_index(index)

    def _link(self, source: ViewerCanvas, target: ViewerCanvas) -> None:
        if self._linking or not self.comparing or source.geometry_state is None:
            return
        self._linking = True
        try:
            target.set_geometry(source.geometry_state)
            if source.voi is not None:
                target.set_window(source.voi)
            target.set_invert(source.invert)
        finally:
            self._linking = False
