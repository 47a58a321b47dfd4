"""Culling in paint_annotations: what misses the painted region is skipped, nothing else.

Painting through a clip must give, inside the clip, exactly the pixels of painting
everything; an arrow whose points lie outside the view but whose label sticks into it
is drawn; an arrow far away is not.
"""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QRect
from PySide6.QtGui import QImage, QPainter, QRegion, QTransform

from hoview.annotations import AnnotationDocument, Arrow, Ruler, Text
from hoview.render.export import ensure_gui
from hoview.render.paint import SCREEN_SIZES, paint_annotations
from hoview.render.qimage import qimage_to_array

COLUMNS, ROWS = 800, 600
IDENTITY = {"sha256": "1" * 64, "columns": COLUMNS, "rows": ROWS, "frames": 1}
SIZE = (500, 400)


@pytest.fixture(autouse=True)
def gui():
    ensure_gui()


def _document(seed: int = 4) -> AnnotationDocument:
    rng = np.random.default_rng(seed)
    document = AnnotationDocument(IDENTITY)
    tails = rng.uniform(0, [COLUMNS, ROWS], (150, 2))
    heads = np.clip(tails + rng.uniform(-120, 120, (150, 2)), 0, [COLUMNS, ROWS])
    document.add_many(
        [
            Arrow(
                tail=(float(t[0]), float(t[1])),
                head=(float(h[0]), float(h[1])),
                label=["", "HO 12", "Brooker III\nright", "W" * 9][i % 4],
            )
            for i, (t, h) in enumerate(zip(tails, heads, strict=True))
        ]
        + [Text(anchor=(float(x), float(y)), text="Note") for x, y in tails[:10]]
        + [Ruler(start=(100.0, 500.0), end=(400.0, 520.0))]
    )
    return document


def _paint(document, transform, region=None, selected=()):  # noqa: ANN001, ANN202
    image = QImage(*SIZE, QImage.Format.Format_RGB32)
    image.fill(0xFF404040)
    painter = QPainter(image)
    if region is not None:
        painter.setClipRegion(region)
    count = paint_annotations(
        painter, document, transform, 1, selected=selected, screen=SCREEN_SIZES["medium"]
    )
    painter.end()
    return qimage_to_array(image), count


def _mask(region: QRegion) -> np.ndarray:
    mask = np.zeros(SIZE[::-1], dtype=bool)
    for r in region:
        mask[r.top() : r.bottom() + 1, r.left() : r.right() + 1] = True
    return mask


TRANSFORMS = {
    "zoomed": QTransform(2.0, 0, 0, 2.0, -300, -250),
    "rotated and flipped": QTransform(0, 1.4, 1.4, 0, -100, -120),  # 90 degrees + a flip
    "turned": QTransform().translate(250, 200).rotate(33).scale(0.9, 0.9).translate(-400, -300),
}


@pytest.mark.parametrize("name", list(TRANSFORMS))
def test_painting_through_a_clip_gives_the_same_pixels_inside_it(name):
    document = _document()
    selected = tuple(a.id for a in document.annotations[::7])
    transform = TRANSFORMS[name]
    whole, everything = _paint(document, transform, selected=selected)
    region = QRegion(QRect(0, 0, 40, SIZE[1])).united(QRect(0, SIZE[1] - 35, SIZE[0], 35))
    region = region.united(QRect(300, 120, 90, 25))
    clipped, drawn = _paint(document, transform, region, selected=selected)
    inside = _mask(region)
    np.testing.assert_array_equal(clipped[inside], whole[inside])
    assert drawn < everything  # culling skipped something
    assert (whole[inside] != 0x40).any()  # and there was something to compare


def test_a_label_sticking_into_view_is_drawn_and_far_arrows_are_not():
    document = AnnotationDocument(IDENTITY)
    # Points left of the view (x < 300 after the shift); the label goes right, into it.
    document.add(Arrow(tail=(296.0, 100.0), head=(200.0, 100.0), label="INTO VIEW"))
    document.add(Arrow(tail=(100.0, 400.0), head=(60.0, 420.0)))  # far away
    transform = QTransform.fromTranslate(-300, 0)
    pixels, drawn = _paint(document, transform)
    assert drawn == 1
    label = pixels[85:115, 0:80]
    assert (label.max(axis=2) > 200).sum() > 30  # white letters
    # and through a clip that holds only the label, it is still drawn, the same
    region = QRegion(QRect(0, 80, 120, 40))
    clipped, drawn = _paint(document, transform, region)
    assert drawn == 1
    np.testing.assert_array_equal(clipped[80:120, 0:120], pixels[80:120, 0:120])


def test_a_label_cut_by_the_edge_is_moved_in_even_through_a_clip():
    """keep_inside moves a label crossing the device's edge: culling keeps it.

    The label (above the tail, mostly off the top) lands at the top of the view; the
    clip holds only part of where it lands: neither the arrow nor the label's own
    place touch it.
    """
    document = AnnotationDocument(IDENTITY)
    document.add(Arrow(tail=(300.0, 8.0), head=(300.0, 90.0), label="WWWWWWWW"))
    transform = QTransform()
    whole, _ = _paint(document, transform)
    region = QRegion(QRect(322, 9, 25, 6))
    clipped, drawn = _paint(document, transform, region)
    assert drawn == 1
    inside = _mask(region)
    assert (whole[inside].max(axis=1) > 200).sum() > 10  # the moved label is there
    np.testing.assert_array_equal(clipped[inside], whole[inside])
