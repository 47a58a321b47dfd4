"""Opening a file decodes its first frame once, for the canvas, its pyramid and thumbnail.

The reader halves a large frame while reading it, the canvas and the series panel's
thumbnail share its pyramid, and the frame cache never decodes a frame twice.
"""

from __future__ import annotations

import threading

import numpy as np
import pydicom
from grey_dicom import write_grey

from hoview.display.viewport import make_pyramid
from hoview.sources import dicom
from hoview.sources.base import DEFAULT_CACHE
from hoview.ui.series_panel import THUMBNAILS_AT_THE_LATEST_MS


def _dx(path, rows: int = 2200, columns: int = 2000):
    pixels = np.add.outer(np.arange(rows), np.arange(columns)) % 4096
    return write_grey(path, pixels.astype(np.uint16))


def test_the_first_frame_is_decoded_once_and_shown(window, qtbot, tmp_path, monkeypatch):
    path = _dx(tmp_path / "film.dcm")
    decoded = []
    original = dicom.DicomImage._decode

    def counting(self, number):
        decoded.append((self.path, number, threading.current_thread().name))
        return original(self, number)

    monkeypatch.setattr(dicom.DicomImage, "_decode", counting)
    DEFAULT_CACHE.clear()
    window.open_paths([path], wait=True)
    qtbot.waitUntil(lambda: window.canvas.frame is not None, timeout=5000)
    window.canvas.grab()  # painted
    qtbot.wait(2 * THUMBNAILS_AT_THE_LATEST_MS)  # and the series panel's thumbnail drawn
    assert [(p, n) for p, n, _ in decoded] == [(path, 1)]
    pyramid = window.canvas.pyramid()
    assert pyramid is make_pyramid(window.canvas.frame.pixels(), window.canvas.frame.attributes)
    assert pyramid.reads[1] >= 1  # the fitted view sampled the half read with the frame
    shown = window.canvas.frame.pixels()
    assert np.array_equal(shown, pydicom.dcmread(path).pixel_array)
