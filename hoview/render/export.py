"""Images as the viewer shows them, written to PNG / JPEG / TIFF / BMP files.

Exports carry no metadata: no text chunks, no EXIF, nothing from the DICOM header.
"""

from __future__ import annotations

import io
import os
import sys
from collections.abc import Callable, Collection, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from PIL import Image

from hoview.annotations.atomic import write_atomic
from hoview.display.attributes import Window
from hoview.display.pipeline import default_voi
from hoview.display.viewport import render_full
from hoview.errors import FrameOutOfRangeError, HoviewError
from hoview.render.formats import PDF_SUFFIX, output_format
from hoview.sources.base import Frame

if TYPE_CHECKING:
    from hoview.annotations import AnnotationDocument
    from hoview.display.orientation import EdgeLabels

# Qt (QtGui, the painter) is imported by the functions that draw, so that writing the
# plain film (``hoview render --no-annotations``) never loads it.


def pick_frame(
    path: Path, number: int, progress: Callable[[int, int], None] | None = None
) -> Frame:
    """Open ``path`` and return frame ``number`` of its first series (from 1).

    For a multi-frame file the frames are the file's; for a folder, the slices of its
    first series in order.
    """
    return frame_number(path, series_frames(path, progress), number)


def series_frames(
    path: Path, progress: Callable[[int, int], None] | None = None
) -> tuple[Frame, ...]:
    """Open ``path`` and return the frames of its first series, in order."""
    from hoview.sources import open_path

    result = open_path(path, progress=progress)
    series = result.series
    if not series:
        why = ""
        if skipped := result.skipped:
            why = f" ({len(skipped)} skipped; first: {skipped[0].path.name}: {skipped[0].reason})"
        raise HoviewError(path, "no images found" + why)
    return tuple(series[0].frames)


def frame_number(path: Path, frames: Sequence[Frame], number: int) -> Frame:
    """Return frame ``number`` (from 1) of ``frames``, or say how many ``path`` has.

    Frames of one multi-frame file are picked by their number in the file (as
    annotations are), even when the series shows them in slice order.
    """
    if not 1 <= number <= len(frames):
        raise FrameOutOfRangeError(
            path, f"frame {number} is out of range: there are {len(frames)} (numbered from 1)"
        )
    if len({id(frame.source) for frame in frames}) == 1:
        return next((f for f in frames if f.number == number), frames[number - 1])
    return frames[number - 1]


def render_frame(
    frame: Frame,
    window: tuple[float, float] | None = None,
    scale: float | None = None,
) -> np.ndarray:
    """Render the frame through the display pipeline: uint8 grey ``(h, w)`` or RGB ``(h, w, 3)``.

    Parameters
    ----------
    frame : Frame
        The frame to show.
    window : tuple of float, optional
        (centre, width) in modality units; default: the file's first window, else the
        frame's full range.
    scale : float, optional
        Output pixels per image pixel; default 1 (native size).
    """
    stored = frame.pixels()
    attrs = frame.attributes
    voi = Window(window[0], window[1], name="Custom") if window else default_voi(stored, attrs)
    return render_full(stored, attrs, voi, scale=1.0 if scale is None else scale)


def save_image(array: np.ndarray, out: Path) -> None:
    """Write a uint8 grey or RGB array to ``out``, atomically and without metadata.

    Raises
    ------
    HoviewError
        If the format is unknown or the file cannot be written.
    """
    save_pages([array], out)


def save_pages(pages: Sequence[np.ndarray], out: Path, dpi: int | None = None) -> None:
    """Write images to ``out`` atomically, with no metadata beyond the pixels.

    Parameters
    ----------
    pages : sequence of numpy.ndarray
        uint8 grey or RGB arrays; several only for a PDF (one page each).
    out : pathlib.Path
        The file; its ending picks the format (``.pdf`` or one of
        :data:`hoview.render.formats.FORMATS`).
    dpi : int, optional
        Resolution recorded in a PDF, which sets its paper size.

    Raises
    ------
    HoviewError
        If the format is unknown or the file cannot be written.
    """
    is_pdf = out.suffix.lower() == PDF_SUFFIX
    fmt = "PDF" if is_pdf else output_format(out, also=(PDF_SUFFIX,))
    if len(pages) != 1 and not is_pdf:
        raise HoviewError(out, f"{len(pages)} pages need a .pdf output")
    images = [Image.fromarray(grey_if_possible(a)) for a in pages]
    # PNG level 3: half the time of the default level 6 for about a tenth more bytes.
    by_format: dict[str, dict[str, object]] = {
        "JPEG": {"quality": 95},
        "PNG": {"compress_level": 3},
    }
    options = by_format.get(fmt, {})
    if is_pdf:
        options = {
            "save_all": True,
            "append_images": images[1:],
            "resolution": float(dpi or 72),
            **PDF_NO_INFO,
        }
    buffer = io.BytesIO()
    images[0].save(buffer, format=fmt, **options)
    data = buffer.getvalue()
    write_output(out, without_producer_comment(data) if is_pdf else data)


