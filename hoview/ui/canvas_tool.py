"""What a canvas tool (select, arrow, text, ruler) can do with the canvas's input.

The canvas turns mouse positions into image pixel coordinates and offers each event to
its tool first; a tool that returns ``True`` has used it. Left-button events belong to
the tool; the middle button, space + drag (pan) and the right button (window) stay
with the canvas.

A tool sees the canvas through :class:`ToolContext`, the little a tool needs (the view
state with its selection, the frame and session shown, the zoom, where new annotations
go), not through the widget: :class:`~hoview.ui.canvas.ViewerCanvas` is one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol, runtime_checkable

from PySide6.QtGui import QKeyEvent, QMouseEvent, QPainter, QTransform

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

    from hoview.display.view_state import ViewState
    from hoview.render.paint import GlyphSizes
    from hoview.sources.base import Frame
    from hoview.ui.annotation_session import AnnotationSession

#: An image point ``(x, y)`` in image pixel coordinates.
ImagePoint = tuple[float, float]


@runtime_checkable
class ToolContext(Protocol):
    """What a tool may use of the canvas it works on.

    Attributes
    ----------
    state : ViewState
        The view state: tools read and write the selection there.
    current_layer_id : str or None
        The layer new annotations go onto (``None``: the first).
    author : str
        Author of new annotations.
    default_colour : str or None
        Colour of new annotations (``None``: the layer's).
    glyph_sizes : GlyphSizes
        The on-screen sizes of annotation glyphs (hit testing follows what is drawn).
    """

    state: ViewState
    current_layer_id: str | None
    author: str
    default_colour: str | None
    glyph_sizes: GlyphSizes

    @property
    def frame(self) -> Frame | None:
        """The frame shown, or ``None``."""

    @property
    def zoom(self) -> float:
        """Screen pixels per image pixel (hit tolerances are in screen pixels)."""

    def session(self) -> AnnotationSession | None:
        """Return the annotation session of the image shown."""

    def image_transform(self) -> QTransform:
        """Return the transform from image pixel coordinates to the screen."""

    def update(self) -> None:
        """Ask for a repaint (what the tool draws has changed)."""

    def dialog_parent(self) -> QWidget:
        """Return the widget a tool's dialog (a label, a finding) opens over."""


class CanvasTool:
    """A tool that does nothing: the base of every tool, and the canvas's default.

    The selection is not the tool's: it lives in the canvas's
    :class:`~hoview.display.view_state.ViewState` (``canvas.state.selection``), which
    tools read and write, and which emits ``selection_changed``.

    Attributes
    ----------
    name : str
        Shown in the toolbar and the status bar.
    """

    name = "None"

    def __init__(self) -> None:
        self._state: ViewState | None = None

    @property
    def selected(self) -> frozenset[str]:
        """Ids of the selected annotations of the canvas the tool works on (read only)."""
        return frozenset(self._state.selection) if self._state is not None else frozenset()

    def activate(self, canvas: ToolContext) -> None:
        """Start being the canvas's tool (and see the canvas's selection)."""
        self._state = canvas.state

    def deactivate(self, canvas: ToolContext) -> None:
        """Stop being the canvas's tool (finish or drop what is under way)."""

    def press(self, canvas: ToolContext, event: QMouseEvent, point: ImagePoint) -> bool:
        """Handle a left-button press at image ``point``; return whether it was used."""
        return False

    def move(self, canvas: ToolContext, event: QMouseEvent, point: ImagePoint) -> bool:
        """Handle a mouse move (button held or not); return whether it was used."""
        return False

    def release(self, canvas: ToolContext, event: QMouseEvent, point: ImagePoint) -> bool:
        """Handle a left-button release; return whether it was used."""
        return False

    def double_click(self, canvas: ToolContext, event: QMouseEvent, point: ImagePoint) -> bool:
        """Handle a double click; return whether it was used."""
        return False

    def key(self, canvas: ToolContext, event: QKeyEvent) -> bool:
        """Handle a key press; return whether it was used."""
        return False

    def paint(self, canvas: ToolContext, painter: QPainter, transform: QTransform) -> None:
        """Draw what the tool shows on top (a shape being drawn, handles)."""
