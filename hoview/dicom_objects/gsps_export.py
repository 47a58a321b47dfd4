"""``hoview gsps``: an image's annotations as a Grayscale Softcopy Presentation State.

A GSPS (PS3.3 A.33.1) references the image by its Study, Series and SOP Instance UIDs
and carries graphics in PIXEL units (C.10.5.1.2), which are hoview's own image
coordinates, so nothing is converted. Each hoview layer becomes a Graphic Layer
(C.10.7) with its name, order and recommended CIELab colour.

Each arrow is written three ways, so that every reader finds a form it draws, the three
sharing one Compound Graphic Instance ID (0070,0226):

1. a text object (C.10.5, Text Object Sequence) whose anchor point is the arrowhead,
   anchor visible, the label in a bounding box at the tail: what Weasis draws as an
   arrow;
2. POLYLINE graphic objects: the shaft, then the two strokes of the head;
3. a compound graphic of type ARROW (C.10.5.1.3: the anchor, i.e. the head, then the
   foot), which highdicom does not build, so pydicom does.

Texts become text objects; rulers a POLYLINE, a text object with the length and a
compound RULER; angles (both arms as one POLYLINE through the vertex), Cobb angles (two
POLYLINEs) and gaps (a POLYLINE and its two end ticks) plain graphic objects and a text
object with the value, in the painter's words (``"37.5°"``, ``"gap 4.0 mm"``,
``"bridging"``). A user calibration overrides the file's spacing for every value and is
written as Presentation Pixel Spacing (0070,0101) in the Displayed Area Selection
Sequence (PS3.3 C.10.4). Read-only kinds from an earlier import go back as the graphic object
they came from (POLYLINE, INTERPOLATED, CIRCLE, ELLIPSE, POINT). Coordinates outside
the image (hoview allows 5 % of margin) are clipped to it, as C.10.5.1.2 and highdicom
require.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pydicom.dataset import Dataset
from pydicom.sequence import Sequence as DicomSequence

from hoview.annotations.codec import annotation_to_json, layer_to_json
from hoview.annotations.model import AnnotationDocument
from hoview.annotations.shapes import Annotation, Layer
from hoview.dicom_objects.gsps_common import code_string_name, hex_to_rgb, uid_from
from hoview.dicom_objects.gsps_graphics import GraphicsBuilder
from hoview.display.attributes import Window
from hoview.errors import HoviewError
from hoview.sources.spacing import calibrated

__all__ = ["build_gsps", "export_gsps", "spatial_transformation"]

#: Series Number (0020,0011) of the presentation states hoview writes.
SERIES_NUMBER = 901


def spatial_transformation(rotation: int, flip_h: bool, flip_v: bool) -> tuple[int, bool]:
    """Return Image Rotation (0070,0042) and Image Horizontal Flip (0070,0041).

    hoview mirrors first (left-right ``flip_h``, top-bottom ``flip_v``) and then
    rotates clockwise; the Spatial Transformation Module rotates clockwise first and
    then flips horizontally (PS3.3 C.10.6, Table C.10-6). A top-bottom mirror is a
    left-right mirror turned by 180 degrees, and a rotation before a mirror is the
    opposite rotation after it.
    """
    if rotation % 90:
        raise ValueError(f"rotation: {rotation} is not a multiple of 90")
    if flip_v:
        flip_h, rotation = not flip_h, rotation + 180
    return (-rotation if flip_h else rotation) % 360, flip_h


#: Which image corners end up top-left and bottom-right of the display, by
#: (Image Rotation, Image Horizontal Flip): "tl", "tr", "bl", "br".
_DISPLAYED_CORNERS = {
    (0, False): ("tl", "br"),
    (90, False): ("bl", "tr"),
    (180, False): ("br", "tl"),
    (270, False): ("tr", "bl"),
    (0, True): ("tr", "bl"),
    (90, True): ("tl", "br"),
    (180, True): ("bl", "tr"),
    (270, True): ("br", "tl"),
}


def _set_displayed_area(ds: Dataset, columns: int, rows: int, rotation: int, flip: bool) -> None:
    """Name the displayed area's corners after the rotation and flip (PS3.3 C.10.4)."""
    corners = {"tl": [1, 1], "tr": [columns, 1], "bl": [1, rows], "br": [columns, rows]}
    top_left, bottom_right = _DISPLAYED_CORNERS[(rotation, flip)]
    for item in ds.get("DisplayedAreaSelectionSequence") or []:
        item.DisplayedAreaTopLeftHandCorner = corners[top_left]
        item.DisplayedAreaBottomRightHandCorner = corners[bottom_right]


