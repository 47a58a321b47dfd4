"""The text beside a ruler says where its millimetres come from (screen and exports)."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtGui import QImage, QPainter, QTransform

from hoview.annotations import AnnotationDocument, Ruler
from hoview.render.export import ensure_gui
from hoview.render.paint import paint_annotations
from hoview.render.paint_text import ruler_text
from hoview.render.qimage import qimage_to_array
from hoview.sources.spacing import Spacing

IDENTITY = {"sha256": "0" * 64, "columns": 400, "rows": 300, "frames": 1}
# 300 columns across and 400 rows down: 500 px long
RULER = Ruler(start=(50.0, 20.0), end=(350.0, 420.0))


@pytest.fixture(autouse=True)
def gui():
    ensure_gui()


@pytest.mark.parametrize(
    ("spacing", "expected"),
    [
        (Spacing(0.5, 0.25, "pixel-spacing"), "213.6 mm"),  # hypot(300 * 0.25, 400 * 0.5)
        (Spacing(0.16, 0.16, "ermf"), "80.0 mm"),  # 0.2 mm / 1.25 at 500 px
        (Spacing(0.2, 0.2, "imager-pixel-spacing"), "100.0 mm at detector"),
        ((0.2, 0.2), "100.0 mm"),  # a bare pair is Pixel Spacing, as before
        (None, "500.0 px"),
    ],
)
def test_ruler_text_names_the_unit_by_the_source(spacing, expected):
    assert ruler_text(RULER, spacing) == expected


def test_the_label_comes_first():
    labelled = Ruler(start=(0.0, 0.0), end=(30.0, 40.0), label="gap")
    assert ruler_text(labelled, Spacing(0.2, 0.2, "imager-pixel-spacing")) == (
        "gap 10.0 mm at detector"
    )


def _painted(spacing) -> np.ndarray:
    document = AnnotationDocument({**IDENTITY, "rows": 500})
    document.add(Ruler(start=(20.0, 150.0), end=(380.0, 150.0)))
    image = QImage(400, 500, QImage.Format.Format_RGB32)
    image.fill(0xFF404040)
    painter = QPainter(image)
    paint_annotations(painter, document, QTransform(), 1, pixel_spacing=spacing)
    painter.end()
    return qimage_to_array(image)


def _label_width(pixels: np.ndarray) -> int:
    """Width of what is drawn below the line and its ticks (rows 160 on): the label."""
    drawn = (pixels[160:, :, :3].astype(int) - 64).any(axis=2)
    columns = np.nonzero(drawn.any(axis=0))[0]
    return int(columns.max() - columns.min()) if columns.size else 0


def test_the_painter_writes_at_detector_beside_the_ruler():
    # same numbers, so only the unit differs: "72.0 mm at detector" against "72.0 mm"
    at_detector = _label_width(_painted(Spacing(0.2, 0.2, "imager-pixel-spacing")))
    in_patient = _label_width(_painted(Spacing(0.2, 0.2, "pixel-spacing")))
    assert in_patient > 20
    assert at_detector > 2 * in_patient
    assert np.array_equal(_painted((0.2, 0.2)), _painted(Spacing(0.2, 0.2, "ermf")))
