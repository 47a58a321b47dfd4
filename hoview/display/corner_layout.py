"""Where the viewer's corner text, orientation letters and scale bar go, without overlaps.

The canvas shows four blocks of corner text (:func:`~hoview.display.corner_text.corner_text`),
orientation letters at the middle of the edges and a scale bar at the bottom centre.
In a narrow view (a half of compare mode) they would run into each other. This module
decides, from measured text sizes and no toolkit, what is drawn where:

1. the orientation letters first (laterality matters most), the bottom one lifted
   above the room kept for the scale bar;
2. the corner lines, level by level (every corner's first line, then every second
   line, ...): a line too wide for its room is elided with ``"…"``; a corner whose next
   line has no room keeps the lines it has (later lines say less);
3. the scale bar between the bottom corners, as long as the room left there allows
   (at most a quarter of the width), or not at all when no readable bar fits.

Every piece is placed only where it meets nothing placed before it, so no two
rectangles of an :class:`OverlayLayout` intersect, at any size.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from hoview.display.corner_text import CORNERS
from hoview.display.scale_bar import ScaleBar, scale_bar

__all__ = ["Box", "OverlayLayout", "PlacedLine", "PlacedScaleBar", "layout_overlay"]

#: Room between two pieces of the overlay, in screen pixels.
GAP = 4.0
#: Fewest characters an elided line keeps (fewer would say nothing).
MIN_KEPT_CHARS = 4
#: Shortest scale bar worth drawing, in screen pixels.
MIN_BAR_PX = 16.0
#: The widest label a scale bar may get (see :mod:`hoview.display.scale_bar`).
_WIDEST_BAR_LABEL = "0.05 mm"
ELLIPSIS = "\N{HORIZONTAL ELLIPSIS}"


@dataclass(frozen=True)
class Box:
    """An axis-aligned rectangle in screen pixels (y down)."""

    left: float
    top: float
    width: float
    height: float

    @property
    def right(self) -> float:
        """The right edge."""
        return self.left + self.width

    @property
    def bottom(self) -> float:
        """The bottom edge."""
        return self.top + self.height

    def intersects(self, other: Box) -> bool:
        """Whether the two rectangles share an area (touching edges do not count)."""
        return (
            self.left < other.right
            and other.left < self.right
            and self.top < other.bottom
            and other.top < self.bottom
        )

    def inside(self, width: float, height: float) -> bool:
        """Whether the rectangle lies within a ``width`` x ``height`` canvas."""
        return self.left >= 0 and self.top >= 0 and self.right <= width and self.bottom <= height


@dataclass(frozen=True)
class PlacedLine:
    """One line of corner text: what to draw and its baseline's left end."""

    text: str
    x: float
    baseline: float
    box: Box


@dataclass(frozen=True)
class PlacedScaleBar:
    """The scale bar: the bar itself, the height of its line on screen, and its extent."""

    bar: ScaleBar
    x: float
    y: float
    box: Box


@dataclass(frozen=True)
class OverlayLayout:
    """What the canvas draws over the image and where.

    Attributes
    ----------
    width, height : float
        The canvas size laid out.
    corners : dict of str to tuple of PlacedLine
        The lines kept in each corner (possibly elided), top line first.
    markers : dict of str to Box
        The edges (``"left"``, ``"right"``, ``"top"``, ``"bottom"``) whose letters are
        drawn, and the room each takes (with its outline).
    marker_bottom_inset : float
        How far the bottom letter is lifted from where it would sit at the edge (room
        for the scale bar), as :func:`hoview.render.paint_text.paint_orientation_markers`
        takes it.
    scale_bar : PlacedScaleBar or None
        The scale bar, or ``None`` when the spacing is unknown or no bar fits.
    dropped : dict of str to int
        How many lines of each corner did not fit.
    """

    width: float
    height: float
    corners: dict[str, tuple[PlacedLine, ...]]
    markers: dict[str, Box]
    marker_bottom_inset: float
    scale_bar: PlacedScaleBar | None
    dropped: dict[str, int] = field(default_factory=dict)

    def rectangles(self) -> list[tuple[str, Box]]:
        """Return every drawn piece's rectangle, named.

        Names are ``"top_left:0"`` (a corner's first line), ``"marker:left"``, ``"scale_bar"``.
        """
        named = [
            (f"{corner}:{i}", line.box)
            for corner, lines in self.corners.items()
            for i, line in enumerate(lines)
        ]
        named += [(f"marker:{edge}", box) for edge, box in self.markers.items()]
        if self.scale_bar is not None:
            named.append(("scale_bar", self.scale_bar.box))
        return named