def _set_presentation_spacing(ds: Dataset, mm_per_pixel: float) -> None:
    """Write a user calibration as Presentation Pixel Spacing (0070,0101), PS3.3 C.10.4.

    The displayed area's pixel spacing (row, column, in mm) then replaces the image's
    for measurements made on the presentation; Presentation Pixel Aspect Ratio
    (0070,0102) is Type 1C, required only when Presentation Pixel Spacing is absent,
    and the aspect ratio follows from the spacing, so it is taken out.
    """
    value = f"{mm_per_pixel:.10g}"
    if len(value) > 16:  # DS holds 16 characters
        value = f"{mm_per_pixel:.9e}"[:16]
    for item in ds.get("DisplayedAreaSelectionSequence") or []:
        if "PresentationPixelAspectRatio" in item:
            del item.PresentationPixelAspectRatio
        item.PresentationPixelSpacing = [value, value]


def _set_character_set(ds: Dataset) -> None:
    """Declare ISO_IR 192 (UTF-8) when a text is not ASCII (a degree sign, a label).

    Specific Character Set (0008,0005) is Type 1C in the SOP Common Module: required
    when a repertoire other than the default is used.
    """
    for item in ds.get("GraphicAnnotationSequence") or []:
        for text in item.get("TextObjectSequence") or []:
            if not str(text.get("UnformattedTextValue", "") or "").isascii():
                ds.SpecificCharacterSet = "ISO_IR 192"
                return


def _chosen_layers(document: AnnotationDocument, names: Sequence[str], path: Path) -> list[Layer]:
    if not names:
        return [layer for layer in document.layers if layer.visible]
    chosen = []
    for name in names:
        layer = document.layer_by_name(name)
        if layer is None:
            known = ", ".join(repr(la.name) for la in document.layers) or "none"
            raise HoviewError(path, f"no layer named {name!r} (layers: {known})")
        if layer not in chosen:
            chosen.append(layer)
    return sorted(chosen, key=lambda la: la.order)


def _fingerprint(
    image: Dataset, layers: Sequence[Layer], annotations: Sequence[Annotation], options: dict
) -> str:
    """Return the canonical JSON of what is exported, for the SOP Instance UID."""
    data = {
        "image": str(image.SOPInstanceUID),
        "layers": [layer_to_json(layer) for layer in layers],
        "annotations": [annotation_to_json(a) for a in annotations],
        "options": options,
    }
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=True)


