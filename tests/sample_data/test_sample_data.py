"""The committed synthetic sample data: what the files hold, and that the seed remakes them.

These tests only read the files in ``sample_data/``; the last one runs the
generator into a temporary folder and checks it produces the same pixels.
"""

from __future__ import annotations

import struct
import subprocess
import sys
from pathlib import Path

import numpy as np
import pydicom
import pytest
from PIL import Image
from pydicom.uid import UID

SAMPLE_DATA = Path(__file__).resolve().parents[2] / "sample_data"
GENERATOR = SAMPLE_DATA / "make_sample_data.py"
DX_PATH = SAMPLE_DATA / "pelvis_ap.dcm"
PNG_PATH = SAMPLE_DATA / "pelvis_ap.png"
CT_DIR = SAMPLE_DATA / "ct_hips"

DX_STORAGE = "1.2.840.10008.5.1.4.1.1.1.1"  # Digital X-Ray Image Storage - For Presentation
CT_STORAGE = "1.2.840.10008.5.1.4.1.1.2"  # CT Image Storage
LOSSLESS = {
    "1.2.840.10008.1.2.1",  # explicit VR little endian
    "1.2.840.10008.1.2.1.99",  # deflated explicit VR little endian
    "1.2.840.10008.1.2.5",  # RLE lossless
    "1.2.840.10008.1.2.4.70",  # JPEG lossless SV1
    "1.2.840.10008.1.2.4.80",  # JPEG-LS lossless
    "1.2.840.10008.1.2.4.90",  # JPEG 2000 lossless
}
MAX_FOLDER_BYTES = 15 * 1024 * 1024


@pytest.fixture(scope="module")
def dx() -> pydicom.Dataset:
    return pydicom.dcmread(DX_PATH)


@pytest.fixture(scope="module")
def dx_pixels(dx) -> np.ndarray:
    return dx.pixel_array


@pytest.fixture(scope="module")
def ct_paths() -> list[Path]:
    return sorted(CT_DIR.glob("*.dcm"))


@pytest.fixture(scope="module")
def ct(ct_paths) -> list[pydicom.Dataset]:
    return [pydicom.dcmread(p) for p in ct_paths]


def _normal(ds: pydicom.Dataset) -> np.ndarray:
    iop = np.array(ds.ImageOrientationPatient, dtype=float)
    return np.cross(iop[:3], iop[3:])


# ---------------------------------------------------------------------------
# The radiograph (DICOM)
# ---------------------------------------------------------------------------


def test_dx_is_a_valid_dx_for_presentation_file(dx):
    meta = dx.file_meta
    assert dx.SOPClassUID == DX_STORAGE
    assert meta.MediaStorageSOPClassUID == dx.SOPClassUID
    assert meta.MediaStorageSOPInstanceUID == dx.SOPInstanceUID
    assert meta.TransferSyntaxUID in LOSSLESS
    assert dx.Modality == "DX"
    assert dx.PresentationIntentType == "FOR PRESENTATION"
    assert DX_PATH.read_bytes()[128:132] == b"DICM"


def test_dx_pixel_module(dx):
    assert dx.PhotometricInterpretation == "MONOCHROME2"
    assert dx.SamplesPerPixel == 1
    assert (dx.BitsAllocated, dx.BitsStored, dx.HighBit) == (16, 12, 11)
    assert dx.PixelRepresentation == 0
    assert 1500 <= dx.Rows <= 1900
    assert 1800 <= dx.Columns <= 2200
    assert dx.Columns > dx.Rows  # landscape, as a pelvis film is


def test_dx_has_two_named_windows(dx):
    centres = [float(c) for c in dx.WindowCenter]
    widths = [float(w) for w in dx.WindowWidth]
    assert len(centres) == len(widths) == 2
    assert len(dx.WindowCenterWidthExplanation) == 2
    assert all(w > 1 for w in widths)
    assert all(0 <= c <= 4095 for c in centres)
    assert dx.WindowCenterWidthExplanation[0] == "STANDARD"


def test_dx_presentation_and_geometry(dx):
    assert float(dx.RescaleSlope) == 1 and float(dx.RescaleIntercept) == 0
    assert dx.PresentationLUTShape == "IDENTITY"
    assert dx.BurnedInAnnotation == "NO"
    spacing = [float(v) for v in dx.ImagerPixelSpacing]
    assert len(spacing) == 2 and all(0.1 <= v <= 0.3 for v in spacing)
    assert list(dx.PatientOrientation) == ["L", "F"]  # AP: patient's left to the right


def test_dx_identity_is_synthetic(dx):
    assert str(dx.PatientName) == "HOVIEW^SAMPLE"
    assert dx.PatientID == "HOVIEW-SAMPLE-001"
    assert dx.PatientSex == "O"
    assert dx.BodyPartExamined == "PELVIS"
    assert dx.ViewPosition == "AP"
    assert dx.StudyDescription == "Pelvis AP"
    assert dx.InstanceNumber == 1
    assert len(dx.StudyDate) == 8
    for uid in (dx.StudyInstanceUID, dx.SeriesInstanceUID, dx.SOPInstanceUID):
        assert UID(uid).is_valid