def layout_overlay(
    width: float,
    height: float,
    corners: Mapping[str, Sequence[str]],
    measure: Callable[[str], float],
    *,
    font_px: float,
    ascent: float,
    descent: float,
    markers: Mapping[str, tuple[float, float]] | None = None,
    marker_px: float = 18.0,
    pixel_spacing: tuple[float, float] | None = None,
    zoom: float = 1.0,
    rotation: int = 0,
    margin: float = 8.0,
) -> OverlayLayout:
    """Lay out corner text, orientation letters and scale bar so that none overlap.

    Parameters
    ----------
    width, height : float
        The canvas size in screen pixels.
    corners : Mapping of str to sequence of str
        Lines by corner (``"top_left"``, ...), top line first, most telling first.
    measure : callable
        Width of a line of corner text in screen pixels (the font's advance).
    font_px : float
        The corner text's pixel size; lines are ``1.3 * font_px`` apart.
    ascent, descent : float
        The corner font's ascent and descent in pixels.
    markers : Mapping of str to (float, float), optional
        Width and height of the letters on each edge that has any (``"left"``, ...).
    marker_px : float
        The letters' pixel size (they sit half of it in from the edge, outlined).
    pixel_spacing : tuple of float, optional
        ``(row, column)`` spacing in mm; without it there is no scale bar.
    zoom : float
        Screen pixels per image pixel.
    rotation : int
        The view's rotation in degrees clockwise (the bar measures along screen x).
    margin : float
        Room kept free along the canvas's edges for the corner text.

    Returns
    -------
    OverlayLayout
        Pieces that fit, none intersecting another, all inside the canvas.
    """
    text = _Text(measure, font_px, ascent, descent, font_px * 1.3, margin)
    bar = (pixel_spacing, zoom, rotation)
    sizes = markers or {}
    if width <= 0 or scale_bar(pixel_spacing, zoom, max(width / 4, 1.0)) is None:
        return _layout(width, height, corners, text, sizes, marker_px, None, 0)
    low = _layout(width, height, corners, text, sizes, marker_px, bar, 0)
    bottom = ("bottom_left", "bottom_right")
    whole = [line.text for c in bottom for line in low.corners[c]] == [
        t for c in bottom for t in corners.get(c, ())
    ]
    if whole:  # nothing to win by moving the bar
        return low
    free = _layout(width, height, corners, text, sizes, marker_px, None, 0)
    if _shown(low)[2] >= _shown(free)[2]:
        return low
    # The bar at the bottom costs the bottom corners text: try it above the taller of them.
    rows = max(len(free.corners["bottom_left"]), len(free.corners["bottom_right"]))
    high = _layout(width, height, corners, text, sizes, marker_px, bar, rows * text.line_step)
    return high if _shown(high) > _shown(low) else low


def _shown(layout: OverlayLayout) -> tuple[int, int, int]:
    """How much a layout shows: letters first, then the bar, then characters of text."""
    characters = sum(
        len(line.text.rstrip(ELLIPSIS)) for lines in layout.corners.values() for line in lines
    )
    return len(layout.markers), layout.scale_bar is not None, characters


