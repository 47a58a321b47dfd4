"""The quiz page: a self-contained HTML file that shows films without, then with, arrows.

Each case shows its plain film; a button (or the ``A`` key) lays the same film with its
arrows over it, and shows the case's discussion. Both images are in the page as
``data:`` URIs, the script and style are inline and allowed by their hash in a strict
Content-Security-Policy, so the page works offline from a file and fetches nothing.
The page names no file and holds nothing from a DICOM header: headings are the
teacher's captions, the sidecar's ``teaching.title`` or "Case N" ("Case N, slice M" for
the slices of one series).
"""

from __future__ import annotations

import base64
import hashlib
import html
import io
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from string import Template
from typing import Any

import numpy as np
from PIL import Image

from hoview.annotations.atomic import write_atomic
from hoview.errors import HoviewError
from hoview.paths import resource_path
from hoview.render.cases import CaseName, case_names
from hoview.render.film import Film, FilmRequest, as_rgb, open_films, render_film
from hoview.render.montage import case_caption

#: The page's file name inside the output folder.
INDEX = "index.html"
#: The page title when none is given.
DEFAULT_TITLE = "hoview teaching cases"
#: The page template, shipped in ``resources/``.
TEMPLATE = "teaching_page.html"
#: JPEG quality used when a case's PNGs would be much larger.
JPEG_QUALITY = 92
#: A case goes in as JPEG only when its PNGs are more than this many times larger.
PNG_PREFERENCE = 2.0

_CASE_BEGIN, _CASE_END = "<!-- case -->", "<!-- /case -->"


@dataclass
class TeachResult:
    """What :func:`build_teaching_page` wrote.

    Attributes
    ----------
    index : pathlib.Path
        The page, ``<out_dir>/index.html``.
    cases : int
        How many cases it shows.
    warnings : list of str
        Burned-in text warnings for the films (these name the file; the page does not).
    """

    index: Path
    cases: int
    warnings: list[str] = field(default_factory=list)


def build_teaching_page(
    requests: Sequence[FilmRequest | Path | str],
    out_dir: Path,
    *,
    title: str | None = None,
    discussions: Sequence[str] = (),
    strip_labels: bool = False,
    max_size: int = 1600,
    progress: Callable[[int, int], None] | None = None,
    warn: Callable[[str], None] | None = None,
    orientation_markers: bool = True,
) -> TeachResult:
    """Write a self-contained quiz page, ``out_dir/index.html``, for the films.

    Parameters
    ----------
    requests : sequence of FilmRequest or path
        The films, in order (a path means its first frame).
    out_dir : pathlib.Path
        The folder for the page; made if missing. Only ``index.html`` is written in it,
        atomically (a temporary file, then ``os.replace``).
    title : str, optional
        The page title; default "hoview teaching cases".
    discussions : sequence of str
        Discussion text per case, in film order; an empty or missing one falls back to
        the sidecar's ``teaching.discussion``. Shown with the arrows.
    strip_labels : bool
        Leave out the users' labels and text annotations (for a blind quiz).
    max_size : int
        Longest side of each film on the page, in pixels (films are never enlarged).
    progress : callable, optional
        ``progress(done, total)`` after each film.
    warn : callable, optional
        Called before any rendering with each burned-in text warning (one per source).
    orientation_markers : bool
        Draw orientation letters on each film's edges where they are known (default on).

    Returns
    -------
    TeachResult

    Raises
    ------
    ValueError
        If ``max_size`` is not positive.
    HoviewError
        Naming ``out_dir`` if there are no films, more discussions than films, or the
        page cannot be written; naming the film if it cannot be read.
    """
    if max_size < 1:
        raise ValueError(f"max_size must be a positive number of pixels, not {max_size}")
    out_dir = Path(out_dir)
    films = case_requests(requests, discussions, out_dir, "a teaching page")
    page, case_template = _templates()
    cases: list[str] = []
    films, frames, warnings = open_films(films, warn)
    names = case_names(films, frames)
    for i, (request, frame) in enumerate(zip(films, frames, strict=True)):
        film = render_film(
            frame,
            request.document,
            window=request.window,
            invert=request.invert,
            max_size=max_size,
            strip_labels=strip_labels,
            orientation_markers=orientation_markers,
        )
        given = discussions[i] if i < len(discussions) else None
        heading = case_heading(i, request.caption, film.teaching, names[i])
        cases.append(_case_html(case_template, i, film, heading, given))
        if progress is not None:
            progress(i + 1, len(films))
    document = fill_page(page, title or DEFAULT_TITLE, "\n".join(cases))
    index = out_dir / INDEX
    if out_dir.exists() and not out_dir.is_dir():
        raise HoviewError(out_dir, "exists and is not a folder")
    made = _missing_folders(out_dir)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        write_atomic(index, document.encode("utf-8"), backup=False)
    except BaseException as exc:
        _remove_empty(made)  # a failed page leaves no empty folder behind
        if isinstance(exc, OSError):
            message = f"cannot write the page ({exc.strerror or exc})"
            raise HoviewError(index, message) from exc
        raise
    return TeachResult(index, len(films), warnings)


