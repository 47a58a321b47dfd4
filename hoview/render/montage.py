"""Montages for slides and handouts, and with/without pairs of one film.

Every tile is a :class:`~hoview.render.film.Film` rendered at the size its cell shows
it, so a montage of large films decodes each once and windows only what it shows.
Captions come from the teacher (``--caption``) or are "Case N" ("Case N, slice M" for
the slices of one series); never a file name, which may hold a patient's name.
"""

from __future__ import annotations

import math
import threading
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QImage, QPainter

from hoview.errors import HoviewError
from hoview.render import layout
from hoview.render.cases import case_names
from hoview.render.export import ensure_gui, save_pages
from hoview.render.film import Film, FilmRequest, open_films, render_film, render_in_parallel
from hoview.render.formats import PDF_SUFFIX, output_format
from hoview.render.layout import Metrics, Page
from hoview.render.qimage import array_to_qimage, rgb32_to_array
from hoview.sources.base import Frame

#: Captions of the two halves of a pair.
WITHOUT, WITH = "without arrows", "with arrows"


@dataclass(frozen=True)
class Tile:
    """One picture in a montage and the caption under it."""

    image: np.ndarray
    caption: str


@dataclass
class MontageResult:
    """What :func:`build_montage` wrote."""

    pages: int
    tiles: int
    warnings: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Colours:
    """Page background and text colour."""

    background: str
    text: str


#: Black slides (radiographs read best on black) and white paper.
SLIDE_COLOURS = Colours("#000000", "#ffffff")
PAPER_COLOURS = Colours("#ffffff", "#000000")


def case_caption(index: int, caption: str | None) -> str:
    """Return the caption of film ``index`` (from 0): the teacher's, or "Case N"."""
    return caption if caption else f"Case {index + 1}"


def film_tiles(film: Film, caption: str, pairs: bool) -> list[Tile]:
    """Return a film's tiles: the annotated film, or its without/with pair."""
    if not pairs:
        return [Tile(film.annotated, caption)]
    return [
        Tile(film.plain, f"{caption} \u2013 {WITHOUT}"),
        Tile(film.annotated, f"{caption} \u2013 {WITH}"),
    ]


