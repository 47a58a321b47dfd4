"""Lecture slides: each film plain, and its arrows appearing at the first click.

``hoview slides`` writes a 16:9 PowerPoint deck (python-pptx): a title slide, then one
black slide per case whose title is the case caption. The plain film is fitted below
the title; the same film with its arrows lies exactly on top of it, hidden until the
first click ("Appear, On Click", :mod:`hoview.render.slide_timing`). The case's
discussion goes in the speaker notes and, with ``discussion_on_slide``, in a text box
beside the film that appears at the next click. ``animate=False`` gives two slides per
case instead (without, then with arrows), for programs that do not animate.

Pictures are rendered for a 1920 x 1080 projection (the film's box on the slide, never
larger than the film), so a 40-film deck stays small; grey films go in as 8-bit grey
PNG. Nothing in the deck identifies a patient: headings are captions or "Case N", the
pictures and shapes are named by case, and the document properties are neutral.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from PIL import Image

from hoview.annotations.atomic import write_atomic
from hoview.errors import HoviewError
from hoview.render.cases import case_names
from hoview.render.export import grey_if_possible
from hoview.render.film import Film, FilmRequest, open_films, render_film, render_in_parallel
from hoview.render.slide_timing import set_click_animation
from hoview.render.teach import case_discussion, case_heading, case_requests

if TYPE_CHECKING:
    from pptx.slide import Slide
    from pptx.util import Emu

#: The deck's file ending.
PPTX_SUFFIX = ".pptx"
#: The projection the slides are drawn for, in pixels (16:9).
PROJECTION = (1920, 1080)
#: EMU (English Metric Units) per projection pixel: a 16:9 slide is 12,192,000 EMU wide.
EMU_PER_PIXEL = 12_192_000 // PROJECTION[0]
#: The title's box, the film's box, and the film's and discussion's boxes when the
#: discussion is on the slide: (x, y, width, height) in projection pixels.
TITLE_BOX = (40, 16, 1840, 96)
FILM_BOX = (40, 124, 1840, 940)
FILM_BOX_BESIDE_TEXT = (40, 124, 1240, 940)
DISCUSSION_BOX = (1310, 124, 570, 940)
#: The deck title when none is given.
DEFAULT_TITLE = "hoview teaching cases"


@dataclass
class SlidesResult:
    """What :func:`build_slides` wrote.

    Attributes
    ----------
    deck : pathlib.Path
        The ``.pptx`` file.
    cases : int
        Films in the deck.
    slides : int
        Slides, the title slide included.
    warnings : list of str
        Burned-in text warnings for the films (these name the file; the deck does not).
    """

    deck: Path
    cases: int
    slides: int
    warnings: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Placement:
    """Where a film goes on its slide, in projection pixels.

    Attributes
    ----------
    x, y, width, height : int
        The picture's rectangle, centred in its box, the film's aspect kept.
    scale : float
        Rendered pixels per film pixel (at most 1: films are never enlarged; the
        picture is stretched to its rectangle by the presentation program).
    """

    x: int
    y: int
    width: int
    height: int
    scale: float


def place_film(columns: int, rows: int, box: tuple[int, int, int, int]) -> Placement:
    """Fit a ``columns`` x ``rows`` film into ``box``, centred, aspect kept.

    Parameters
    ----------
    columns, rows : int
        The film's size in pixels.
    box : (int, int, int, int)
        ``(x, y, width, height)`` in projection pixels.

    Returns
    -------
    Placement
    """
    bx, by, bw, bh = box
    fit = min(bw / columns, bh / rows)
    width, height = max(1, round(columns * fit)), max(1, round(rows * fit))
    return Placement(bx + (bw - width) // 2, by + (bh - height) // 2, width, height, min(1.0, fit))


def picture_png(rgb: np.ndarray) -> bytes:
    """Encode a rendered film as PNG: 8-bit grey when its three channels agree."""
    out = io.BytesIO()
    Image.fromarray(grey_if_possible(rgb)).save(out, "PNG", compress_level=6)
    return out.getvalue()


def build_slides(
    requests: Sequence[FilmRequest | Path | str],
    out: Path,
    *,
    title: str | None = None,
    discussions: Sequence[str] = (),
    discussion_on_slide: bool = False,
    animate: bool = True,
    strip_labels: bool = False,
    orientation_markers: bool = True,
    progress: Callable[[int, int], None] | None = None,
    warn: Callable[[str], None] | None = None,
) -> SlidesResult:
    """Write a lecture deck, ``out`` (``.pptx``), for the films.

    Parameters
    ----------
    requests : sequence of FilmRequest or path
        The films, in order (a path means its first frame).
    out : pathlib.Path
        The deck, written atomically (a temporary file, then ``os.replace``).
    title : str, optional
        The title slide's text; default "hoview teaching cases".
    discussions : sequence of str
        Discussion per case, in film order; an empty or missing one falls back to the
        sidecar's ``teaching.discussion``. Always in the speaker notes.
    discussion_on_slide : bool
        Also show the discussion beside the film, appearing at the click after the
        arrows.
    animate : bool
        One slide per case with the arrows appearing on click; ``False`` gives two
        slides per case (without, then with arrows).
    strip_labels : bool
        Leave out the users' labels and text annotations (for a blind quiz).
    orientation_markers : bool
        Draw orientation letters on each film's edges where they are known.
    progress : callable, optional
        ``progress(done, total)`` after each film.
    warn : callable, optional
        Called before any rendering with each burned-in text warning (one per source).

    Returns
    -------
    SlidesResult

    Raises
    ------
    HoviewError
        Naming ``out`` if it does not end in ``.pptx``, there are no films, more
        discussions than films, or the deck cannot be written; naming the film if it
        cannot be read.
    """
    from pptx import Presentation
    from pptx.util import Emu

    out = Path(out)
    if out.suffix.lower() != PPTX_SUFFIX:
        raise HoviewError(out, f"a lecture deck is a {PPTX_SUFFIX} file")
    films = case_requests(requests, discussions, out, "a deck")
    films, frames, warnings = open_films(films, warn)
    names = case_names(films, frames)
    box = FILM_BOX_BESIDE_TEXT if discussion_on_slide else FILM_BOX
    places = [place_film(f.columns, f.rows, box) for f in frames]

    def job(i: int) -> Callable[[], Film]:
        request, frame = films[i], frames[i]
        return lambda: render_film(
            frame,
            request.document,
            window=request.window,
            invert=request.invert,
            scale=places[i].scale,
            strip_labels=strip_labels,
            orientation_markers=orientation_markers,
        )

    deck = Presentation()
    deck.slide_width = Emu(EMU_PER_PIXEL * PROJECTION[0])
    deck.slide_height = Emu(EMU_PER_PIXEL * PROJECTION[1])
    _title_slide(deck, title or DEFAULT_TITLE, len(films))
    rendered = render_in_parallel([job(i) for i in range(len(films))], progress)
    first_plain = None
    for i, film in enumerate(rendered):
        first_plain = film.plain if first_plain is None else first_plain
        heading = case_heading(i, films[i].caption, film.teaching, names[i])
        given = discussions[i] if i < len(discussions) else None
        case = _Case(i + 1, heading, case_discussion(given, film.teaching), film, places[i])
        _case_slides(deck, case, animate=animate, discussion_on_slide=discussion_on_slide)
    _neutral_properties(deck, title or DEFAULT_TITLE)
    _replace_template_parts(deck, first_plain)
    data = io.BytesIO()
    deck.save(data)
    try:
        write_atomic(out, data.getvalue(), backup=False)
    except OSError as exc:
        raise HoviewError(out, f"cannot write the deck ({exc.strerror or exc})") from exc
    return SlidesResult(out, len(films), len(deck.slides), warnings)


@dataclass(frozen=True)
class _Case:
    number: int
    heading: str
    discussion: str | None
    film: Film
    place: Placement


def _emu(pixels: int) -> Emu:
    from pptx.util import Emu

    return Emu(pixels * EMU_PER_PIXEL)


def _black(slide: Slide) -> None:
    from pptx.dml.color import RGBColor

    fill = slide.background.fill
    fill.solid()
    fill.fore_color.rgb = RGBColor(0, 0, 0)


def _text(shape, text: str, size: int, bold: bool = False) -> None:  # noqa: ANN001
    """Put white ``text`` in a shape's text frame, one paragraph per line."""
    from pptx.dml.color import RGBColor
    from pptx.util import Pt

    frame = shape.text_frame
    frame.word_wrap = True
    lines = text.splitlines() or [""]
    frame.text = lines[0]
    for line in lines[1:]:
        frame.add_paragraph().text = line
    for paragraph in frame.paragraphs:
        for run in paragraph.runs:
            run.font.size = Pt(size)
            run.font.bold = bold
            run.font.color.rgb = RGBColor(255, 255, 255)


