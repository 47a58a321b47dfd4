"""Orientation markers: the letters on each edge follow rotation and flips."""

from __future__ import annotations

import itertools

import pytest

from hoview.display.orientation import (
    EdgeLabels,
    check_direction,
    edge_labels,
    image_directions,
    letters_from_vector,
    opposite,
)
from hoview.display.viewport import ViewGeometry

# An AP pelvis (Patient Orientation L\F): rows run to the patient's left, columns to the feet.
# Worked out by hand: where do the image's right (L) and bottom (F) end up on screen?
EXPECTED = {
    # rotation, flip_h, flip_v: left, right, top, bottom
    (0, False, False): ("R", "L", "H", "F"),
    (0, True, False): ("L", "R", "H", "F"),
    (0, False, True): ("R", "L", "F", "H"),
    (0, True, True): ("L", "R", "F", "H"),
    (90, False, False): ("F", "H", "R", "L"),
    (90, True, False): ("F", "H", "L", "R"),
    (90, False, True): ("H", "F", "R", "L"),
    (90, True, True): ("H", "F", "L", "R"),
    (180, False, False): ("L", "R", "F", "H"),
    (180, True, False): ("R", "L", "F", "H"),
    (180, False, True): ("L", "R", "H", "F"),
    (180, True, True): ("R", "L", "H", "F"),
    (270, False, False): ("H", "F", "L", "R"),
    (270, True, False): ("H", "F", "R", "L"),
    (270, False, True): ("F", "H", "L", "R"),
    (270, True, True): ("F", "H", "R", "L"),
}


@pytest.mark.parametrize(("rotation", "flip_h", "flip_v"), sorted(EXPECTED))
def test_all_sixteen_rotations_and_flips_of_an_ap_pelvis(rotation, flip_h, flip_v):
    labels = edge_labels("L", "F", rotation, flip_h, flip_v)
    assert labels == EdgeLabels(*EXPECTED[rotation, flip_h, flip_v])


@pytest.mark.parametrize(
    ("rotation", "flip_h", "flip_v"),
    list(itertools.product((0, 90, 180, 270), (False, True), (False, True))),
)
def test_labels_agree_with_where_the_view_puts_the_image(rotation, flip_h, flip_v):
    """The edge an image direction faces is where ViewGeometry maps that image edge."""
    geometry = ViewGeometry(1.0, 50.0, 50.0, 100, 100, rotation, flip_h, flip_v)
    labels = edge_labels("LA", "FP", rotation, flip_h, flip_v)
    # The middle of the image's right edge (towards "LA") lands on which screen edge?
    sx, sy = geometry.image_to_screen(100.0, 50.0)
    side = {(100, 50): "right", (0, 50): "left", (50, 0): "top", (50, 100): "bottom"}
    assert getattr(labels, side[round(sx), round(sy)]) == "LA"
    sx, sy = geometry.image_to_screen(50.0, 100.0)  # bottom edge of the file: "FP"
    assert getattr(labels, side[round(sx), round(sy)]) == "FP"


def test_a_horizontal_flip_swaps_r_and_l_only():
    before = edge_labels("L", "F")
    after = edge_labels("L", "F", flip_h=True)
    assert (before.left, before.right) == ("R", "L")
    assert (after.left, after.right) == ("L", "R")
    assert (after.top, after.bottom) == (before.top, before.bottom)


def test_oblique_letters_and_opposites():
    assert opposite("LF") == "RH"
    assert letters_from_vector((1.0, 0.0, 0.0)) == "L"
    assert letters_from_vector((0.0, -1.0, 0.0)) == "A"
    assert letters_from_vector((-0.1, 0.0, -0.99)) == "F"
    assert letters_from_vector((0.6, 0.0, -0.8)) == "FL"
    assert letters_from_vector((0.0, 0.0, 0.0)) == ""


def test_directions_from_the_header():
    assert image_directions({"patient_orientation": ["L", "F"]}) == ("L", "F")
    assert image_directions({"patient_orientation": "P\\F"}) == ("P", "F")
    axial = {"image_orientation": [1.0, 0.0, 0.0, 0.0, 1.0, 0.0]}
    assert image_directions(axial) == ("L", "P")
    # Patient Orientation wins over Image Orientation (Patient).
    assert image_directions({**axial, "patient_orientation": ["R", "F"]}) == ("R", "F")
    assert image_directions({}) is None
    assert image_directions({"patient_orientation": ["X", "F"]}) is None
    assert image_directions({"image_orientation": [0, 0, 0, 0, 0, 0]}) is None


@pytest.mark.parametrize("bad", ["", "X", "LR", "LLF", "LAFH"])
def test_invalid_directions_are_refused(bad):
    with pytest.raises(ValueError, match="direction"):
        check_direction(bad)
    with pytest.raises(ValueError):
        edge_labels(bad, "F")


def test_rotation_must_be_a_right_angle():
    with pytest.raises(ValueError, match="multiple of 90"):
        edge_labels("L", "F", rotation=45)


def test_view_labels_prefer_what_the_user_stated():
    from hoview.display.orientation import view_edge_labels

    header = {"patient_orientation": ["L", "F"]}
    assert view_edge_labels(header, None).left == "R"
    assert view_edge_labels(header, None, flip_h=True).left == "L"
    assert view_edge_labels(header, ("R", "F")).left == "L"  # stated in the sidecar
    assert view_edge_labels({}, ("P", "F")).right == "P"  # a raster lateral film
    assert view_edge_labels({}, None) is None
    assert view_edge_labels({}, ("X", "F")) is None
