"""What ``hoview annotate`` and ``hoview annotations`` do, without the command line.

No Qt; the image's identity comes from the caller (``ImageSource.identity``).
"""

from __future__ import annotations

import getpass
import os
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from hoview.annotations.codec import annotation_to_json, layer_to_json
from hoview.annotations.model import AnnotationDocument
from hoview.annotations.shapes import KINDS, Annotation, Layer, Ruler
from hoview.annotations.sidecar import update
from hoview.annotations.units import SPACING_SOURCES, unit_text

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


def add_annotation(
    image_path: Path,
    identity: Mapping[str, Any],
    annotation: Annotation,
    layer_name: str | None = None,
    notify: Callable[[str], None] | None = None,
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
        does not exist).
    """

    def edit(document: AnnotationDocument) -> Annotation:
        layer = layer_for_name(document, layer_name)
        return document.add(annotation.replace(layer=layer.id))

    return update(image_path, identity, edit, notify)


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
    """
    source = "pixels" if pixel_spacing is None else (spacing_source or "pixel-spacing")
    if source not in SPACING_SOURCES:
        raise ValueError(f"spacing_source must be one of {SPACING_SOURCES}, not {source!r}")
    spacing: dict[str, Any] = {"row_mm": None, "column_mm": None, "source": source}
    if pixel_spacing is not None:
        spacing["row_mm"], spacing["column_mm"] = float(pixel_spacing[0]), float(pixel_spacing[1])
        if calibration_type:
            spacing["calibration_type"] = calibration_type
    annotations = []
    for annotation in document.annotations:
        item = annotation_to_json(annotation)
        if isinstance(annotation, Ruler):
            item["length"], item["unit"] = annotation.length(pixel_spacing)
            item["source"] = source
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
        line = f"  {item['kind']:<5} frame {item['frame']}  layer {layer_name!r}  {points}"
        if not KINDS[item["kind"]].editable:
            line += "  (imported, read-only)"
        if "length" in item:
            line += f"  {item['length']:.1f} {unit_text(item['unit'], item.get('source'))}"
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
