"""The one painting function: arrows, texts, rulers on any QImage."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtGui import QImage, QPainter, QTransform

from hoview.annotations import AnnotationDocument, Arrow, Ruler, Text
from hoview.annotations.style import Style
from hoview.render.export import ensure_gui
from hoview.render.paint import arrow_path, paint_annotations
from hoview.render.qimage import qimage_to_array

IDENTITY = {"sha256": "0" * 64, "columns": 400, "rows": 300, "frames": 2}


@pytest.fixture(autouse=True)
def gui():
    ensure_gui()


def paint(document, scale=1.0, frame=1, **kwargs) -> tuple[np.ndarray, int]:
    columns, rows = document.identity["columns"], document.identity["rows"]
    image = QImage(int(columns * scale), int(rows * scale), QImage.Format.Format_RGB32)
    image.fill(0xFF404040)
    painter = QPainter(image)
    count = paint_annotations(
        painter, document, QTransform.fromScale(scale, scale), frame, **kwargs
    )
    painter.end()
    return qimage_to_array(image), count


def test_white_arrow_with_a_dark_outline_points_at_the_head():
    document = AnnotationDocument(IDENTITY)
    document.add(Arrow(tail=(50, 50), head=(250, 200)))
    pixels, count = paint(document)
    assert count == 1
    grey = pixels.mean(axis=2)
    # Just behind the tip, on the shaft's line: white.
    assert grey[196, 245] > 240
    # The outline: a dark edge, at least one device pixel wide, along the shaft.
    near = grey[40:210, 40:260]
    assert (near < 30).sum() > 100
    # Far from the arrow: untouched background.
    assert np.all(pixels[280:, :100] == 64)
    # Nothing past the tip.
    assert grey[215:, 265:].max() == 64


def test_arrow_tip_is_on_the_head_and_short_arrows_keep_their_shape():
    style = Style().resolve(400, 300)
    path = arrow_path((10.0, 10.0), (110.0, 10.0), style)
    box = path.boundingRect()
    assert box.right() == pytest.approx(110.0)
    short = arrow_path((10.0, 10.0), (14.0, 10.0), style).boundingRect()
    assert short.width() == pytest.approx(4.0, abs=1e-6)  # head capped at half the length


def test_hidden_layer_and_hide_all_draw_nothing():
    document = AnnotationDocument(IDENTITY)
    arrow = document.add(Arrow(tail=(50, 50), head=(250, 200)))
    document.set_layer_visible(arrow.layer, False)
    assert paint(document)[1] == 0
    document.set_layer_visible(arrow.layer, True)
    document.set_all_visible(False)
    pixels, count = paint(document)
    assert count == 0 and np.all(pixels == 64)


def test_only_the_frame_shown_and_the_layers_asked_for():
    document = AnnotationDocument(IDENTITY)
    measurements = document.add_layer("Measurements")
    document.add(Arrow(tail=(50, 50), head=(250, 200), frame=2))
    document.add(Ruler(start=(20, 250), end=(380, 250), layer=measurements.id))
    assert paint(document, frame=1)[1] == 1  # the ruler
    assert paint(document, frame=2)[1] == 1  # the arrow
    assert paint(document, frame=1, layers={measurements.id})[1] == 1
    assert paint(document, frame=2, layers={measurements.id})[1] == 0


def test_sizes_follow_the_image_not_the_device():
    document = AnnotationDocument({**IDENTITY, "columns": 1000, "rows": 750})
    document.add(Arrow(tail=(125, 125), head=(625, 500), style=Style(line_width=0.006)))
    small, _ = paint(document, scale=1.0)
    big, _ = paint(document, scale=2.0)
    drawn_small = (np.abs(small.astype(int) - 64).sum(axis=2) > 30).sum()
    drawn_big = (np.abs(big.astype(int) - 64).sum(axis=2) > 30).sum()
    assert drawn_big / drawn_small == pytest.approx(4.0, rel=0.2)


def test_text_and_ruler_are_drawn():
    document = AnnotationDocument(IDENTITY)
    document.add(Text(anchor=(20, 20), text="HO right hip"))
    pixels, count = paint(document)
    assert count == 1
    assert (pixels[15:60, 15:250].mean(axis=2) > 200).sum() > 50
    ruler_doc = AnnotationDocument(IDENTITY)
    ruler_doc.add(Ruler(start=(20, 150), end=(380, 150)))
    with_mm, _ = paint(ruler_doc, pixel_spacing=(0.5, 0.5))
    in_px, _ = paint(ruler_doc)
    assert not np.array_equal(with_mm, in_px)  # "180.0 mm" is not "360.0 px"


def test_thin_lines_stay_visible_on_a_thumbnail():
    document = AnnotationDocument(IDENTITY)
    document.add(Arrow(tail=(50, 50), head=(250, 200)))
    pixels, _ = paint(document, scale=0.25)  # a 100 x 75 thumbnail
    grey = pixels.mean(axis=2)
    assert (grey > 200).sum() >= 15  # the white shaft and head are there
    assert (grey < 30).sum() >= 15  # and so is the dark edge