def _box(shape, box: tuple[int, int, int, int]) -> None:  # noqa: ANN001
    shape.left, shape.top, shape.width, shape.height = (_emu(v) for v in box)


def _title_slide(deck, title: str, cases: int) -> None:  # noqa: ANN001 - a Presentation
    slide = deck.slides.add_slide(deck.slide_layouts[0])  # "Title Slide"
    _black(slide)
    heading, subtitle = slide.placeholders[0], slide.placeholders[1]
    _box(heading, (160, 300, 1600, 240))
    _text(heading, title, 48, bold=True)
    _box(subtitle, (160, 580, 1600, 120))
    _text(subtitle, f"{cases} case{'s' if cases != 1 else ''}", 28)


def _case_slides(deck, case: _Case, *, animate: bool, discussion_on_slide: bool) -> None:  # noqa: ANN001
    """Add the slide (or two) of one case."""
    arrows = case.film.has_annotations
    text = case.discussion if discussion_on_slide else None
    if animate:
        slide = _film_slide(deck, case, case.film.plain, "without arrows")
        clicks = []
        if arrows:
            clicks.append([_picture(slide, case, case.film.annotated, "with arrows")])
        if text:
            clicks.append([_discussion(slide, text)])
        if clicks:
            set_click_animation(slide._element, clicks)
        return
    _film_slide(deck, case, case.film.plain, "without arrows")
    second = _film_slide(deck, case, case.film.annotated, "with arrows")
    if text:
        _discussion(second, text)


