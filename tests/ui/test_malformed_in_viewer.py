"""A malformed file in the viewer: the same one-line message as the command line, never a
window that stays busy."""

from __future__ import annotations

import numpy as np
import pydicom
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.uid import ExplicitVRLittleEndian, SecondaryCaptureImageStorage

from hoview.cli import main
from hoview.ui import loader as loader_module
from hoview.ui import main_window
from hoview.ui.loader import Loader


def _image(path, rows=16, pixels=b""):
    ds = Dataset()
    ds.file_meta = FileMetaDataset()
    ds.file_meta.MediaStorageSOPClassUID = SecondaryCaptureImageStorage
    ds.file_meta.MediaStorageSOPInstanceUID = "2.25.4242"
    ds.file_meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds.SOPClassUID = SecondaryCaptureImageStorage
    ds.SOPInstanceUID = "2.25.4242"
    ds.Modality = "OT"
    ds.Rows, ds.Columns = rows, 16
    ds.SamplesPerPixel, ds.PhotometricInterpretation = 1, "MONOCHROME2"
    ds.BitsAllocated = ds.BitsStored = 8
    ds.HighBit, ds.PixelRepresentation = 7, 0
    ds.PixelData = pixels or np.arange(16 * 16, dtype=np.uint8).tobytes()
    ds.save_as(path, enforce_file_format=True)
    return path


def _messages(monkeypatch):
    shown: list[str] = []
    monkeypatch.setattr(
        main_window.QMessageBox, "warning", lambda parent, title, text: shown.append(text)
    )
    return shown


def test_refused_file_shows_the_command_line_s_message(window, tmp_path, monkeypatch, capsys):
    path = _image(tmp_path / "rows0.dcm", rows=0)
    assert main(["info", str(path)]) == 1
    line = capsys.readouterr().err.strip()
    assert line.startswith("hoview: error: ") and "Rows (0028,0010) is 0" in line
    shown = _messages(monkeypatch)
    window.open_paths([path], wait=True)
    assert not window.loader.busy
    assert shown == [line.removeprefix("hoview: error: ")]


def test_loader_reports_an_unexpected_failure_and_finishes(qtbot, tmp_path, monkeypatch):
    def broken(path, progress=None):
        raise RuntimeError("a bug a malformed file found")

    monkeypatch.setattr(loader_module, "open_path", broken)
    path = _image(tmp_path / "a.dcm")
    loader = Loader()
    with qtbot.waitSignal(loader.finished, timeout=10_000) as finished:
        loader.open([path])
    result, problems = finished.args
    assert not result.series and not loader.busy
    assert problems == [f"{path}: cannot be opened (RuntimeError: a bug a malformed file found)"]
    loader.wait()


def test_frame_that_cannot_be_decoded_shows_why_on_the_canvas(window, tmp_path, monkeypatch):
    path = tmp_path / "cut.dcm"
    data = _image(path).read_bytes()
    ds = pydicom.dcmread(path)
    ds.file_meta.TransferSyntaxUID = pydicom.uid.RLELossless
    ds.PixelData = pydicom.encaps.encapsulate([b"\x01\x00\x00\x00" + bytes(60)])
    ds.save_as(path, enforce_file_format=True)
    assert data != path.read_bytes()
    shown = _messages(monkeypatch)
    window.open_paths([path], wait=True)
    assert not window.loader.busy and shown == []
    assert window.canvas.frame_error.startswith(f"{path}: ")
    window.canvas.grab()  # paints the message instead of the image, without raising
    assert main(["render", str(path), "-o", str(tmp_path / "out.png")]) == 1


def test_padded_pixel_data_is_shown_with_its_warning(window, tmp_path):
    # Two declared 16 x 16 frames, but the pixel data stops 10 bytes into the second.
    data = np.arange(16 * 16, dtype=np.uint8).tobytes() * 2
    path = _image(tmp_path / "short.dcm", pixels=data[:-246])
    ds = pydicom.dcmread(path)
    ds.NumberOfFrames = 2
    ds.save_as(path)
    window.open_paths([path], wait=True)
    assert window.canvas.frame is not None
    text = window.warning_label.text()
    assert "pixel data holds 266 of the 512 bytes" in text, text
    assert "shown as 0 (black)" in text
