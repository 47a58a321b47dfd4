"""Linked viewports: slices matched by position along the normal or by index; zoom and pan."""

from __future__ import annotations

import pytest

from hoview.display.slice_sync import Stack, by_position, linked_geometry, matching_index
from hoview.display.view_geometry import ViewGeometry

AXIAL = (1.0, 0.0, 0.0, 0.0, 1.0, 0.0)


def axial(zs, frame_of_reference="1.2.3", orientation=AXIAL):
    return Stack.build(frame_of_reference, [(0.0, 0.0, z) for z in zs], [orientation] * len(zs))


def test_same_frame_of_reference_matches_by_position():
    source = axial([0.0, 3.0, 6.0, 9.0, 12.0])
    target = axial([13.0, 10.0, 7.0, 4.0, 1.0, -2.0])  # other spacing, other order
    assert by_position(source, target)
    assert matching_index(source, 0, target) == 4  # z 0 -> z 1
    assert matching_index(source, 2, target) == 2  # z 6 -> z 7
    assert matching_index(source, 4, target) == 0  # z 12 -> z 13


def test_positions_beyond_the_target_take_its_nearest_end():
    assert matching_index(axial([100.0]), 0, axial([0.0, 5.0, 10.0])) == 2


def test_another_frame_of_reference_matches_by_index():
    source = axial([0.0, 3.0, 6.0])
    target = axial([6.0, 3.0, 0.0], frame_of_reference="9.9.9")
    assert not by_position(source, target)
    assert matching_index(source, 0, target) == 0
    assert matching_index(source, 2, target) == 2


def test_by_index_stays_within_the_target():
    assert matching_index(axial([0, 1, 2, 3, 4]), 4, axial([0, 1], "other")) == 1


def test_films_without_positions_match_by_index():
    film = Stack.build("", [None], [None])
    assert not film.located()
    assert matching_index(film, 0, axial([0.0, 1.0])) == 0


def test_crossing_planes_match_by_index():
    coronal = (1.0, 0.0, 0.0, 0.0, 0.0, -1.0)
    source = axial([0.0, 3.0, 6.0])
    target = Stack.build("1.2.3", [(0.0, y, 0.0) for y in (6.0, 3.0, 0.0)], [coronal] * 3)
    assert not by_position(source, target)
    assert matching_index(source, 1, target) == 1


def test_mixed_orientations_have_no_normal():
    stack = Stack.build("1.2.3", [(0, 0, 0), (0, 0, 1)], [AXIAL, (0, 1, 0, 0, 0, -1)])
    assert stack.normal is None and not stack.located()


def test_an_empty_target_is_refused():
    with pytest.raises(ValueError, match="target"):
        matching_index(axial([0.0]), 0, Stack("1.2.3", (0.0, 0.0, 1.0), ()))


def test_zoom_and_pan_follow_relative_to_each_image():
    source_fit = ViewGeometry.fit(2000, 1000, 800, 600)
    source = ViewGeometry(
        zoom=source_fit.zoom * 3, center_x=500.0, center_y=750.0, width=800, height=600
    )
    target_fit = ViewGeometry.fit(1000, 500, 400, 600)
    target = ViewGeometry(
        zoom=target_fit.zoom, center_x=500.0, center_y=250.0, width=400, height=600, rotation=90
    )
    linked = linked_geometry(source, source_fit, (2000, 1000), target, target_fit, (1000, 500))
    assert linked.zoom == pytest.approx(target_fit.zoom * 3)
    assert (linked.center_x, linked.center_y) == pytest.approx((250.0, 375.0))
    assert (linked.width, linked.height, linked.rotation) == (400, 600, 90)
