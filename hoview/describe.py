"""What a path holds, as plain data (for ``hoview info``) and as text for people."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hoview.privacy import IDENTIFYING_FIELDS
from hoview.sources.base import ImageSource, OpenResult, Series

if TYPE_CHECKING:
    from hoview.sources.dicom_object import DicomObject

#: Identifying fields as ``info`` prints them in text, in this order.
IDENTIFIER_LABELS = {
    "patient_name": "patient name",
    "patient_id": "patient ID",
    "patient_birth_date": "birth date",
    "patient_sex": "sex",
    "patient_age": "age",
    "study_date": "study date",
    "study_time": "study time",
    "series_date": "series date",
    "acquisition_date": "acquisition date",
    "accession_number": "accession number",
    "institution_name": "institution",
    "referring_physician": "referring physician",
    "performing_physician": "performing physician",
    "operators_name": "operators",
    "station_name": "station",
}


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
    if image.warnings:
        info["warnings"] = list(image.warnings)
    per_frame = image.per_frame_summary()
    if per_frame is not None:
        info["functional_groups"] = per_frame
    meta = {k: v for k, v in image.metadata.items() if identifiers or k not in IDENTIFYING_FIELDS}
    info["metadata"] = meta
    info["annotations"] = describe_sidecar(image)
    return info


def describe_sidecar(image: ImageSource) -> dict[str, Any]:
    """Say where an image's sidecar is, how many annotations it has, or what is wrong.

    The sidecar may be beside the image or, when that folder cannot be written, in
    the user's data folder; either way this names it.
    """
    from hoview.annotations.sidecar_places import locate

    where = locate(image.path, image.identity)
    if where is None:  # most images: the sidecar reader is not even loaded
        return {"sidecar": None, "count": 0}
    from hoview.annotations import open_annotations

    result = open_annotations(image.path, image.identity)
    if result.error is not None:
        return {"sidecar": str(where), "count": 0, "error": str(result.error)}
    document = result.document
    calibration = document.calibration
    return {
        "sidecar": str(where),
        "count": len(document.annotations),
        "layers": [layer.name for layer in document.layers],
        "visible": document.annotations_visible,
        "calibration_mm_per_pixel": calibration.mm_per_pixel if calibration else None,
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
        "objects": [describe_object(o, identifiers) for o in result.objects],
    }


def describe_object(obj: DicomObject, identifiers: bool = False) -> dict[str, Any]:
    """Describe a DICOM file without pixel data (a report, a presentation state...).

    Parameters
    ----------
    obj : DicomObject
        The file.
    identifiers : bool
        Include fields that identify the patient.

    Returns
    -------
    dict
        ``file``, ``sop_class`` (its name), ``modality``, the study, series and SOP
        Instance UIDs, ``content`` (see :func:`~hoview.sources.dicom_object.object_content`)
        and ``metadata``.

    """
    meta = {k: v for k, v in obj.metadata.items() if identifiers or k not in IDENTIFYING_FIELDS}
    return {
        "file": obj.path.name,
        "sop_class": obj.sop_class_name,
        "modality": meta.get("modality", ""),
        "study_instance_uid": meta.get("study_instance_uid", ""),
        "series_instance_uid": meta.get("series_instance_uid", ""),
        "sop_instance_uid": meta.get("sop_instance_uid", ""),
        "content": obj.content,
        "metadata": meta,
    }


def describe_path(
    path: Path,
    identifiers: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, Any]:
    """Open ``path`` (file, folder or DICOMDIR) and describe it; see :func:`describe_result`.

    ``progress(done, total)`` is called as the files of a folder are read.
    """
    from hoview.errors import NoPixelDataError
    from hoview.sources import open_path
    from hoview.sources.dicom_object import DicomObject

    try:
        result = open_path(path, progress=progress)
    except NoPixelDataError as exc:  # one file holding a report, a plan...: describe it
        result = OpenResult(objects=[DicomObject(path, exc.dataset)])
    return describe_result(path, result, identifiers)


def format_description(description: dict[str, Any]) -> str:
    """Turn :func:`describe_result`'s output into lines a person reads."""
    lines = [description["path"]]
    for study in description["studies"]:
        n = len(study["series"])
        lines.append(f"  Study: {study['description'] or '(no description)'}  ({n} series)")
        first = study["series"][0]["images"][0] if study["series"] else {}
        lines.extend(_identifier_lines(first.get("metadata", {}), "    "))
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
    objects = description.get("objects") or []
    if objects:
        lines.append(f"  Other DICOM objects ({len(objects)}, no image):")
        for obj in objects:
            lines.extend(_object_lines(obj))
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
    if image.get("functional_groups"):
        lines.extend(_functional_group_lines(image["functional_groups"]))
    lines.extend(f"      warning: {warning}" for warning in image.get("warnings", ()))
    notes = image.get("annotations") or {}
    if notes.get("error"):
        lines.append(f"      annotations: cannot be read: {notes['error']}")
    elif notes.get("sidecar"):
        lines.append(f"      annotations: {notes['count']} in {notes['sidecar']}")
    if notes.get("calibration_mm_per_pixel"):
        lines.append(
            f"      calibrated: {notes['calibration_mm_per_pixel']:.4g} mm per pixel "
            "(a line of known length; overrides the file's spacing)"
        )
    return lines