def build_gsps(
    image: Dataset,
    document: AnnotationDocument,
    *,
    layers: Sequence[str] = (),
    frame: int | None = None,
    window: Window | None = None,
    geometry: tuple[int, bool, bool] | None = None,
    pixel_spacing: tuple[float, float] | None = None,
    path: Path | None = None,
) -> tuple[Dataset, dict[str, int], int]:
    """Build the presentation state of ``document``'s annotations on ``image``.

    Parameters
    ----------
    image : pydicom.dataset.Dataset
        The image's header (pixel data not needed): its UIDs, size and the patient and
        study modules, which the presentation state copies.
    document : AnnotationDocument
        The image's annotations.
    layers : sequence of str
        Layer names (case-insensitive) to export, shown or hidden; default every
        visible layer.
    frame : int, optional
        Only the annotations on this frame.
    window : Window, optional
        Written as the Softcopy VOI LUT (C.11.8). Without it the image's own VOI, if
        any, is copied, so that a viewer applying the presentation state shows the
        image as its file says.
    geometry : (int, bool, bool), optional
        ``(rotation, flip_h, flip_v)`` of the view, written as the Spatial
        Transformation Module (C.10.6, see :func:`spatial_transformation`); none when
        ``None``.
    pixel_spacing : (float, float), optional
        The image's spacing, for measurements in mm. A user calibration in
        ``document`` overrides it: measurements say "mm calibrated" and the
        calibration is written as Presentation Pixel Spacing (0070,0101) in the
        Displayed Area Selection Sequence (PS3.3 C.10.4).
    path : pathlib.Path, optional
        The image file, for error messages.

    Returns
    -------
    (pydicom.dataset.Dataset, dict, int)
        The presentation state, how many annotations of each kind it holds, and on how
        many layers.

    Raises
    ------
    HoviewError
        If a named layer does not exist, there is nothing to export, or the image is
        not a grey image.
    """
    from highdicom.color import CIELabColor
    from highdicom.pr import (
        GraphicAnnotation,
        GraphicLayer,
        GrayscaleSoftcopyPresentationState,
        SoftcopyVOILUTTransformation,
    )

    import hoview

    where = path if path is not None else Path(str(image.get("SOPInstanceUID", "image")))
    if int(image.get("SamplesPerPixel", 1) or 1) != 1:
        raise HoviewError(
            where, "a grayscale presentation state needs a grey image (1 sample per pixel)"
        )
    chosen = _chosen_layers(document, layers, where)
    ids = {layer.id for layer in chosen}
    annotations = [
        a for a in document.annotations if a.layer in ids and (frame is None or a.frame == frame)
    ]
    calibration = document.calibration
    if calibration is not None:  # a user calibration overrides the file's spacing
        pixel_spacing = calibrated(None, calibration)
    builder = GraphicsBuilder(image, document, pixel_spacing)
    for annotation in annotations:
        builder.add(annotation)
    if not builder.groups and window is None and geometry is None:
        shown = f"on frame {frame} " if frame is not None else ""
        raise HoviewError(where, f"no annotations {shown}on the layers to export")
    taken: set[str] = set()
    dicom_layers: dict[str, Any] = {}
    for layer in chosen:
        if not any(key[0] == layer.id for key in builder.groups):
            continue
        dicom_layers[layer.id] = GraphicLayer(
            layer_name=code_string_name(layer.name, taken),
            order=len(dicom_layers) + 1,
            description=layer.name[:64],
            display_color=CIELabColor.from_rgb(*hex_to_rgb(layer.colour)),
        )
    multiframe = int(image.get("NumberOfFrames", 1) or 1) > 1
    graphic_annotations = []
    for (layer_id, frame_number), group in builder.groups.items():
        item = GraphicAnnotation(
            referenced_images=[image],
            graphic_layer=dicom_layers[layer_id],
            graphic_objects=group["graphics"] or None,
            text_objects=group["texts"] or None,
        )
        if multiframe:  # set here: highdicom allows it only for IODs with frames
            item.ReferencedImageSequence[0].ReferencedFrameNumber = frame_number
        if group["compounds"]:
            item.CompoundGraphicSequence = DicomSequence(group["compounds"])
        graphic_annotations.append(item)

    options = {
        "frame": frame,
        "window": None if window is None else [window.center, window.width, window.function],
        "geometry": None if geometry is None else list(geometry),
        "calibration": None if calibration is None else calibration.mm_per_pixel,
    }
    fingerprint = _fingerprint(image, chosen, annotations, options)
    if window is None:
        window = _first_window(image)
    voi = None
    if window is not None:
        voi = [
            SoftcopyVOILUTTransformation(
                window_center=window.center,
                window_width=window.width,
                voi_lut_function=window.function,
            )
        ]
    ds = GrayscaleSoftcopyPresentationState(
        referenced_images=[image],
        series_instance_uid=uid_from("hoview gsps series", str(image.SeriesInstanceUID)),
        series_number=SERIES_NUMBER,
        sop_instance_uid=uid_from("hoview gsps", fingerprint),
        instance_number=1,
        manufacturer="hoview",
        manufacturer_model_name="hoview",
        software_versions=hoview.__version__,
        device_serial_number="0",
        content_label="HOVIEW",
        content_description="hoview annotations",
        graphic_annotations=graphic_annotations or None,
        graphic_layers=list(dicom_layers.values()) or None,
        voi_lut_transformations=voi,
    )
    if window is not None:  # highdicom splits a string explanation into characters
        ds.SoftcopyVOILUTSequence[0].WindowCenterWidthExplanation = (window.name or "hoview")[:64]
    _series_laterality(ds, image)
    if geometry is not None:
        rotation, flip = spatial_transformation(*geometry)
        ds.ImageRotation = rotation
        ds.ImageHorizontalFlip = "Y" if flip else "N"
        _set_displayed_area(ds, int(image.Columns), int(image.Rows), rotation, flip)
    if calibration is not None:
        _set_presentation_spacing(ds, calibration.mm_per_pixel)
    _set_character_set(ds)
    return ds, {k: v for k, v in builder.counts.items() if v}, len(dicom_layers)


def _series_laterality(ds: Dataset, image: Dataset) -> None:
    """Copy Body Part Examined and set Laterality (General Series, C.7.3.1; Type 2C).

    Laterality is required for a paired body part without Image Laterality; it is
    the image's R or L when it has one, left out for a known body part otherwise,
    and empty (unknown) when the body part is not known either.
    """
    body = str(image.get("BodyPartExamined", "") or "").strip()
    if body:
        ds.BodyPartExamined = body
    laterality = str(image.get("Laterality", "") or image.get("ImageLaterality", "") or "").strip()
    if laterality in ("R", "L"):
        ds.Laterality = laterality
    elif not body:
        ds.Laterality = ""


