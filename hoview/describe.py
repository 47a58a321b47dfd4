"""What a path holds, as plain data (for ``hoview info``) and as text for people."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from hoview.sources.base import IDENTIFYING_FIELDS, ImageSource, OpenResult, Series


def describe_image(image: ImageSource, identifiers: bool = False) -> dict[str, Any]:
    """Describe one image file: size, frames, pixel format, windows, overlays.

    Parameters
    ----------
    image : ImageSource
        The image (no pixels are decoded).
    identifiers : bool
        Include fields that identify the patient (name, ID, dates, institution).

    Returns
    -------
    dict
        JSON-ready description.

    """
    attrs = image.attributes
    info: dict[str, Any] = {
        "file": image.path.name,
        "kind": image.kind,
        "columns": image.columns,
        "rows": image.rows,
        "frames": image.frame_count,
        "photometric_interpretation": attrs.photometric,
        "samples_per_pixel": attrs.samples_per_pixel,
        "bits_stored": attrs.bits_stored,
        "signed": attrs.signed,
        "windows": [
            {"name": w.name, "center": w.center, "width": w.width, "function": w.function}
            for w in attrs.windows
        ],
        "voi_luts": len(attrs.voi_luts),
        "pixel_spacing_mm": list(image.pixel_spacing) if image.pixel_spacing else None,
        "identity": image.identity,
    }
    if attrs.rescale_slope != 1 or attrs.rescale_intercept != 0:
        info["rescale"] = {
            "slope": attrs.rescale_slope,
            "intercept": attrs.rescale_intercept,
            "units": attrs.units,
        }
    syntax = getattr(image, "transfer_syntax", None)
    if syntax is not None:
        info["transfer_syntax"] = {"uid": str(syntax), "name": syntax.name}
    if image.kind == "dicom":
        info["overlays"] = len(image.overlays)
    meta = {k: v for k, v in image.metadata.items() if identifiers or k not in IDENTIFYING_FIELDS}
    info["metadata"] = meta
    info["annotations"] = describe_sidecar(image)
    return info


def describe_sidecar(image: ImageSource) -> dict[str, Any]:
    """Say where an image's sidecar is, how many annotations it has, or what is wrong.

    The sidecar may be beside the image or, when that folder cannot be written, in
    the user's data folder; either way this names it.
    """
    from hoview.annotations import locate, open_annotations

    where = locate(image.path, image.identity)
    if where is None:
        return {"sidecar": None, "count": 0}
    result = open_annotations(image.path, image.identity)
    if result.error is not None:
        return {"sidecar": str(where), "count": 0, "error": str(result.error)}
    document = result.document
    return {
        "sidecar": str(where),
        "count": len(document.annotations),
        "layers": [layer.name for layer in document.layers],
        "visible": document.annotations_visible,
    }


def _describe_series(series: Series, identifiers: bool) -> dict[str, Any]:
    return {
        "series_instance_uid": series.uid,
        "number": series.number,
        "modality": series.modality,
        "description": series.description,
        "frames": len(series.frames),
        "images": [describe_image(image, identifiers) for image in series.sources],
    }


def describe_result(path: Path, result: OpenResult, identifiers: bool = False) -> dict[str, Any]:
    """Describe everything an :class:`OpenResult` holds.

    Parameters
    ----------
    path : pathlib.Path
        The path that was opened.
    result : OpenResult
        What opening it found.
    identifiers : bool
        Include fields that identify the patient.

    Returns
    -------
    dict
        ``{"path", "studies": [{..., "series": [...]}], "skipped": {reason: count}}``.

    """
    return {
        "path": str(path),
        "studies": [
            {
                "study_instance_uid": study.uid,
                "description": study.description,
                "series": [_describe_series(s, identifiers) for s in study.series],
            }
            for study in result.studies
        ],
        "skipped": result.skipped_reasons(),
    }


def describe_path(
    path: Path,
    identifiers: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, Any]:
    """Open ``path`` (file, folder or DICOMDIR) and describe it; see :func:`describe_result`.

    ``progress(done, total)`` is called as the files of a folder are read.
    """
    from hoview.sources import open_path

    return describe_result(path, open_path(path, progress=progress), identifiers)


def format_description(description: dict[str, Any]) -> str:
    """Turn :func:`describe_result`'s output into lines a person reads."""
    lines = [description["path"]]
    for study in description["studies"]:
        n = len(study["series"])
        lines.append(f"  Study: {study['description'] or '(no description)'}  ({n} series)")
        for series in study["series"]:
            images = series["images"]
            label = f"Series {series['number']}" if series["number"] is not None else "Series"
            lines.append(
                f"    {label}: {series['modality'] or '-'}  "
                f'"{series["description"]}"  {len(images)} image'
                f"{'s' if len(images) != 1 else ''}, {series['frames']} "
                f"frame{'s' if series['frames'] != 1 else ''}"
            )
            lines.extend(_image_lines(images[0], len(images)))
    skipped = description["skipped"]
    if skipped:
        total = sum(skipped.values())
        lines.append(f"  Skipped {total} file{'s' if total != 1 else ''}:")
        lines.extend(f"    {count} x {reason}" for reason, count in sorted(skipped.items()))
    return "\n".join(lines)


def _image_lines(image: dict[str, Any], count: int) -> list[str]:
    first = "first image: " if count > 1 else ""
    syntax = image.get("transfer_syntax", {}).get("name", "")
    lines = [
        f"      {first}{image['file']}: {image['columns']} x {image['rows']}, "
        f"{image['photometric_interpretation']}, {image['bits_stored']} bits stored"
        + (f", {syntax}" if syntax else "")
    ]
    if image["windows"]:
        windows = ", ".join(f"{w['name']} {w['center']:g}/{w['width']:g}" for w in image["windows"])
        lines.append(f"      windows (centre/width): {windows}")
    if image["pixel_spacing_mm"]:
        rows, cols = image["pixel_spacing_mm"]
        lines.append(f"      pixel spacing: {rows:g} x {cols:g} mm")
    if image.get("overlays"):
        lines.append(f"      overlays: {image['overlays']}")
    notes = image.get("annotations") or {}
    if notes.get("error"):
        lines.append(f"      annotations: cannot be read: {notes['error']}")
    elif notes.get("sidecar"):
        lines.append(f"      annotations: {notes['count']} in {notes['sidecar']}")
    return lines