#: Pillow's PDF writer fills Title (the file name), CreationDate and ModDate unless
#: told otherwise; ``None`` leaves each out, so the PDF has no document information.
PDF_NO_INFO: dict[str, None] = {"title": None, "creationDate": None, "modDate": None}
_PILLOW_COMMENT = b"\n% created by Pillow PDF driver\n"


def without_producer_comment(pdf: bytes) -> bytes:
    """Return ``pdf`` with Pillow's header comment blanked, byte for byte.

    The comment names the producing program, as a Producer entry would. It is replaced
    by spaces of the same length, so every object offset in the cross-reference table
    stays right.
    """
    head = pdf[:64]
    at = head.find(_PILLOW_COMMENT)
    if at < 0:
        return pdf
    blank = b"\n%" + b" " * (len(_PILLOW_COMMENT) - 3) + b"\n"
    return pdf[:at] + blank + pdf[at + len(_PILLOW_COMMENT) :]


def grey_if_possible(array: np.ndarray) -> np.ndarray:
    """Return an RGB array whose three channels agree as one grey channel.

    Films with white arrows and white captions are grey: one channel makes the file a
    third of the size and encodes three times faster. Anything else is returned as is.
    """
    if array.ndim == 3 and array.shape[2] == 3:
        red = array[:, :, 0]
        if np.array_equal(red, array[:, :, 1]) and np.array_equal(red, array[:, :, 2]):
            return np.ascontiguousarray(red)
    return np.ascontiguousarray(array)


def write_output(out: Path, data: bytes) -> None:
    """Write an export's bytes to ``out`` atomically, readable as the umask allows.

    Raises
    ------
    HoviewError
        Naming ``out`` if its folder is missing or the file cannot be written.
    """
    folder = out.parent if str(out.parent) else Path(".")
    if not folder.is_dir():
        raise HoviewError(out, "the output folder does not exist")
    try:
        write_atomic(out, data, backup=False)
    except OSError as exc:
        raise HoviewError(out, f"cannot write the file ({exc.strerror or exc})") from exc


def draw_annotations(
    array: np.ndarray,
    document: AnnotationDocument,
    frame: int,
    scale: float,
    layers: Collection[str] | None = None,
    pixel_spacing: tuple[float, float] | None = None,
) -> np.ndarray:
    """Draw a document's visible annotations over a rendered frame.

    Parameters
    ----------
    array : numpy.ndarray
        The frame as :func:`render_frame` made it (grey or RGB uint8).
    document : AnnotationDocument
        The image's annotations.
    frame : int
        The frame number within the image, from 1.
    scale : float
        Output pixels per image pixel (the scale ``array`` was rendered at).
    layers : collection of str, optional
        Layer ids to draw (default: every visible layer).
    pixel_spacing : tuple of float, optional
        For measurements in mm; the document's user calibration, if any, wins.

    Returns
    -------
    numpy.ndarray
        ``(h, w, 3)`` uint8 RGB with the annotations drawn by :func:`paint_annotations`,
        the same function the viewer draws with.
    """
    from PySide6.QtGui import QImage, QPainter, QTransform

    from hoview.render.paint import paint_annotations
    from hoview.render.qimage import array_to_qimage, qimage_to_array

    ensure_gui()
    image = array_to_qimage(array).convertToFormat(QImage.Format.Format_RGB32)
    painter = QPainter(image)
    try:
        paint_annotations(
            painter,
            document,
            QTransform.fromScale(scale, scale),
            frame,
            layers=layers,
            pixel_spacing=pixel_spacing,
        )
    finally:
        painter.end()
    return qimage_to_array(image)


