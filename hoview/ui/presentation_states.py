"""Presentation states beside the images: their series, and what they draw.

What a presentation state draws becomes a read-only document over its image (PS3.3
A.33.1, C.10.5, C.10.7). No widgets here: the series panel lists the
:class:`PresentationEntry` items :func:`match_presentations` finds, and
:func:`open_presentation` turns one into the
:class:`~hoview.ui.annotation_session.Presentation` the session store shows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from pydicom.dataset import Dataset

from hoview.annotations import AnnotationDocument, Layer
from hoview.dicom_objects.gsps_common import GSPS_CLASS
from hoview.dicom_objects.gsps_display import read_display
from hoview.dicom_objects.gsps_import import ImageGraphics, read_gsps
from hoview.dicom_objects.importing import SR_CLASSES
from hoview.dicom_objects.sr_import import LAYER_NAME as SR_LAYER_NAME
from hoview.dicom_objects.sr_import import read_sr
from hoview.display.attributes import Window
from hoview.errors import HoviewError
from hoview.sources.base import ImageSource, Series
from hoview.sources.dicom_object import DicomObject
from hoview.ui.annotation_session import Presentation

if TYPE_CHECKING:
    from hoview.ui.canvas import ViewerCanvas

__all__ = [
    "PresentationEntry",
    "match_presentations",
    "open_presentation",
    "presentation_name",
    "show_as_presented",
]


@dataclass(frozen=True)
class PresentationEntry:
    """A presentation state of the open folder and the image it draws on.

    Attributes
    ----------
    name : str
        What the series panel calls it (:func:`presentation_name`).
    series_index : int
        The series holding its image.
    frame_index : int
        The frame of that series (from 0) it draws on first.
    item : DicomObject
        The presentation state file and its header.
    kind : str
        ``"Presentation state"``, or ``"Report"`` for a structured report whose
        findings hoview reads (TID 1500, as ``hoview sr`` writes).
    """

    name: str
    series_index: int
    frame_index: int
    item: DicomObject
    kind: str = "Presentation state"


def presentation_name(ds: Dataset) -> str:
    """Return a presentation state's name, never a UID.

    Its Content Label (0070,0080), else its Content Description (0070,0081), else
    "unnamed".
    """
    for keyword in ("ContentLabel", "ContentDescription"):
        text = str(ds.get(keyword, "") or "").strip()
        if text:
            return text
    return "unnamed"


def _sop_uid(source: ImageSource) -> str:
    dataset = getattr(source, "dataset", None)  # DICOM images only: no hashing of rasters
    return str(dataset.get("SOPInstanceUID", "") or "").strip() if dataset is not None else ""


#: What the series panel calls each kind of object it lists under a series.
KIND_GSPS, KIND_REPORT = "Presentation state", "Report"
#: The id of the read-only layer a report's findings are shown on.
SR_LAYER_ID = "sr-findings"


def report_name(ds: Dataset) -> str:
    """Return a report's name: its document title's meaning, else "report"."""
    for code in ds.get("ConceptNameCodeSequence") or []:
        text = str(code.get("CodeMeaning", "") or "").strip()
        if text:
            return text
    return "report"


def _report_references(ds: Dataset) -> list[tuple[str, tuple[int, ...]]]:
    """Return the image a report's findings are on, if hoview reads the report."""
    try:
        uid, annotations = read_sr(ds)
    except (ValueError, TypeError, AttributeError, KeyError, IndexError):
        return []  # not one hoview reads: left to `hoview info`
    return [(uid, tuple(sorted({a.frame for a in annotations})))]


def _report_graphics(ds: Dataset, path: Path) -> ImageGraphics:
    """Return a report's findings and lengths as graphics on the layer "SR: findings"."""
    try:
        uid, annotations = read_sr(ds)
    except (ValueError, TypeError, AttributeError, KeyError, IndexError) as exc:
        raise HoviewError(path, f"cannot read its findings: {exc}") from None
    layer = Layer(name=SR_LAYER_NAME, id=SR_LAYER_ID)
    moved = [a.replace(layer=layer.id) for a in annotations]
    return ImageGraphics(uid, (), [layer], moved)


def _references(ds: Dataset) -> list[tuple[str, tuple[int, ...]]]:
    """Return the referenced images (and frames), in file order.

    From the Presentation State Relationship Module (C.11.11) and each Graphic
    Annotation Sequence item (C.10.5).
    """
    refs = [
        ref
        for series in ds.get("ReferencedSeriesSequence") or []
        for ref in series.get("ReferencedImageSequence") or []
    ]
    for item in ds.get("GraphicAnnotationSequence") or []:
        refs.extend(item.get("ReferencedImageSequence") or [])
    out = []
    for ref in refs:
        uid = str(ref.get("ReferencedSOPInstanceUID", "") or "").strip()
        frames = ref.get("ReferencedFrameNumber")
        values = [] if frames is None else [frames] if isinstance(frames, int) else list(frames)
        numbers = tuple(int(f) for f in values)
        if uid:
            out.append((uid, numbers))
    return out


