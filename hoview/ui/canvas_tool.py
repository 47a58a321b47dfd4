"""What a canvas tool (select, arrow, text, ruler) can do with the canvas's input.

The canvas turns mouse positions into image pixel coordinates and offers each event to
its tool first; a tool that returns ``True`` has used it. Left-button events belong to
the tool; the middle button, space + drag (pan) and the right button (window) stay
with the canvas.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtGui import QKeyEvent, QMouseEvent, QPainter, QTransform

if TYPE_CHECKING:
    from hoview.ui.canvas import ViewerCanvas

#: An image point ``(x, y)`` in image pixel coordinates.
ImagePoint = tuple[float, float]


class CanvasTool:
    """A tool that does nothing: the base of every tool, and the canvas's default.

    Attributes
    ----------
    name : str
        Shown in the toolbar and the status bar.
    selected : set of str
        Ids of the selected annotations (drawn with a halo).
    """

    name = "None"

    def __init__(self) -> None:
        self.selected: set[str] = set()

    def activate(self, canvas: ViewerCanvas) -> None:
        """Start being the canvas's tool."""

    def deactivate(self, canvas: ViewerCanvas) -> None:
        """Stop being the canvas's tool (finish or drop what is under way)."""

    def press(self, canvas: ViewerCanvas, event: QMouseEvent, point: ImagePoint) -> bool:
        """Handle a left-button press at image ``point``; return whether it was used."""
        return False

    def move(self, canvas: ViewerCanvas, event: QMouseEvent, point: ImagePoint) -> bool:
        """Handle a mouse move (button held or not); return whether it was used."""
        return False

    def release(self, canvas: ViewerCanvas, event: QMouseEvent, point: ImagePoint) -> bool:
        """Handle a left-button release; return whether it was used."""
        return False

    def double_click(self, canvas: ViewerCanvas, event: QMouseEvent, point: ImagePoint) -> bool:
        """Handle a double click; return whether it was used."""
        return False

    def key(self, canvas: ViewerCanvas, event: QKeyEvent) -> bool:
        """Handle a key press; return whether it was used."""
        return False

    def paint(self, canvas: ViewerCanvas, painter: QPainter, transform: QTransform) -> None:
        """Draw what the tool shows on top (a shape being drawn, handles)."""
