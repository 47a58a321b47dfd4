"""The overlay layout: corner text, orientation letters and scale bar never overlap."""

from __future__ import annotations

import itertools

import pytest

from hoview.display.corner_layout import ELLIPSIS, Box, elide, layout_overlay

#: A monospace stand-in for a font: 7 px a character, 11 px type.
FONT = {"font_px": 11.0, "ascent": 11.0, "descent": 3.0}


def measure(text: str) -> float:
    return 7.0 * len(text)


CORNERS = {
    "top_left": ["DOE, JOHN", "ID 12345678", "1961-02-03  M  63Y", "GENERAL HOSPITAL OF NOWHERE"],
    "top_right": ["2024-03-12  10:31", "PELVIS AP STANDING, BOTH HIPS", "Se: 2  Acc: A99"],
    "bottom_left": ["DX  PELVIS  AP", "Im: 1 / 40 (#40)", "Loc: 12.5 mm  Thk: 2.5 mm"],
    "bottom_right": ["W: 3400 L: 2000 \N{EM DASH} STANDARD", "Zoom: 51%", "Rot: 90°  Flip H"],
}
MARKERS = {"left": (14.0, 18.0), "right": (22.0, 18.0), "top": (14.0, 18.0), "bottom": (28.0, 18.0)}


def layout(width, height, **extra):
    options = {"markers": MARKERS, "pixel_spacing": (0.14, 0.14), "zoom": 0.3, **FONT}
    options.update(extra)
    return layout_overlay(width, height, CORNERS, measure, **options)


@pytest.mark.parametrize("width", range(200, 1601, 50))
def test_no_two_pieces_overlap_at_any_size(width):
    for height in range(200, 1201, 50):
        result = layout(width, height)
        named = result.rectangles()
        for (name_a, a), (name_b, b) in itertools.combinations(named, 2):
            assert not a.intersects(b), f"{width}x{height}: {name_a} {a} meets {name_b} {b}"
        for name, box in named:
            assert box.inside(width, height), f"{width}x{height}: {name} {box} is off the canvas"
        # The laterality letters are always there at these sizes.
        assert set(result.markers) == set(MARKERS), f"{width}x{height}"


def test_a_wide_canvas_keeps_everything_whole():
    result = layout(1600, 1200)
    for corner, lines in CORNERS.items():
        assert [line.text for line in result.corners[corner]] == lines
    assert result.scale_bar is not None
    assert result.scale_bar.bar.length_px <= 1600 / 4
    assert not any(result.dropped.values())


def test_a_narrow_half_elides_the_window_line_and_keeps_the_bar_clear_of_it():
    # A half of compare mode in a 700 px window: the window line would run into the bar.
    result = layout(340, 600)
    window_line = result.corners["bottom_right"][0]
    bar = result.scale_bar
    assert bar is not None
    assert not window_line.box.intersects(bar.box)
    assert result.corners["bottom_left"] and result.corners["top_left"]
    assert all(line.box.right <= 170 for line in result.corners["top_left"])


def test_a_short_canvas_drops_later_lines_first():
    result = layout(400, 140)
    for corner, lines in result.corners.items():
        texts = [line.text for line in lines]
        whole = CORNERS[corner][: len(texts)]
        # What is kept is the first lines, in order (an elided one starts like its line).
        assert all(t == w or t.startswith(w[:3]) for t, w in zip(texts, whole, strict=True))
    assert sum(result.dropped.values()) > 0


def test_the_bottom_letter_is_lifted_above_the_scale_bar():
    result = layout(800, 600)
    assert result.scale_bar is not None
    assert result.markers["bottom"].bottom <= result.scale_bar.box.top
    assert result.marker_bottom_inset > 0
    plain = layout(800, 600, pixel_spacing=None)
    assert plain.scale_bar is None and plain.marker_bottom_inset == 0


def test_when_the_bar_would_cut_the_bottom_lines_it_moves_above_them():
    # 420 px: the window line fits in half the width, but not beside the bar's room.
    result = layout(420, 600)
    assert result.corners["bottom_right"][0].text == CORNERS["bottom_right"][0]
    bar = result.scale_bar
    assert bar is not None
    bottom_lines = result.corners["bottom_left"] + result.corners["bottom_right"]
    assert bar.box.bottom <= min(line.box.top for line in bottom_lines)
    assert result.markers["bottom"].bottom <= bar.box.top
    # With room enough, it stays at the bottom, between the corners.
    wide = layout(1000, 600)
    assert wide.scale_bar is not None
    assert wide.scale_bar.box.bottom > min(line.box.top for line in wide.corners["bottom_left"])


def test_without_spacing_there_is_no_bar_and_the_bottom_lines_get_the_room():
    result = layout(420, 600, pixel_spacing=None)
    assert result.scale_bar is None
    assert result.corners["bottom_right"][0].text == CORNERS["bottom_right"][0]


def test_elide_keeps_the_longest_start_that_fits():
    assert elide("Zoom: 51%", 100, measure) == "Zoom: 51%"
    assert elide("PELVIS AP STANDING", 70, measure) == "PELVIS AP" + ELLIPSIS  # 10 chars
    assert elide("PELVIS AP STANDING", 62, measure) == "PELVIS" + ELLIPSIS  # spaces go
    assert elide("PELVIS AP STANDING", 20, measure) is None


def test_boxes_touching_do_not_intersect():
    assert not Box(0, 0, 10, 10).intersects(Box(10, 0, 5, 5))
    assert Box(0, 0, 10, 10).intersects(Box(9, 9, 5, 5))
