"""One film rendered for teaching exports: the plain image and the same with arrows.

Pairs, montages, quiz pages and the viewer's export menu all start here, so each of
them shows the film with the same window and the same annotations, drawn by
:func:`hoview.render.paint.paint_annotations` like the screen draws them.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from hoview.annotations import AnnotationDocument
from hoview.annotations import load as load_annotations
from hoview.annotations.labels import without_labels
from hoview.display.attributes import LookupTable, Window
from hoview.display.pipeline import default_voi
from hoview.display.viewport import render_full
from hoview.render.export import (
    choose_layers,
    draw_annotations,
    draw_orientation_markers,
    ensure_gui,
    film_edge_labels,
    frame_number,
    pick_frame,
    series_frames,
)
from hoview.render.paint_measures import document_spacing
from hoview.sources.base import Frame
from hoview.sources.burned_in import burned_in_warning

#: A window as (centre, width), or the display pipeline's own VOI objects.
WindowLike = tuple[float, float] | Window | LookupTable | None


@dataclass(frozen=True)
class FilmRequest:
    """What to put in a montage or on a quiz page: one frame of one path.

    Parameters
    ----------
    path : pathlib.Path
        A DICOM file, raster image, folder or DICOMDIR.
    frame : int
        Frame of the file, or slice of a folder's first series, from 1.
    window : tuple of float, optional
        (centre, width) in modality units; default: the file's first window.
    caption : str, optional
        Text under the tile (default: "Case N", never the file name).
    invert : bool
        Show the film negated, as the viewer's ``I`` does (annotations keep their colour).
    opened : Frame, optional
        The frame already open (the viewer's); then ``path`` and ``frame`` only name it.
    document : AnnotationDocument, optional
        Its annotations as the viewer holds them (unsaved edits included); default:
        read from the sidecar.
    """

    path: Path
    frame: int = 1
    window: WindowLike = None
    caption: str | None = None
    invert: bool = False
    opened: Frame | None = field(default=None, compare=False)
    document: AnnotationDocument | None = field(default=None, compare=False)


@dataclass
class Film:
    """A frame rendered twice: plain and with its visible annotations.

    Attributes
    ----------
    plain, annotated : numpy.ndarray
        ``(h, w, 3)`` uint8 RGB, the same size.
    scale : float
        Output pixels per image pixel.
    has_annotations : bool
        Whether any annotation was drawn (``annotated`` equals ``plain`` otherwise).
    warning : str or None
        The burned-in text warning for this source, if any.
    teaching : dict
        The sidecar's ``teaching`` object (``title``, ``discussion``), empty if none.
    """

    plain: np.ndarray
    annotated: np.ndarray
    scale: float
    has_annotations: bool
    warning: str | None = None
    teaching: dict[str, Any] = field(default_factory=dict)

    @property
    def size(self) -> tuple[int, int]:
        """``(width, height)`` in pixels."""
        return self.plain.shape[1], self.plain.shape[0]


def as_rgb(array: np.ndarray) -> np.ndarray:
    """Return a uint8 grey or RGB array as ``(h, w, 3)`` RGB."""
    if array.ndim == 2:
        return np.repeat(array[:, :, None], 3, axis=2)
    return np.ascontiguousarray(array[:, :, :3])


def fit_scale(size: tuple[int, int], max_size: int | None, scale: float | None) -> float:
    """Pick the output scale: ``scale`` if given, else shrink to ``max_size`` (never grow).

    Parameters
    ----------
    size : (int, int)
        ``(width, height)`` of the image.
    max_size : int or None
        Longest output side in pixels.
    scale : float or None
        An explicit scale, which wins.
    """
    if scale is not None:
        return scale
    if max_size is None:
        return 1.0
    return min(1.0, max_size / max(size))


def drawn_document(document: AnnotationDocument, strip_labels: bool) -> AnnotationDocument:
    """Return what a teaching export draws: visible layers, even with "H" switched off.

    The with-arrows half of an export shows the arrows whatever the viewer's global
    switch says; hidden layers stay hidden. ``strip_labels`` takes out typed words.
    """
    if strip_labels:
        document = without_labels(document)
    if not document.annotations_visible:
        view = {**document.view, "annotations_visible": True}
        document = AnnotationDocument(
            document.identity, document.layers, document.annotations, view, document.extra
        )
    return document


def render_film(
    frame: Frame,
    document: AnnotationDocument | None = None,
    *,
    window: WindowLike = None,
    scale: float | None = None,
    max_size: int | None = None,
    layers: Sequence[str] = (),
    strip_labels: bool = False,
    invert: bool = False,
    orientation_markers: bool = False,
) -> Film:
    """Render one frame plain and with annotations.

    Parameters
    ----------
    frame : Frame
        The frame to show.
    document : AnnotationDocument, optional
        Its annotations (the viewer passes the open, possibly unsaved document);
        default: loaded from the image's sidecar (an unreadable sidecar is an error).
    window : tuple of float or Window or LookupTable, optional
        The VOI; default: the file's first window, else the frame's full range.
    scale : float, optional
        Output pixels per image pixel; wins over ``max_size``.
    max_size : int, optional
        Shrink so the longest side is at most this many pixels.
    layers : sequence of str
        Names of the layers to draw (default: every visible layer).
    strip_labels : bool
        Leave out the users' labels and text (for a blind quiz).
    invert : bool
        Show the film negated; annotations keep their colour.
    orientation_markers : bool
        Draw the orientation letters (R, L, H, F...) on the edges of both images,
        when the header or the sidecar's ``orientation`` says them.

    Returns
    -------
    Film
    """
    source = frame.source
    if document is None:
        document = load_annotations(source.path, source.identity)
    stored = frame.pixels()
    attrs = frame.attributes
    if isinstance(window, tuple):
        voi: Window | LookupTable | None = Window(window[0], window[1], name="Custom")
    else:
        voi = window
    if voi is None and not attrs.is_colour:
        voi = default_voi(stored, attrs)
    rows, columns = stored.shape[:2]
    used = fit_scale((columns, rows), max_size, scale)
    plain = as_rgb(render_full(stored, attrs, voi, scale=used, invert=invert))
    drawn = drawn_document(document, strip_labels)
    wanted = None
    if layers:
        where = document.disk_state.path if document.disk_state else source.path
        wanted = choose_layers(drawn, layers, where)
    shown = [a for a in drawn.visible_annotations(frame.number) if not wanted or a.layer in wanted]
    if shown:
        annotated = draw_annotations(
            plain, drawn, frame.number, used, wanted, document_spacing(drawn, source.spacing)
        )
    else:
        annotated = plain.copy()
    if orientation_markers:
        labels = film_edge_labels(frame, document)
        if labels is not None:
            plain = draw_orientation_markers(plain, labels)
            annotated = draw_orientation_markers(annotated, labels)
    teaching = document.extra.get("teaching")
    return Film(
        plain=plain,
        annotated=annotated,
        scale=used,
        has_annotations=bool(shown),
        warning=burned_in_warning(source.path.name, source.metadata),
        teaching=dict(teaching) if isinstance(teaching, Mapping) else {},
    )


def load_film(
    path: Path,
    frame: int = 1,
    *,
    window: WindowLike = None,
    scale: float | None = None,
    max_size: int | None = None,
    layers: Sequence[str] = (),
    strip_labels: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> Film:
    """Open ``path`` and render frame ``frame`` with :func:`render_film`.

    Raises
    ------
    HoviewError
        If the path cannot be opened, the frame does not exist, or the sidecar cannot
        be read; the message names the file.
    """
    chosen = pick_frame(Path(path), frame, progress)
    return render_film(
        chosen,
        window=window,
        scale=scale,
        max_size=max_size,
        layers=layers,
        strip_labels=strip_labels,
    )


def render_in_parallel(
    jobs: Sequence[Callable[[], Film]],
    progress: Callable[[int, int], None] | None = None,
    workers: int | None = None,
) -> Iterator[Film]:
    """Run film renderings on a few threads; yield the films in order.

    Decoding, the pyramid and the lookup tables are numpy and decoder work that lets
    other threads run, and QPainter may draw on a QImage in any thread, so a montage of
    many films uses every core. ``progress(done, total)`` is called in the caller's
    thread, as each film is handed back; an exception there (a cancelled progress
    dialog) stops the films not yet started.

    Parameters
    ----------
    jobs : sequence of callable
        Each renders one film.
    progress : callable, optional
        Told after each film.
    workers : int, optional
        Threads; default: the number of processors, at most 4.
    """
    ensure_gui()  # the GUI layer starts in this thread, never in a worker
    count = workers or min(4, os.cpu_count() or 1)
    if count <= 1 or len(jobs) <= 1:
        for done, job in enumerate(jobs, 1):
            yield job()
            if progress is not None:
                progress(done, len(jobs))
        return
    pool = ThreadPoolExecutor(max_workers=count, thread_name_prefix="hoview-film")
    try:
        futures = [pool.submit(job) for job in jobs]
        for done, future in enumerate(futures, 1):
            yield future.result()
            if progress is not None:
                progress(done, len(jobs))
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def open_films(
    requests: Sequence[FilmRequest | Path | str],
    warn: Callable[[str], None] | None = None,
) -> tuple[list[FilmRequest], list[Frame], list[str]]:
    """Open the frames of a montage's or a quiz page's films, each path once.

    Parameters
    ----------
    requests : sequence of FilmRequest or path
        The films (a path means its first frame); ``PATH@1-40`` of a folder becomes
        forty requests that share one scan of the folder.
    warn : callable, optional
        Called with each burned-in text warning, before anything is rendered.

    Returns
    -------
    (list of FilmRequest, list of Frame, list of str)
        The requests, their frames, and the warnings.
    """
    films = [r if isinstance(r, FilmRequest) else FilmRequest(Path(r)) for r in requests]
    scanned: dict[Path, tuple[Frame, ...]] = {}
    frames = []
    for request in films:
        if request.opened is not None:
            frames.append(request.opened)
            continue
        path = Path(request.path)
        if path not in scanned:
            scanned[path] = series_frames(path)
        frames.append(frame_number(path, scanned[path], request.frame))
    warnings = burned_in_warnings(frames)
    for warning in warnings if warn is not None else ():
        warn(warning)
    return films, frames, warnings


def burned_in_warnings(frames: Sequence[Frame]) -> list[str]:
    """Return one burned-in text warning per source that may need one, in order."""
    warnings: list[str] = []
    for frame in frames:
        source = frame.source
        warning = burned_in_warning(source.path.name, source.metadata)
        if warning and warning not in warnings:
            warnings.append(warning)
    return warnings
