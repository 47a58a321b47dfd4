"""Corner text: what the viewer writes in its four corners, and what it never writes."""

from __future__ import annotations

import pytest

from hoview.display.corner_text import (
    CORNERS,
    corner_text,
    dicom_date,
    dicom_time,
    person_name,
)
from hoview.privacy import IDENTIFYING_FIELDS

#: Made-up identifying values, each easy to find in the output.
IDENTIFYING = {
    "patient_name": "TEST^PATIENT",
    "patient_id": "ID-123",
    "patient_birth_date": "19700101",
    "patient_sex": "F",
    "patient_age": "054Y",
    "study_date": "20240312",
    "study_time": "143005.123",
    "series_date": "20240313",
    "acquisition_date": "20240314",
    "accession_number": "ACC-987",
    "institution_name": "SOME HOSPITAL",
    "referring_physician": "REFERRER^ROSA",
    "performing_physician": "PERFORMER^PAT",
    "operators_name": "OPERATOR^OLLY",
    "station_name": "STATION-7",
}

CT = {
    **IDENTIFYING,
    "modality": "CT",
    "body_part": "PELVIS",
    "study_description": "CT PELVIS HO",
    "series_number": 3,
    "series_description": "AXIAL 3MM",
    "image_position": [-175.0, -180.5, -52.0],
    "image_orientation": [1, 0, 0, 0, 1, 0],
    "slice_thickness": 3.0,
    "sop_instance_uid": "1.2.3.4",
}

VIEW = {
    "window_center": 40.0,
    "window_width": 400.0,
    "zoom": 0.5123,
    "frame_index": 2,
    "frame_count": 40,
    "rotation": 0,
    "flip_h": False,
    "flip_v": False,
    "invert": False,
}


def everything(corners: dict[str, list[str]]) -> str:
    return "\n".join(line for corner in CORNERS for line in corners[corner])


def test_the_test_values_cover_every_identifying_field() -> None:
    assert set(IDENTIFYING) == IDENTIFYING_FIELDS


def test_normal_mode_lays_out_the_four_corners() -> None:
    corners = corner_text(CT, VIEW, anonymous=False)
    assert list(corners) == list(CORNERS)
    assert corners["top_left"] == ["TEST, PATIENT", "ID: ID-123", "DOB: 1970-01-01  F  54Y"]
    assert corners["top_right"] == [
        "SOME HOSPITAL",
        "2024-03-12 14:30:05",
        "CT PELVIS HO",
        "Se: 3  AXIAL 3MM",
        "Acc: ACC-987",
    ]
    assert corners["bottom_left"] == ["CT  PELVIS", "Im: 3 / 40", "Z: -52.0 mm  Thk: 3.0 mm"]
    assert corners["bottom_right"] == ["W: 400 L: 40", "Zoom: 51%"]


def test_anonymous_mode_shows_no_identifying_value() -> None:
    corners = corner_text(CT, VIEW, anonymous=True)
    text = everything(corners)
    shown_forms = {
        "TEST",
        "PATIENT",
        "ID-123",
        "1970",
        "2024",
        "14:30",
        "1430",
        "54Y",
        "ACC-987",
        "HOSPITAL",
        "REFERRER",
        "PERFORMER",
        "OPERATOR",
        "STATION",
        "DOB",
        "Acc:",
    }
    for value in [*IDENTIFYING.values(), *shown_forms]:
        assert value not in text, value
    assert corners["top_left"] == []
    # What does not identify the patient stays.
    assert corners["top_right"] == ["CT PELVIS HO", "Se: 3  AXIAL 3MM"]
    assert corners["bottom_left"] == ["CT  PELVIS", "Im: 3 / 40", "Z: -52.0 mm  Thk: 3.0 mm"]
    assert corners["bottom_right"] == ["W: 400 L: 40", "Zoom: 51%"]


def test_sex_alone_is_identifying() -> None:
    corners = corner_text({"patient_sex": "M", "modality": "DX"}, {}, anonymous=True)
    assert corners == {"top_left": [], "top_right": [], "bottom_left": ["DX"], "bottom_right": []}


def test_missing_and_blank_fields_give_no_lines() -> None:
    assert corner_text({}, {}, anonymous=False) == {corner: [] for corner in CORNERS}
    blank = {"patient_name": "", "patient_id": "  ", "institution_name": None, "modality": "DX"}
    corners = corner_text(blank, {"window_center": None, "zoom": None}, anonymous=False)
    assert corners == {"top_left": [], "top_right": [], "bottom_left": ["DX"], "bottom_right": []}
    for lines in corner_text(CT, VIEW, anonymous=False).values():
        assert all(line.strip() == line and line for line in lines)


