"""Synthetic studies for the layout tests: copies of the sample film and CT with new UIDs.

Nothing here is patient data: the sample study is synthetic, and every copy gets new
Study, Series and SOP Instance UIDs (and what else a test asks for) through pydicom.
"""

from __future__ import annotations

from pathlib import Path

import pydicom
from pydicom.uid import generate_uid


def film_copy(sample_data_dir: Path, out: Path, study_date: str, **changes: str) -> Path:
    """Copy the sample film as another study made on ``study_date`` (YYYYMMDD)."""
    ds = pydicom.dcmread(sample_data_dir / "pelvis_ap.dcm")
    ds.StudyInstanceUID = generate_uid()
    ds.SeriesInstanceUID = generate_uid()
    ds.SOPInstanceUID = generate_uid()
    ds.file_meta.MediaStorageSOPInstanceUID = ds.SOPInstanceUID
    ds.StudyDate = ds.SeriesDate = study_date
    if "AcquisitionDate" in ds:
        ds.AcquisitionDate = study_date
    for keyword, value in changes.items():
        setattr(ds, keyword, value)
    out.parent.mkdir(parents=True, exist_ok=True)
    ds.save_as(out, enforce_file_format=True)
    return out


def ct_subset(
    sample_data_dir: Path,
    out: Path,
    indices: range,
    frame_of_reference: str | None = None,
    description: str = "subset",
) -> Path:
    """Copy slices ``indices`` of the sample CT as a new series of the same study.

    The copy keeps the slices' positions and, unless ``frame_of_reference`` is given,
    their Frame of Reference UID.
    """
    out.mkdir(parents=True, exist_ok=True)
    files = sorted((sample_data_dir / "ct_hips").glob("*.dcm"))
    series_uid = generate_uid()
    for index in indices:
        ds = pydicom.dcmread(files[index])
        ds.SeriesInstanceUID = series_uid
        ds.SOPInstanceUID = generate_uid()
        ds.file_meta.MediaStorageSOPInstanceUID = ds.SOPInstanceUID
        ds.SeriesNumber = 90
        ds.SeriesDescription = description
        if frame_of_reference is not None:
            ds.FrameOfReferenceUID = frame_of_reference
        ds.save_as(out / files[index].name, enforce_file_format=True)
    return out


def z_of(canvas) -> float:
    """The z (Image Position (Patient)) of the slice a canvas shows."""
    return float(canvas.frame.source.metadata["image_position"][2])
