"""What ``hoview annotate`` and ``hoview annotations`` do, without the command line.

No Qt; the image's identity comes from the caller (``ImageSource.identity``).
"""

from __future__ import annotations

import getpass
import os
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from hoview.annotations.brooker import check_gap_target, refresh_suggestions
from hoview.annotations.calibration import USER_CALIBRATION, Calibration
from hoview.annotations.codec import annotation_to_json, layer_to_json
from hoview.annotations.kinds import KINDS
from hoview.annotations.measure_kinds import Gap
from hoview.annotations.measures import measure
from hoview.annotations.model import AnnotationDocument
from hoview.annotations.shapes import Annotation, Layer
from hoview.annotations.sidecar import update
from hoview.annotations.units import SPACING_SOURCES

#: Environment variable naming the author of new annotations.
AUTHOR_ENV = "HOVIEW_AUTHOR"


def default_author() -> str:
    """Return who is annotating: ``$HOVIEW_AUTHOR``, else the login name."""
    name = os.environ.get(AUTHOR_ENV)
    if name:
        return name
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return ""


def layer_for_name(document: AnnotationDocument, name: str | None) -> Layer:
    """Return the layer called ``name`` (case-insensitive), adding it if it is new.

    ``None`` gives the first layer (``"Findings"`` in a new document).
    """
    if name is None:
        if document.layers:
            return document.layers[0]
        return document.add_layer("Findings")
    layer = document.layer_by_name(name)
    return layer if layer is not None else document.add_layer(name)


def measuring_spacing(
    document: AnnotationDocument, file_spacing: tuple[float, float] | None
) -> tuple[tuple[float, float] | None, str]:
    """Return the spacing measurements on ``document``'s image use, and its source.

    A user calibration (:attr:`AnnotationDocument.calibration`) overrides the spacing
    the image file gives (``file_spacing``, with its ``source`` attribute when it is a
    ``hoview.sources.spacing.Spacing``; a plain pair counts as Pixel Spacing).
    """
    calibration = document.calibration
    if calibration is not None:
        return calibration.spacing, USER_CALIBRATION
    if file_spacing is None:
        return None, "pixels"
    return file_spacing, getattr(file_spacing, "source", None) or "pixel-spacing"


def add_annotation(
    image_path: Path,
    identity: Mapping[str, Any],
    annotation: Annotation,
    layer_name: str | None = None,
    notify: Callable[[str], None] | None = None,
    file_spacing: tuple[float, float] | None = None,
) -> tuple[Path, Annotation]:
    """Add one annotation to an image's sidecar and save it, merging.

    The sidecar is re-read under its lock and the annotation added to what is on disk
    then (:func:`hoview.annotations.sidecar.update`), so several ``hoview annotate``
    processes at once, or one beside the viewer's autosave, lose nothing.

    Parameters
    ----------
    image_path : pathlib.Path
        The image; its sidecar is beside it (or in the user data folder when its
        folder cannot be written).
    identity : mapping
        The image's identity (``ImageSource.identity``).
    annotation : Annotation
        What to add; its layer is replaced by ``layer_name``'s.
    layer_name : str, optional
        The layer to put it on, made if missing; default the first layer.
    notify : callable, optional
        Called with a notice to show once (a sidecar from the user data folder merged
        back beside the image).
    file_spacing : (float, float) or None
        The spacing the image file gives (``ImageSource.spacing``): a
        :class:`~hoview.annotations.measure_kinds.Gap` for an arrow suggests that arrow's
        Brooker grade in millimetres (a user calibration first).

    Returns
    -------
    (pathlib.Path, Annotation)
        Where the sidecar was written, and the annotation as stored.

    Raises
    ------
    SidecarError
        If the existing sidecar cannot be read (it is left untouched), or the new one
        cannot be written.
    ValueError
        If the annotation does not fit the image (a point outside it, a frame that
        does not exist), or a gap names an arrow that is missing, on another layer or
        frame, or marks another finding than heterotopic ossification.
    """

    def edit(document: AnnotationDocument) -> Annotation:
        target = None
        if isinstance(annotation, Gap) and annotation.arrow is not None:
            if annotation.arrow not in document:
                raise ValueError(f"arrow: there is no annotation {annotation.arrow!r}")
            target = document.get(annotation.arrow)
        if target is not None and layer_name is None:
            layer = document.layer(target.layer)
        else:
            layer = layer_for_name(document, layer_name)
        added = annotation.replace(layer=layer.id)
        if target is not None:
            assert isinstance(added, Gap)
            check_gap_target(target, added)
        document.add(added)
        if isinstance(added, Gap):
            refresh_suggestions(document, measuring_spacing(document, file_spacing)[0])
        return added

    return update(image_path, identity, edit, notify)


def calibrate(
    image_path: Path,
    identity: Mapping[str, Any],
    calibration: Calibration,
    file_spacing: tuple[float, float] | None = None,
    notify: Callable[[str], None] | None = None,
) -> Path:
    """Set an image's user calibration in its sidecar and save it, merging.

    Brooker suggestions are brought up to date, since the gaps' millimetres change.

    Returns
    -------
    pathlib.Path
        Where the sidecar was written.

    Raises
    ------
    SidecarError
        The sidecar cannot be read (it is left untouched) or written.
    ValueError
        A point outside the image or a frame it lacks.
    """

    def edit(document: AnnotationDocument) -> None:
        document.set_calibration(calibration)
        refresh_suggestions(document, measuring_spacing(document, file_spacing)[0])

    sidecar, _ = update(image_path, identity, edit, notify)
    return sidecar