def _layout(
    width: float,
    height: float,
    corners: Mapping[str, Sequence[str]],
    text: _Text,
    markers: Mapping[str, tuple[float, float]],
    marker_px: float,
    bar: tuple[tuple[float, float] | None, float, int] | None,
    lift: float,
) -> OverlayLayout:
    """Lay out with the scale bar (spacing, zoom, rotation) raised ``lift`` px, or none."""
    measure, font_px, margin = text.measure, text.font_px, text.margin
    placed: list[tuple[str, Box]] = []
    # The scale bar's band at the bottom centre: its label, 8 px, the ticks and line.
    bar_y = height - margin - 4 - lift
    bar_band = (bar_y - 8 - font_px * 1.4, bar_y + 2)
    wants_bar = bar is not None
    reserve = None
    if wants_bar:
        reserve_w = max(measure(_WIDEST_BAR_LABEL), MIN_BAR_PX) + 4
        reserve = Box((width - reserve_w) / 2, bar_band[0], reserve_w, bar_band[1] - bar_band[0])

    marker_boxes, inset = _markers(width, height, markers, marker_px, reserve, placed)
    if reserve is not None:
        placed.append(("scale_bar", reserve))

    kept: dict[str, tuple[PlacedLine, ...]] = {corner: () for corner in CORNERS}
    growing = [corner for corner in CORNERS if corners.get(corner)]
    level = 0
    while growing:
        level += 1
        for corner in list(growing):
            lines = list(corners[corner])
            if level > len(lines):
                growing.remove(corner)
                continue
            others = [box for owner, box in placed if owner != corner]
            block = _block(corner, lines[:level], others, text, width, height)
            if block is None:
                growing.remove(corner)
                continue
            kept[corner] = block
            placed[:] = [(owner, box) for owner, box in placed if owner != corner]
            placed += [(corner, line.box) for line in block]

    placed_bar = None
    if reserve is not None and bar is not None:
        others = [box for owner, box in placed if owner != "scale_bar"]
        placed_bar = _scale_bar(width, height, bar_y, bar_band, others, measure, *bar)
    dropped = {c: len(corners.get(c, ())) - len(kept[c]) for c in CORNERS}
    return OverlayLayout(width, height, kept, marker_boxes, inset, placed_bar, dropped)


def _markers(
    width: float,
    height: float,
    sizes: Mapping[str, tuple[float, float]],
    marker_px: float,
    reserve: Box | None,
    placed: list[tuple[str, Box]],
) -> tuple[dict[str, Box], float]:
    """Place the letters as the painter does; drop one that meets another (a tiny canvas)."""
    edge_margin = 0.5 * marker_px
    pad = max(marker_px / 6, 2.0) / 2 + 1  # the dark outline, and rounding to whole pixels
    inset = 0.0
    if reserve is not None:
        inset = max(0.0, (height - edge_margin) - (reserve.top - GAP - pad))
    boxes: dict[str, Box] = {}
    for edge in ("left", "right", "top", "bottom"):
        if edge not in sizes:
            continue
        w, h = sizes[edge]
        x, y = {
            "left": (edge_margin, (height - h) / 2),
            "right": (width - edge_margin - w, (height - h) / 2),
            "top": ((width - w) / 2, edge_margin),
            "bottom": ((width - w) / 2, height - edge_margin - inset - h),
        }[edge]
        box = Box(x - pad, y - pad, w + 2 * pad, h + 2 * pad)
        obstacles = [b for _, b in placed] + ([reserve] if reserve is not None else [])
        if box.inside(width, height) and not any(box.intersects(b) for b in obstacles):
            boxes[edge] = box
            placed.append((f"marker:{edge}", box))
    return boxes, inset


@dataclass(frozen=True)
class _Text:
    """How corner text is measured and set."""

    measure: Callable[[str], float]
    font_px: float
    ascent: float
    descent: float
    line_step: float
    margin: float


