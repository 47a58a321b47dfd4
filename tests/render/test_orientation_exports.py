"""Orientation markers in exports: off by default for render, on for montage and teach."""

from __future__ import annotations

import json

import numpy as np
import pytest
from PIL import Image
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.uid import DigitalXRayImageStorageForPresentation, ExplicitVRLittleEndian

from hoview.cli import main
from hoview.render.montage import build_montage
from hoview.render.teach import build_teaching_page

COLUMNS, ROWS = 400, 300


def _film(path, orientation=("L", "F")):
    """A black DX film with Patient Orientation; every name and UID made up."""
    ds = Dataset()
    ds.file_meta = FileMetaDataset()
    ds.file_meta.MediaStorageSOPClassUID = DigitalXRayImageStorageForPresentation
    ds.file_meta.MediaStorageSOPInstanceUID = "2.25.4243001"
    ds.file_meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds.SOPClassUID = DigitalXRayImageStorageForPresentation
    ds.SOPInstanceUID = "2.25.4243001"
    ds.StudyInstanceUID, ds.SeriesInstanceUID = "2.25.4243002", "2.25.4243003"
    ds.PatientName, ds.PatientID, ds.Modality = "TEST^MARKER", "TEST-MARKER", "DX"
    if orientation is not None:
        ds.PatientOrientation = list(orientation)
    ds.Rows, ds.Columns = ROWS, COLUMNS
    ds.SamplesPerPixel, ds.PhotometricInterpretation = 1, "MONOCHROME2"
    ds.BitsAllocated, ds.BitsStored, ds.HighBit, ds.PixelRepresentation = 16, 12, 11, 0
    ds.WindowCenter, ds.WindowWidth = 2048, 4096
    ds.PixelData = np.zeros((ROWS, COLUMNS), np.uint16).tobytes()
    ds.save_as(path, enforce_file_format=True)
    return path


def _edges(pixels: np.ndarray) -> dict[str, int]:
    """Bright pixels near the middle of each edge of an image."""
    grey = pixels.mean(axis=2) if pixels.ndim == 3 else pixels
    h, w = grey.shape
    bright = grey > 128
    return {
        "left": int(bright[h // 2 - h // 8 : h // 2 + h // 8, : w // 8].sum()),
        "right": int(bright[h // 2 - h // 8 : h // 2 + h // 8, -w // 8 :].sum()),
        "top": int(bright[: h // 8, w // 2 - w // 8 : w // 2 + w // 8].sum()),
        "bottom": int(bright[-h // 8 :, w // 2 - w // 8 : w // 2 + w // 8].sum()),
    }


def _read(path) -> np.ndarray:
    return np.asarray(Image.open(path).convert("RGB"))


def test_render_draws_markers_only_when_asked(tmp_path, capsys):
    film = _film(tmp_path / "film.dcm")
    assert main(["render", str(film), "-o", str(tmp_path / "plain.png")]) == 0
    assert max(_edges(_read(tmp_path / "plain.png")).values()) == 0
    out = tmp_path / "marked.png"
    assert main(["render", str(film), "-o", str(out), "--orientation-markers"]) == 0
    edges = _edges(_read(out))
    assert min(edges.values()) > 10, edges
    assert _read(out).shape[:2] == (ROWS, COLUMNS)  # markers never change the size


def _letter(pixels: np.ndarray, columns: slice) -> np.ndarray:
    """The bright pixels' bounding box in a band at mid-height."""
    grey = pixels.mean(axis=2)[ROWS // 2 - 40 : ROWS // 2 + 40, columns]
    rows, cols = np.nonzero(grey > 128)
    return grey[rows.min() : rows.max() + 1, cols.min() : cols.max() + 1]


def _same(a: np.ndarray, b: np.ndarray) -> bool:
    if a.shape != b.shape:
        return False
    return float(np.abs(a - b).mean()) < 20


def test_left_is_r_and_right_is_l_on_an_ap_film(tmp_path, capsys):
    """The AP film's left letter is the PA film's right one (R), and is not L."""
    for name, orientation in (("ap", ("L", "F")), ("pa", ("R", "F"))):
        film = _film(tmp_path / f"{name}.dcm", orientation)
        out = tmp_path / f"{name}.png"
        assert main(["render", str(film), "-o", str(out), "--orientation-markers"]) == 0
    ap, pa = _read(tmp_path / "ap.png"), _read(tmp_path / "pa.png")
    left, right = slice(0, 60), slice(COLUMNS - 60, COLUMNS)
    assert _same(_letter(ap, left), _letter(pa, right))  # R
    assert _same(_letter(ap, right), _letter(pa, left))  # L
    assert not _same(_letter(ap, left), _letter(ap, right))  # R is not L


def test_montage_and_teach_draw_them_by_default(tmp_path, capsys):
    film = _film(tmp_path / "film.dcm")
    with_markers = build_montage([film], tmp_path / "m.png", tile_size=300)
    assert with_markers.tiles == 1
    without = build_montage([film], tmp_path / "n.png", tile_size=300, orientation_markers=False)
    assert without.tiles == 1
    assert (_read(tmp_path / "m.png") > 128).sum() > (_read(tmp_path / "n.png") > 128).sum()
    assert main(["montage", str(film), "-o", str(tmp_path / "cli.png"),
                 "--no-orientation-markers"]) == 0  # fmt: skip
    page = build_teaching_page([film], tmp_path / "quiz")
    assert page.cases == 1


def test_a_raster_film_uses_the_sidecar_orientation(tmp_path, capsys):
    path = tmp_path / "film.png"
    Image.fromarray(np.zeros((ROWS, COLUMNS), np.uint8)).save(path)
    out = tmp_path / "out.png"
    assert main(["render", str(path), "-o", str(out), "--orientation-markers"]) == 0
    assert max(_edges(_read(out)).values()) == 0  # nothing known, nothing drawn
    main(["annotate", str(path), "--arrow", "10", "10", "50", "50"])
    sidecar = tmp_path / "film.png.hoview.json"
    data = json.loads(sidecar.read_text())
    data["orientation"] = ["P", "F"]
    sidecar.write_text(json.dumps(data))
    assert main(["render", str(path), "-o", str(out), "--orientation-markers"]) == 0
    assert min(_edges(_read(out)).values()) > 10


@pytest.mark.parametrize("flag", ["--orientation-markers", "--no-orientation-markers"])
def test_teach_accepts_the_flags(tmp_path, capsys, flag):
    film = _film(tmp_path / "film.dcm")
    assert main(["teach", str(film), "-o", str(tmp_path / "quiz"), flag]) == 0