def document_summary(
    document: AnnotationDocument,
    pixel_spacing: tuple[float, float] | None = None,
    spacing_source: str | None = None,
    calibration_type: str = "",
) -> dict[str, Any]:
    """Describe a document as JSON-ready data: its layers and annotations.

    Parameters
    ----------
    document : AnnotationDocument
        The annotations.
    pixel_spacing : (float, float) or None
        ``(row, column)`` spacing in mm the image's measurements use, or ``None``.
    spacing_source : str, optional
        Where the spacing came from, one of
        :data:`~hoview.annotations.units.SPACING_SOURCES`; by default
        ``"pixel-spacing"`` with a spacing and ``"pixels"`` without.
    calibration_type : str, optional
        Pixel Spacing Calibration Type (0028,0A02), reported when given.

    Returns
    -------
    dict
        ``image``, ``annotations_visible``, ``layers``, ``spacing`` (``row_mm``,
        ``column_mm``, ``source``) and ``annotations``; rulers also get their
        ``length``, ``unit`` (``"mm"`` or ``"px"``) and ``source``, as computed.

    Raises
    ------
    ValueError
        An unknown ``spacing_source``.
    A user calibration in ``document`` overrides ``pixel_spacing`` (source
    ``"user-calibration"``; ``spacing`` then also gives the ``calibration``). Gaps
    report ``length`` (0 when ``bridging``), angles and Cobb angles ``angle`` in
    degrees; every measurement gives its ``unit``, ``source`` and ``value_text`` as the
    painter writes it.
    """
    source = "pixels" if pixel_spacing is None else (spacing_source or "pixel-spacing")
    if source not in SPACING_SOURCES:
        raise ValueError(f"spacing_source must be one of {SPACING_SOURCES}, not {source!r}")
    calibration = document.calibration
    if calibration is not None:
        pixel_spacing, source, calibration_type = calibration.spacing, USER_CALIBRATION, ""
    spacing: dict[str, Any] = {"row_mm": None, "column_mm": None, "source": source}
    if pixel_spacing is not None:
        spacing["row_mm"], spacing["column_mm"] = float(pixel_spacing[0]), float(pixel_spacing[1])
        if calibration_type:
            spacing["calibration_type"] = calibration_type
    if calibration is not None:
        spacing["calibration"] = calibration.to_json()
    annotations = []
    for annotation in document.annotations:
        item = annotation_to_json(annotation)
        measured = measure(annotation, pixel_spacing, source)
        if measured is not None:
            key = "angle" if measured.unit == "deg" else "length"
            item[key], item["unit"], item["source"] = measured.value, measured.unit, source
            item["value_text"] = measured.text
        annotations.append(item)
    return {
        "image": dict(document.identity),
        "annotations_visible": document.annotations_visible,
        "layers": [layer_to_json(layer) for layer in document.layers],
        "spacing": spacing,
        "annotations": annotations,
    }


def format_summary(summary: Mapping[str, Any], sidecar: Path | None) -> str:
    """Turn :func:`document_summary` into lines a person reads.

    One line per layer (shown or hidden, locked, colour, how many annotations), then
    one line per annotation: kind, frame, the name of its layer, points, length,
    label and finding.
    """
    lines = [f"sidecar: {sidecar}" if sidecar else "sidecar: none yet"]
    calibration = summary.get("spacing", {}).get("calibration")
    if calibration:
        (x1, y1), (x2, y2) = calibration["points"]
        lines.append(
            f"calibrated: ({x1:g}, {y1:g}) to ({x2:g}, {y2:g}) is {calibration['length_mm']:g} mm"
            f" ({summary['spacing']['row_mm']:.4g} mm per pixel)"
            + (f", by {calibration['author']}" if calibration.get("author") else "")
        )
    if not summary["annotations_visible"]:
        lines.append("annotations are hidden (the 'without arrows' view)")
    counts: dict[str, int] = {}
    for item in summary["annotations"]:
        counts[item["layer"]] = counts.get(item["layer"], 0) + 1
    for layer in summary["layers"]:
        state = "shown" if layer["visible"] else "hidden"
        lock = ", locked" if layer.get("locked") else ""
        lines.append(
            f"layer {layer['name']!r} ({state}{lock}, {layer['colour']}): "
            f"{counts.get(layer['id'], 0)} annotation(s)"
        )
    names = {layer["id"]: layer["name"] for layer in summary["layers"]}
    for item in summary["annotations"]:
        layer_name = names.get(item["layer"], item["layer"])
        points = _points_text(item)
        text = item.get("label") or item.get("text") or ""
        finding = item.get("finding") or {}
        extra = ", ".join(
            str(v)
            for v in (finding.get("finding"), finding.get("laterality"), finding.get("grade"))
            if v
        )
        if finding.get("suggested_grade"):
            extra += f"{', ' if extra else ''}suggested {finding['suggested_grade']}"
        line = f"  {item['kind']:<5} frame {item['frame']}  layer {layer_name!r}  {points}"
        if not KINDS[item["kind"]].editable:
            line += "  (imported, read-only)"
        if "value_text" in item:
            line += f"  {item['value_text']}"
        if text:
            line += f"  {text!r}"
        if extra:
            line += f"  [{extra}]"
        lines.append(line)
    return "\n".join(lines)


def _points_text(item: Mapping[str, Any]) -> str:
    """Return an annotation's points for a person; a long polyline shows its first ones."""
    points = item["points"]
    shown = points if len(points) <= 8 else points[:3]
    text = "  ".join(f"({x:g}, {y:g})" for x, y in shown)
    if len(points) > len(shown):
        text += f"  ... {len(points)} points"
    if item.get("closed"):
        text += "  closed"
    if item.get("interpolated"):
        text += "  smooth"
    return text
