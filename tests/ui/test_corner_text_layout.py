"""Corner text, orientation letters and scale bar do not overlap in a narrow compare half."""

from __future__ import annotations

import itertools
import shutil

import numpy as np
import pytest

COMPARE = "Compare with / without annotations"


@pytest.fixture
def film(tmp_path, sample_data_dir):
    """A copy of the sample film and its sidecar, so saves stay in tmp."""
    for name in ("pelvis_ap.dcm", "pelvis_ap.dcm.hoview.json"):
        shutil.copy(sample_data_dir / name, tmp_path / name)
    return tmp_path / "pelvis_ap.dcm"


def grab_array(widget) -> np.ndarray:
    image = widget.grab().toImage()
    image = image.convertToFormat(image.Format.Format_RGB888)
    height, width, stride = image.height(), image.width(), image.bytesPerLine()
    data = np.frombuffer(image.constBits(), np.uint8, count=stride * height)
    return data.reshape(height, stride)[:, : width * 3].reshape(height, width, 3).astype(int)


@pytest.fixture
def narrow_compare(window, qtbot, film):
    """Compare mode in a 700 px wide window: two halves of about 340 px."""
    window.resize(700, 700)
    window.open_paths([film], wait=True)
    window.actions_by_text[COMPARE].trigger()
    viewer = window.viewer
    qtbot.waitUntil(lambda: viewer.twin.isVisible() and viewer.canvas.width() < 400, timeout=3000)
    window.canvas.state.anonymous = False
    window.canvas.state.corner_text = True
    return viewer.canvas, viewer.twin


def test_nothing_painted_over_the_image_overlaps_in_a_narrow_half(narrow_compare):
    for canvas in narrow_compare:
        canvas.grab()  # paint, so the layout is the one drawn
        layout = canvas.overlay_cache.layout
        assert layout is not None
        assert (layout.width, layout.height) == (canvas.width(), canvas.height())
        named = layout.rectangles()
        for (name_a, a), (name_b, b) in itertools.combinations(named, 2):
            assert not a.intersects(b), f"{name_a} {a} meets {name_b} {b}"
        for name, box in named:
            assert box.inside(canvas.width(), canvas.height()), name
        # The window line and the scale bar are both there, side by side.
        assert layout.corners["bottom_right"][0].text.startswith("W:")
        assert layout.scale_bar is not None
        assert set(layout.markers) == {"left", "right", "top", "bottom"}


def test_the_rectangles_hold_what_is_painted(narrow_compare):
    canvas, _ = narrow_compare
    with_text = grab_array(canvas)
    layout = canvas.overlay_cache.layout
    canvas.state.corner_text = False
    without = grab_array(canvas)
    changed = np.abs(with_text - without).max(axis=2) > 8
    covered = np.zeros_like(changed)
    for _, box in layout.rectangles():
        top, left = max(int(box.top) - 1, 0), max(int(box.left) - 1, 0)
        covered[top : int(np.ceil(box.bottom)) + 1, left : int(np.ceil(box.right)) + 1] = True
    assert changed.any()
    stray = changed & ~covered
    assert stray.sum() == 0, f"{stray.sum()} painted pixels outside the layout's rectangles"