def film_edge_labels(frame: Frame, document: AnnotationDocument | None = None) -> EdgeLabels | None:
    """Return the orientation letters of an exported (unrotated) frame, if known.

    From the sidecar's ``orientation`` when ``document`` states one, else from the
    header's Patient Orientation (0020,0020) or Image Orientation (Patient) (0020,0037).
    """
    from hoview.display.orientation import view_edge_labels

    stated = document.orientation if document is not None else None
    return view_edge_labels(frame.source.metadata, stated)


def draw_orientation_markers(array: np.ndarray, labels: EdgeLabels | None) -> np.ndarray:
    """Return ``array`` (uint8 grey or RGB) as RGB with orientation letters on its edges.

    The letters' size is relative to the image (see
    :func:`hoview.render.paint_text.paint_orientation_markers`); ``labels=None`` draws
    nothing and returns the array as RGB.
    """
    from PySide6.QtCore import QRectF
    from PySide6.QtGui import QImage, QPainter

    from hoview.render.paint_text import paint_orientation_markers
    from hoview.render.qimage import array_to_qimage, qimage_to_array

    ensure_gui()
    image = array_to_qimage(array).convertToFormat(QImage.Format.Format_RGB32)
    if labels is not None:
        painter = QPainter(image)
        try:
            paint_orientation_markers(painter, labels, QRectF(0, 0, image.width(), image.height()))
        finally:
            painter.end()
    return qimage_to_array(image)


def ensure_gui() -> None:
    """Start Qt's GUI layer (offscreen unless a platform is set) so text can be drawn.

    Also paints once, in this thread, everything an annotation paints: PySide6 sets up
    some of its Python types on first use (``QBrush(QColor(...))`` looks up
    ``QGradient.Preset``), and when film threads did that at the same moment one of
    them could find the type half made (``AttributeError: ... has no attribute
    'Preset'``, seen in a montage).
    """
    from PySide6.QtGui import QGuiApplication

    # The painter's modules are imported here too, so film threads never import them.
    from hoview.render import paint, paint_text, qimage  # noqa: F401

    if QGuiApplication.instance() is None:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        ensure_gui.app = QGuiApplication([sys.argv[0] if sys.argv else "hoview"])  # type: ignore[attr-defined]
    if not getattr(ensure_gui, "warmed", False):
        _paint_once()
        ensure_gui.warmed = True  # type: ignore[attr-defined]


def _paint_once() -> None:
    """Draw a tiny annotation-like scene: paths, pens, brushes, text, transforms."""
    from PySide6.QtCore import QPointF, QRectF, Qt
    from PySide6.QtGui import (
        QBrush,
        QColor,
        QFont,
        QImage,
        QPainter,
        QPainterPath,
        QPen,
        QTransform,
    )

    image = QImage(16, 16, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(QColor(0, 0, 0))
    painter = QPainter(image)
    try:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.setTransform(QTransform().scale(1.0, 1.0))
        path = QPainterPath(QPointF(1, 1))
        path.lineTo(QPointF(12, 12))
        path.addText(QPointF(2, 12), QFont("DejaVu Sans", 8), "R")
        pen = QPen(QColor("#000000"), 2.0)
        pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
        pen.setCapStyle(Qt.PenCapStyle.RoundCap)
        painter.strokePath(path, pen)
        painter.fillPath(path, QBrush(QColor("#ffffff")))
        painter.setPen(pen)
        painter.setFont(QFont("DejaVu Sans", 8))
        painter.drawText(QRectF(0, 0, 16, 16), int(Qt.AlignmentFlag.AlignCenter), "L")
    finally:
        painter.end()


def choose_layers(document: AnnotationDocument, names: Sequence[str], sidecar: Path) -> set[str]:
    """Turn layer names (case-insensitive) into layer ids, or say which names exist."""
    ids = set()
    for name in names:
        layer = document.layer_by_name(name)
        if layer is None:
            known = ", ".join(repr(la.name) for la in document.layers) or "none"
            raise HoviewError(sidecar, f"no layer named {name!r} (layers: {known})")
        ids.add(layer.id)
    return ids