def _film_slide(deck, case: _Case, rgb: np.ndarray, which: str) -> Slide:  # noqa: ANN001
    """Add a black slide titled with the case, its film placed, its notes written."""
    slide = deck.slides.add_slide(deck.slide_layouts[5])  # "Title Only"
    _black(slide)
    heading = slide.shapes.title
    _box(heading, TITLE_BOX)
    _text(heading, case.heading, 32, bold=True)
    heading.name = f"Case {case.number} title"
    _picture(slide, case, rgb, which)
    if case.discussion:
        slide.notes_slide.notes_text_frame.text = case.discussion
    return slide


def _picture(slide: Slide, case: _Case, rgb: np.ndarray, which: str) -> int:
    """Add the film picture at the case's placement; return its shape id."""
    place = case.place
    picture = slide.shapes.add_picture(
        io.BytesIO(picture_png(rgb)),
        _emu(place.x),
        _emu(place.y),
        _emu(place.width),
        _emu(place.height),
    )
    picture.name = f"Case {case.number} {which}"
    picture._element.nvPicPr.cNvPr.set("descr", f"Case {case.number}, film {which}")  # type: ignore[union-attr]
    return int(picture.shape_id)


def _discussion(slide: Slide, text: str) -> int:
    """Add the discussion text box beside the film; return its shape id."""
    x, y, width, height = (_emu(v) for v in DISCUSSION_BOX)
    shape = slide.shapes.add_textbox(x, y, width, height)
    shape.name = "Discussion"
    _text(shape, text, 20)
    return int(shape.shape_id)


def _neutral_properties(deck, title: str) -> None:  # noqa: ANN001 - a Presentation
    """Document properties that say nothing about a patient, an author or a machine."""
    now = datetime.now(timezone.utc).replace(microsecond=0, tzinfo=None)
    props = deck.core_properties
    props.title = title
    props.author = ""
    props.last_modified_by = "hoview"
    props.subject = props.keywords = props.comments = props.category = ""
    props.identifier = props.content_status = props.version = props.language = ""
    props.created = props.modified = now
    props.revision = 1


#: The deck's thumbnail (``docProps/thumbnail.jpeg``), in pixels.
THUMBNAIL = (256, 144)


def _replace_template_parts(deck, film: np.ndarray | None) -> None:  # noqa: ANN001
    """Replace what python-pptx's template says about itself with what the deck is.

    The template carries a thumbnail with EXIF data and ``docProps/app.xml`` naming
    another program and a 4:3 show; the deck gets a thumbnail of its first film (no
    metadata) and an ``app.xml`` saying only its application, format and slide count.
    """
    thumbnail = Image.new("RGB", THUMBNAIL)
    if film is not None:
        small = Image.fromarray(film)
        small.thumbnail(THUMBNAIL)
        thumbnail.paste(
            small, ((THUMBNAIL[0] - small.width) // 2, (THUMBNAIL[1] - small.height) // 2)
        )
    jpeg = io.BytesIO()
    thumbnail.save(jpeg, "JPEG", quality=80)
    app = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
        'extended-properties"><Application>hoview</Application>'
        "<PresentationFormat>On-screen Show (16:9)</PresentationFormat>"
        f"<Slides>{len(deck.slides)}</Slides></Properties>"
    ).encode()
    blobs = {"/docProps/thumbnail.jpeg": jpeg.getvalue(), "/docProps/app.xml": app}
    for part in deck.part.package.iter_parts():
        if str(part.partname) in blobs:
            part._blob = blobs[str(part.partname)]  # python-pptx keeps unknown parts as bytes