def _first_window(image: Dataset) -> Window | None:
    """Return the image's first window (0028,1050/1051), if it has one and no VOI LUT.

    A presentation state replaces the image's VOI (PS3.3 C.11.8), so without a window
    of its own it carries the one the image is shown with by default.
    """
    if "VOILUTSequence" in image or "WindowCenter" not in image or "WindowWidth" not in image:
        return None
    try:
        centers, widths = image.WindowCenter, image.WindowWidth
        center = float(centers[0] if isinstance(centers, Sequence) else centers)
        width = float(widths[0] if isinstance(widths, Sequence) else widths)
        function = str(image.get("VOILUTFunction", "") or "LINEAR")
        explanations = image.get("WindowCenterWidthExplanation", "")
        name = str(
            explanations[0]
            if isinstance(explanations, Sequence) and not isinstance(explanations, str)
            else explanations
        )
        return Window(center, width, function, name)
    except (TypeError, ValueError, IndexError):
        return None


def _describe(counts: dict[str, int], layer_count: int) -> str:
    parts = [f"{n} {kind}{'s' if n != 1 else ''}" for kind, n in counts.items()]
    what = ", ".join(parts) or "no annotations"
    return f"{what} on {layer_count} layer{'s' if layer_count != 1 else ''}"


def export_gsps(
    path: Path,
    out: Path,
    *,
    layers: tuple[str, ...] = (),
    frame: int | None = None,
    with_display: bool = False,
    window: tuple[float, float] | None = None,
    deidentify: bool = False,
) -> str:
    """Write the annotations of the DICOM image ``path`` as a GSPS file ``out``.

    Parameters
    ----------
    path : pathlib.Path
        A DICOM image; its sidecar holds the annotations.
    out : pathlib.Path
        The presentation state to write.
    layers : tuple of str
        Layer names to export (shown or hidden); default every visible layer.
    frame : int, optional
        Only this frame's annotations.
    with_display : bool
        Also write a window (``window``, else the image's default window as
        ``hoview render`` shows it) and the sidecar's rotation and flips, if any.
    window : (float, float), optional
        Window centre and width (written even without ``with_display``).
    deidentify : bool
        Apply the PS3.15 basic profile (:mod:`hoview.dicom_objects.deidentify`).

    Returns
    -------
    str
        One line for the terminal, e.g. ``wrote out.dcm: 2 arrows on 1 layer``.

    Raises
    ------
    HoviewError
        If the image is not a grey DICOM image, a layer or frame does not exist,
        there is nothing to export, or ``out`` cannot be written.
    """
    from hoview.annotations.sidecar import load
    from hoview.sources.opening import open_image

    path, out = Path(path), Path(out)
    source = open_image(path)
    image = getattr(source, "dataset", None)
    if image is None:
        raise HoviewError(path, "not a DICOM image: a presentation state references DICOM images")
    if frame is not None and not 1 <= frame <= source.frame_count:
        raise HoviewError(path, f"frame {frame} does not exist: the image has {source.frame_count}")
    document = load(path, source.identity)
    voi, geometry = None, None
    if with_display or window is not None:
        voi = _display_window(source, frame or 1, window)
    if with_display:
        geometry = _stored_geometry(document)
    ds, counts, layer_count = build_gsps(
        image,
        document,
        layers=layers,
        frame=frame,
        window=voi,
        geometry=geometry,
        pixel_spacing=source.pixel_spacing,
        path=path,
    )
    if deidentify:
        from hoview.dicom_objects.deidentify import deidentify_object

        deidentify_object(ds)
    try:
        ds.save_as(out, enforce_file_format=True)
    except OSError as exc:
        raise HoviewError(out, f"cannot write ({exc.strerror or exc})") from None
    return f"wrote {out}: {_describe(counts, layer_count)}"


def _display_window(source: Any, frame: int, window: tuple[float, float] | None) -> Window | None:
    """Return the window ``hoview render`` shows: ``window``, else the default.

    ``None`` for a VOI LUT (the image's is copied).
    """
    if window is not None:
        return Window(window[0], window[1])
    from hoview.display.pipeline import default_voi

    attrs = source.frame_attributes(frame)
    if attrs.voi_luts:
        return None  # highdicom copies the image's VOI LUT
    if attrs.windows:
        return attrs.windows[0]
    voi = default_voi(source.pixels(frame), attrs)
    return voi if isinstance(voi, Window) else None


def _stored_geometry(document: AnnotationDocument) -> tuple[int, bool, bool] | None:
    """Return the rotation and flips the sidecar's view keeps, if any."""
    view = document.view
    if not any(key in view for key in ("rotation", "flip_h", "flip_v")):
        return None
    try:
        rotation = int(view.get("rotation", 0) or 0)
    except (TypeError, ValueError):
        return None
    if rotation % 90:
        return None
    return rotation, bool(view.get("flip_h", False)), bool(view.get("flip_v", False))