def case_requests(
    requests: Sequence[FilmRequest | Path | str],
    discussions: Sequence[str],
    out: Path,
    what: str,
) -> list[FilmRequest]:
    """Return the films of a teaching export, each a :class:`FilmRequest`.

    Raises
    ------
    HoviewError
        Naming ``out`` when there is no film (``"<what> needs at least one image"``) or
        more discussions than films.
    """
    films = [r if isinstance(r, FilmRequest) else FilmRequest(Path(r)) for r in requests]
    if not films:
        raise HoviewError(out, f"{what} needs at least one image")
    if len(discussions) > len(films):
        raise HoviewError(out, f"{len(discussions)} discussions for {len(films)} images")
    return films


def _missing_folders(folder: Path) -> list[Path]:
    """Return ``folder`` and those of its parents that do not exist yet, deepest first."""
    missing = []
    while not folder.exists() and folder != folder.parent:
        missing.append(folder)
        folder = folder.parent
    return missing


def _remove_empty(folders: list[Path]) -> None:
    """Remove folders this run made, deepest first, if they are still empty."""
    for folder in folders:
        try:
            folder.rmdir()
        except OSError:
            return


def case_heading(
    index: int,
    caption: str | None,
    teaching: Mapping[str, Any],
    name: CaseName | None = None,
) -> str:
    """Return a case's heading: the caption, else ``teaching.title``, else "Case N".

    Never the file name, which may hold a patient's name. ``index`` counts from 0;
    ``name``, when given, numbers the case instead and adds its slice ("Case 3,
    slice 22", or "Brooker grades, slice 22" with a ``teaching.title``).
    """
    if caption and caption.strip():
        return caption.strip()
    if name is not None:
        return name.caption(_text(teaching.get("title")))
    return case_caption(index, _text(teaching.get("title")))


def case_discussion(given: str | None, teaching: Mapping[str, Any]) -> str | None:
    """Return a case's discussion: the one given, else ``teaching.discussion``, else none."""
    return _text(given) or _text(teaching.get("discussion"))


def fill_page(page: str, title: str, cases: str) -> str:
    """Fill the page template and put the hashes of its style and script in its CSP.

    Parameters
    ----------
    page : str
        The page template with ``$title``, ``$csp`` and ``$cases``.
    title : str
        The page title (escaped here).
    cases : str
        The cases' HTML.
    """
    csp = "; ".join(
        [
            "default-src 'none'",
            "img-src data:",
            f"style-src {_hash(page, 'style')}",
            f"script-src {_hash(page, 'script')}",
            "base-uri 'none'",
            "form-action 'none'",
        ]
    )
    return Template(page).substitute(title=html.escape(title), csp=csp, cases=cases)


def encode_pair(plain: np.ndarray, annotated: np.ndarray | None) -> tuple[str, str | None]:
    """Return the two images as ``data:`` URIs in one format: PNG, or JPEG if much smaller.

    Grey pictures (white arrows on a grey film) are stored as one channel. Both images
    of a case share the format, so switching them changes only the pixels near the
    arrows.
    """
    images = _pil([plain] if annotated is None else [plain, annotated])
    png = [_encode(im, "PNG", optimize=False, compress_level=6) for im in images]
    jpeg = [_encode(im, "JPEG", quality=JPEG_QUALITY, subsampling=0) for im in images]
    if sum(map(len, png)) > PNG_PREFERENCE * sum(map(len, jpeg)):
        mime, chosen = "image/jpeg", jpeg
    else:
        mime, chosen = "image/png", png
    uris = [f"data:{mime};base64,{base64.b64encode(b).decode('ascii')}" for b in chosen]
    return uris[0], (uris[1] if len(uris) > 1 else None)


