"""Only the visible region, at screen scale: rendering what a viewport shows.

Where the viewport looks is a :class:`~hoview.display.view_geometry.ViewGeometry`
(zoom, pan, rotation, flips; re-exported here); this module samples the pyramid level
that matches the zoom there and windows only those samples.
"""

from __future__ import annotations

import math
import weakref
from dataclasses import dataclass

import numpy as np

from hoview.display.attributes import PixelAttributes
from hoview.display.pipeline import VOI, default_voi, to_display, window_lut
from hoview.display.pyramid import Pyramid, share_half, shared_pyramid
from hoview.display.view_geometry import ViewGeometry

__all__ = [
    "ViewGeometry",
    "ViewRegion",
    "make_pyramid",
    "render_full",
    "render_region",
    "render_view",
    "share_half",
]


def make_pyramid(stored: np.ndarray, attrs: PixelAttributes) -> Pyramid:
    """Build the pyramid a frame needs: box means, or nearest samples for palettes.

    The one place that decides how a frame becomes a pyramid, for the screen and for
    every export alike, so both show the same pixels at every zoom. PALETTE COLOR
    indices (PS3.3 C.7.6.3.1.5) must not be averaged: the mean of two indices is an
    unrelated colour. Levels go down to one pixel (they are built only when a zoom
    asks for them), so a small image at 25 % is a 4 x 4 mean, as in an export, not a
    sample of the half-size level. A read-only frame (a decoded frame) gets the same
    pyramid each time while it is among the last few asked for, so its levels are
    built once for the screen, the thumbnail and exports.

    Parameters
    ----------
    stored : numpy.ndarray
        One frame's stored values.
    attrs : PixelAttributes
        How they are displayed (a palette means nearest samples).

    Returns
    -------
    Pyramid
        Level 0 is ``stored`` itself.
    """
    method = "nearest" if attrs.palette is not None else "mean"
    if stored.flags.writeable:  # it may change: a pyramid of it is nobody else's
        return Pyramid(stored, method, smallest=1)
    return shared_pyramid(stored, method)


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

    ``coords`` are image coordinates along one axis of ``size`` pixels, increasing or
    decreasing (a flipped or rotated view); the level's pixels are ``step`` image
    pixels wide.
    """
    inside = np.flatnonzero((coords >= 0) & (coords < size))
    if inside.size == 0:
        return slice(0, 0), np.empty(0, dtype=np.intp)
    keep = slice(int(inside[0]), int(inside[-1]) + 1)
    index = np.floor(coords[keep] / step).astype(np.intp)
    np.clip(index, 0, -(-size // step) - 1, out=index)
    return keep, index


def _as_slice(index: np.ndarray) -> slice | None:
    """Return ``index`` as a slice when it runs through consecutive samples (1:1), else None."""
    if index.size == 1:
        return slice(int(index[0]), int(index[0]) + 1)
    first, last = int(index[0]), int(index[-1])
    if abs(last - first) != index.size - 1 or last == first:
        return None
    sign = 1 if last > first else -1
    if not np.all(np.diff(index) == sign):
        return None
    return slice(first, last + sign if last + sign >= 0 else None, sign)


@dataclass(frozen=True)
class _Plan:
    """Which level samples a view takes: the same for every window, so it is kept.

    ``rows`` and ``cols`` are level rows and columns relative to ``r0`` and ``c0``
    (``row_slice`` and ``col_slice`` the same as slices when they are consecutive);
    ``row_keep`` and ``col_keep`` the screen rows and columns inside the image (or,
    sideways, the screen columns and rows); ``key`` identifies the samples.
    """

    row_keep: slice
    col_keep: slice
    r0: int
    r1: int
    c0: int
    c1: int
    rows: np.ndarray
    cols: np.ndarray
    row_slice: slice | None
    col_slice: slice | None
    key: tuple


def _plan(xs: np.ndarray, ys: np.ndarray, shape: tuple[int, ...], level: int) -> _Plan | None:
    """Map image columns ``xs`` and rows ``ys`` to samples of ``level`` (None: none inside)."""
    rows, columns = shape[:2]
    step = 2**level
    row_keep, row_index = _indices(ys, rows, step)
    col_keep, col_index = _indices(xs, columns, step)
    if row_index.size == 0 or col_index.size == 0:
        return None
    # Only a viewport-sized part of the level is ever touched. Flips make indices
    # decrease.
    r0, r1 = sorted((int(row_index[0]), int(row_index[-1])))
    c0, c1 = sorted((int(col_index[0]), int(col_index[-1])))
    row_index -= r0
    col_index -= c0
    row_index.setflags(write=False)
    col_index.setflags(write=False)
    key = (level, r0, c0, row_index.tobytes(), col_index.tobytes())
    return _Plan(
        row_keep,
        col_keep,
        r0,
        r1 + 1,
        c0,
        c1 + 1,
        row_index,
        col_index,
        _as_slice(row_index),
        _as_slice(col_index),
        key,
    )


#: Plans of recent views, by geometry, level and frame size: a repaint of an unchanged
#: view (a new window) does not map the screen to the image again.
_plans: dict[tuple, _Plan | None] = {}
_PLANS_KEPT = 16


def _view_plan(geometry: ViewGeometry, shape: tuple[int, ...], level: int) -> _Plan | None:
    key = (geometry, tuple(shape[:2]), level)
    try:
        return _plans[key]
    except KeyError:
        pass
    g = geometry
    m11, m12, m21, m22, dx, dy = g._inverse()
    # The same sums as screen_to_image; one term of each is zero at a right angle.
    across = np.arange(g.width) + 0.5
    down = np.arange(g.height) + 0.5
    if g.quarter_turn:  # x follows screen y, y follows screen x
        xs = m11 * 0.5 + m21 * down + dx
        ys = m12 * across + m22 * 0.5 + dy
    else:
        xs = m11 * across + m21 * 0.5 + dx
        ys = m12 * 0.5 + m22 * down + dy
    plan = _plan(xs, ys, shape, level)
    if len(_plans) >= _PLANS_KEPT:
        _plans.clear()
    _plans[key] = plan
    return plan


#: The last samples each pyramid gave an upright view that is not enlarged, with what
#: they were: a new window on an unchanged view (a window drag) only runs the lookup
#: table again. From the second window on they are kept as indices (``intp``), so the
#: lookup converts nothing; a first paint does not pay for that.
_gathered: weakref.WeakKeyDictionary[Pyramid, tuple[tuple, np.ndarray]]
_gathered = weakref.WeakKeyDictionary()


#: Screen rows per gather in a sideways (90/270 degree) view: the transposed copy of
#: each band stays in the CPU cache.
_BAND = 32

#: Recent tables as packed ``0xFFgggggg`` pixels, by the 8-bit table they repeat.
_packed_tables: dict[int, tuple[np.ndarray, np.ndarray]] = {}


def _packed(table: np.ndarray) -> np.ndarray:
    """Return a grey table as opaque 32-bit pixels ``0xFFgggggg`` (Qt's RGB32)."""
    hit = _packed_tables.get(id(table))
    if hit is not None and hit[0] is table:
        return hit[1]
    packed = table.astype(np.uint32)
    packed *= 0x010101
    packed |= 0xFF000000
    packed.setflags(write=False)
    if len(_packed_tables) >= 8:
        _packed_tables.clear()
    _packed_tables[id(table)] = (table, packed)
    return packed


#: Rows looked up per call when the samples are not indices yet: numpy converts them
#: to indices first, and a band's worth stays in the CPU cache.
_LOOKUP_ROWS = 64


def _lookup(table: np.ndarray, samples: np.ndarray) -> np.ndarray:
    """Return ``table[samples]`` for unsigned samples (every value is inside the table)."""
    out = np.empty(samples.shape, dtype=table.dtype)
    if samples.dtype == np.intp or samples.ndim != 2:
        np.take(table, samples, out=out, mode="clip")  # "clip": nothing to check or buffer
        return out
    for start in range(0, samples.shape[0], _LOOKUP_ROWS):
        stop = start + _LOOKUP_ROWS
        np.take(table, samples[start:stop], out=out[start:stop], mode="clip")
    return out


def _gather(values: np.ndarray, plan: _Plan) -> np.ndarray:
    """Take the plan's rows and columns of ``values``, column gathers on the fewer rows.

    Taking whole rows copies them; taking columns costs per element, so it is done
    before the rows are repeated (an enlarged view) or after they are thinned out.
    """

    def rows(a: np.ndarray) -> np.ndarray:
        return a[plan.row_slice] if plan.row_slice is not None else a.take(plan.rows, axis=0)

    def cols(a: np.ndarray) -> np.ndarray:
        if plan.col_slice is not None:
            return a[:, plan.col_slice]
        return a.take(plan.cols, axis=1)

    if plan.rows.size <= values.shape[0]:
        return cols(rows(values))
    return rows(cols(values))


def _render_plan(
    pyramid: Pyramid,
    attrs: PixelAttributes,
    voi: VOI | None,
    plan: _Plan,
    level: int,
    invert: bool,
    sideways: bool = False,
    packed: bool = False,
) -> np.ndarray:
    """Sample a level as ``plan`` says and window the samples; only the image's part.

    Upright, output pixel ``[i, j]`` is the sample at ``(plan.cols[j], plan.rows[i])``;
    sideways (a view at 90 or 270 degrees) it is the sample at
    ``(plan.cols[i], plan.rows[j])``, so the output is ``(cols, rows)``.
    """
    colour = attrs.is_colour
    if voi is None and not colour:
        voi = _pyramid_default_voi(pyramid, attrs)
    data = pyramid.level(level)[plan.r0 : plan.r1, plan.c0 : plan.c1]
    table = None if colour else window_lut(attrs, voi, data.dtype, invert)
    if table is not None and not data.dtype.isnative:
        table = None
    if table is not None:
        data = data.view(f"u{data.dtype.itemsize}")
        if packed:
            table = _packed(table)

    def shade(block: np.ndarray) -> np.ndarray:
        if table is not None:
            return _lookup(table, block)
        return to_display(block, attrs, voi, invert)

    if sideways:
        # Screen rows follow image columns and screen columns image rows: gather the
        # image rows once, then transpose band by band of screen rows.
        dtype = np.uint8 if table is None else table.dtype
        depth = (3,) if colour else ()
        out = np.empty((plan.cols.size, plan.rows.size, *depth), dtype=dtype)
        by_row = data.take(plan.rows, axis=0)
        for start in range(0, plan.cols.size, _BAND):
            band = by_row.take(plan.cols[start : start + _BAND], axis=1)
            out[start : start + _BAND] = shade(band).swapaxes(0, 1)
        return out
    if table is not None and data.shape[0] * data.shape[1] < plan.rows.size * plan.cols.size:
        # Enlarged: window each sample once, then repeat the display values.
        return np.ascontiguousarray(_gather(_lookup(table, data), plan))
    key = (plan.key, table is not None)
    hit = _gathered.get(pyramid)
    if hit is None or hit[0] != key:
        block = np.ascontiguousarray(_gather(data, plan))
    elif table is not None and hit[1].dtype != np.intp:
        # A second window on this view (a drag): keep the samples as indices.
        block = hit[1].astype(np.intp)
    else:
        return shade(hit[1])
    _gathered[pyramid] = (key, block)
    return shade(block)


def _empty(attrs: PixelAttributes, packed: bool) -> np.ndarray:
    if attrs.is_colour:
        return np.zeros((0, 0, 3), np.uint8)
    return np.zeros((0, 0), np.uint32 if packed else np.uint8)


def _paste(
    region: np.ndarray, x: int, y: int, width: int, height: int, background: int
) -> np.ndarray:
    """Put ``region`` at ``(x, y)`` of a ``width x height`` array of ``background``."""
    out = np.full((height, width, *region.shape[2:]), background, dtype=np.uint8)
    out[y : y + region.shape[0], x : x + region.shape[1]] = region
    return out


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
    """Sample image columns ``xs`` and rows ``ys`` from a level and window them (upright)."""
    plan = _plan(xs, ys, pyramid.shape, level)
    depth = (3,) if attrs.is_colour else ()
    if plan is None:
        return np.full((ys.size, xs.size, *depth), background, dtype=np.uint8)
    region = _render_plan(pyramid, attrs, voi, plan, level, invert)
    return _paste(region, plan.col_keep.start, plan.row_keep.start, xs.size, ys.size, background)


@dataclass(frozen=True)
class ViewRegion:
    """The part of a viewport the image covers, rendered (see :func:`render_region`).

    Attributes
    ----------
    pixels : numpy.ndarray
        C-contiguous: ``(height, width)`` uint8 grey, ``(height, width, 3)`` uint8
        RGB, or, for a grey image when packed pixels were asked for, ``(height,
        width)`` uint32 ``0xFFgggggg`` (Qt's ``Format_RGB32``). No pixels (a size of
        0) when the image is out of view.
    x, y : int
        Where its top-left pixel goes in the viewport.

    """

    pixels: np.ndarray
    x: int
    y: int


def render_region(
    pyramid: Pyramid,
    attrs: PixelAttributes,
    voi: VOI | None,
    geometry: ViewGeometry,
    invert: bool = False,
    packed: bool = False,
) -> ViewRegion:
    """Render the part of a viewport the image covers; the rest is background.

    The same pixels as :func:`render_view` inside the image, without the margins:
    a fitted image leaves bands of the viewport empty, and a painter fills those
    faster than the lookup table and the image copy would. A repaint with a new
    window on an unchanged view reuses the samples of the last one (per pyramid);
    an enlarged view windows each level sample once, then repeats display values.

    Parameters
    ----------
    pyramid : Pyramid
        The frame's stored values (see :func:`make_pyramid`).
    attrs : PixelAttributes
        How they are displayed.
    voi : Window or LookupTable or None
        The VOI; ``None`` means the frame's default VOI (computed once per pyramid).
    geometry : ViewGeometry
        Zoom, centre, viewport size, rotation and flips.
    invert : bool
        Show the image negated.
    packed : bool
        Give a grey image windowed through a table as opaque 32-bit pixels
        ``0xFFgggggg``, which Qt draws without converting them.

    Returns
    -------
    ViewRegion
        The pixels and where they go.

    """
    level = pyramid.level_for_zoom(geometry.zoom)
    plan = _view_plan(geometry, pyramid.shape, level)
    if plan is None:
        return ViewRegion(_empty(attrs, packed), 0, 0)
    sideways = geometry.quarter_turn
    pixels = _render_plan(pyramid, attrs, voi, plan, level, invert, sideways, packed)
    if sideways:
        return ViewRegion(pixels, plan.row_keep.start, plan.col_keep.start)
    return ViewRegion(pixels, plan.col_keep.start, plan.row_keep.start)


def render_view(
    pyramid: Pyramid,
    attrs: PixelAttributes,
    voi: VOI | None,
    geometry: ViewGeometry,
    invert: bool = False,
    background: int = 0,
) -> np.ndarray:
    """Render what a viewport shows, at screen scale; cost follows the viewport size.

    Each screen pixel centre ``(j + 0.5, i + 0.5)`` is mapped to an image point by
    :meth:`ViewGeometry.screen_to_image` (zoom, pan, rotation and flips); the pyramid
    level matching the zoom (:meth:`Pyramid.level_for_zoom`) is sampled there by
    nearest neighbour, and the samples go through the display pipeline (PS3.3 C.11)
    via :func:`~hoview.display.pipeline.window_lut`. Rotations are right angles, so
    image rows depend on one screen axis and image columns on the other: the sampling
    is one gather of whole rows and columns (transposed at 90 and 270 degrees).

    Parameters
    ----------
    pyramid : Pyramid
        The frame's stored values (see :func:`make_pyramid`).
    attrs : PixelAttributes
        How they are displayed.
    voi : Window or LookupTable or None
        The VOI; ``None`` means the frame's default VOI (computed once per pyramid).
    geometry : ViewGeometry
        Zoom, centre, viewport size, rotation and flips.
    invert : bool
        Show the image negated.
    background : int
        Grey level (0..255) of screen pixels outside the image.

    Returns
    -------
    numpy.ndarray
        ``(height, width)`` uint8, or ``(height, width, 3)`` for colour images.

    Raises
    ------
    ValueError
        If ``background`` is not a grey level.

    """
    if not 0 <= int(background) <= 255:
        raise ValueError(f"background: must be a grey level 0..255, got {background!r}")
    region = render_region(pyramid, attrs, voi, geometry, invert)
    return _paste(
        region.pixels, region.x, region.y, geometry.width, geometry.height, int(background)
    )


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
    pyramid = make_pyramid(stored, attrs)
    level = pyramid.level_for_zoom(min(out_w / columns, out_h / rows))
    return _render(pyramid, attrs, voi, xs, ys, level, invert, 0)
