"""The magnifier: a lens of 2-4x around the cursor, drawn from the pyramid.

Hold Z (or switch the toolbar's magnifier on) and a square lens follows the cursor
over the canvas. The lens is rendered, not enlarged from the screen: its geometry is
the canvas's with the zoom multiplied by the lens factor and centred on the image
point under the cursor, so :func:`~hoview.display.viewport.render_region` samples the
pyramid level that matches the lens zoom and windows only the lens's pixels, with the
canvas's window and inversion. Annotations are drawn in it by the one painter,
:func:`~hoview.render.paint.paint_annotations`. The view state (zoom, pan, window) is
never touched: the lens is the canvas's own business, like its overlay cache.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QPen

from hoview.display.viewport import ViewGeometry

if TYPE_CHECKING:
    from hoview.ui.canvas import ViewerCanvas

#: Lens factors the wheel steps through while Z is held (the first is the default).
FACTORS = (2.0, 3.0, 4.0)
#: Side of the square lens, in canvas pixels.
LENS_SIZE = 240
#: Colour of the lens's thin border.
BORDER_COLOUR = QColor(255, 214, 0)


class Magnifier:
    """The lens of one canvas: whether it shows, where, and how much it enlarges.

    Parameters
    ----------
    size : int
        Side of the square lens in canvas pixels.
    factor : float
        How much the lens enlarges the canvas's view (2 to 4).

    Raises
    ------
    ValueError
        If ``size`` is smaller than 16 or ``factor`` is outside 2..4.
    """

    def __init__(self, size: int = LENS_SIZE, factor: float = FACTORS[0]) -> None:
        if size < 16:
            raise ValueError(f"size: must be at least 16 pixels, got {size!r}")
        self.size = int(size)
        self._factor = FACTORS[0]
        self.factor = factor
        self._held = False
        self._pinned = False

    @property
    def factor(self) -> float:
        """How much the lens enlarges the canvas's view, from 2 to 4."""
        return self._factor

    @factor.setter
    def factor(self, value: float) -> None:
        if not FACTORS[0] <= value <= FACTORS[-1]:
            raise ValueError(f"factor: must be from 2 to 4, got {value!r}")
        self._factor = float(value)

    @property
    def active(self) -> bool:
        """Whether the lens is shown (Z held, or the toolbar switch on)."""
        return self._held or self._pinned

    @property
    def held(self) -> bool:
        """Whether Z is held down."""
        return self._held

    @property
    def pinned(self) -> bool:
        """Whether the toolbar switch keeps the lens on."""
        return self._pinned

    def hold(self, on: bool) -> None:
        """Z pressed (``True``) or released (``False``)."""
        self._held = bool(on)

    def pin(self, on: bool) -> None:
        """Keep the lens on without Z (the toolbar switch)."""
        self._pinned = bool(on)

    def step(self, steps: float) -> None:
        """Change the factor by ``steps`` wheel notches (up: more), within 2..4."""
        if not steps:
            return
        index = min(range(len(FACTORS)), key=lambda i: abs(FACTORS[i] - self._factor))
        index = max(0, min(len(FACTORS) - 1, index + (1 if steps > 0 else -1)))
        self._factor = FACTORS[index]

    def lens_rect(self, cursor: QPointF) -> QRectF:
        """Return where the lens goes on the canvas: centred on ``cursor``."""
        left = round(cursor.x() - self.size / 2)
        top = round(cursor.y() - self.size / 2)
        return QRectF(left, top, self.size, self.size)

    def lens_geometry(self, canvas: ViewerCanvas, cursor: QPointF) -> ViewGeometry | None:
        """Return the lens's view: the canvas's, enlarged around the point under ``cursor``.

        Parameters
        ----------
        canvas : ViewerCanvas
            The canvas the lens is over.
        cursor : QPointF
            The cursor on the canvas.

        Returns
        -------
        ViewGeometry or None
            ``None`` when the canvas shows no image.
        """
        if canvas.state.geometry is None:
            return None
        view = replace(canvas.state.geometry, width=canvas.width(), height=canvas.height())
        rect = self.lens_rect(cursor)
        # The image point at the lens's centre pixel: the one under the cursor.
        cx, cy = view.screen_to_image(rect.x() + self.size / 2, rect.y() + self.size / 2)
        return replace(
            view,
            zoom=view.zoom * self._factor,
            center_x=cx,
            center_y=cy,
            width=self.size,
            height=self.size,
        )

    def render(self, canvas: ViewerCanvas, cursor: QPointF) -> QImage | None:
        """Render the lens's picture (image, window, annotations, border).

        Parameters
        ----------
        canvas : ViewerCanvas
            The canvas the lens is over: its frame, window, inversion, annotations.
        cursor : QPointF
            The cursor on the canvas.

        Returns
        -------
        QImage or None
            ``size`` x ``size`` pixels; ``None`` when the canvas shows no image.
        """
        frame = canvas.frame
        pyramid = canvas.pyramid()
        geometry = self.lens_geometry(canvas, cursor)
        if frame is None or pyramid is None or geometry is None:
            return None
        lens = QImage(self.size, self.size, QImage.Format.Format_RGB32)
        painter = QPainter(lens)
        try:
            canvas.paint_frame(painter, frame, pyramid, geometry)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
            painter.setPen(QPen(BORDER_COLOUR, 1))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRect(0, 0, self.size - 1, self.size - 1)
        finally:
            painter.end()
        return lens

    def paint(self, canvas: ViewerCanvas, painter: QPainter, cursor: QPointF | None) -> None:
        """Draw the lens on the canvas at ``cursor``, if it is on and the cursor is over it."""
        if not self.active or cursor is None:
            return
        lens = self.render(canvas, cursor)
        if lens is not None:
            painter.drawImage(self.lens_rect(cursor).topLeft(), lens)