def test_dx_pixels_decode_and_use_the_12_bit_range(dx, dx_pixels):
    assert dx_pixels.shape == (dx.Rows, dx.Columns)
    assert dx_pixels.dtype == np.uint16
    assert int(dx_pixels.max()) <= 4095
    assert int(dx_pixels.max()) - int(dx_pixels.min()) > 3000
    # Bright bone in the middle, dark air in the corners (MONOCHROME2).
    rows, cols = dx_pixels.shape
    centre = dx_pixels[rows // 3 : 2 * rows // 3, cols // 3 : 2 * cols // 3]
    assert np.median(centre) > np.median(dx_pixels[:50, :50]) + 500


# ---------------------------------------------------------------------------
# The radiograph (PNG)
# ---------------------------------------------------------------------------


def test_png_is_16_bit_greyscale():
    header = PNG_PATH.read_bytes()[:33]
    assert header[:8] == b"\x89PNG\r\n\x1a\n"
    width, height, depth, colour = struct.unpack(">IIBB", header[16:26])
    assert (depth, colour) == (16, 0)
    with Image.open(PNG_PATH) as image:
        assert image.mode == "I;16"
        assert image.size == (width, height)


def test_png_holds_the_dx_pixels_scaled_to_16_bits(dx_pixels):
    with Image.open(PNG_PATH) as image:
        png = np.array(image)
    assert png.shape == dx_pixels.shape
    v = dx_pixels.astype(np.uint16)
    np.testing.assert_array_equal(png, (v << 4) | (v >> 8))
    np.testing.assert_array_equal(png >> 4, dx_pixels)


# ---------------------------------------------------------------------------
# The CT series
# ---------------------------------------------------------------------------


def test_ct_series_is_one_series_of_the_same_study(dx, ct):
    assert 30 <= len(ct) <= 50
    assert {ds.SOPClassUID for ds in ct} == {CT_STORAGE}
    assert {ds.Modality for ds in ct} == {"CT"}
    assert {ds.StudyInstanceUID for ds in ct} == {dx.StudyInstanceUID}
    assert {ds.PatientID for ds in ct} == {dx.PatientID}
    assert {str(ds.PatientName) for ds in ct} == {"HOVIEW^SAMPLE"}
    series = {ds.SeriesInstanceUID for ds in ct}
    assert len(series) == 1 and dx.SeriesInstanceUID not in series
    assert len({ds.SOPInstanceUID for ds in ct}) == len(ct)
    assert sorted(int(ds.InstanceNumber) for ds in ct) == list(range(1, len(ct) + 1))
    for ds in ct:
        assert ds.file_meta.TransferSyntaxUID in LOSSLESS
        assert ds.file_meta.MediaStorageSOPInstanceUID == ds.SOPInstanceUID


def test_ct_positions_are_distinct_and_evenly_spaced(ct):
    for ds in ct:
        np.testing.assert_allclose(
            [float(v) for v in ds.ImageOrientationPatient], [1, 0, 0, 0, 1, 0]
        )
    normal = _normal(ct[0])
    positions = sorted(
        float(np.dot(normal, [float(v) for v in ds.ImagePositionPatient])) for ds in ct
    )
    steps = np.diff(positions)
    assert len(set(np.round(positions, 3))) == len(ct)
    np.testing.assert_allclose(steps, steps[0], atol=1e-3)
    assert steps[0] == pytest.approx(float(ct[0].SliceThickness), abs=1e-3)


def test_ct_pixels_decode_to_hounsfield_units(ct):
    for ds in ct:
        assert ds.PhotometricInterpretation == "MONOCHROME2"
        assert ds.BitsAllocated == 16
        assert ds.PixelRepresentation == 1
        assert float(ds.RescaleIntercept) == -1024 and float(ds.RescaleSlope) == 1
        assert len(ds.WindowCenter) == len(ds.WindowWidth) == 2
        assert [float(v) for v in ds.PixelSpacing] == [float(ds.PixelSpacing[0])] * 2
    middle = ct[len(ct) // 2]
    hu = middle.pixel_array.astype(float) * float(middle.RescaleSlope) + float(
        middle.RescaleIntercept
    )
    assert hu.shape == (middle.Rows, middle.Columns) == (256, 256)
    assert np.median(hu[:10, :10]) < -900  # air around the patient
    assert hu.max() > 700  # bone


# ---------------------------------------------------------------------------
# The folder
# ---------------------------------------------------------------------------


def test_sample_data_folder_is_small():
    total = sum(p.stat().st_size for p in SAMPLE_DATA.rglob("*") if p.is_file())
    assert total < MAX_FOLDER_BYTES


def test_readme_says_the_data_is_synthetic():
    text = (SAMPLE_DATA / "README.md").read_text(encoding="utf-8").lower()
    assert "synthetic" in text
    assert "hoview^sample" in text


def _non_pixel_elements(ds: pydicom.Dataset) -> dict:
    return {elem.tag: elem.value for elem in ds if elem.tag != 0x7FE00010}


def test_generator_remakes_the_committed_files(tmp_path, dx, dx_pixels, ct_paths):
    subprocess.run(
        [sys.executable, str(GENERATOR), "--out", str(tmp_path)],
        check=True,
        capture_output=True,
        timeout=120,
    )
    new_dx = pydicom.dcmread(tmp_path / DX_PATH.name)
    np.testing.assert_array_equal(new_dx.pixel_array, dx_pixels)
    assert _non_pixel_elements(new_dx) == _non_pixel_elements(dx)
    with Image.open(tmp_path / PNG_PATH.name) as new, Image.open(PNG_PATH) as old:
        np.testing.assert_array_equal(np.array(new), np.array(old))
    new_ct = sorted((tmp_path / CT_DIR.name).glob("*.dcm"))
    assert [p.name for p in new_ct] == [p.name for p in ct_paths]
    for new_path, old_path in zip(new_ct, ct_paths, strict=True):
        new_ds, old_ds = pydicom.dcmread(new_path), pydicom.dcmread(old_path)
        np.testing.assert_array_equal(new_ds.pixel_array, old_ds.pixel_array)
        assert _non_pixel_elements(new_ds) == _non_pixel_elements(old_ds)