def _templates() -> tuple[str, str]:
    """Return the page template (cases replaced by ``$cases``) and the case template."""
    text = resource_path(TEMPLATE).read_text(encoding="utf-8")
    begin, end = text.find(_CASE_BEGIN), text.find(_CASE_END)
    if begin < 0 or end < begin:
        raise RuntimeError(f"{TEMPLATE} has no {_CASE_BEGIN} ... {_CASE_END} part")
    case = text[begin + len(_CASE_BEGIN) : end].strip("\n")
    return text[:begin] + "$cases" + text[end + len(_CASE_END) :], case


def _case_html(template: str, index: int, film: Film, heading: str, discussion: str | None) -> str:
    heading = html.escape(heading)
    width, height = film.size
    plain, annotated = encode_pair(film.plain, film.annotated if film.has_annotations else None)
    overlay = ""
    if annotated is not None:
        overlay = (
            f'<img class="arrows" src="{annotated}" width="{width}" height="{height}" '
            f'alt="{heading}, with arrows">'
        )
    return Template(template).substitute(
        number=index + 1,
        heading=heading,
        width=width,
        height=height,
        plain=plain,
        overlay=overlay,
        state="has-arrows" if film.has_annotations else "no-arrows",
        button="Show arrows" if film.has_annotations else "No arrows on this film",
        disabled="" if film.has_annotations else "disabled",
        discussion=_discussion_html(case_discussion(discussion, film.teaching)),
    )


def _discussion_html(text: str | None) -> str:
    """Return the discussion block: paragraphs at blank lines, line breaks kept."""
    if not text:
        return ""
    paragraphs = "\n".join(
        "<p>" + "<br>\n".join(html.escape(line) for line in part.splitlines()) + "</p>"
        for part in re.split(r"\n\s*\n", text.strip())
    )
    return (
        '<div class="discussion">\n<div class="answer">\n<h3>Discussion</h3>\n'
        f'{paragraphs}\n</div>\n<p class="waiting">The discussion appears with the arrows.</p>\n'
        "</div>"
    )


def _text(value: object) -> str | None:
    """Return a non-blank string stripped, or ``None`` for anything else."""
    if isinstance(value, str) and value.strip():
        return value.strip()
    return None


def _hash(page: str, tag: str) -> str:
    """Return the CSP source for the page's one ``<tag>`` block: ``'sha256-...'``."""
    blocks = re.findall(rf"<{tag}>(.*?)</{tag}>", page, flags=re.DOTALL)
    if len(blocks) != 1 or "$" in blocks[0]:
        raise RuntimeError(f"{TEMPLATE} needs one <{tag}> block without template fields")
    digest = hashlib.sha256(blocks[0].encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode('ascii')}'"


def _pil(arrays: Sequence[np.ndarray]) -> list[Image.Image]:
    """Return the pictures for Pillow: one channel each when all of them are grey."""
    rgb = [np.ascontiguousarray(as_rgb(a)) for a in arrays]
    if all(_is_grey(a) for a in rgb):
        return [Image.fromarray(np.ascontiguousarray(a[..., 0])) for a in rgb]
    return [Image.fromarray(a) for a in rgb]


def _is_grey(array: np.ndarray) -> bool:
    """Whether an RGB array's three channels are the same."""
    return np.array_equal(array[..., 0], array[..., 1]) and np.array_equal(
        array[..., 0], array[..., 2]
    )


def _encode(image: Image.Image, fmt: str, **options: Any) -> bytes:
    """Return the image's bytes, with no metadata (no text chunks, no EXIF)."""
    buffer = io.BytesIO()
    image.save(buffer, format=fmt, **options)
    return buffer.getvalue()