def paint_page(
    page: Page,
    images: Sequence[np.ndarray],
    captions: Sequence[str],
    metrics: Metrics,
    colours: Colours,
    title: str | None = None,
) -> np.ndarray:
    """Paint one page: images in their cells, captions below, the title on top.

    Parameters
    ----------
    page : Page
        The layout.
    images, captions : sequence
        One per cell, in the page's order; images are drawn at their own size, centred
        on the cell's image box.
    metrics : Metrics
        Font sizes.
    colours : Colours
        Background and text colour.
    title : str, optional
        Drawn in the page's title band.

    Returns
    -------
    numpy.ndarray
        ``(height, width, 3)`` uint8 RGB.
    """
    ensure_gui()
    width, height = page.size
    canvas = QImage(width, height, QImage.Format.Format_RGB32)
    canvas.fill(QColor(colours.background))
    painter = QPainter(canvas)
    try:
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
        for cell, image in zip(page.cells, images, strict=True):
            x, y, w, h = cell.image
            ih, iw = image.shape[:2]
            painter.drawImage(x + (w - iw) // 2, y + (h - ih) // 2, array_to_qimage(image))
        painter.setPen(QColor(colours.text))
        for cell, caption in zip(page.cells, captions, strict=True):
            _draw_text(painter, cell.caption, caption, metrics.caption, bold=False)
        if title and page.title:
            _draw_text(painter, page.title, title, metrics.title, bold=True)
    finally:
        painter.end()
    return rgb32_to_array(canvas)


def _draw_text(
    painter: QPainter, rect: tuple[int, int, int, int], text: str, size: int, bold: bool
) -> None:
    """Draw one line centred in ``rect``: smaller (down to 60 %) before it is cut short."""
    box = QRect(*rect)
    font = QFont("DejaVu Sans")
    font.setStyleHint(QFont.StyleHint.SansSerif)
    font.setBold(bold)
    for step in range(5):
        font.setPixelSize(max(1, round(size * (1 - 0.1 * step))))
        if QFontMetrics(font).horizontalAdvance(text) <= box.width():
            break
    painter.setFont(font)
    shown = QFontMetrics(font).elidedText(text, Qt.TextElideMode.ElideRight, box.width())
    painter.drawText(box, int(Qt.AlignmentFlag.AlignCenter), shown)


def compose_pair(
    film: Film, captions: tuple[str, str] = ("Without arrows", "With arrows")
) -> np.ndarray:
    """Return the film twice side by side at its own size: without and with arrows.

    Parameters
    ----------
    film : Film
        The rendered film.
    captions : (str, str)
        Under the plain and the annotated half.
    """
    size = film.size
    metrics = Metrics.for_height(size[1])
    page_size = layout.page_for_box(2, 2, size, metrics, title=False)
    page = layout.place([size, size], 2, page_size, size, metrics, title=False)
    return paint_page(page, [film.plain, film.annotated], captions, metrics, SLIDE_COLOURS)


def plan_pages(
    sizes: Sequence[tuple[int, int]],
    *,
    paper: str | None,
    columns: int | None,
    tile_size: int | None,
    title: bool,
    group: int,
) -> tuple[list[Page], Metrics]:
    """Lay out tiles of ``sizes`` on one slide-sized image or on paper pages.

    Parameters
    ----------
    sizes : sequence of (int, int)
        Each tile's image ``(width, height)`` at full size.
    paper : {"a4", "letter"} or None
        Paper pages (for a PDF); ``None`` for one raster image.
    columns : int, optional
        Cells per row; default: what shows the images largest (slides) or 2 (paper).
    tile_size : int, optional
        Image box of each cell in pixels; default: slides fill 1920 x 1080, paper
        fills the page width.
    title : bool
        Leave room for a title (on every page).
    group : int
        Keep columns a multiple of this (2 for with/without pairs).
    """
    count = len(sizes)
    if paper is not None:
        page_size = layout.PAPER[paper]
        metrics = Metrics.for_paper()
        columns = columns or 2
        columns = min(columns, count)
        box_w = layout.cell_box(columns, columns, page_size, metrics, title)[0]
        if tile_size:
            box_w = min(box_w, tile_size)
        aspect = max(h / w for w, h in sizes)
        box_h = max(1, round(min(box_w * aspect, tile_size or box_w * aspect)))
        free = page_size[1] - 2 * metrics.margin - (metrics.title_band if title else 0)
        # Shrink tiles by up to a quarter when that fits another row on the page.
        shrunk = round(box_h * 0.75)
        rows = max(1, (free + metrics.gap) // (shrunk + metrics.caption_band + metrics.gap))
        box_h = min(box_h, free // rows - metrics.caption_band)
        per_page = columns * rows
        pages = []
        for first in range(0, count, per_page):
            chunk = sizes[first : first + per_page]
            pages.append(
                layout.place(chunk, columns, page_size, (box_w, box_h), metrics, title, first)
            )
        return pages, metrics
    if tile_size:
        metrics = Metrics.for_height(max(720, tile_size * 2))
        box = (tile_size, tile_size)
        if columns is None:
            columns = _slide_shaped_columns(count, box, metrics, title, group)
        page_size = layout.page_for_box(count, columns, box, metrics, title)
    else:
        page_size = layout.SLIDE
        metrics = Metrics.for_height(page_size[1])
        if columns is None:
            columns = layout.best_columns(sizes, page_size, metrics, group, title)
        box = layout.cell_box(count, columns, page_size, metrics, title)
        if box[0] < 8 or box[1] < 8:
            raise ValueError(f"{count} tiles do not fit on a slide in {columns} columns")
    return [layout.place(sizes, columns, page_size, box, metrics, title)], metrics


def _slide_shaped_columns(
    count: int, box: tuple[int, int], metrics: Metrics, title: bool, group: int
) -> int:
    """Return the column count whose page is closest to 16:9."""
    best, best_error = group, math.inf
    for columns in range(group, count + group, group):
        width, height = layout.page_for_box(count, columns, box, metrics, title)
        error = abs(math.log((width / height) / (16 / 9)))
        if error < best_error:
            best, best_error = columns, error
    return best


def compose_montage(
    requests: Sequence[FilmRequest | Path | str],
    *,
    pairs: bool = False,
    columns: int | None = None,
    captions: Sequence[str] = (),
    title: str | None = None,
    tile_size: int | None = None,
    paper: str | None = None,
    strip_labels: bool = False,
    progress: Callable[[int, int], None] | None = None,
    warn: Callable[[str], None] | None = None,
    orientation_markers: bool = True,
) -> tuple[list[np.ndarray], MontageResult]:
    """Render films into a grid: one slide-sized image, or paper pages.

    Parameters
    ----------
    requests : sequence of FilmRequest or path
        The films, in order (a path means its first frame).
    pairs : bool
        Put each film's without/with pair in the grid.
    columns : int, optional
        Cells per row (a pair is two cells).
    captions : sequence of str
        Captions in film order, for requests without their own; else "Case N".
    title : str, optional
        A title across the top.
    tile_size : int, optional
        Each cell's image box in pixels.
    paper : {"a4", "letter"} or None
        Paper pages (white, for a PDF handout); ``None`` for one black slide image.
    strip_labels : bool
        Leave out the users' labels.
    progress : callable, optional
        ``progress(done, total)`` after each film.
    warn : callable, optional
        Called before any rendering with each burned-in text warning (one per source).
    orientation_markers : bool
        Draw orientation letters on each film's edges where they are known (default on).

    Returns
    -------
    (list of numpy.ndarray, MontageResult)
        The pages as uint8 RGB arrays, and what they hold.

    Raises
    ------
    ValueError
        If there are no films, more captions than films, or the tiles do not fit.
    HoviewError
        If a film cannot be opened or its sidecar cannot be read.
    """
    if not requests:
        raise ValueError("a montage needs at least one image")
    if len(captions) > len(requests):
        raise ValueError(f"{len(captions)} captions for {len(requests)} images")
    films, frames, warnings = open_films(requests, warn)
    per_film = 2 if pairs else 1
    sizes = [(f.columns, f.rows) for f in frames for _ in range(per_film)]
    pages, metrics = plan_pages(
        sizes,
        paper=paper,
        columns=columns,
        tile_size=tile_size,
        title=bool(title),
        group=per_film,
    )
    boxes = {cell.index: cell.image for page in pages for cell in page.cells}

    release = _Releaser(frames)

    def job(request: FilmRequest, frame: Frame, box: tuple[int, int, int, int]) -> Callable:
        def render() -> Film:
            try:
                return render_film(
                    frame,
                    request.document,
                    window=request.window,
                    invert=request.invert,
                    scale=min(box[2] / frame.columns, box[3] / frame.rows),
                    strip_labels=strip_labels,
                    orientation_markers=orientation_markers,
                )
            finally:
                release(frame)

        return render

    pairs_of = enumerate(zip(films, frames, strict=True))
    jobs = [job(r, f, boxes[i * per_film]) for i, (r, f) in pairs_of]
    names = case_names(films, frames)
    tiles: list[Tile] = []
    for i, film in enumerate(render_in_parallel(jobs, progress)):
        caption = films[i].caption or (captions[i] if i < len(captions) else None)
        tiles.extend(film_tiles(film, caption or names[i].caption(), pairs))
    colours = PAPER_COLOURS if paper else SLIDE_COLOURS
    images = [
        paint_page(
            page,
            [tiles[c.index].image for c in page.cells],
            [tiles[c.index].caption for c in page.cells],
            metrics,
            colours,
            title,
        )
        for page in pages
    ]
    return images, MontageResult(len(images), len(tiles), warnings)


class _Releaser:
    """Drops a film's decoded frame from the frame cache once its last tile is rendered.

    A montage shows each frame once, at its tile's size: keeping a dozen full-size
    frames decoded would only cost memory (and the time to fault it in). Frames that
    were decoded before the montage began (the viewer's) stay.
    """

    def __init__(self, frames: Sequence[Frame]) -> None:
        self._uses = Counter((id(f.source), f.number) for f in frames)
        self._kept = {(id(f.source), f.number) for f in frames if f.source.is_decoded(f.number)}
        self._lock = threading.Lock()

    def __call__(self, frame: Frame) -> None:
        key = (id(frame.source), frame.number)
        with self._lock:
            self._uses[key] -= 1
            last = self._uses[key] == 0
        if last and key not in self._kept:
            frame.source.release(frame.number)


def build_montage(
    requests: Sequence[FilmRequest | Path | str],
    out: Path,
    *,
    pairs: bool = False,
    columns: int | None = None,
    captions: Sequence[str] = (),
    title: str | None = None,
    tile_size: int | None = None,
    paper: str = "a4",
    strip_labels: bool = False,
    progress: Callable[[int, int], None] | None = None,
    warn: Callable[[str], None] | None = None,
    orientation_markers: bool = True,
) -> MontageResult:
    """``hoview montage``: :func:`compose_montage`, then write PNG, JPEG, TIFF or PDF.

    ``out`` ending in ``.pdf`` gives ``paper`` pages; anything else one slide-sized
    image. The other parameters are :func:`compose_montage`'s.

    Raises
    ------
    HoviewError
        Naming ``out`` for a bad request or an unwritable file, or naming the film
        that cannot be read.
    """
    out = Path(out)
    is_pdf = out.suffix.lower() == PDF_SUFFIX
    if not is_pdf:
        output_format(out, also=(PDF_SUFFIX,))
    try:
        images, result = compose_montage(
            requests,
            pairs=pairs,
            columns=columns,
            captions=captions,
            title=title,
            tile_size=tile_size,
            paper=paper if is_pdf else None,
            strip_labels=strip_labels,
            progress=progress,
            warn=warn,
            orientation_markers=orientation_markers,
        )
    except ValueError as exc:
        raise HoviewError(out, str(exc)) from None
    save_pages(images, out, dpi=layout.DPI if is_pdf else None)
    return result