def match_presentations(
    series: Sequence[Series], objects: Sequence[DicomObject]
) -> list[PresentationEntry]:
    """Find the series (and frame) of each grayscale softcopy presentation state.

    Parameters
    ----------
    series : sequence of Series
        The open series, in panel order.
    objects : sequence of DicomObject
        The files without pixels the folder holds (``OpenResult.objects``).

    Returns
    -------
    list of PresentationEntry
        One per presentation state whose image is open, by series, then file order.
        A presentation state whose images are not open is not listed.
    """
    where: dict[str, list[tuple[int, int, int]]] = {}
    for s_index, one in enumerate(series):
        for f_index, frame in enumerate(one.frames):
            uid = _sop_uid(frame.source)
            if uid:
                where.setdefault(uid, []).append((s_index, f_index, frame.number))
    found = []
    for item in objects:
        sop_class = str(item.dataset.get("SOPClassUID", "") or "").strip()
        if sop_class == GSPS_CLASS:
            kind, references = KIND_GSPS, _references(item.dataset)
            name = presentation_name(item.dataset)
        elif sop_class in SR_CLASSES:
            kind, references = KIND_REPORT, _report_references(item.dataset)
            name = report_name(item.dataset)
        else:
            continue
        for uid, numbers in references:
            places = where.get(uid, [])
            chosen = [p for p in places if not numbers or p[2] in numbers] or places
            if chosen:
                s_index, f_index, _ = chosen[0]
                found.append(PresentationEntry(name, s_index, f_index, item, kind))
                break
    found.sort(key=lambda entry: entry.series_index)  # stable: file order within a series
    return found


def open_presentation(entry: PresentationEntry, source: ImageSource) -> Presentation:
    """Read what ``entry`` draws on ``source`` as a read-only document.

    Parameters
    ----------
    entry : PresentationEntry
        The presentation state.
    source : ImageSource
        The image it draws on (the one on screen).

    Returns
    -------
    Presentation
        Its graphics in a document with the image's identity and locked layers;
        objects hoview cannot place on this image (outside it, on a frame it lacks)
        are left out.

    Raises
    ------
    HoviewError
        If its graphics cannot be read or it draws nothing on this image.
    """
    path = entry.item.path
    if entry.kind == KIND_REPORT:
        graphics: ImageGraphics | None = _report_graphics(entry.item.dataset, path)
        if graphics is not None and graphics.sop_instance_uid != _sop_uid(source):
            graphics = None
    else:
        try:
            content = read_gsps(entry.item.dataset)
        except (TypeError, ValueError, AttributeError, KeyError) as exc:
            raise HoviewError(path, f"cannot read its graphics: {exc}") from None
        graphics = content.images.get(_sop_uid(source))
    if graphics is None:
        raise HoviewError(path, "draws nothing on the image shown")
    layers = sorted(graphics.layers, key=lambda layer: layer.order)
    document = AnnotationDocument(
        source.identity, layers=[la.replace(order=i) for i, la in enumerate(layers)]
    )
    for annotation in graphics.annotations:
        try:
            document.add(annotation)
        except ValueError:
            continue  # outside the image or on a frame it does not have
    for layer in document.layers:
        document.update_layer(layer.id, locked=True)
    return Presentation(entry.name, path, document, graphics, entry.kind)


def show_as_presented(canvas: ViewerCanvas, entry: PresentationEntry) -> None:
    """Show the canvas's image with the window, rotation and flip ``entry`` sets.

    A presentation state says how its image is to be seen (PS3.3 C.11.8, C.10.6), as
    Weasis and DCMTK show it; what it leaves out, the view keeps. View -> Reset view
    (Ctrl+R) goes back to the file's own window and no rotation.
    """
    frame = canvas.frame
    if frame is None or entry.kind != KIND_GSPS:  # a report says nothing of the view
        return
    display = read_display(entry.item.dataset, _sop_uid(frame.source))
    shown, wanted = canvas.state.window, display.window
    same = isinstance(shown, Window) and wanted is not None
    if same and (shown.center, shown.width) == (wanted.center, wanted.width):  # type: ignore[union-attr]
        wanted = None  # the window on screen already, keep its name
    if wanted is not None:
        canvas.set_window(wanted)
    geometry = canvas.state.geometry
    if geometry is None:
        return
    turned = replace(geometry, rotation=display.rotation, flip_h=display.flip_h, flip_v=False)
    if turned != geometry:
        canvas.set_geometry(turned, fitted=canvas.state.fitted)
        if canvas.state.fitted:
            canvas.fit()
