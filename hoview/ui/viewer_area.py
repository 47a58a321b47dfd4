"""The image area: the canvas, and in compare mode a second canvas without annotations.

Compare mode is two canvases over one :class:`~hoview.display.view_state.ViewState`:
frame, window, zoom, pan, rotation, inversion, corner text and anonymous mode are the
same in both by construction (a change in either is a change of the one state). The
twin overrides one thing only: it draws no annotations.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QSplitter, QVBoxLayout, QWidget

from hoview.sources.base import Series
from hoview.ui.annotation_session import SessionStore
from hoview.ui.canvas import ViewerCanvas

#: The captions over the two halves of compare mode.
WITHOUT_CAPTION, WITH_CAPTION = "Without arrows", "With arrows"


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
    """The main canvas, an optional "without annotations" twin, and what goes below."""

    def __init__(self, sessions: SessionStore, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.canvas = ViewerCanvas(sessions, self)
        self.twin = ViewerCanvas(sessions, self, state=self.canvas.state)
        self.twin.set_annotations_override(False)
        self.twin.hide()
        self.splitter = QSplitter(self)
        self._twin_box, self.twin_caption = _captioned(self.twin, WITHOUT_CAPTION, self)
        self._canvas_box, self.canvas_caption = _captioned(self.canvas, WITH_CAPTION, self)
        self._twin_box.hide()
        self.splitter.addWidget(self._twin_box)
        self.splitter.addWidget(self._canvas_box)
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.addWidget(self.splitter, 1)

    @property
    def comparing(self) -> bool:
        """True while the twin canvas is shown."""
        return self.twin.isVisible()

    def add_below(self, widget: QWidget) -> None:
        """Put ``widget`` (the frame bar) under the canvases."""
        self._layout.addWidget(widget)

    def set_series(self, series: Series) -> None:
        """Show ``series`` on both canvases."""
        if self.comparing:
            self.twin.share_series(series)
        self.canvas.set_series(series)

    def set_compare(self, on: bool) -> None:
        """Show or hide the "without annotations" twin beside the canvas."""
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
