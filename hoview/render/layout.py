"""Where tiles, captions and a title go on a montage page. Pure arithmetic, no Qt.

A page is a grid of equal cells; each cell holds one image, fitted to its image box,
centred across it and resting on its caption, which takes a band below. A title, when
there is one, takes a band across the top of the page.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

#: Slide size (16:9, full HD), the default for raster montages.
SLIDE = (1920, 1080)
#: Paper at 150 dots per inch, portrait: A4 and US Letter.
DPI = 150
PAPER = {"a4": (1240, 1754), "letter": (1275, 1650)}

Rect = tuple[int, int, int, int]


@dataclass(frozen=True)
class Metrics:
    """Spacing of a page, in pixels.

    Parameters
    ----------
    margin : int
        Around the whole page.
    gap : int
        Between cells.
    caption : int
        Caption text height (pixel size of the font); the band is 1.6 times this.
    title : int
        Title text height; the band is 1.8 times this.
    """

    margin: int
    gap: int
    caption: int
    title: int

    @property
    def caption_band(self) -> int:
        """Height of the band under each image."""
        return round(self.caption * 1.6)

    @property
    def title_band(self) -> int:
        """Height of the title band."""
        return round(self.title * 1.8)

    @classmethod
    def for_paper(cls, dpi: int = DPI) -> Metrics:
        """Metrics for printed pages: 10 mm margins, 11 pt captions, an 18 pt title."""
        points = dpi / 72
        return cls(
            margin=round(10 / 25.4 * dpi),
            gap=round(4 / 25.4 * dpi),
            caption=round(11 * points),
            title=round(18 * points),
        )

    @classmethod
    def for_height(cls, height: int) -> Metrics:
        """Metrics that read well on a page ``height`` pixels tall."""
        caption = max(14, round(height * 0.024))
        return cls(
            margin=max(8, round(height * 0.02)),
            gap=max(6, round(height * 0.012)),
            caption=caption,
            title=round(caption * 1.5),
        )


@dataclass(frozen=True)
class Cell:
    """One tile's place: ``image`` is the fitted picture, ``caption`` the band below."""

    index: int
    image: Rect
    caption: Rect


@dataclass(frozen=True)
class Page:
    """One page (or the one image of a raster montage)."""

    size: tuple[int, int]
    cells: tuple[Cell, ...]
    title: Rect | None


def fit(size: tuple[int, int], box: tuple[int, int]) -> tuple[int, int]:
    """Return ``size`` scaled to fit ``box`` with its aspect kept (at least 1 x 1)."""
    width, height = size
    scale = min(box[0] / width, box[1] / height)
    return max(1, round(width * scale)), max(1, round(height * scale))


def grid_shape(count: int, columns: int) -> tuple[int, int]:
    """Return ``(columns, rows)`` for ``count`` cells in at most ``columns`` columns."""
    columns = max(1, min(columns, count))
    return columns, math.ceil(count / columns)


#: Grids whose films differ in area by less than this fraction show them as large.
AS_LARGE = 0.01


def best_columns(
    sizes: Sequence[tuple[int, int]],
    area: tuple[int, int],
    metrics: Metrics,
    group: int = 1,
    title: bool = False,
) -> int:
    """Pick the column count that shows the images largest in ``area``.

    Among grids that show the images as large (within :data:`AS_LARGE`), the one with
    the fewest empty cells wins, then the one with fewer columns: a slide never leaves
    a hole in its grid when another grid shows the films as large.

    Parameters
    ----------
    sizes : sequence of (int, int)
        Each image's ``(width, height)``.
    area : (int, int)
        The page size.
    metrics : Metrics
        The page's spacing.
    group : int
        Columns come in multiples of this (2 keeps a with/without pair on one row).
    title : bool
        The page has a title band, which takes height from every row.
    """
    options = []
    for columns in range(group, len(sizes) + group, group):
        box = cell_box(len(sizes), columns, area, metrics, title)
        if box[0] < 1 or box[1] < 1:
            continue
        shown = sum(math.prod(fit(s, box)) for s in sizes)
        used, rows = grid_shape(len(sizes), columns)
        options.append((shown, used * rows - len(sizes), columns))
    if not options:
        return group
    largest = max(shown for shown, _, _ in options)
    as_large = [o for o in options if o[0] >= largest * (1 - AS_LARGE)]
    return min(as_large, key=lambda o: (o[1], o[2]))[2]


def cell_box(
    count: int, columns: int, area: tuple[int, int], metrics: Metrics, title: bool
) -> tuple[int, int]:
    """Return the image box ``(width, height)`` of each cell on a page of ``area``."""
    columns, rows = grid_shape(count, columns)
    width = (area[0] - 2 * metrics.margin - (columns - 1) * metrics.gap) // columns
    top = metrics.title_band if title else 0
    free = area[1] - 2 * metrics.margin - top - (rows - 1) * metrics.gap
    height = free // rows - metrics.caption_band
    return width, height


def page_for_box(
    count: int, columns: int, box: tuple[int, int], metrics: Metrics, title: bool
) -> tuple[int, int]:
    """Return the page size that holds ``count`` cells whose image box is ``box``."""
    columns, rows = grid_shape(count, columns)
    width = 2 * metrics.margin + columns * box[0] + (columns - 1) * metrics.gap
    height = (
        2 * metrics.margin
        + (metrics.title_band if title else 0)
        + rows * (box[1] + metrics.caption_band)
        + (rows - 1) * metrics.gap
    )
    return width, height


def place(
    sizes: Sequence[tuple[int, int]],
    columns: int,
    page: tuple[int, int],
    box: tuple[int, int],
    metrics: Metrics,
    title: bool,
    first: int = 0,
) -> Page:
    """Lay out images of ``sizes`` on one page, row by row.

    Parameters
    ----------
    sizes : sequence of (int, int)
        The images on this page, in order.
    columns : int
        Cells per row.
    page : (int, int)
        Page size.
    box : (int, int)
        Image box of each cell.
    metrics : Metrics
        Spacing.
    title : bool
        Leave a title band at the top.
    first : int
        Index of the page's first tile in the whole montage.
    """
    columns, rows = grid_shape(len(sizes), columns)
    grid_width = columns * box[0] + (columns - 1) * metrics.gap
    left = (page[0] - grid_width) // 2
    top = metrics.margin + (metrics.title_band if title else 0)
    cells = []
    for i, size in enumerate(sizes):
        row, column = divmod(i, columns)
        x = left + column * (box[0] + metrics.gap)
        y = top + row * (box[1] + metrics.caption_band + metrics.gap)
        w, h = fit(size, box)
        image = (x + (box[0] - w) // 2, y + box[1] - h, w, h)
        caption = (x, y + box[1], box[0], metrics.caption_band)
        cells.append(Cell(first + i, image, caption))
    title_rect = (
        (metrics.margin, metrics.margin, page[0] - 2 * metrics.margin, metrics.title_band)
        if title
        else None
    )
    return Page(page, tuple(cells), title_rect)
