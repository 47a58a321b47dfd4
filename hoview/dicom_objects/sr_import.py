"""``hoview import REPORT.dcm``: a report ``hoview sr`` wrote, back into findings.

Reads the TID 1500 Measurement Report :mod:`hoview.dicom_objects.sr_export` writes:
each TID 1410 group with an Image Region POINT becomes an arrow (head at the point, tail
at the start of its "Path" POLYLINE) with its Finding, Laterality and Grade; each TID
1501 group with a Length and its POLYLINE becomes a ruler, or a gap when it has a
Bridging evaluation (angles are not read back). The Tracking Identifier is
the label (``arrow`` and ``ruler`` mean none).

They go on the layer "SR: findings" of the referenced image's sidecar
(:func:`~hoview.dicom_objects.referenced_image.find_referenced_image`), under the
sidecar's lock. Ids are derived from the Tracking Unique Identifiers, and an
annotation already there (same id, or same kind, frame, points and finding) is not
added again, so importing twice, or into the image the report came from, adds nothing.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pydicom
from pydicom.dataset import Dataset
from pydicom.errors import InvalidDicomError

from hoview.annotations.commands import default_author, layer_for_name
from hoview.annotations.measure_kinds import Gap
from hoview.annotations.model import AnnotationDocument
from hoview.annotations.shapes import Annotation, Arrow, Finding, Ruler
from hoview.dicom_objects import sr_codes
from hoview.dicom_objects.referenced_image import find_referenced_image
from hoview.dicom_objects.sr_export import DEFAULT_NAMES
from hoview.errors import HoviewError
from hoview.terminal import plural

__all__ = ["LAYER_NAME", "import_sr", "read_sr"]

#: The layer imported findings go on.
LAYER_NAME = "SR: findings"
_GROUP = ("125007", "DCM")  # Measurement Group
_TRACKING_ID = ("112039", "DCM")
_TRACKING_UID = ("112040", "DCM")
_IMAGE_REGION = ("111030", "DCM")


def _name(item: Dataset) -> tuple[str, str]:
    seq = item.get("ConceptNameCodeSequence")
    if not seq:
        return "", ""
    return str(seq[0].CodeValue), str(seq[0].CodingSchemeDesignator)


def _code(item: Dataset) -> Dataset | None:
    seq = item.get("ConceptCodeSequence")
    return seq[0] if seq else None


def _concept(code: Any) -> tuple[str, str]:
    return code.value, code.scheme_designator


@dataclass
class _Group:
    """What one measurement group holds, as read."""

    tracking_id: str = ""
    tracking_uid: str = ""
    finding: str | None = None
    laterality: str | None = None
    grade: str | None = None
    suggested_grade: str | None = None
    bridging: bool | None = None  # set: the group is a gap
    head: tuple[float, float] | None = None
    path: list[tuple[float, float]] = field(default_factory=list)
    length: list[tuple[float, float]] = field(default_factory=list)
    image_uid: str = ""
    frame: int = 1


def _points(item: Dataset) -> list[tuple[float, float]]:
    data = [float(v) for v in item.GraphicData]
    return [(data[i], data[i + 1]) for i in range(0, len(data) - 1, 2)]


def _reference(item: Dataset, group: _Group) -> None:
    for child in item.get("ContentSequence", []):
        for ref in child.get("ReferencedSOPSequence", []):
            group.image_uid = group.image_uid or str(ref.ReferencedSOPInstanceUID)
            frames = ref.get("ReferencedFrameNumber")
            if frames is not None:
                group.frame = int(frames[0] if isinstance(frames, list | tuple) else frames)


def _read_group(container: Dataset) -> _Group:
    group = _Group()
    for item in container.get("ContentSequence", []):
        name, kind = _name(item), item.get("ValueType", "")
        if name == _TRACKING_ID:
            group.tracking_id = str(item.TextValue)
        elif name == _TRACKING_UID:
            group.tracking_uid = str(item.UID)
        elif kind == "CODE" and (code := _code(item)) is not None:
            if name == _concept(sr_codes.FINDING):
                group.finding = sr_codes.finding_text(code)
            elif name == _concept(sr_codes.LATERALITY):
                group.laterality = sr_codes.laterality_text(code)
            elif name == _concept(sr_codes.GRADE):
                group.grade = sr_codes.grade_text(code)
            elif name == _concept(sr_codes.SUGGESTED_GRADE):
                group.suggested_grade = sr_codes.grade_text(code)
            elif name == _concept(sr_codes.BRIDGING):
                group.bridging = (
                    str(code.CodeValue),
                    str(code.CodingSchemeDesignator),
                ) == _concept(sr_codes.YES)
        elif kind == "SCOORD" and name == _IMAGE_REGION and item.GraphicType == "POINT":
            group.head = _points(item)[0]
            _reference(item, group)
        elif kind == "SCOORD" and name == _concept(sr_codes.PATH):
            group.path = _points(item)
            _reference(item, group)
        elif kind == "NUM" and name == _concept(sr_codes.LENGTH):
            for child in item.get("ContentSequence", []):
                if child.get("ValueType") == "SCOORD" and child.GraphicType == "POLYLINE":
                    group.length = _points(child)
                    _reference(child, group)
    return group


def _groups(ds: Dataset) -> list[_Group]:
    found: list[_Group] = []

    def walk(items: Any) -> None:
        for item in items:
            if item.get("ValueType") == "CONTAINER" and _name(item) == _GROUP:
                found.append(_read_group(item))
            else:
                walk(item.get("ContentSequence", []))

    walk(ds.get("ContentSequence", []))
    return found


def _annotation_id(group: _Group, index: int) -> str:
    basis = group.tracking_uid or f"{group.image_uid}/{index}"
    return "sr-" + hashlib.sha256(basis.encode()).hexdigest()[:24]


def _label(group: _Group, kind: str) -> str | None:
    text = group.tracking_id.strip()
    return None if not text or text == DEFAULT_NAMES[kind] else text


def read_sr(ds: Dataset) -> tuple[str, list[Annotation]]:
    """Return the referenced image's SOP Instance UID and the annotations of a report.

    Raises
    ------
    ValueError
        If the report holds no finding or length hoview can read.
    """
    annotations: list[Annotation] = []
    image_uids: list[str] = []
    for index, group in enumerate(_groups(ds)):
        if group.head is not None and group.finding:
            tail = group.path[0] if len(group.path) >= 2 else group.head
            if tail == group.head:
                continue  # an arrow needs a direction
            finding = Finding(group.finding, group.laterality, group.grade, group.suggested_grade)
            annotations.append(
                Arrow(
                    id=_annotation_id(group, index),
                    tail=tail,
                    head=group.head,
                    frame=group.frame,
                    label=_label(group, "arrow"),
                    finding=finding,
                )
            )
        elif len(group.length) >= 2 and group.bridging is not None:
            annotations.append(
                Gap(
                    id=_annotation_id(group, index),
                    start=group.length[0],
                    end=group.length[-1],
                    frame=group.frame,
                    label=_label(group, "gap"),
                    bridging=group.bridging,
                )
            )
        elif len(group.length) >= 2:
            annotations.append(
                Ruler(
                    id=_annotation_id(group, index),
                    start=group.length[0],
                    end=group.length[-1],
                    frame=group.frame,
                    label=_label(group, "ruler"),
                )
            )
        else:
            continue
        image_uids.append(group.image_uid)
    if not annotations:
        raise ValueError("no finding or length that hoview reads")
    uids = {u for u in image_uids if u}
    if len(uids) != 1:
        raise ValueError("its findings must reference exactly one image")
    return uids.pop(), annotations


def _same(a: Annotation, b: Annotation) -> bool:
    return (
        a.kind == b.kind
        and a.frame == b.frame
        and all(
            abs(p - q) < 1e-3
            for pa, pb in zip(a.points, b.points, strict=False)
            for p, q in zip(pa, pb, strict=True)
        )
        and len(a.points) == len(b.points)
        and a.finding == b.finding
    )


def import_sr(file: Path, into: Path | None = None) -> str:
    """Add the findings and lengths of a report ``hoview sr`` wrote to an image's sidecar.

    Parameters
    ----------
    file : pathlib.Path
        The report.
    into : pathlib.Path, optional
        The image to add them to; by default the one the report references, found
        beside the report or in its parent folder.

    Returns
    -------
    str
        One line for the terminal.

    Raises
    ------
    HoviewError
        If the report cannot be read, holds nothing hoview reads, its image is not
        found, or the findings do not fit the image.
    """
    from hoview.annotations.sidecar import update
    from hoview.sources.opening import open_image

    file = Path(file)
    try:
        ds = pydicom.dcmread(file)
        image_uid, annotations = read_sr(ds)
    except (InvalidDicomError, OSError, EOFError) as exc:
        raise HoviewError(file, f"cannot read the report ({type(exc).__name__})") from None
    except (ValueError, AttributeError, TypeError, IndexError, KeyError) as exc:
        raise HoviewError(file, f"not a report hoview can import: {exc}") from None
    image = find_referenced_image(file, image_uid, into)
    source = open_image(image)

    def edit(document: AnnotationDocument) -> tuple[int, int]:
        present = list(document.annotations)
        taken = {a.id for a in present}
        new = [
            a for a in annotations if a.id not in taken and not any(_same(a, b) for b in present)
        ]
        if new:
            layer = layer_for_name(document, LAYER_NAME)
            author = default_author()
            document.add_many([a.replace(layer=layer.id, author=author) for a in new])
        return len(new), len(annotations) - len(new)

    try:
        where, (added, skipped) = update(image, source.identity, edit)
    except ValueError as exc:
        raise HoviewError(file, f"its findings do not fit {image.name}: {exc}") from None
    arrows = sum(isinstance(a, Arrow) for a in annotations)
    rulers = len(annotations) - arrows
    line = (
        f"imported {file.name} into {where.name}: {plural(arrows, 'finding')} and "
        f"{plural(rulers, 'length')}, {added} new"
    )
    if skipped:
        line += f", {skipped} already there"
    return line
