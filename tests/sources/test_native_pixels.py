"""The direct reader of uncompressed grey frames gives exactly pydicom's arrays."""

from __future__ import annotations

import warnings

import numpy as np
import pydicom
import pytest
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.uid import ExplicitVRBigEndian, ExplicitVRLittleEndian, SecondaryCaptureImageStorage

from hoview.sources import DicomImage, FrameCache
from hoview.sources.dicom_header import read_header
from hoview.sources.native_pixels import read_native_frame


def _pydicom_frame(path, index):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        arr = pydicom.pixels.pixel_array(pydicom.dcmread(path, force=True), index=index)
    return arr[0] if arr.ndim == 3 and arr.shape[0] == 1 else arr


def test_matches_pydicom_on_every_test_file_it_reads(pydicom_files):
    used = 0
    for path in sorted(p for p in pydicom_files.rglob("*") if p.is_file()):
        try:
            ds = read_header(path)
        except Exception:  # noqa: BLE001 - not an image header
            continue
        try:
            frames = int(ds.get("NumberOfFrames", 1) or 1)
        except ValueError:
            frames = 1
        for index in [None] if frames == 1 else [0, frames - 1]:
            arr = read_native_frame(ds, path, index)
            if arr is None:
                continue
            used += 1
            ref = _pydicom_frame(path, index)
            assert arr.dtype == ref.dtype, path.name
            assert np.array_equal(arr, ref), path.name
            assert arr.flags.writeable
    assert used >= 20


def _write(path, values, bits_stored, signed, syntax=ExplicitVRLittleEndian, frames=1):
    ds = Dataset()
    ds.file_meta = FileMetaDataset()
    ds.file_meta.MediaStorageSOPClassUID = SecondaryCaptureImageStorage
    ds.file_meta.MediaStorageSOPInstanceUID = "2.25.7"
    ds.file_meta.TransferSyntaxUID = syntax
    ds.SOPClassUID = SecondaryCaptureImageStorage
    ds.SOPInstanceUID = "2.25.7"
    ds.Modality = "OT"
    ds.SamplesPerPixel = 1
    ds.PhotometricInterpretation = "MONOCHROME2"
    ds.Rows, ds.Columns = values.shape[-2:]
    if frames > 1:
        ds.NumberOfFrames = frames
    ds.BitsAllocated = values.dtype.itemsize * 8
    ds.BitsStored = bits_stored
    ds.HighBit = bits_stored - 1
    ds.PixelRepresentation = int(signed)
    big = syntax == ExplicitVRBigEndian
    ds.PixelData = values.astype(values.dtype.newbyteorder(">" if big else "<")).tobytes()
    ds.save_as(path, enforce_file_format=True, little_endian=not big, implicit_vr=False)
    return path


@pytest.mark.parametrize(
    ("dtype", "bits", "signed"),
    [("u2", 12, False), ("i2", 12, True), ("u1", 6, False), ("i1", 5, True), ("u2", 16, False)],
)
def test_unused_high_bits_are_corrected_like_pydicom(tmp_path, dtype, bits, signed):
    rng = np.random.default_rng(3)
    raw = rng.integers(0, 2 ** (np.dtype(dtype).itemsize * 8), (3, 40, 30)).astype(f"u{dtype[1]}")
    values = raw.view(dtype)  # garbage in the unused high bits
    path = _write(tmp_path / "x.dcm", values, bits, signed, frames=3)
    ds = read_header(path)
    for index in range(3):
        arr = read_native_frame(ds, path, index)
        ref = _pydicom_frame(path, index)
        assert arr.dtype == ref.dtype
        assert np.array_equal(arr, ref)


def test_other_images_are_left_to_pydicom(tmp_path, pydicom_files):
    values = np.arange(64, dtype="u2").reshape(8, 8)
    big = _write(tmp_path / "big.dcm", values, 16, False, syntax=ExplicitVRBigEndian)
    assert read_native_frame(read_header(big), big, None) is None
    rgb = pydicom_files / "SC_rgb_small_odd.dcm"
    assert read_native_frame(read_header(rgb), rgb, None) is None
    jpeg = pydicom_files / "MR_small_jpeg_ls_lossless.dcm"
    assert read_native_frame(read_header(jpeg), jpeg, None) is None
    # ...and still decode through pydicom.
    image = DicomImage(big, FrameCache())
    assert np.array_equal(image.pixels(1), values)