def test_partial_fields_join_without_gaps() -> None:
    corners = corner_text(
        {"patient_sex": "M", "series_description": "AP PELVIS", "slice_thickness": 1.25},
        {"frame": 1},
        anonymous=False,
    )
    assert corners["top_left"] == ["M"]
    assert corners["top_right"] == ["AP PELVIS"]
    assert corners["bottom_left"] == ["Im: 1", "Thk: 1.25 mm"]


def test_a_radiograph_has_no_slice_position() -> None:
    dx = {"modality": "DX", "body_part": "PELVIS", "view_position": "AP", "series_number": 1}
    view = {"frame": 1, "frame_count": 1, "zoom": 1}
    corners = corner_text(dx, view, anonymous=False)
    assert corners["bottom_left"] == ["DX  PELVIS  AP", "Im: 1 / 1"]
    assert corners["top_right"] == ["Se: 1"]
    assert corners["bottom_right"] == ["Zoom: 100%"]


def test_sagittal_and_coronal_slices_name_their_axis() -> None:
    sagittal = {"image_position": [12.5, -100, 80], "image_orientation": [0, 1, 0, 0, 0, -1]}
    coronal = {"image_position": [-100, 33.25, 80], "image_orientation": [1, 0, 0, 0, 0, -1]}
    assert corner_text(sagittal, {}, False)["bottom_left"] == ["X: 12.5 mm"]
    assert corner_text(coronal, {}, False)["bottom_left"] == ["Y: 33.25 mm"]
    broken = {"image_position": [1, 2], "image_orientation": "nonsense"}
    assert corner_text(broken, {}, False)["bottom_left"] == []
    no_orientation = {"image_position": ["1", "2", "-7.5"]}
    assert corner_text(no_orientation, {}, False)["bottom_left"] == ["Z: -7.5 mm"]


def test_display_corner_shows_orientation_and_inversion() -> None:
    view = {**VIEW, "rotation": 90, "flip_h": True, "flip_v": True, "invert": True}
    lines = corner_text({}, view, anonymous=False)["bottom_right"]
    assert lines == [
        "W: 400 L: 40",
        "Zoom: 51%",
        "Rot: 90\N{DEGREE SIGN}  Flip H  Flip V",
        "Inverted",
    ]
    assert corner_text({}, {"rotation": 360, "flip_v": True}, False)["bottom_right"] == ["Flip V"]
    small = corner_text({}, {"zoom": 0.05, "window_center": -600.5, "window_width": 1500}, False)
    assert small["bottom_right"] == ["W: 1500 L: -600.5", "Zoom: 5%"]
    lut = corner_text({}, {"voi_label": "VOI LUT: NORMAL", "zoom": 2}, False)
    assert lut["bottom_right"] == ["VOI LUT: NORMAL", "Zoom: 200%"]


def test_frame_number_wins_over_frame_index() -> None:
    lines = corner_text({}, {"frame": 7, "frame_index": 0, "frame_count": 9}, False)
    assert lines["bottom_left"] == ["Im: 7 / 9"]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("DOE^JOHN", "DOE, JOHN"),
        ("DOE", "DOE"),
        ("DOE^JOHN^A^DR^JR", "DOE, DR JOHN A, JR"),
        ("DOE^JOHN^^^", "DOE, JOHN"),
        ("^JOHN", "JOHN"),
        ("=YAMADA^TARO", "YAMADA, TARO"),
        ("Yamada^Tarou=山田^太郎=やまだ^たろう", "Yamada, Tarou"),
        ("", ""),
    ],
)
def test_person_names(value: str, expected: str) -> None:
    assert person_name(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [("20240312", "2024-03-12"), ("2024.03.12", "2024-03-12"), ("2024", "2024"), ("", "")],
)
def test_dates(value: str, expected: str) -> None:
    assert dicom_date(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("143005.123", "14:30:05"),
        ("143005", "14:30:05"),
        ("1430", "14:30"),
        ("14:30:05", "14:30:05"),
    ],
)
def test_times(value: str, expected: str) -> None:
    assert dicom_time(value) == expected


def test_window_line_names_the_window() -> None:
    view = {"window_center": 2000, "window_width": 3400, "window_name": "STANDARD"}
    assert corner_text({}, view, False)["bottom_right"] == ["W: 3400 L: 2000 \N{EM DASH} STANDARD"]
    unnamed = corner_text({}, {**view, "window_name": " "}, False)["bottom_right"]
    assert unnamed == ["W: 3400 L: 2000"]


def test_image_line_gives_the_instance_number() -> None:
    view = {"frame_index": 0, "frame_count": 40, "instance_number": "40"}
    assert corner_text({}, view, False)["bottom_left"] == ["Im: 1 / 40 (#40)"]
    assert corner_text({}, {**view, "instance_number": None}, False)["bottom_left"] == [
        "Im: 1 / 40"
    ]
