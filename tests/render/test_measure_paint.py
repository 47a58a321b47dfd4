"""The painter draws angles, Cobb angles and gaps, and every value says its scale."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image
from PySide6.QtCore import QPointF
from PySide6.QtGui import QImage, QPainter, QTransform

from hoview.annotations import (
    Angle,
    AnnotationDocument,
    CobbAngle,
    Gap,
    Ruler,
    load,
)
from hoview.annotations.calibration import Calibration
from hoview.annotations.measures import measure_text
from hoview.cli import main
from hoview.render.export import draw_annotations, ensure_gui
from hoview.render.paint import SELECTION_COLOUR, paint_annotations, painted_path
from hoview.render.paint_measures import document_spacing
from hoview.render.paint_text import ruler_text
from hoview.render.qimage import qimage_to_array
from hoview.sources.opening import open_image
from hoview.sources.spacing import Spacing

IDENTITY = {"sha256": "0" * 64, "columns": 400, "rows": 300, "frames": 1}
GREY = 0x40


@pytest.fixture(autouse=True)
def gui():
    ensure_gui()


def _paint(*annotations, spacing=None, selected=False, calibration=None) -> np.ndarray:
    """Paint annotations on a grey 400 x 300 image; return its RGB pixels."""
    document = AnnotationDocument(dict(IDENTITY))
    added = [document.add(a) for a in annotations]
    if calibration is not None:
        document.set_calibration(calibration)
    image = QImage(400, 300, QImage.Format.Format_RGB32)
    image.fill(0xFF000000 | GREY * 0x010101)
    painter = QPainter(image)
    paint_annotations(
        painter,
        document,
        QTransform(),
        1,
        pixel_spacing=spacing,
        selected=[a.id for a in added] if selected else (),
    )
    painter.end()
    return qimage_to_array(image)[:, :, :3].astype(int)


def _drawn(pixels: np.ndarray) -> np.ndarray:
    return (pixels != GREY).any(axis=2)


# ---- the words ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("annotation", "spacing", "expected"),
    [
        # arms (100, 0) and (100, 100): 45 degrees on a square grid
        (Angle(start=(100.0, 0.0), vertex=(0.0, 0.0), end=(100.0, 100.0)), None, "45.0°"),
        # rows 2 mm, columns 1 mm: the second arm is (100, 200) mm, atan(2) = 63.43 degrees
        (
            Angle(start=(100.0, 0.0), vertex=(0.0, 0.0), end=(100.0, 100.0)),
            Spacing(2.0, 1.0, "pixel-spacing"),
            "63.4°",
        ),
        # slopes 0 and 40/100: atan(0.4) = 21.80 degrees, whichever way the lines go
        (
            CobbAngle(
                first_start=(0.0, 0.0),
                first_end=(100.0, 0.0),
                second_start=(100.0, 90.0),
                second_end=(0.0, 50.0),
            ),
            None,
            "21.8°",
        ),
        # 30 x 40 px at 0.2 mm: 10.0 mm
        (Gap(start=(0.0, 0.0), end=(30.0, 40.0)), (0.2, 0.2), "gap 10.0 mm"),
        (Gap(start=(0.0, 0.0), end=(30.0, 40.0)), None, "gap 50.0 px"),
        (
            Gap(start=(0.0, 0.0), end=(30.0, 40.0)),
            Spacing(0.2, 0.2, "imager-pixel-spacing"),
            "gap 10.0 mm at detector",
        ),
        (
            Gap(start=(0.0, 0.0), end=(30.0, 40.0), label="HO"),
            Spacing(0.1, 0.1, "user-calibration"),
            "HO gap 5.0 mm calibrated",
        ),
        (Gap(start=(0.0, 0.0), end=(30.0, 40.0), bridging=True), (0.2, 0.2), "bridging"),
        (
            Ruler(start=(0.0, 0.0), end=(30.0, 40.0)),
            Spacing(0.1, 0.1, "user-calibration"),
            ("5.0 mm calibrated"),
        ),
    ],
)
def test_the_words_beside_each_measurement(annotation, spacing, expected):
    assert measure_text(annotation, spacing) == expected


def test_ruler_text_says_calibrated():
    ruler = Ruler(start=(50.0, 20.0), end=(350.0, 420.0))  # 500 px
    assert ruler_text(ruler, Spacing(0.2, 0.2, "user-calibration")) == "100.0 mm calibrated"


def test_a_calibration_overrides_the_file_spacing():
    document = AnnotationDocument(dict(IDENTITY))
    assert document_spacing(document, Spacing(0.2, 0.2, "pixel-spacing")) == (0.2, 0.2)
    document.set_calibration(Calibration((0.0, 10.0), (200.0, 10.0), 50.0))  # 0.25 mm/px
    spacing = document_spacing(document, Spacing(0.2, 0.2, "pixel-spacing"))
    assert spacing == pytest.approx((0.25, 0.25))
    assert spacing.source == "user-calibration"
    assert document_spacing(document, None).source == "user-calibration"


# ---- the pixels --------------------------------------------------------------

ANGLE = Angle(start=(300.0, 60.0), vertex=(100.0, 200.0), end=(300.0, 200.0))


def test_an_angle_draws_two_arms_an_arc_and_its_value_by_the_vertex():
    drawn = _drawn(_paint(ANGLE))
    assert drawn[200, 150:290].all()  # the horizontal arm
    # the slanted arm: (100, 200) -> (300, 60), sampled away from its ends
    for t in (0.3, 0.5, 0.8):
        x, y = 100 + 200 * t, 200 - 140 * t
        assert drawn[int(round(y)) - 1 : int(round(y)) + 2, int(round(x))].any()
    # inside the angle, off the arms, far from the vertex: nothing
    assert not drawn[150:185, 220:260].any()
    # below the horizontal arm, far right: nothing
    assert not drawn[230:300, 200:400].any()
    # the arc: some pixels inside the angle close to the vertex, off both arms
    arc = drawn[180:198, 110:135]
    assert arc.any()
    # the value, outside the vertex (left of it, away from the arms)
    assert drawn[170:230, 0:95].any()
    assert measure_text(ANGLE, None) == "35.0°"


def test_a_cobb_angle_draws_both_lines_and_the_value_between_them():
    cobb = CobbAngle(
        first_start=(50.0, 40.0),
        first_end=(350.0, 40.0),
        second_start=(50.0, 260.0),
        second_end=(350.0, 220.0),
    )
    drawn = _drawn(_paint(cobb))
    assert drawn[38:43, 60:340].any(axis=0).all()  # the first line, end to end
    for x in (80, 200, 320):  # the second line: y = 260 - 40 * (x - 50) / 300
        y = 260 - 40 * (x - 50) / 300
        assert drawn[int(y) - 2 : int(y) + 3, x].any()
    # the value in the middle, between the lines
    middle = drawn[120:160, 150:250]
    assert middle.any()
    # between the lines, near the ends: nothing (no stray lines)
    assert not drawn[70:110, 40:120].any()
    assert not drawn[270:, :].any()


def test_a_gap_draws_a_caliper_with_end_ticks_and_its_value():
    gap = Gap(start=(100.0, 120.0), end=(300.0, 120.0))
    drawn = _drawn(_paint(gap, spacing=(0.2, 0.2)))
    assert drawn[120, 105:295].all()  # the line
    # the end ticks stand across the line at both ends, not in the middle
    for x in (100, 300):
        assert drawn[120 - 4 : 120 - 2, x - 1 : x + 2].any()
        assert drawn[120 + 2 : 120 + 4, x - 1 : x + 2].any()
    assert not drawn[110:117, 180:220].any()
    # the value ("gap 40.0 mm") beside the middle, on one side only
    assert drawn[122:160, 150:250].any()
    assert not drawn[0:100, :].any()


def test_a_bridging_gap_is_labelled_bridging_not_with_a_length():
    gap = Gap(start=(100.0, 120.0), end=(300.0, 120.0), bridging=True)
    bridging = _paint(gap, spacing=(0.2, 0.2))
    measured = _paint(gap.replace(bridging=False), spacing=(0.2, 0.2))
    # the same caliper; only the text below it differs
    assert (bridging[:122] == measured[:122]).all()
    assert (bridging[122:] != measured[122:]).any()


@pytest.mark.parametrize(
    "annotation",
    [
        ANGLE,
        CobbAngle(
            first_start=(50.0, 40.0),
            first_end=(350.0, 40.0),
            second_start=(50.0, 260.0),
            second_end=(350.0, 220.0),
        ),
        Gap(start=(100.0, 120.0), end=(300.0, 120.0)),
    ],
    ids=["angle", "cobb", "gap"],
)
def test_selected_measurements_get_the_halo(annotation):
    halo = np.array([int(SELECTION_COLOUR[i : i + 2], 16) for i in (1, 3, 5)])
    plain = _paint(annotation)
    selected = _paint(annotation, selected=True)
    near = (np.abs(selected - halo).sum(axis=2) < 60).sum()
    assert near > 40
    assert (np.abs(plain - halo).sum(axis=2) < 60).sum() == 0


def test_hit_testing_follows_the_painted_arms():
    document = AnnotationDocument(dict(IDENTITY))
    angle = document.add(ANGLE)
    path, _ = painted_path(document, angle, QTransform())
    assert path.contains(QPointF(250.0, 200.0))  # on the horizontal arm
    assert path.contains(QPointF(200.0, 130.0))  # on the slanted arm
    assert not path.contains(QPointF(240.0, 170.0))  # inside the angle, off the arms
    assert not path.contains(QPointF(300.0, 280.0))


def test_a_calibrated_document_is_drawn_calibrated_whatever_spacing_is_given():
    gap = Gap(start=(100.0, 120.0), end=(300.0, 120.0))
    calibration = Calibration((0.0, 10.0), (200.0, 10.0), 50.0)  # 0.25 mm/px
    calibrated = _paint(gap, spacing=(0.2, 0.2), calibration=calibration)
    expected = _paint(gap, spacing=Spacing(0.25, 0.25, "user-calibration"))
    uncalibrated = _paint(gap, spacing=(0.2, 0.2))
    assert (calibrated == expected).all()
    assert (calibrated != uncalibrated).any()


def test_an_export_of_a_calibrated_raster_image_says_mm_calibrated(tmp_path, capsys):
    film = tmp_path / "scan.png"
    Image.fromarray(np.full((300, 400), 90, dtype=np.uint8)).save(film)

    def run(*args):
        status = main([str(a) for a in args])
        capsys.readouterr()
        return status

    assert run("annotate", film, "--ruler", 50, 150, 350, 150) == 0
    assert run("annotate", film, "--gap", 50, 220, 150, 220) == 0
    assert run("annotate", film, "--calibrate", 50, 100, 250, 100, 50) == 0  # 0.25 mm/px
    assert run("render", film, "-o", tmp_path / "plain.png", "--no-annotations") == 0
    assert run("render", film, "-o", tmp_path / "out.png") == 0
    exported = np.asarray(Image.open(tmp_path / "out.png").convert("RGB")).astype(int)
    plain = np.asarray(Image.open(tmp_path / "plain.png").convert("RGB"))

    document = load(film, open_image(film).identity)
    assert document.calibration is not None
    document.set_calibration(None)  # what the painter is given below decides the words
    assert measure_text(document.annotations[0], Spacing(0.25, 0.25, "user-calibration")) == (
        "75.0 mm calibrated"
    )

    def drawn(spacing):
        return draw_annotations(plain, document, 1, 1.0, None, spacing).astype(int)

    assert (exported == drawn(Spacing(0.25, 0.25, "user-calibration"))).all()
    assert (exported != drawn(None)).any()  # "300.0 px" would look different
