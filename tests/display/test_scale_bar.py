"""The scale bar: round lengths that fit, labelled as on film."""

from __future__ import annotations

import math

import numpy as np
import pytest

from hoview.display.scale_bar import ScaleBar, scale_bar


@pytest.mark.parametrize(
    ("spacing", "zoom", "room", "expected"),
    [
        # 0.1 mm pixels at 50%: 5 screen px per mm, room for 40 mm -> 20 mm
        ((0.1, 0.1), 0.5, 200, ScaleBar(20.0, 100.0, "20 mm")),
        # exactly 50 mm of room
        ((1.0, 1.0), 1.0, 50, ScaleBar(50.0, 50.0, "50 mm")),
        # exactly 100 mm of room: centimetres from 10 cm up
        ((1.0, 1.0), 1.0, 100, ScaleBar(100.0, 100.0, "10 cm")),
        # 0.2 mm at 25%: 1.25 px per mm, room for 160 mm -> 100 mm = 125 px
        ((0.2, 0.2), 0.25, 200, ScaleBar(100.0, 125.0, "10 cm")),
        # 0.7 mm CT at 200%: 2/0.7 px per mm, room for 105 mm -> 100 mm
        ((0.7, 0.7), 2.0, 300, ScaleBar(100.0, 100 * 2 / 0.7, "10 cm")),
        # a whole chest at 10% of a 0.2 mm detector: 0.5 px per mm, room for 300 mm
        ((0.2, 0.2), 0.1, 150, ScaleBar(200.0, 100.0, "20 cm")),
        ((1.0, 1.0), 0.1, 60, ScaleBar(500.0, 50.0, "50 cm")),
        # 1 mm and 5 mm
        ((0.1, 0.1), 1.0, 15, ScaleBar(1.0, 10.0, "1 mm")),
        ((0.1, 0.1), 1.0, 99, ScaleBar(5.0, 50.0, "5 mm")),
        # micro-CT at high zoom: 2000 px per mm, room for 0.75 mm -> 0.5 mm
        ((0.01, 0.01), 20.0, 1500, ScaleBar(0.5, 1000.0, "0.5 mm")),
        ((0.001, 0.001), 10.0, 250, ScaleBar(0.02, 200.0, "0.02 mm")),
    ],
)
def test_hand_computed_bars(
    spacing: tuple[float, float], zoom: float, room: float, expected: ScaleBar
) -> None:
    bar = scale_bar(spacing, zoom, room)
    assert bar is not None
    assert bar.label == expected.label
    assert bar.length_mm == pytest.approx(expected.length_mm)
    assert bar.length_px == pytest.approx(expected.length_px)


def test_the_bar_runs_along_image_rows_unless_the_view_is_sideways() -> None:
    spacing = (0.5, 0.1)  # (row, column) mm
    assert scale_bar(spacing, 1.0, 100) == ScaleBar(10.0, 100.0, "10 mm")
    assert scale_bar(spacing, 1.0, 100, rotation=180) == ScaleBar(10.0, 100.0, "10 mm")
    assert scale_bar(spacing, 1.0, 100, rotation=90) == ScaleBar(50.0, 100.0, "50 mm")
    assert scale_bar(spacing, 1.0, 100, rotation=270) == ScaleBar(50.0, 100.0, "50 mm")


@pytest.mark.parametrize(
    "spacing", [None, (0.0, 0.1), (0.1, -0.1), (0.1, float("nan")), (0.1, float("inf")), ()]
)
def test_no_bar_without_a_true_spacing(spacing: tuple[float, float] | None) -> None:
    assert scale_bar(spacing, 1.0, 100) is None  # type: ignore[arg-type]


def test_the_bar_is_the_longest_round_length_that_fits() -> None:
    rng = np.random.default_rng(4)
    for _ in range(500):
        spacing = float(rng.uniform(0.01, 2.0))
        zoom = float(10 ** rng.uniform(-2, 1.5))
        room = float(rng.uniform(20, 2000))
        bar = scale_bar((spacing, spacing), zoom, room)
        assert bar is not None
        assert room / 2.5 < bar.length_px <= room * (1 + 1e-9)
        assert room / 5 <= bar.length_px
        assert bar.length_px == pytest.approx(bar.length_mm * zoom / spacing)
        mantissa = bar.length_mm / 10 ** math.floor(math.log10(bar.length_mm) + 1e-9)
        assert round(mantissa, 6) in (1, 2, 5)
        unit = "cm" if bar.length_mm >= 100 else "mm"
        assert bar.label.endswith(unit)
        number = float(bar.label.split()[0]) * (10 if unit == "cm" else 1)
        assert number == pytest.approx(bar.length_mm)


@pytest.mark.parametrize(
    ("zoom", "room", "rotation", "match"),
    [(0, 100, 0, "zoom"), (float("nan"), 100, 0, "zoom"), (1, 0, 0, "max_length_px"),
     (1, float("inf"), 0, "max_length_px"), (1, 100, 45, "rotation")],
)  # fmt: skip
def test_bad_arguments_are_rejected(zoom: float, room: float, rotation: int, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        scale_bar((0.1, 0.1), zoom, room, rotation=rotation)
