"""``hoview sr``: an image's findings and lengths as a TID 1500 Measurement Report.

A Comprehensive SR (PS3.3 A.35.3) built with highdicom's ``sr`` package, whose content
is TID 1500 "Measurement Report" (PS3.16) with Procedure Reported "Imaging procedure"
and hoview as the device observer (TID 1004). In it:

- each arrow with a structured finding is a TID 1410 "Planar ROI Measurements and
  Qualitative Evaluations" group: the arrowhead as its Image Region (SCOORD POINT),
  the finding as its Finding (121071, DCM), the laterality (272741003, SCT; CID 244) and
  the grade (GRADE, 99HOVIEW) as qualitative evaluations, and the whole arrow, tail to
  head, as a SCOORD POLYLINE "Path" (121055, DCM) in the group (TID 1410 is
  extensible). Its Tracking Identifier is the arrow's label (or ``arrow``), its
  Tracking Unique Identifier derived from the image and the arrow's id;
- each ruler, when the pixel spacing is known, is a TID 1501 group with a Length
  (410668003, SCT) in mm inferred from its two end points (SCOORD POLYLINE);
- each gap (with a spacing), angle and Cobb angle is a TID 1501 group too
  (:mod:`hoview.dicom_objects.sr_measures`); a finding's suggested grade is a
  qualitative evaluation Suggested grade (SUGGESTED-GRADE, 99HOVIEW) beside its Grade.

Lengths use the measuring spacing: a user calibration in the sidecar first
(:func:`hoview.sources.spacing.calibrated`), else the file's.

The codes and the private scheme are in :mod:`hoview.dicom_objects.sr_codes`. The SOP
Instance UID is derived from the image's SOP Instance UID and the exported content, so
the same findings exported twice give the same object. Every layer is reported,
shown or hidden: a report holds all findings.
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path
from typing import Any

import numpy as np
from highdicom.sr import (
    ComprehensiveSR,
    CoordinatesForMeasurement,
    DeviceObserverIdentifyingAttributes,
    ImageRegion,
    Measurement,
    MeasurementReport,
    MeasurementsAndQualitativeEvaluations,
    ObservationContext,
    ObserverContext,
    PlanarROIMeasurementsAndQualitativeEvaluations,
    QualitativeEvaluation,
    ScoordContentItem,
    TrackingIdentifier,
)
from highdicom.sr.enum import RelationshipTypeValues
from pydicom.dataset import Dataset
from pydicom.sequence import Sequence as DicomSequence
from pydicom.sr.codedict import codes
from pydicom.uid import ExplicitVRLittleEndian

from hoview import __version__
from hoview.annotations.codec import annotation_to_json
from hoview.annotations.measure_kinds import Angle, CobbAngle, Gap
from hoview.annotations.shapes import Annotation, Arrow, Ruler
from hoview.dicom_objects import sr_codes
from hoview.dicom_objects.gsps_common import uid_from
from hoview.dicom_objects.sr_measures import angle_group, gap_group, source_image
from hoview.dicom_objects.writing import write_dataset
from hoview.errors import HoviewError
from hoview.sources.spacing import calibrated
from hoview.terminal import plural

__all__ = ["DEVICE_UID", "SR_SERIES_NUMBER", "build_sr", "export_sr", "tracking_uid"]

#: Device Observer UID (0040,A027-like, TID 1004) of hoview, the same in every report.
DEVICE_UID = uid_from("hoview device observer")
#: Series Number (0020,0011) of the reports hoview writes.
SR_SERIES_NUMBER = 9901
#: Tracking Identifier text of an arrow or ruler without a label.
DEFAULT_NAMES = {
    "arrow": "arrow",
    "ruler": "ruler",
    "gap": "gap",
    "angle": "angle",
    "cobb": "Cobb angle",
}


def tracking_uid(image_uid: str, annotation_id: str) -> str:
    """Return the Tracking Unique Identifier of one annotation of one image."""
    return uid_from("hoview sr tracking", image_uid, annotation_id)


def _tracking(image: Dataset, annotation: Annotation) -> TrackingIdentifier:
    name = (annotation.label or "").strip() or DEFAULT_NAMES.get(annotation.kind, annotation.kind)
    return TrackingIdentifier(
        uid=tracking_uid(str(image.SOPInstanceUID), annotation.id), identifier=name[:64]
    )


def _arrow_group(image: Dataset, arrow: Arrow, frames: int) -> Any:
    finding = arrow.finding
    assert finding is not None
    evaluations = []
    if finding.laterality is not None:
        evaluations.append(
            QualitativeEvaluation(sr_codes.LATERALITY, sr_codes.LATERALITIES[finding.laterality])
        )
    if finding.grade:
        evaluations.append(
            QualitativeEvaluation(sr_codes.GRADE, sr_codes.grade_code(finding.grade))
        )
    if finding.suggested_grade:
        evaluations.append(
            QualitativeEvaluation(
                sr_codes.SUGGESTED_GRADE, sr_codes.grade_code(finding.suggested_grade)
            )
        )
    group = PlanarROIMeasurementsAndQualitativeEvaluations(
        tracking_identifier=_tracking(image, arrow),
        referenced_region=ImageRegion(
            "POINT", np.array([arrow.head], dtype=float), source_image(image, arrow.frame, frames)
        ),
        finding_type=sr_codes.finding_code(finding.finding),
        qualitative_evaluations=evaluations or None,
    )
    path = ScoordContentItem(
        name=sr_codes.PATH,
        graphic_type="POLYLINE",
        graphic_data=np.array([arrow.tail, arrow.head], dtype=float),
        relationship_type=RelationshipTypeValues.CONTAINS,
    )
    path.ContentSequence = DicomSequence([source_image(image, arrow.frame, frames)])
    group[0].ContentSequence.append(path)
    return group


def _ruler_group(image: Dataset, ruler: Ruler, frames: int, spacing: tuple[float, float]) -> Any:
    length, _ = ruler.length(spacing)
    measurement = Measurement(
        name=sr_codes.LENGTH,
        value=round(length, 3),
        unit=sr_codes.MILLIMETRE,
        referenced_coordinates=[
            CoordinatesForMeasurement(
                "POLYLINE",
                np.array([ruler.start, ruler.end], dtype=float),
                source_image(image, ruler.frame, frames),
            )
        ],
    )
    return MeasurementsAndQualitativeEvaluations(
        tracking_identifier=_tracking(image, ruler), measurements=[measurement]
    )


def _fingerprint(image: Dataset, annotations: list[Annotation], spacing: Any) -> str:
    data = {
        "image": str(image.SOPInstanceUID),
        "annotations": [annotation_to_json(a) for a in annotations],
        "pixel_spacing": list(spacing) if spacing else None,
    }
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=True)


def build_sr(
    image: Dataset,
    annotations: list[Annotation],
    pixel_spacing: tuple[float, float] | None,
    frames: int = 1,
) -> tuple[Dataset, dict[str, int]]:
    """Build the report of ``annotations`` on ``image``.

    Parameters
    ----------
    image : pydicom.dataset.Dataset
        The image's header (patient, study and UIDs are taken from it).
    annotations : list of Annotation
        The image's annotations; arrows with a finding, rulers, gaps, angles and Cobb
        angles are reported.
    pixel_spacing : (float, float) or None
        The measuring row and column spacing in mm (a user calibration first:
        :func:`hoview.sources.spacing.calibrated`); without it rulers and gaps are left
        out (angles are then measured on the pixel grid).
    frames : int
        The image's number of frames (frame numbers are referenced when above 1).

    Returns
    -------
    (pydicom.dataset.Dataset, dict)
        The report, and counts: ``findings``, ``lengths`` (rulers and gaps),
        ``angles``, ``rulers_left_out``, ``gaps_left_out``, ``arrows_left_out``
        (arrows without a finding).

    Raises
    ------
    ValueError
        If there is nothing to report.
    """
    arrows = [a for a in annotations if isinstance(a, Arrow) and a.finding is not None]
    rulers = [a for a in annotations if isinstance(a, Ruler)]
    gaps = [a for a in annotations if isinstance(a, Gap)]
    angles = [a for a in annotations if isinstance(a, (Angle, CobbAngle))]
    lengths: list[Annotation] = [*rulers, *gaps] if pixel_spacing else []
    counts = {
        "findings": len(arrows),
        "lengths": len(lengths),
        "angles": len(angles),
        "rulers_left_out": 0 if pixel_spacing else len(rulers),
        "gaps_left_out": 0 if pixel_spacing else len(gaps),
        "arrows_left_out": sum(isinstance(a, Arrow) and a.finding is None for a in annotations),
    }
    groups: list[Any] = [_arrow_group(image, a, frames) for a in arrows]
    if pixel_spacing:
        groups += [_ruler_group(image, r, frames, pixel_spacing) for r in rulers]
        by_id = {a.id: a for a in annotations if isinstance(a, Arrow)}
        groups += [
            gap_group(image, g, frames, pixel_spacing, _tracking(image, g), by_id) for g in gaps
        ]
    groups += [angle_group(image, a, frames, pixel_spacing, _tracking(image, a)) for a in angles]
    if not groups:
        raise ValueError("nothing to report")
    reported: list[Annotation] = [*arrows, *lengths, *angles]
    observer = ObserverContext(
        observer_type=codes.DCM.Device,
        observer_identifying_attributes=DeviceObserverIdentifyingAttributes(
            uid=DEVICE_UID,
            name="hoview",
            manufacturer_name="hoview",
            model_name=f"hoview {__version__}"[:64],
        ),
    )
    report = MeasurementReport(
        observation_context=ObservationContext(
            observer_person_context=None, observer_device_context=observer
        ),
        procedure_reported=sr_codes.IMAGING_PROCEDURE,
        imaging_measurements=groups,
    )
    fingerprint = _fingerprint(image, reported, pixel_spacing)
    ds = ComprehensiveSR(
        evidence=[image],
        content=report,
        series_instance_uid=uid_from("hoview sr series", str(image.SOPInstanceUID)),
        series_number=SR_SERIES_NUMBER,
        sop_instance_uid=uid_from("hoview sr", fingerprint),
        instance_number=1,
        manufacturer="hoview",
        series_description="hoview findings",
        transfer_syntax_uid=ExplicitVRLittleEndian,
    )
    ds.CodingSchemeIdentificationSequence = [sr_codes.private_scheme_item()]
    return ds, counts


def _describe(out: Path, counts: dict[str, int]) -> str:
    line = f"wrote {out}: {plural(counts['findings'], 'finding')}, "
    line += plural(counts["lengths"], "length")
    if counts.get("angles"):
        line += f", {plural(counts['angles'], 'angle')}"
    left_out = [
        plural(counts[key], word)
        for key, word in (("rulers_left_out", "ruler"), ("gaps_left_out", "gap"))
        if counts.get(key)
    ]
    if left_out:
        line += (
            f"; {' and '.join(left_out)} left out: the image has no "
            "pixel spacing to give lengths in mm"
        )
    if counts["arrows_left_out"]:
        line += (
            f"; {plural(counts['arrows_left_out'], 'arrow')} without a structured finding left out"
        )
    return line


def export_sr(path: Path, out: Path, *, deidentify: bool = False) -> str:
    """Write the findings and lengths of the image ``path`` as a TID 1500 report.

    Parameters
    ----------
    path : pathlib.Path
        A DICOM image with a sidecar.
    out : pathlib.Path
        The report to write.
    deidentify : bool
        Apply the PS3.15 basic profile (:mod:`hoview.dicom_objects.deidentify`): the
        report then references the image's de-identified plain film.

    Returns
    -------
    str
        One line for the terminal, without patient identifiers.

    Raises
    ------
    HoviewError
        If the image is not DICOM, has no findings or rulers to report, or ``out``
        cannot be written.
    """
    from hoview.annotations.sidecar import load
    from hoview.sources.opening import open_image

    path, out = Path(path), Path(out)
    source = open_image(path)
    image = getattr(source, "dataset", None)
    if image is None:
        raise HoviewError(path, "not a DICOM image: a structured report references DICOM images")
    document = load(path, source.identity)
    spacing = calibrated(source.spacing, document.calibration)  # a user calibration first
    try:
        with warnings.catch_warnings():
            # highdicom's warnings quote header values (a patient's name): keep them
            # off the terminal.
            warnings.simplefilter("ignore")
            ds, counts = build_sr(image, list(document.annotations), spacing, source.frame_count)
    except ValueError:
        unmeasured = [
            plural(n, word)
            for kind, word in ((Ruler, "ruler"), (Gap, "gap"))
            if (n := sum(isinstance(a, kind) for a in document.annotations))
        ]
        why = (
            f" ({' and '.join(unmeasured)} without a pixel spacing to give mm)"
            if unmeasured
            else ""
        )
        raise HoviewError(
            path,
            "nothing to report: no arrow with a structured finding, no length and no angle" + why,
        ) from None
    if deidentify:
        from hoview.dicom_objects.deidentify import deidentify_object

        deidentify_object(ds)
    write_dataset(ds, out)
    return _describe(out, counts)
