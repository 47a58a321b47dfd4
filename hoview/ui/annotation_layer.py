"""The canvas's annotation layer: annotations drawn once, reused while nothing they show changes.

A repaint with 10,000 arrows costs seconds; a window change or a pan must not. The
canvas draws its annotations with :func:`~hoview.render.paint.paint_annotations` (the
one painter, as the exports do) into a transparent image at screen resolution
(``ARGB32_Premultiplied``, the canvas's device pixel ratio), and draws that image over
the frame. The image is kept with a key: each shown document and its revision (every
edit, undo and redo bumps it), the selection, the frame, the glyph sizes, the measuring
spacing, the canvas size and pixel ratio, and the view's scale, rotation and flips.

- Same key, same translation (a window change, an inversion, a tool's marks, the cursor
  moving): the image is drawn as it is.
- Same key, translation changed by whole device pixels (a pan): the image is shifted and
  only what the shift uncovered is drawn again, as tiles (small images of their own, so
  Qt's rasteriser works on the tile only): the strips that came into view, and the
  boxes of labels that cross the edge of the canvas before or after the pan (the
  painter moves those inside, so their place depends on the edge). Culling in
  :func:`paint_annotations` skips every shape and label that misses a tile, while
  labels are still kept inside the whole canvas.
- Anything else (an edit, undo, a layer switched, the selection, the frame, a zoom or a
  rotation, a fractional pan): the whole image is drawn again.

The picture is the same as drawing annotations straight onto the canvas but for the
rounding of one 8-bit compositing step (at most a level or two on antialiased edges);
after a pan, text outlines may differ from a fresh drawing by Qt's stroker noise on
curves (a few edge pixels of a label). The magnifier's lens and the exports draw
annotations directly, not through a layer.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QPointF, QRect, QRectF, Qt
from PySide6.QtGui import QImage, QPainter, QTransform

from hoview.annotations import AnnotationDocument
from hoview.render.paint import GlyphSizes, moved_label_rects, paint_annotations

Shown = Sequence[tuple[AnnotationDocument, tuple[str, ...]]]


class AnnotationLayer:
    """One canvas's cached annotation image (see the module's description).

    Attributes
    ----------
    redraws : int
        How many times the whole layer was drawn (for tests and profiling).
    pans : int
        How many times it was shifted and only uncovered parts were drawn.
    """

    def __init__(self) -> None:
        self._image: QImage | None = None
        self._spare: QImage | None = None
        self._key: tuple[Any, ...] | None = None
        self._documents: list[AnnotationDocument] = []  # keeps the ids in the key alive
        self._transform = QTransform()
        self.redraws = 0
        self.pans = 0

    def clear(self) -> None:
        """Forget the layer (the next paint draws it whole) and free its memory."""
        self._image = self._spare = None
        self._key = None
        self._documents = []

    def paint(
        self,
        painter: QPainter,
        shown: Shown,
        transform: QTransform,
        *,
        frame: int,
        size: tuple[int, int],
        ratio: float = 1.0,
        pixel_spacing: tuple[float, float] | None = None,
        screen: GlyphSizes | None = None,
    ) -> None:
        """Draw ``shown``'s annotations with ``painter``, from the layer when it still holds.

        Parameters
        ----------
        painter : QPainter
            The canvas's painter (identity transform, logical pixels).
        shown : sequence of (AnnotationDocument, tuple of str)
            Each document drawn, with its selected ids, bottom first.
        transform : QTransform
            Image pixel coordinates to the canvas.
        frame : int
            The frame shown, from 1.
        size : (int, int)
            The canvas's width and height in logical pixels.
        ratio : float
            The canvas's device pixel ratio.
        pixel_spacing : tuple of float, optional
            The measuring spacing, as :func:`paint_annotations` takes it.
        screen : GlyphSizes, optional
            Glyph sizes in device pixels, as :func:`paint_annotations` takes them.
        """
        key = (
            tuple((id(doc), doc.revision, tuple(selected)) for doc, selected in shown),
            frame,
            size,
            ratio,
            screen,
            pixel_spacing,
            getattr(pixel_spacing, "source", None),
            (transform.m11(), transform.m12(), transform.m21(), transform.m22()),
        )
        args = (shown, frame, pixel_spacing, screen)
        if self._image is None or key != self._key:
            self._redraw(key, transform, size, ratio, args)
        else:
            dx = transform.dx() - self._transform.dx()
            dy = transform.dy() - self._transform.dy()
            if dx or dy:
                near = abs(dx) < size[0] and abs(dy) < size[1]
                if near and _whole(dx * ratio) and _whole(dy * ratio) and _whole(ratio):
                    self._pan(transform, round(dx), round(dy), size, args)
                else:
                    self._redraw(key, transform, size, ratio, args)
        assert self._image is not None
        painter.drawImage(QPointF(0, 0), self._image)

    def _redraw(
        self,
        key: tuple[Any, ...],
        transform: QTransform,
        size: tuple[int, int],
        ratio: float,
        args: tuple[Any, ...],
    ) -> None:
        w, h = max(size[0], 1), max(size[1], 1)
        image = self._spare
        pixels = (math.ceil(w * ratio), math.ceil(h * ratio))
        if image is None or (image.width(), image.height()) != pixels:
            image = QImage(*pixels, QImage.Format.Format_ARGB32_Premultiplied)
            self._spare = None
        image.setDevicePixelRatio(ratio)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        try:
            _draw(painter, transform, args)
        finally:
            painter.end()
        self._spare, self._image = self._image, image
        if self._spare is not None and self._spare.size() != image.size():
            self._spare = None
        self._key = key
        self._documents = [doc for doc, _ in args[0]]
        self._transform = QTransform(transform)
        self.redraws += 1

    def _pan(
        self,
        transform: QTransform,
        dx: int,
        dy: int,
        size: tuple[int, int],
        args: tuple[Any, ...],
    ) -> None:
        old, image = self._image, self._spare
        assert old is not None
        w, h = size
        if image is None:
            image = QImage(old.size(), old.format())
            image.setDevicePixelRatio(old.devicePixelRatio())
        window = QRectF(0, 0, w, h)
        view = QRect(0, 0, w, h)
        tiles = _uncovered(w, h, dx, dy)
        shown, frame, _spacing, screen = args
        for doc, _selected in shown:
            axes = {"screen": screen, "across": dx != 0, "down": dy != 0}
            for moved in moved_label_rects(doc, self._transform, frame, window, **axes):
                tiles.append(moved.translated(dx, dy).toAlignedRect())
            for moved in moved_label_rects(doc, transform, frame, window, **axes):
                tiles.append(moved.toAlignedRect())
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        try:
            painter.setCompositionMode(QPainter.CompositionMode.CompositionMode_Source)
            painter.drawImage(QPointF(dx, dy), old)
            for tile in _merged([t.intersected(view) for t in tiles]):
                drawn = _tile(tile, old.devicePixelRatio(), transform, window, args)
                painter.drawImage(QPointF(tile.topLeft()), drawn)
        finally:
            painter.end()
        self._image, self._spare = image, old
        self._transform = QTransform(transform)
        self.pans += 1


def _draw(
    painter: QPainter,
    transform: QTransform,
    args: tuple[Any, ...],
    window: QRectF | None = None,
) -> None:
    shown, frame, spacing, screen = args
    for document, selected in shown:
        paint_annotations(
            painter,
            document,
            transform,
            frame,
            pixel_spacing=spacing,
            selected=selected,
            screen=screen,
            window=window,
        )


def _tile(
    rect: QRect, ratio: float, transform: QTransform, window: QRectF, args: tuple[Any, ...]
) -> QImage:
    """Draw the annotations of one part of the view, ``rect``, on an image of its own.

    A device of the tile's size keeps Qt's rasteriser to the tile (a clip does not:
    stroking a long arrow costs the same clipped or not); labels are still kept inside
    the whole ``window``.
    """
    size = (round(rect.width() * ratio), round(rect.height() * ratio))
    image = QImage(*size, QImage.Format.Format_ARGB32_Premultiplied)
    image.setDevicePixelRatio(ratio)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    try:
        painter.translate(-rect.x(), -rect.y())
        _draw(painter, transform, args, window)
    finally:
        painter.end()
    return image


def _merged(rects: list[QRect]) -> list[QRect]:
    """Return the non-empty ``rects`` with overlapping ones replaced by their bounds.

    Each tile is drawn whole, so an annotation over two overlapping tiles would be
    drawn twice; the bounding rectangle draws it once.
    """
    merged: list[QRect] = []
    for rect in rects:
        if rect.isEmpty():
            continue
        while True:
            touching = next((m for m in merged if m.intersects(rect)), None)
            if touching is None:
                break
            merged.remove(touching)
            rect = rect.united(touching)
        merged.append(rect)
    return merged


def _uncovered(w: int, h: int, dx: int, dy: int) -> list[QRect]:
    """Return the strips of a ``w`` x ``h`` view a shift by ``(dx, dy)`` leaves empty."""
    strips = []
    if dx > 0:
        strips.append(QRect(0, 0, dx, h))
    elif dx < 0:
        strips.append(QRect(w + dx, 0, -dx, h))
    if dy > 0:
        strips.append(QRect(0, 0, w, dy))
    elif dy < 0:
        strips.append(QRect(0, h + dy, w, -dy))
    return strips


def _whole(value: float) -> bool:
    """Whether ``value`` is a whole number (to floating-point noise)."""
    return abs(value - round(value)) < 1e-6
