"""The measurement groups of gaps and angles in hoview's TID 1500 reports.

Used by :mod:`hoview.dicom_objects.sr_export`; codes in
:mod:`hoview.dicom_objects.sr_codes`.

- A gap (the distance between two bone surfaces, Brooker et al. 1973, see
  :mod:`hoview.annotations.brooker`) is a TID 1501 group like a ruler's: a Length
  (410668003, SCT) in mm inferred from its two points (SCOORD POLYLINE), 0 when it is
  marked bridging, with a qualitative evaluation Bridging (BRIDGING, 99HOVIEW) Yes or
  No; its Tracking Identifier is its label, else ``gap``. When the gap names an arrow
  whose finding it measures, the group's Finding is that arrow's finding.
- An angle is a TID 1501 group with an Angle (1483009, SCT), a Cobb angle one with a
  Cobb angle (285285000, SCT), in degrees (deg, UCUM), inferred from the arms (one
  POLYLINE through the vertex) or the two lines (two POLYLINEs). The value is in the
  patient when the spacing is known (unequal row and column spacing counts), else on
  the image's pixel grid.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from highdicom.sr import (
    CoordinatesForMeasurement,
    Measurement,
    MeasurementsAndQualitativeEvaluations,
    QualitativeEvaluation,
    SourceImageForRegion,
    TrackingIdentifier,
)
from pydicom.dataset import Dataset

from hoview.annotations.measure_kinds import Angle, CobbAngle, Gap
from hoview.annotations.shapes import Arrow
from hoview.dicom_objects import sr_codes

__all__ = ["angle_group", "gap_group", "source_image"]


def source_image(image: Dataset, frame: int, frames: int) -> SourceImageForRegion:
    """Return the reference to ``image`` (and ``frame`` when it has several frames)."""
    return SourceImageForRegion(
        referenced_sop_class_uid=str(image.SOPClassUID),
        referenced_sop_instance_uid=str(image.SOPInstanceUID),
        referenced_frame_numbers=[frame] if frames > 1 else None,
    )


def _coordinates(
    image: Dataset, lines: Sequence[Sequence[tuple[float, float]]], frame: int, frames: int
) -> list[CoordinatesForMeasurement]:
    return [
        CoordinatesForMeasurement(
            "POLYLINE", np.array(line, dtype=float), source_image(image, frame, frames)
        )
        for line in lines
    ]


def gap_group(
    image: Dataset,
    gap: Gap,
    frames: int,
    spacing: tuple[float, float],
    tracking: TrackingIdentifier,
    arrows: dict[str, Arrow],
) -> Any:
    """Return a gap's TID 1501 group (its length in mm, 0 when bridging).

    Parameters
    ----------
    image : pydicom.dataset.Dataset
        The image header.
    gap : Gap
        The gap.
    frames : int
        The image's number of frames.
    spacing : (float, float)
        The measuring spacing in mm (a user calibration first).
    tracking : TrackingIdentifier
        The group's tracking identifier.
    arrows : dict
        The image's arrows by id, for the finding the gap measures.
    """
    length, _ = gap.length(spacing)
    measurement = Measurement(
        name=sr_codes.LENGTH,
        value=round(length, 3),
        unit=sr_codes.MILLIMETRE,
        referenced_coordinates=_coordinates(image, [[gap.start, gap.end]], gap.frame, frames),
    )
    arrow = arrows.get(gap.arrow) if gap.arrow else None
    finding = arrow.finding if arrow is not None else None
    return MeasurementsAndQualitativeEvaluations(
        tracking_identifier=tracking,
        finding_type=sr_codes.finding_code(finding.finding) if finding is not None else None,
        measurements=[measurement],
        qualitative_evaluations=[
            QualitativeEvaluation(sr_codes.BRIDGING, sr_codes.YES if gap.bridging else sr_codes.NO)
        ],
    )


def angle_group(
    image: Dataset,
    angle: Angle | CobbAngle,
    frames: int,
    spacing: tuple[float, float] | None,
    tracking: TrackingIdentifier,
) -> Any:
    """Return an angle's or a Cobb angle's TID 1501 group, in degrees.

    ``spacing`` (mm, or ``None``) makes the angle the patient's when rows and columns
    are spaced differently.
    """
    if isinstance(angle, Angle):
        name = sr_codes.ANGLE
        lines = [[angle.start, angle.vertex, angle.end]]
    else:
        name = sr_codes.COBB_ANGLE
        lines = [[angle.first_start, angle.first_end], [angle.second_start, angle.second_end]]
    measurement = Measurement(
        name=name,
        value=round(angle.degrees(spacing), 3),
        unit=sr_codes.DEGREE,
        referenced_coordinates=_coordinates(image, lines, angle.frame, frames),
    )
    return MeasurementsAndQualitativeEvaluations(
        tracking_identifier=tracking, measurements=[measurement]
    )
