"""Builders of small synthetic DICOM files and images for the source tests.

Every name, ID and UID here is made up (``TEST^SCAN``, UIDs under ``2.25.``).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.uid import CTImageStorage, ExplicitVRLittleEndian

_uids = itertools.count(1_000_001)


def new_uid() -> str:
    """Return a made-up UID, unique in this test run."""
    return f"2.25.{next(_uids)}"


def write_dicom(
    path: Path,
    *,
    study: str = "2.25.1",
    series: str = "2.25.2",
    sop: str | None = None,
    instance: int | None = None,
    position: Sequence[float] | None = None,
    orientation: Sequence[float] | None = None,
    frames: int = 1,
    rows: int = 8,
    columns: int = 8,
    value: int = 0,
    modality: str = "CT",
    series_number: int | None = 1,
    series_description: str = "TEST SERIES",
    study_description: str = "TEST STUDY",
    study_date: str = "20240101",
    sop_class: str = CTImageStorage,
    pixels: bool = True,
) -> Path:
    """Write a small, valid DICOM image (uint16, MONOCHROME2) and return its path.

    The stored values of frame ``n`` (from 1) are all ``value + n - 1``.
    """
    ds = Dataset()
    ds.file_meta = FileMetaDataset()
    ds.file_meta.MediaStorageSOPClassUID = sop_class
    ds.file_meta.MediaStorageSOPInstanceUID = sop or new_uid()
    ds.file_meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds.SOPClassUID = sop_class
    ds.SOPInstanceUID = ds.file_meta.MediaStorageSOPInstanceUID
    ds.PatientName = "TEST^SCAN"
    ds.PatientID = "TEST-0001"
    ds.StudyInstanceUID = study
    ds.SeriesInstanceUID = series
    ds.StudyDate = study_date
    ds.StudyDescription = study_description
    ds.SeriesDescription = series_description
    ds.Modality = modality
    if series_number is not None:
        ds.SeriesNumber = series_number
    if instance is not None:
        ds.InstanceNumber = instance
    if position is not None:
        ds.ImagePositionPatient = [float(v) for v in position]
    if orientation is not None:
        ds.ImageOrientationPatient = [float(v) for v in orientation]
    if pixels:
        ds.Rows, ds.Columns = rows, columns
        ds.SamplesPerPixel = 1
        ds.PhotometricInterpretation = "MONOCHROME2"
        ds.BitsAllocated = ds.BitsStored = 16
        ds.HighBit = 15
        ds.PixelRepresentation = 0
        if frames > 1:
            ds.NumberOfFrames = frames
        stack = np.stack([np.full((rows, columns), value + i, np.uint16) for i in range(frames)])
        ds.PixelData = stack.tobytes()
    path.parent.mkdir(parents=True, exist_ok=True)
    ds.save_as(path, enforce_file_format=True)
    return path


def write_png(path: Path, size: tuple[int, int] = (12, 10), value: int = 128) -> Path:
    """Write a small 8-bit grey PNG (``size`` is width, height) and return its path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(np.full(size[::-1], value, np.uint8)).save(path)
    return path


@pytest.fixture
def make_dicom() -> Callable[..., Path]:
    """:func:`write_dicom`, for tests."""
    return write_dicom


@pytest.fixture
def make_png() -> Callable[..., Path]:
    """:func:`write_png`, for tests."""
    return write_png


@pytest.fixture
def make_uid() -> Callable[[], str]:
    """:func:`new_uid`, for tests."""
    return new_uid


@pytest.fixture(scope="session")
def dicomdir_tests(pydicom_files: Path) -> Path:
    """pydicom's DICOMDIR test file-set (3 patients' folders and DICOMDIR variants)."""
    folder = pydicom_files / "dicomdirtests"
    assert (folder / "DICOMDIR").is_file()
    return folder
