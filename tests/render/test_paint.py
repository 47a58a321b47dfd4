"""The one painting function: arrows, texts, rulers on any QImage."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPointF, QRectF
from PySide6.QtGui import QImage, QPainter, QTransform

from hoview.annotations import AnnotationDocument, Arrow, Ruler, Text
from hoview.annotations.style import Style
from hoview.display.orientation import edge_labels
from hoview.render.export import ensure_gui
from hoview.render.paint import (
    SCREEN_SIZES,
    GlyphSizes,
    annotation_glyphs,
    arrow_path,
    glyph_style,
    paint_annotations,
    painted_path,
    transform_scale,
)
from hoview.render.paint_text import paint_orientation_markers
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


def _view(scale: float, rotation: int = 0, flip_h: bool = False) -> QTransform:
    """Image -> device: flip about x = 200, rotate about the origin, scale, shift."""
    t = QTransform()
    t.translate(1000, 1000)
    t.scale(scale, scale)
    t.rotate(rotation)
    if flip_h:
        t.translate(400, 0)
        t.scale(-1, 1)
    return t


def _label(document, transform, screen=None):
    (annotation,) = document.annotations
    style = glyph_style(document.resolved_style(annotation), transform_scale(transform), screen)
    _, text = annotation_glyphs(annotation, style, transform)
    return text


def _labelled_document():
    document = AnnotationDocument(IDENTITY)
    document.add(Arrow(tail=(100, 100), head=(250, 200), label="Brooker III"))
    return document


def test_on_screen_the_label_keeps_its_size_in_device_pixels_at_any_zoom():
    document = _labelled_document()
    screen = SCREEN_SIZES["medium"]
    at_100 = _label(document, _view(1.0), screen).boundingRect()
    at_300 = _label(document, _view(3.0), screen).boundingRect()
    assert at_300.height() == pytest.approx(at_100.height(), rel=0.1)
    assert at_300.width() == pytest.approx(at_100.width(), rel=0.1)
    # Exports: relative to the output, three times as large at three times the scale.
    export_100 = _label(document, _view(1.0)).boundingRect()
    export_300 = _label(document, _view(3.0)).boundingRect()
    assert export_300.height() == pytest.approx(3 * export_100.height(), rel=0.1)


def test_on_screen_lines_and_heads_keep_their_device_size():
    document = _labelled_document()
    (arrow,) = document.annotations
    for zoom in (0.25, 1.0, 3.0):
        path, style = painted_path(document, arrow, _view(zoom), screen=GlyphSizes(3, 18, 15))
        assert style.line_width * zoom == pytest.approx(3.0)
        assert style.head_length * zoom == pytest.approx(18.0)
        assert style.font_size * zoom == pytest.approx(15.0)
    # A style asking for twice the default line width gets twice the screen width.
    document.add(Arrow(tail=(10, 10), head=(50, 50), style=Style(line_width=0.006)))
    thick = document.annotations[-1]
    _, style = painted_path(document, thick, _view(2.0), screen=GlyphSizes(3, 18, 15))
    assert style.line_width * 2.0 == pytest.approx(6.0)


def test_glyph_sizes_are_checked():
    with pytest.raises(ValueError, match="font_size"):
        GlyphSizes(font_size=0)


def _normalised(path) -> list[tuple[float, float]]:
    box = path.boundingRect()
    return [
        (round(path.elementAt(i).x - box.left(), 3), round(path.elementAt(i).y - box.top(), 3))
        for i in range(path.elementCount())
    ]


@pytest.mark.parametrize(
    ("rotation", "flip_h"), [(0, True), (90, False), (180, True), (270, False)]
)
def test_text_is_never_mirrored_or_turned(rotation, flip_h):
    document = _labelled_document()
    upright = _label(document, _view(2.0), SCREEN_SIZES["medium"])
    turned = _label(document, _view(2.0, rotation, flip_h), SCREEN_SIZES["medium"])
    assert _normalised(turned) == _normalised(upright)  # the same glyphs, only moved
    # ... and the label still sits beyond the tail, which the transform moved.
    tail = _view(2.0, rotation, flip_h).map(QPointF(100, 100))
    head = _view(2.0, rotation, flip_h).map(QPointF(250, 200))
    centre = turned.boundingRect().center()
    along = (centre.x() - tail.x()) * (tail.x() - head.x()) + (centre.y() - tail.y()) * (
        tail.y() - head.y()
    )
    assert along > 0


def test_hit_path_holds_the_upright_label():
    document = _labelled_document()
    (arrow,) = document.annotations
    transform = _view(2.0, 180, True)
    path, _ = painted_path(document, arrow, transform, screen=SCREEN_SIZES["medium"])
    label = _label(document, transform, SCREEN_SIZES["medium"]).boundingRect()
    inverse, _ = transform.inverted()
    assert path.boundingRect().contains(inverse.mapRect(label).center())


def test_orientation_markers_on_the_four_edges():
    image = QImage(300, 200, QImage.Format.Format_RGB32)
    image.fill(0xFF404040)
    painter = QPainter(image)
    paint_orientation_markers(painter, edge_labels("L", "F"), QRectF(0, 0, 300, 200), 20)
    painter.end()
    grey = qimage_to_array(image).mean(axis=2)
    white = grey > 200
    assert white[80:120, :40].sum() > 10  # R on the left
    assert white[80:120, -40:].sum() > 10  # L on the right
    assert white[:40, 130:170].sum() > 10  # H on top
    assert white[-40:, 130:170].sum() > 10  # F at the bottom
    assert white[60:140, 60:240].sum() == 0  # the middle is untouched


def _painted(document, width, height):
    image = QImage(width, height, QImage.Format.Format_RGB32)
    image.fill(0xFF404040)
    painter = QPainter(image)
    paint_annotations(painter, document, QTransform(), 1)
    painter.end()
    return (qimage_to_array(image) != 0x40).any(axis=2)


def test_a_label_cut_by_the_edge_is_moved_wholly_inside():
    # Text anchored near the right edge runs past it: it would be cut.
    identity = {"sha256": "0" * 64, "columns": 400, "rows": 300, "frames": 1}
    document = AnnotationDocument(identity)
    document.add(Text(anchor=(370, 150), text="HO Brooker III"))
    whole = _painted(document, 900, 300)  # a wide device: the label fits as placed
    assert np.flatnonzero(whole.any(axis=0)).max() >= 400
    inside = _painted(document, 400, 300)
    assert inside.sum() == pytest.approx(whole.sum(), rel=0.05)  # read whole
    assert np.flatnonzero(inside.any(axis=0)).max() < 400


def test_a_label_wholly_outside_stays_outside():
    identity = {"sha256": "0" * 64, "columns": 400, "rows": 300, "frames": 1}
    document = AnnotationDocument(identity)
    document.add(Arrow(tail=(380, 150), head=(300, 150), label="HO"))
    image = QImage(200, 300, QImage.Format.Format_RGB32)  # shows only x < 200
    image.fill(0xFF404040)
    painter = QPainter(image)
    paint_annotations(painter, document, QTransform(), 1)
    painter.end()
    assert not (qimage_to_array(image) != 0x40).any()
