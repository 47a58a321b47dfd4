"""The teaching sub-commands of ``hoview``: ``montage``, ``teach``, ``slides`` and ``case``.

Parse, call the core, print; :mod:`hoview.cli` adds these parsers and runs them.
Images are named ``PATH`` for the first frame, ``PATH@N`` for frame (or slice) N and
``PATH@N-M`` for frames N to M.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Callable
from pathlib import Path

from hoview.errors import HoviewError
from hoview.render.formats import PDF_SUFFIX, allowed_endings
from hoview.terminal import emit

_FRAMES = re.compile(r"^(?P<path>.+)@(?P<first>\d+)(?:-(?P<last>\d+))?$")
#: Most frames one ``PATH@N-M`` may name.
MAX_RANGE = 500


def film_paths(items: list[str]) -> list[tuple[Path, int]]:
    """Turn ``PATH``, ``PATH@N`` and ``PATH@N-M`` into ``(path, frame)`` pairs.

    A name that exists as typed is a path even if it contains ``@``.

    Raises
    ------
    HoviewError
        For a frame number below 1 or a range that runs backwards or is too long.
    """
    films: list[tuple[Path, int]] = []
    for item in items:
        match = _FRAMES.match(item)
        if match is None or Path(item).exists():
            films.append((Path(item), 1))
            continue
        path = Path(match["path"])
        first = int(match["first"])
        last = int(match["last"]) if match["last"] else first
        if first < 1:
            raise HoviewError(path, f"frames are numbered from 1: {item!r}")
        if last < first or last - first >= MAX_RANGE:
            raise HoviewError(path, f"not a frame range of at most {MAX_RANGE}: {item!r}")
        films.extend((path, n) for n in range(first, last + 1))
    return films


def add_parsers(sub: argparse._SubParsersAction, positive_int: Callable[[str], int]) -> None:
    """Add ``montage``, ``teach``, ``slides`` and ``case`` to the sub-command parsers."""
    montage = sub.add_parser(
        "montage",
        help="several images in a grid, for a slide (PNG, JPEG, TIFF) or a handout (PDF)",
        description="Several images in a grid with captions. PNG, JPEG and TIFF give one "
        "1920 x 1080 slide (or a size set by --tile-size); PDF gives A4 or Letter pages. "
        "Name a frame as PATH@N, or frames N to M as PATH@N-M.",
    )
    montage.add_argument("paths", nargs="+", metavar="PATH", help="images, folders, PATH@N")
    montage.add_argument(
        "-o", "--output", metavar="OUT", required=True, help=allowed_endings((PDF_SUFFIX,))
    )
    montage.add_argument(
        "--pairs", action="store_true", help="each film twice: without and with arrows"
    )
    montage.add_argument("--columns", type=positive_int, metavar="N", help="tiles per row")
    montage.add_argument(
        "--tile-size", type=positive_int, metavar="PX", help="each tile's image box in pixels"
    )
    montage.add_argument(
        "--paper", choices=("a4", "letter"), default="a4", help="PDF page size (default a4)"
    )
    _common(montage)

    teach = sub.add_parser(
        "teach",
        help="a self-contained HTML quiz page: plain film first, arrows on request",
        description="Write DIR/index.html: each case shows the plain film, and a button or "
        "the A key reveals the arrows. Works offline; nothing in it identifies a patient.",
    )
    teach.add_argument("paths", nargs="+", metavar="PATH", help="images, folders, PATH@N")
    teach.add_argument("-o", "--output", metavar="DIR", required=True, help="output folder")
    _discussion_option(teach)
    _common(teach)
    _add_slides_parser(sub)
    _add_case_parser(sub)


def _discussion_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--discussion",
        action="extend",
        nargs="+",
        default=[],
        metavar="TEXT",
        help="discussion text per case, in order (default: the sidecar's teaching.discussion)",
    )


def _add_slides_parser(sub: argparse._SubParsersAction) -> None:
    slides = sub.add_parser(
        "slides",
        help="a lecture deck (.pptx): each film plain, its arrows appearing on click",
        description="Write a 16:9 PowerPoint deck: a title slide, then one black slide per "
        "case with the plain film; the same film with its arrows appears at the first click. "
        "The discussion goes in the speaker notes. Opens in PowerPoint, LibreOffice Impress "
        "and Keynote; nothing in it identifies a patient.",
    )
    slides.add_argument("paths", nargs="+", metavar="PATH", help="images, folders, PATH@N")
    slides.add_argument("-o", "--output", metavar="DECK.pptx", required=True, help="the deck")
    _discussion_option(slides)
    slides.add_argument(
        "--discussion-on-slide",
        action="store_true",
        help="also show the discussion beside the film, appearing at the next click",
    )
    slides.add_argument(
        "--no-animation",
        action="store_true",
        help="two slides per case (without, then with arrows) instead of a click animation",
    )
    _common(slides)


def _add_case_parser(sub: argparse._SubParsersAction) -> None:
    case = sub.add_parser(
        "case",
        help="a case package for teaching-file sites: images without and with arrows",
        description="Write DIR/NN-without.png and DIR/NN-with.png for every image in "
        "reading order (PATH@N-M gives every slice), DIR/case.json (captions, findings, "
        "grades, labels, modality, body part, view) and DIR/README.txt. Images keep their "
        "pixels (up to 2560 on the long side) and are never enlarged; nothing identifies "
        "a patient.",
    )
    case.add_argument("paths", nargs="+", metavar="PATH", help="images, folders, PATH@N")
    case.add_argument("-o", "--output", metavar="DIR", required=True, help="output folder")
    case.add_argument("--jpeg", action="store_true", help="JPEG instead of PNG")
    case.add_argument(
        "--square", action="store_true", help="each image centred in a black bounding square"
    )
    _discussion_option(case)
    _common(case)
    case.set_defaults(orientation_markers=False)  # teaching-file sites want no overlays


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--caption",
        action="extend",
        nargs="+",
        default=[],
        metavar="TEXT",
        help='captions in image order, given after the images (default "Case 1", "Case 2", ...)',
    )
    parser.add_argument("--title", metavar="TEXT", help="a title across the top")
    parser.add_argument(
        "--strip-labels", action="store_true", help="leave out the arrows' labels (blind quiz)"
    )
    parser.add_argument(
        "--orientation-markers",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="draw R/L, A/P, H/F letters on each film's edges when the file or sidecar "
        "says them (default: on)",
    )


def _requests(args: argparse.Namespace) -> list:
    from hoview.render.film import FilmRequest

    films = film_paths(args.paths)
    if len(args.caption) > len(films):
        raise HoviewError(
            Path(args.output), f"{len(args.caption)} captions for {len(films)} images"
        )
    return [
        FilmRequest(path, frame, caption=args.caption[i] if i < len(args.caption) else None)
        for i, (path, frame) in enumerate(films)
    ]


def run_montage(args: argparse.Namespace, warn: Callable[[str], None]) -> int:
    """Run ``hoview montage``; print where the montage went."""
    from hoview.render.montage import build_montage

    out = Path(args.output)
    requests = _requests(args)
    result = build_montage(
        requests,
        out,
        pairs=args.pairs,
        columns=args.columns,
        title=args.title,
        tile_size=args.tile_size,
        paper=args.paper,
        strip_labels=args.strip_labels,
        progress=_film_progress(),
        warn=warn,
        orientation_markers=args.orientation_markers,
    )
    pages = f", {result.pages} pages" if result.pages > 1 else ""
    emit(f"wrote {out}: {result.tiles} tiles{pages}")
    return 0


def run_teach(args: argparse.Namespace, warn: Callable[[str], None]) -> int:
    """Run ``hoview teach``; print where the page went."""
    from hoview.render.teach import build_teaching_page

    requests = _requests(args)
    if len(args.discussion) > len(requests):
        raise HoviewError(
            Path(args.output), f"{len(args.discussion)} discussions for {len(requests)} images"
        )
    result = build_teaching_page(
        requests,
        Path(args.output),
        title=args.title,
        discussions=args.discussion,
        strip_labels=args.strip_labels,
        progress=_film_progress(),
        warn=warn,
        orientation_markers=args.orientation_markers,
    )
    emit(f"wrote {result.index}: {result.cases} cases")
    return 0


def run_slides(args: argparse.Namespace, warn: Callable[[str], None]) -> int:
    """Run ``hoview slides``; print where the deck went."""
    from hoview.render.slides import build_slides

    result = build_slides(
        _requests(args),
        Path(args.output),
        title=args.title,
        discussions=args.discussion,
        discussion_on_slide=args.discussion_on_slide,
        animate=not args.no_animation,
        strip_labels=args.strip_labels,
        orientation_markers=args.orientation_markers,
        progress=_film_progress(),
        warn=warn,
    )
    emit(f"wrote {result.deck}: {result.cases} cases on {result.slides} slides")
    return 0


def run_case(args: argparse.Namespace, warn: Callable[[str], None]) -> int:
    """Run ``hoview case``; print where the package went."""
    from hoview.render.case_package import build_case_package

    result = build_case_package(
        _requests(args),
        Path(args.output),
        jpeg=args.jpeg,
        square=args.square,
        title=args.title,
        discussions=args.discussion,
        strip_labels=args.strip_labels,
        orientation_markers=args.orientation_markers,
        progress=_film_progress(),
        warn=warn,
    )
    emit(f"wrote {result.folder}: {result.images} images, case.json and README.txt")
    return 0


#: The teaching commands and what runs each.
RUNNERS = {"montage": run_montage, "teach": run_teach, "slides": run_slides, "case": run_case}


def _film_progress() -> Callable[[int, int], None] | None:
    """Show ``rendering 3/12`` on a terminal; nothing when stderr is a pipe."""
    if not sys.stderr.isatty():
        return None

    def show(done: int, total: int) -> None:
        end = "\n" if done >= total else ""
        print(f"\rrendering {done}/{total}", end=end, file=sys.stderr, flush=True)

    return show
