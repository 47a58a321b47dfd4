"""What the viewer shows, compared with reference screenshots (with a tolerance).

The references were taken from this code under the offscreen platform; small font
rasterisation differences pass, a missing arrow or a wrong window does not. To remake
them after an intended change: ``HOVIEW_UPDATE_REFERENCES=1 pytest tests/ui -k reference``.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from hoview.sources import open_path
from hoview.ui.canvas import ViewerCanvas

REFERENCES = Path(__file__).parent / "reference"


def canvas_pixels(canvas) -> np.ndarray:
    image = canvas.grab().toImage()
    image = image.convertToFormat(image.Format.Format_RGB888)
    height, width, stride = image.height(), image.width(), image.bytesPerLine()
    data = np.frombuffer(image.constBits(), np.uint8, count=stride * height)
    return data.reshape(height, stride)[:, : width * 3].reshape(height, width, 3).copy()


def compare(name: str, pixels: np.ndarray, may_update: bool = True) -> None:
    path = REFERENCES / name
    if may_update and os.environ.get("HOVIEW_UPDATE_REFERENCES"):
        Image.fromarray(pixels).save(path)
    reference = np.asarray(Image.open(path).convert("RGB")).astype(int)
    assert reference.shape == pixels.shape
    diff = np.abs(reference - pixels.astype(int)).max(axis=2)
    assert diff.mean() < 2.0, f"{name}: mean difference {diff.mean():.2f}"
    assert (diff > 60).mean() < 0.002, f"{name}: {(diff > 60).mean():.4f} of pixels differ"


@pytest.fixture
def canvas(qtbot, sample_data_dir, tmp_path, monkeypatch):
    monkeypatch.setenv("HOVIEW_DATA_DIR", str(tmp_path))
    widget = ViewerCanvas()
    qtbot.addWidget(widget)
    widget.resize(800, 600)
    widget.show_corner_text = False  # fonts differ more than pictures
    widget.show()
    qtbot.waitExposed(widget)
    return widget


@pytest.mark.parametrize(
    ("name", "hidden"), [("pelvis-with-arrows.png", False), ("pelvis-without-arrows.png", True)]
)
def test_sample_film_looks_as_it_did(canvas, sample_data_dir, name, hidden):
    canvas.set_series(open_path(sample_data_dir / "pelvis_ap.dcm").series[0])
    if hidden:
        canvas.show_annotations = False
    compare(name, canvas_pixels(canvas))


def test_ct_slice_with_bone_window_looks_as_it_did(canvas, sample_data_dir):
    # ct_019.dcm (Instance Number 19, arrows on it): image 19 since image 1 is Instance 1.
    canvas.set_series(open_path(sample_data_dir / "ct_hips").series[0], index=18)
    canvas.set_window(canvas.frame.attributes.windows[0])
    compare("ct-slice-22-bone.png", canvas_pixels(canvas))


def test_a_missing_arrow_would_fail(canvas, sample_data_dir):
    canvas.set_series(open_path(sample_data_dir / "pelvis_ap.dcm").series[0])
    canvas.show_annotations = False
    with pytest.raises(AssertionError):
        compare("pelvis-with-arrows.png", canvas_pixels(canvas), may_update=False)
