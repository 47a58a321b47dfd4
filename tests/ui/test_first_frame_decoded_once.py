"""Opening a file decodes its first frame once, for the canvas, its pyramid and thumbnail.

The reader halves a large frame while reading it, the canvas and the series panel's
thumbnail share its pyramid, and the frame cache never decodes a frame twice.
"""

from __future__ import annotations

import threading

import numpy as np
import pydicom
from pydicom.dataset import FileMetaDataset
from pydicom.uid import ExplicitVRLittleEndian, generate_uid

from hoview.display.viewport import make_pyramid
from hoview.sources import dicom
from hoview.sources.base import DEFAULT_CACHE
from hoview.ui.series_panel import THUMBNAILS_AT_THE_LATEST_MS


def _dx(path, rows: int = 2200, columns: int = 2000):
    ds = pydicom.Dataset()
    ds.file_meta = FileMetaDataset()
    ds.file_meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds.file_meta.MediaStorageSOPClassUID = "1.2.840.10008.5.1.4.1.1.1.1"
    ds.file_meta.MediaStorageSOPInstanceUID = uid = generate_uid()
    ds.SOPClassUID, ds.SOPInstanceUID = ds.file_meta.MediaStorageSOPClassUID, uid
    ds.StudyInstanceUID, ds.SeriesInstanceUID = generate_uid(), generate_uid()
    ds.Modality = "DX"
    ds.Rows, ds.Columns = rows, columns
    ds.SamplesPerPixel, ds.PhotometricInterpretation = 1, "MONOCHROME2"
    ds.BitsAllocated, ds.BitsStored, ds.HighBit, ds.PixelRepresentation = 16, 12, 11, 0
    pixels = np.add.outer(np.arange(rows), np.arange(columns)) % 4096
    ds.PixelData = pixels.astype(np.uint16).tobytes()
    ds.save_as(path, enforce_file_format=True)
    return path


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