def _block(
    corner: str, lines: list[str], others: list[Box], text: _Text, width: float, height: float
) -> tuple[PlacedLine, ...] | None:
    """Place a corner's lines (elided to their room), or ``None`` if one has no room."""
    measure, font_px, ascent, descent = text.measure, text.font_px, text.ascent, text.descent
    line_step, margin = text.line_step, text.margin
    top, left = corner.startswith("top"), corner.endswith("left")
    column = width / 2 - margin - GAP / 2  # a corner never reaches past the middle
    placed = []
    for i, line in enumerate(lines):
        row = i if top else len(lines) - 1 - i
        baseline = margin + font_px + row * line_step if top else height - margin - row * line_step
        # The line's slot, 1 px for the outline: lines of a corner touch, never overlap;
        # the block's top line gets its whole ascent.
        band_bottom = round(baseline + descent + 1, 3)
        slot = line_step if i else max(line_step, ascent + descent + 2)
        band_top = round(band_bottom - slot, 3)
        if band_top < 0 or band_bottom > height:
            return None
        in_band = [b for b in others if b.top < band_bottom and band_top < b.bottom]
        if left:
            limit = min([b.left for b in in_band if b.right > margin] + [math.inf])
            room = min(column, limit - GAP - margin) - 2
        else:
            limit = max([b.right for b in in_band if b.left < width - margin] + [-math.inf])
            room = min(column, width - margin - limit - GAP) - 2
        fitted = elide(line, room, measure)
        if fitted is None:
            return None
        advance = measure(fitted)
        x = margin if left else width - margin - advance
        box = Box(x - 1, band_top, advance + 2, band_bottom - band_top)
        if not box.inside(width, height) or any(box.intersects(b) for b in others):
            return None
        placed.append(PlacedLine(fitted, x, baseline, box))
    return tuple(placed)


def elide(text: str, room: float, measure: Callable[[str], float]) -> str | None:
    """Return ``text``, or its start and ``"…"``, as fits in ``room`` pixels.

    Parameters
    ----------
    text : str
        The line.
    room : float
        The width available, in pixels.
    measure : callable
        The width of a string in pixels.

    Returns
    -------
    str or None
        ``None`` when not even :data:`MIN_KEPT_CHARS` characters (or the whole of a
        shorter line) fit.
    """
    if measure(text) <= room:
        return text
    low, high = min(MIN_KEPT_CHARS, len(text) - 1), len(text) - 1
    if low < 1 or measure(text[:low].rstrip() + ELLIPSIS) > room:
        return None
    while low < high:  # the longest start that fits
        mid = (low + high + 1) // 2
        if measure(text[:mid].rstrip() + ELLIPSIS) <= room:
            low = mid
        else:
            high = mid - 1
    return text[:low].rstrip() + ELLIPSIS


def _scale_bar(
    width: float,
    height: float,
    bar_y: float,
    band: tuple[float, float],
    others: list[Box],
    measure: Callable[[str], float],
    pixel_spacing: tuple[float, float] | None,
    zoom: float,
    rotation: int,
) -> PlacedScaleBar | None:
    """Place the longest bar that fits between the bottom corners, centred."""
    centre = width / 2
    in_band = [b for b in others if b.top < band[1] and band[0] < b.bottom]
    left = max([b.right for b in in_band if b.right <= centre] + [0.0])
    right = min([b.left for b in in_band if b.left >= centre] + [width])
    if any(b.left < centre < b.right for b in in_band):
        return None
    half_room = min(centre - left, right - centre) - GAP
    longest = min(width / 4, 2 * half_room - 4)
    if longest < MIN_BAR_PX:
        return None
    bar = scale_bar(pixel_spacing, zoom, longest, rotation=rotation)
    if bar is None:
        return None
    half = max(bar.length_px / 2 + 2, measure(bar.label) / 2)
    box = Box(centre - half, band[0], 2 * half, band[1] - band[0])
    if not box.inside(width, height) or any(box.intersects(b) for b in others):
        return None
    return PlacedScaleBar(bar, centre - bar.length_px / 2, bar_y, box)
