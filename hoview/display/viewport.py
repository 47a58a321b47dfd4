"""Only the visible region, at screen scale: view geometry and viewport rendering.

Image coordinates follow DESIGN.md "Coordinates" (PS3.3 C.10.5.1.2 PIXEL units):
``x`` is the column, ``y`` the row, the origin is the top-left corner of the top-left
pixel and pixel centres sit at ``+0.5``. Screen coordinates are the same for the
viewport: screen pixel ``(j, i)`` has its centre at ``(j + 0.5, i + 0.5)``.
"""

from __future__ import annotations

import math
import weakref
from dataclasses import dataclass

import numpy as np

from hoview.display.attributes import PixelAttributes
from hoview.display.pipeline import VOI, default_voi, to_display, window_lut
from hoview.display.pyramid import Pyramid


@dataclass(frozen=True)
class ViewGeometry:
    """Which part of the image a viewport shows, and how large.

    Parameters
    ----------
    zoom : float
        Screen pixels per image pixel (> 0).
    center_x, center_y : float
        The image point shown at the centre of the viewport, in image pixel
        coordinates.
    width, height : int
        The viewport's size in screen pixels (>= 1).

    Raises
    ------
    ValueError
        If ``zoom`` is not positive and finite, the centre is not finite, or the size
        is smaller than one pixel.

    """

    zoom: float
    center_x: float
    center_y: float
    width: int
    height: int

    def __post_init__(self) -> None:
        if not (math.isfinite(self.zoom) and self.zoom > 0):
            raise ValueError(f"zoom: must be a positive number, got {self.zoom!r}")
        if not (math.isfinite(self.center_x) and math.isfinite(self.center_y)):
            raise ValueError("center_x/center_y: must be finite")
        if int(self.width) < 1 or int(self.height) < 1:
            raise ValueError(f"width/height: the viewport is {self.width}x{self.height}")
        object.__setattr__(self, "width", int(self.width))
        object.__setattr__(self, "height", int(self.height))

    def image_to_screen(self, x: float, y: float) -> tuple[float, float]:
        """Screen position of image point ``(x, y)``."""
        return (
            (x - self.center_x) * self.zoom + self.width / 2,
            (y - self.center_y) * self.zoom + self.height / 2,
        )

    def screen_to_image(self, sx: float, sy: float) -> tuple[float, float]:
        """Image point under screen position ``(sx, sy)``; the inverse of the above."""
        return (
            (sx - self.width / 2) / self.zoom + self.center_x,
            (sy - self.height / 2) / self.zoom + self.center_y,
        )

    @classmethod
    def fit(cls, columns: int, rows: int, width: int, height: int) -> ViewGeometry:
        """Make the geometry that shows a whole ``columns x rows`` image, centred.

        Raises
        ------
        ValueError
            If any size is smaller than one pixel.

        """
        if columns < 1 or rows < 1:
            raise ValueError(f"columns/rows: the image is {columns}x{rows}")
        if width < 1 or height < 1:
            raise ValueError(f"width/height: the viewport is {width}x{height}")
        zoom = min(width / columns, height / rows)
        return cls(zoom, columns / 2, rows / 2, width, height)


def make_pyramid(stored: np.ndarray, attrs: PixelAttributes) -> Pyramid:
    """Build the pyramid a frame needs: box means, or nearest samples for palettes.

    PALETTE COLOR indices (PS3.3 C.7.6.3.1.5) must not be averaged: the mean of two
    indices is an unrelated colour.
    """
    return Pyramid(stored, "nearest" if attrs.palette is not None else "mean")


#: Default VOI per pyramid, so a repaint with ``voi=None`` does not rescan the frame.
_default_vois: weakref.WeakKeyDictionary[Pyramid, dict[int, tuple[PixelAttributes, VOI | None]]]
_default_vois = weakref.WeakKeyDictionary()


def _pyramid_default_voi(pyramid: Pyramid, attrs: PixelAttributes) -> VOI | None:
    memo = _default_vois.setdefault(pyramid, {})
    hit = memo.get(id(attrs))
    if hit is None or hit[0] is not attrs:
        hit = (attrs, default_voi(pyramid.level(0), attrs))
        memo[id(attrs)] = hit
    return hit[1]


