"""The screen and the exports draw a frame the same way, at every zoom.

One function decides how a frame becomes a pyramid (``display.viewport.make_pyramid``);
the canvas used to build its own, and drew palette images up to 254 grey levels off
the export at 25 %. The view is placed so that the image's top-left corner is at the
canvas's top-left corner: canvas pixel ``j`` then samples image ``x = (j + 0.5) / zoom``,
where an export at ``scale = zoom`` samples too.
"""

from __future__ import annotations

import numpy as np
import pydicom
import pytest
from PySide6.QtGui import QImage

from hoview.display.viewport import ViewGeometry, render_full
from hoview.sources import open_path
from hoview.ui.canvas import ViewerCanvas

WIDTH, HEIGHT = 640, 480


def _monochrome1(tmp_path, pydicom_files):
    ds = pydicom.dcmread(pydicom_files / "CT_small.dcm")
    ds.PhotometricInterpretation = "MONOCHROME1"
    path = tmp_path / "mono1.dcm"
    ds.save_as(path)
    return path


CASES = {
    # file, zooms at which the export's size is a whole number of pixels
    "palette": ("examples_palette.dcm", (0.2, 0.5, 1.0, 2.0)),
    "ybr": ("examples_ybr_color.dcm", (0.25, 0.5, 1.0, 2.0)),
    "rgb": ("examples_rgb_color.dcm", (0.25, 0.5, 1.0, 2.0)),
    "monochrome1": (None, (0.25, 0.5, 1.0, 2.0)),
}


@pytest.fixture
def canvas(qtbot, tmp_path, monkeypatch):
    monkeypatch.setenv("HOVIEW_DATA_DIR", str(tmp_path / "data"))
    widget = ViewerCanvas()
    qtbot.addWidget(widget)
    widget.resize(WIDTH, HEIGHT)
    widget.show_corner_text = False
    widget.show_overlays = False
    widget.show_annotations = False
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def _grab(canvas: ViewerCanvas) -> np.ndarray:
    image = canvas.grab().toImage().convertToFormat(QImage.Format.Format_RGB888)
    width, height = image.width(), image.height()
    data = np.frombuffer(image.constBits(), np.uint8, image.bytesPerLine() * height)
    rows = data.reshape(height, image.bytesPerLine())[:, : width * 3]
    return rows.reshape(height, width, 3).copy()  # the QImage goes when this returns


@pytest.mark.parametrize("kind", list(CASES))
def test_screen_equals_export_at_every_zoom(canvas, tmp_path, pydicom_files, kind):
    name, zooms = CASES[kind]
    path = _monochrome1(tmp_path, pydicom_files) if name is None else pydicom_files / name
    canvas.set_series(open_path(path).series[0])
    frame = canvas.frame
    stored, attrs = frame.pixels(), frame.attributes
    for zoom in zooms:
        canvas.set_geometry(ViewGeometry(zoom, WIDTH / (2 * zoom), HEIGHT / (2 * zoom), 1, 1))
        screen = _grab(canvas).astype(int)
        export = render_full(stored, attrs, canvas.voi, scale=zoom).astype(int)
        if export.ndim == 2:
            export = np.repeat(export[:, :, None], 3, axis=2)
        rows, columns = min(HEIGHT, export.shape[0]), min(WIDTH, export.shape[1])
        difference = np.abs(screen[:rows, :columns] - export[:rows, :columns]).max()
        assert difference <= 1, f"{kind} at zoom {zoom}: {difference} grey levels apart"
        # and the canvas really showed the image there, not a blank or a message
        assert screen[:rows, :columns].std() > 1
