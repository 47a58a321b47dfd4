"""Compare mode (Ctrl+K): both halves fitted and captioned; leaving refits the single view."""

from __future__ import annotations

import shutil

import pytest
from PySide6.QtCore import QPoint

from hoview.display.view_geometry import ViewGeometry

COMPARE = "Compare with / without annotations"


@pytest.fixture
def film(tmp_path, sample_data_dir):
    """A copy of the sample film and its sidecar (two arrows), so saves stay in tmp."""
    for name in ("pelvis_ap.dcm", "pelvis_ap.dcm.hoview.json"):
        shutil.copy(sample_data_dir / name, tmp_path / name)
    return tmp_path / "pelvis_ap.dcm"


def fit_zoom(canvas) -> float:
    frame = canvas.frame
    return ViewGeometry.fit(frame.columns, frame.rows, canvas.width(), canvas.height()).zoom


def is_fitted(canvas) -> bool:
    return canvas.zoom == pytest.approx(fit_zoom(canvas), rel=0.02)


def test_compare_opens_with_both_halves_fitted(window, qtbot, film):
    window.open_paths([film], wait=True)
    canvas, twin = window.canvas, window.viewer.twin
    single_width = canvas.width()
    window.actions_by_text[COMPARE].trigger()
    qtbot.waitUntil(lambda: canvas.width() < 0.6 * single_width, timeout=3000)
    qtbot.waitUntil(lambda: is_fitted(canvas), timeout=3000)
    assert twin.isVisible()
    assert twin.width() == pytest.approx(canvas.width(), abs=8)
    assert is_fitted(twin)
    assert canvas.zoom > 0.1


def test_compare_after_zooming_in_still_opens_fitted(window, qtbot, film):
    window.open_paths([film], wait=True)
    canvas = window.canvas
    canvas.zoom_by(3.0)
    assert not is_fitted(canvas)
    window.actions_by_text[COMPARE].trigger()
    qtbot.waitUntil(lambda: is_fitted(canvas) and is_fitted(window.viewer.twin), timeout=3000)


def test_leaving_compare_refits_the_single_view(window, qtbot, film):
    window.open_paths([film], wait=True)
    canvas = window.canvas
    single_width = canvas.width()
    compare = window.actions_by_text[COMPARE]
    compare.trigger()
    qtbot.waitUntil(lambda: canvas.width() < 0.6 * single_width, timeout=3000)
    canvas.zoom_by(3.0)  # the user zooms in while comparing
    assert not is_fitted(canvas)
    compare.trigger()
    qtbot.waitUntil(lambda: canvas.width() > 0.9 * single_width, timeout=3000)
    qtbot.waitUntil(lambda: is_fitted(canvas), timeout=3000)
    assert not window.viewer.twin.isVisible()


def test_each_half_is_captioned_above_its_image(window, qtbot, film):
    window.open_paths([film], wait=True)
    viewer = window.viewer
    assert not viewer.twin_caption.isVisible() and not viewer.canvas_caption.isVisible()
    window.actions_by_text[COMPARE].trigger()
    qtbot.waitUntil(lambda: viewer.canvas_caption.isVisible(), timeout=3000)
    for caption, canvas, text in (
        (viewer.twin_caption, viewer.twin, "Without arrows"),
        (viewer.canvas_caption, viewer.canvas, "With arrows"),
    ):
        assert caption.isVisible() and caption.text() == text
        top_left = caption.mapTo(viewer, QPoint(0, 0))
        canvas_top = canvas.mapTo(viewer, QPoint(0, 0))
        # Above its own canvas, over the same columns, and not covering the image.
        assert top_left.y() + caption.height() <= canvas_top.y()
        assert abs(top_left.x() - canvas_top.x()) <= 2
        assert 0 < caption.height() < 40
    assert viewer.twin.mapTo(viewer, QPoint(0, 0)).x() < viewer.canvas.mapTo(viewer, QPoint()).x()
    window.actions_by_text[COMPARE].trigger()
    qtbot.waitUntil(lambda: not viewer.canvas_caption.isVisible(), timeout=3000)
    assert not viewer.twin_caption.isVisible()
