"""The export commands' work: ``hoview render`` (one image, a pair, or a DICOM file).

``hoview montage`` is :func:`hoview.render.montage.build_montage` and ``hoview teach``
is :func:`hoview.render.teach.build_teaching_page`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from hoview.errors import HoviewError
from hoview.render.export import pick_frame, render_frame, save_image
from hoview.render.formats import DICOM_SUFFIXES, output_format
from hoview.sources.burned_in import burned_in_warning

if TYPE_CHECKING:
    from hoview.annotations import AnnotationDocument
    from hoview.sources.base import ImageSource

# The annotations, the painter (Qt), pairs and DICOM output are imported where they are
# used: the plain film (``--no-annotations``, or an image without a sidecar) is read,
# windowed and written with numpy and Pillow alone, and starts like a small tool.


def check_output(out: Path) -> None:
    """Refuse an output name whose ending ``render`` cannot write, before any work."""
    if out.suffix.lower() not in DICOM_SUFFIXES:
        output_format(out, also=DICOM_SUFFIXES)


def _stated(source: ImageSource) -> AnnotationDocument | None:
    """Return the image's annotations for their ``orientation``; ``None`` if unreadable.

    The markers are an extra: a sidecar that cannot be read leaves them to the header.
    """
    from hoview.annotations import load as load_annotations

    try:
        return load_annotations(source.path, source.identity)
    except HoviewError:
        return None


def _has_sidecar(source: ImageSource) -> bool:
    """Whether the image has a sidecar (beside it or in the user data folder).

    Without one, :func:`hoview.annotations.load` gives an empty document, so there is
    nothing to draw and the annotation model need not be loaded.
    """
    from hoview.annotations.sidecar_places import locate

    return locate(source.path, source.identity) is not None


def render_to_file(
    path: Path,
    out: Path,
    frame: int = 1,
    window: tuple[float, float] | None = None,
    scale: float | None = None,
    annotations: bool = True,
    progress: Callable[[int, int], None] | None = None,
    layers: Sequence[str] = (),
    pair: bool = False,
    strip_labels: bool = False,
    warn: Callable[[str], None] | None = None,
    orientation_markers: bool = False,
) -> None:
    """``hoview render``: open ``path``, render one frame, write ``out``.

    Parameters
    ----------
    path : pathlib.Path
        A DICOM file, raster image, folder or DICOMDIR.
    out : pathlib.Path
        The output file; its ending picks the format: ``.png``, ``.jpg``, ``.tif``,
        ``.bmp``, or ``.dcm`` for a de-identified DICOM Secondary Capture.
    frame : int
        Frame (or slice of the first series), from 1.
    window : tuple of float, optional
        (centre, width); default: the file's first window.
    scale : float, optional
        Output scale; default native size.
    annotations : bool
        Draw the image's visible annotations; a sidecar that cannot be read is an error
        (use ``annotations=False`` for the plain film).
    progress : callable, optional
        ``progress(done, total)`` while the files of a folder are read.
    layers : sequence of str
        Names of the layers to draw (default: every visible layer).
    pair : bool
        Write the film twice side by side, without and with arrows, captioned.
    strip_labels : bool
        Leave out the users' labels and text annotations.
    warn : callable, optional
        Called with a one-line warning before writing, when the source's pixels may
        carry burned-in identifying text, and with each of the source's
        :attr:`~hoview.sources.base.ImageSource.warnings` (pixel data padded...).
    orientation_markers : bool
        Draw orientation letters (R, L, H, F...) on the image's edges, from the header
        or the sidecar's ``orientation``; off by default.
    """
    check_output(out)
    if pair and not annotations:
        raise HoviewError(out, "a pair shows the film with and without annotations")
    chosen = pick_frame(path, frame, progress)
    source = chosen.source
    warning = burned_in_warning(source.path.name, source.metadata)
    if warning and warn is not None:
        warn(warning)
    if warn is not None:
        for message in source.warnings:
            warn(f"{source.path}: {message}")
    description = "rendered by hoview"
    # The plain film (the default pipeline at native size, nothing drawn) gets the UID
    # that gsps/sr/kos --deidentify reference; anything else a UID of its own.
    plain = not pair and window is None and scale is None and not orientation_markers
    if pair:
        from hoview.render.film import render_film
        from hoview.render.montage import compose_pair

        film = render_film(
            chosen,
            window=window,
            scale=scale,
            layers=layers,
            strip_labels=strip_labels,
            orientation_markers=orientation_markers,
        )
        array = compose_pair(film)
        description = "the same image without and with arrows, side by side"
    else:
        array = render_frame(chosen, window, scale)
        if annotations and _has_sidecar(source):
            from hoview.annotations import load as load_annotations

            document = load_annotations(source.path, source.identity)
            if document.annotations:
                from hoview.annotations.labels import without_labels
                from hoview.render.export import choose_layers, draw_annotations
                from hoview.render.paint_measures import document_spacing

                where = document.disk_state.path if document.disk_state else source.path
                wanted = choose_layers(document, layers, where) if layers else None
                if strip_labels:
                    document = without_labels(document)
                array = draw_annotations(
                    array,
                    document,
                    chosen.number,
                    1.0 if scale is None else scale,
                    wanted,
                    document_spacing(document, source.spacing),
                )
                description = "rendered by hoview with annotations"
                plain = False
        if orientation_markers:
            from hoview.render.export import draw_orientation_markers, film_edge_labels

            array = draw_orientation_markers(array, film_edge_labels(chosen, _stated(source)))
    if out.suffix.lower() in DICOM_SUFFIXES:
        from hoview.render.secondary_capture import source_uids, write_secondary_capture

        uids = source_uids(getattr(source, "dataset", None), chosen.number, plain)
        write_secondary_capture(array, out, source.metadata, description, uids)
    else:
        save_image(array, out)
