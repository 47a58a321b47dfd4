"""Angles, Cobb angles and gaps: their values by hand, their checks and their sidecar round trip."""

from __future__ import annotations

import math

import pytest

from hoview.annotations import Angle, AnnotationDocument, CobbAngle, Gap, Ruler
from hoview.annotations.codec import document_from_json, document_to_json, needed_version
from hoview.annotations.measures import measure

IDENTITY = {"sha256": "ab" * 32, "columns": 1000, "rows": 800, "frames": 3}


def test_a_right_angle_is_90_degrees_whichever_way_it_opens():
    assert Angle(start=(100, 0), vertex=(0, 0), end=(0, 100)).degrees() == pytest.approx(90)
    assert Angle(start=(0, 100), vertex=(0, 0), end=(100, 0)).degrees() == pytest.approx(90)


def test_an_angle_is_measured_in_the_patient_when_the_spacing_differs_along_rows():
    angle = Angle(start=(100, 0), vertex=(0, 0), end=(100, 100))
    assert angle.degrees() == pytest.approx(45)
    # Rows twice as far apart as columns: the arm (100, 100) is (100 mm, 200 mm).
    assert angle.degrees((2.0, 1.0)) == pytest.approx(math.degrees(math.atan(2)))
    assert round(angle.degrees((2.0, 1.0)), 1) == 63.4


def test_a_straight_and_a_null_angle():
    assert Angle(start=(0, 0), vertex=(50, 0), end=(100, 0)).degrees() == pytest.approx(180)
    assert Angle(start=(50, 0), vertex=(50, 0), end=(100, 0)).degrees() == 0.0


def test_the_cobb_angle_is_the_acute_angle_between_the_lines():
    cobb = CobbAngle(
        first_start=(0, 0), first_end=(100, 0), second_start=(0, 0), second_end=(100, 100)
    )
    assert cobb.degrees() == pytest.approx(45)
    # Drawn the other way round: still 45.
    flipped = cobb.replace(points=[(0, 0), (100, 0), (100, 100), (0, 0)])
    assert flipped.degrees() == pytest.approx(45)
    # (100, 0) against (-100, 10): 174.29 between the vectors, 5.71 between the lines.
    shallow = cobb.replace(points=[(0, 0), (100, 0), (200, 0), (100, 10)])
    assert round(shallow.degrees(), 1) == 5.7


def test_a_gap_is_a_length_and_a_bridging_gap_is_zero():
    gap = Gap(start=(0, 0), end=(30, 40))
    assert gap.length() == (50.0, "px")
    assert gap.length((0.2, 0.2)) == (pytest.approx(10.0), "mm")
    assert gap.replace(bridging=True).length((0.2, 0.2)) == (0.0, "mm")


@pytest.mark.parametrize(
    ("bad", "error", "message"),
    [
        ({"bridging": "yes"}, TypeError, "bridging"),
        ({"arrow": "not an id!"}, ValueError, "arrow"),
    ],
)
def test_a_gap_checks_its_own_fields(bad, error, message):
    with pytest.raises(error, match=message):
        Gap(start=(0, 0), end=(1, 1), **bad)


def test_an_angle_has_three_points():
    with pytest.raises(ValueError, match="an angle has 3 points, got 2"):
        Angle(start=(0, 0), vertex=(1, 1), end=(2, 2)).replace(points=[(0, 0), (1, 1)])


@pytest.mark.parametrize(
    ("annotation", "spacing", "source", "text"),
    [
        (Ruler(start=(0, 0), end=(30, 40)), (0.5, 0.5), "pixel-spacing", "25.0 mm"),
        (
            Ruler(start=(0, 0), end=(30, 40)),
            (0.5, 0.5),
            "imager-pixel-spacing",
            "25.0 mm at detector",
        ),
        (Ruler(start=(0, 0), end=(30, 40)), (0.5, 0.5), "user-calibration", "25.0 mm calibrated"),
        (Ruler(start=(0, 0), end=(30, 40)), None, None, "50.0 px"),
        (Angle(start=(100, 0), vertex=(0, 0), end=(0, 100)), None, None, "90.0°"),
        (Gap(start=(0, 0), end=(30, 40), bridging=True), (0.5, 0.5), None, "bridging"),
    ],
)
def test_measure_writes_every_value_one_way(annotation, spacing, source, text):
    measured = measure(annotation, spacing, source)
    assert measured is not None
    assert measured.text == text


def test_kinds_that_measure_nothing_have_no_measurement():
    from hoview.annotations import Arrow

    assert measure(Arrow(tail=(0, 0), head=(5, 5)), (1.0, 1.0)) is None


def test_the_new_kinds_round_trip_through_the_sidecar_as_version_2():
    document = AnnotationDocument(IDENTITY)
    from hoview.annotations import Arrow

    arrow = document.add(Arrow(tail=(10, 10), head=(50, 50), frame=2))
    assert needed_version(document) == 1
    document.add(Angle(start=(100, 0), vertex=(0, 0), end=(0, 100), frame=2))
    document.add(
        CobbAngle(first_start=(0, 0), first_end=(9, 0), second_start=(0, 5), second_end=(9, 9))
    )
    document.add(Gap(start=(60, 60), end=(70, 60), frame=2, bridging=True, arrow=arrow.id))
    data = document_to_json(document)
    assert data["version"] == 2
    gap = data["annotations"][-1]
    assert (gap["kind"], gap["bridging"], gap["arrow"]) == ("gap", True, arrow.id)
    again = document_from_json(data)
    assert again.annotations == document.annotations