def _indices(coords: np.ndarray, size: int, step: int) -> tuple[slice, np.ndarray]:
    """Find the screen positions inside the image and their nearest level samples.

    ``coords`` are image coordinates along one axis of ``size`` pixels; the level's
    pixels are ``step`` image pixels wide.
    """
    inside = np.flatnonzero((coords >= 0) & (coords < size))
    if inside.size == 0:
        return slice(0, 0), np.empty(0, dtype=np.intp)
    keep = slice(int(inside[0]), int(inside[-1]) + 1)
    index = np.floor(coords[keep] / step).astype(np.intp)
    np.clip(index, 0, -(-size // step) - 1, out=index)
    return keep, index


def _render(
    pyramid: Pyramid,
    attrs: PixelAttributes,
    voi: VOI | None,
    xs: np.ndarray,
    ys: np.ndarray,
    level: int,
    invert: bool,
    background: int,
) -> np.ndarray:
    """Sample image points ``xs`` (columns) x ``ys`` (rows) from a level and window them."""
    rows, columns = pyramid.shape[:2]
    colour = attrs.is_colour
    shape = (ys.size, xs.size, 3) if colour else (ys.size, xs.size)
    out = np.full(shape, background, dtype=np.uint8)
    step = 2**level
    row_keep, row_index = _indices(ys, rows, step)
    col_keep, col_index = _indices(xs, columns, step)
    if row_index.size == 0 or col_index.size == 0:
        return out
    if voi is None and not colour:
        voi = _pyramid_default_voi(pyramid, attrs)
    data = pyramid.level(level)
    # Slice (a view) to the visible rows and columns first, so the gathers only
    # ever touch a viewport-sized part of the level.
    r0, c0 = int(row_index[0]), int(col_index[0])
    data = data[r0 : int(row_index[-1]) + 1, c0 : int(col_index[-1]) + 1]
    block = data.take(row_index - r0, axis=0).take(col_index - c0, axis=1)
    table = None if colour else window_lut(attrs, voi, block.dtype, invert)
    if table is not None and block.dtype.isnative:
        shown = np.take(table, block.view(f"u{block.dtype.itemsize}"))
    else:
        shown = to_display(block, attrs, voi, invert)
    out[row_keep, col_keep] = shown
    return out


def render_view(
    pyramid: Pyramid,
    attrs: PixelAttributes,
    voi: VOI | None,
    geometry: ViewGeometry,
    invert: bool = False,
    background: int = 0,
) -> np.ndarray:
    """Render what a viewport shows, at screen scale; cost follows the viewport size.

    Each screen pixel centre is mapped to an image point; the pyramid level matching
    the zoom (:meth:`Pyramid.level_for_zoom`) is sampled there by nearest neighbour in
    one gather, and the samples go through the display pipeline (PS3.3 C.11) via
    :func:`~hoview.display.pipeline.window_lut`.

    Parameters
    ----------
    pyramid : Pyramid
        The frame's stored values (see :func:`make_pyramid`).
    attrs : PixelAttributes
        How they are displayed.
    voi : Window or LookupTable or None
        The VOI; ``None`` means the frame's default VOI (computed once per pyramid).
    geometry : ViewGeometry
        Zoom, centre and viewport size.
    invert : bool
        Show the image negated.
    background : int
        Grey level (0..255) of screen pixels outside the image.

    Returns
    -------
    numpy.ndarray
        ``(height, width)`` uint8, or ``(height, width, 3)`` for colour images.

    """
    if not 0 <= int(background) <= 255:
        raise ValueError(f"background: must be a grey level 0..255, got {background!r}")
    g = geometry
    xs = (np.arange(g.width) + 0.5 - g.width / 2) / g.zoom + g.center_x
    ys = (np.arange(g.height) + 0.5 - g.height / 2) / g.zoom + g.center_y
    level = pyramid.level_for_zoom(g.zoom)
    return _render(pyramid, attrs, voi, xs, ys, level, invert, int(background))


def render_full(
    stored: np.ndarray,
    attrs: PixelAttributes,
    voi: VOI | None = None,
    scale: float = 1.0,
    invert: bool = False,
) -> np.ndarray:
    """Render a whole frame at ``scale``, for exports.

    Parameters
    ----------
    stored : numpy.ndarray
        One frame's stored values.
    attrs : PixelAttributes
        How they are displayed.
    voi : Window or LookupTable or None
        The VOI; ``None`` means :func:`~hoview.display.pipeline.default_voi` of the
        whole frame.
    scale : float
        Output pixels per image pixel. 1 gives exactly
        :func:`~hoview.display.pipeline.to_display` of the frame; below 1 the matching
        pyramid level (2x2 means of stored values) is sampled by nearest neighbour;
        above 1 pixels are repeated (nearest neighbour).
    invert : bool
        Show the image negated.

    Returns
    -------
    numpy.ndarray
        ``(round(rows * scale), round(columns * scale))`` uint8, ``(..., 3)`` for
        colour; at least one pixel each way.

    Raises
    ------
    ValueError
        If ``scale`` is not a positive finite number.

    """
    if not (math.isfinite(scale) and scale > 0):
        raise ValueError(f"scale: must be a positive number, got {scale!r}")
    if voi is None and not attrs.is_colour:
        voi = default_voi(stored, attrs)
    if scale == 1:
        return to_display(stored, attrs, voi, invert)
    rows, columns = stored.shape[:2]
    out_w = max(1, round(columns * scale))
    out_h = max(1, round(rows * scale))
    xs = (np.arange(out_w) + 0.5) * (columns / out_w)
    ys = (np.arange(out_h) + 0.5) * (rows / out_h)
    method = "nearest" if attrs.palette is not None else "mean"
    pyramid = Pyramid(stored, method, smallest=1)  # however small the output
    level = pyramid.level_for_zoom(min(out_w / columns, out_h / rows))
    return _render(pyramid, attrs, voi, xs, ys, level, invert, 0)