def _identifier_lines(metadata: dict[str, Any], indent: str) -> list[str]:
    """Return a line for each identifying field present (there only when asked for)."""
    return [
        f"{indent}{label}: {_plain_text(metadata[key])}"
        for key, label in IDENTIFIER_LABELS.items()
        if metadata.get(key) not in (None, "")
    ]


def _plain_text(value: Any) -> str:
    return "\\".join(str(v) for v in value) if isinstance(value, list) else str(value)


def _functional_group_lines(groups: dict[str, Any]) -> list[str]:
    lines = []
    rescale = groups.get("first_rescale")
    if groups.get("rescale") and rescale:
        if groups["distinct_rescales"] > 1:
            what = f"{groups['distinct_rescales']} different, per frame"
        else:
            what = f"slope {rescale['slope']:g}, intercept {rescale['intercept']:g}"
            what += f" {rescale['type']}" if rescale.get("type") else ""
            what += f" ({groups['rescale']})"
        lines.append(f"      rescale (functional groups): {what}")
    if groups.get("windows"):
        n = groups["distinct_windows"]
        lines.append(
            f"      frame windows: {n} distinct window{'s' if n != 1 else ''} ({groups['windows']})"
        )
    first, last = groups.get("first_position"), groups.get("last_position")
    if first and last:
        where = ", ".join(f"{v:g}" for v in first) + " to " + ", ".join(f"{v:g}" for v in last)
        order = "sorted by position" if groups.get("slice_order") == "by position" else "file order"
        lines.append(f"      frame positions (mm): {where} ({order})")
    if groups.get("slice_thickness_mm"):
        lines.append(f"      slice thickness: {groups['slice_thickness_mm']:g} mm")
    return lines


def _object_lines(obj: dict[str, Any]) -> list[str]:
    content = obj["content"]
    head = f"    {obj['file']}: {obj['sop_class'] or 'unknown SOP class'}"
    head += f" ({obj['modality']})" if obj.get("modality") else ""
    for key in ("title", "label"):
        if content.get(key):
            head += f'  "{content[key]}"'
            break
    lines = [head]
    details = []
    for key, name in (
        ("content_items", "content items"),
        ("referenced_images", "referenced images"),
        ("graphic_annotations", "graphic annotations"),
        ("referenced_instances", "referenced instances"),
        ("rois", "ROIs"),
        ("beams", "beams"),
    ):
        if key in content:
            details.append(f"{content[key]} {name if content[key] != 1 else name[:-1]}")
    if content.get("graphic_layers"):
        details.append("layers: " + ", ".join(content["graphic_layers"]))
    if details:
        lines.append("      " + "; ".join(details))
    if obj.get("study_instance_uid"):
        lines.append(f"      study {obj['study_instance_uid']}")
    lines.extend(_identifier_lines(obj.get("metadata", {}), "      "))
    return lines
