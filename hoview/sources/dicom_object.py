"""DICOM files that hold no image: reports, presentation states, key objects, RT objects.

``hoview info`` describes them and a folder scan counts them, instead of refusing them
as "no pixel data". What is said about each comes from its own header: the document
title of an SR or a KOS, the images and graphic layers a presentation state refers to,
the label of an RT plan or structure set.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydicom.dataset import Dataset
from pydicom.uid import UID

from hoview.sources.dicom_header import dicom_metadata, dicom_text


@dataclass
class DicomObject:
    """One DICOM file without pixel data.

    Parameters
    ----------
    path : pathlib.Path
        The file.
    dataset : pydicom.dataset.Dataset
        Its header.

    """

    path: Path
    dataset: Dataset = field(repr=False)

    @property
    def metadata(self) -> dict[str, Any]:
        """Header fields, keyed as :func:`~hoview.sources.dicom_header.dicom_metadata`."""
        return dicom_metadata(self.dataset)

    @property
    def sop_class_name(self) -> str:
        """The SOP Class UID's name, e.g. ``"Basic Text SR Storage"``; ``""`` if absent."""
        uid = str(self.dataset.get("SOPClassUID", "") or "").strip()
        return UID(uid).name if uid else ""

    @property
    def content(self) -> dict[str, Any]:
        """What the object holds, read from its header (see :func:`object_content`)."""
        return object_content(self.dataset)


def _count(items: Any, keyword: str) -> int:
    return sum(len(item.get(keyword) or ()) for item in items or ())


def _text(ds: Dataset, keyword: str) -> str:
    value = ds.get(keyword)
    return "" if value in (None, "") else dicom_text(value).strip()


def object_content(ds: Dataset) -> dict[str, Any]:
    """Summarise what a DICOM object without pixel data holds.

    Parameters
    ----------
    ds : pydicom.dataset.Dataset
        The object's header.

    Returns
    -------
    dict
        Only the keys that apply: ``title`` (Concept Name Code Sequence (0040,A043) of
        an SR or KOS), ``label`` and ``description`` (Content Label (0070,0080) and
        Content Description (0070,0081), RT Plan Label, Structure Set Label),
        ``completion`` and ``verification`` (SR flags), ``content_items`` (top-level
        Content Sequence items), ``referenced_images`` and ``graphic_layers`` and
        ``graphic_annotations`` (presentation states), ``referenced_instances``
        (Current Requested Procedure Evidence (0040,A375) of a KOS or SR), ``rois``
        (RT structure sets), ``beams`` (RT plans).

    """
    content: dict[str, Any] = {}
    concept = ds.get("ConceptNameCodeSequence")
    if concept:
        content["title"] = _text(concept[0], "CodeMeaning")
    for key, keyword in (
        ("label", "ContentLabel"),
        ("label", "RTPlanLabel"),
        ("label", "StructureSetLabel"),
        ("description", "ContentDescription"),
        ("completion", "CompletionFlag"),
        ("verification", "VerificationFlag"),
    ):
        text = _text(ds, keyword)
        if text:
            content.setdefault(key, text)
    if ds.get("ContentSequence") is not None:
        content["content_items"] = len(ds.ContentSequence)
    if ds.get("GraphicLayerSequence") is not None or ds.get("ReferencedSeriesSequence"):
        referenced = _count(ds.get("ReferencedSeriesSequence"), "ReferencedImageSequence")
        if referenced or ds.get("GraphicLayerSequence") is not None:
            content["referenced_images"] = referenced
        layers = ds.get("GraphicLayerSequence")
        if layers is not None:
            content["graphic_layers"] = [_text(layer, "GraphicLayer") for layer in layers]
        if ds.get("GraphicAnnotationSequence") is not None:
            content["graphic_annotations"] = len(ds.GraphicAnnotationSequence)
    evidence = ds.get("CurrentRequestedProcedureEvidenceSequence")
    if evidence is not None:
        series = [s for study in evidence for s in study.get("ReferencedSeriesSequence") or ()]
        content["referenced_instances"] = _count(series, "ReferencedSOPSequence")
    if ds.get("StructureSetROISequence") is not None:
        content["rois"] = len(ds.StructureSetROISequence)
    if ds.get("BeamSequence") is not None:
        content["beams"] = len(ds.BeamSequence)
    return content


def holds_images(ds: Dataset) -> bool:
    """Say whether ``ds``'s SOP Class is an image class (an image without pixels is broken).

    Image classes are those whose name says ``Image Storage`` (CT, CR, Secondary
    Capture...); a data set without SOP Class UID counts as one, since nothing says
    what else it could be.
    """
    uid = str(ds.get("SOPClassUID", "") or "").strip()
    return not uid or "Image Storage" in UID(uid).name
