"""A synthetic uncompressed grey DX file for tests: the pixels given, nothing else."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pydicom
from pydicom.dataset import FileMetaDataset
from pydicom.uid import ExplicitVRLittleEndian, ImplicitVRLittleEndian, generate_uid

#: Digital X-Ray Image Storage - For Presentation.
DX_STORAGE = "1.2.840.10008.5.1.4.1.1.1.1"


def write_grey(
    path: Path,
    pixels: np.ndarray,
    stored: int = 12,
    signed: bool = False,
    syntax: str = ExplicitVRLittleEndian,
) -> Path:
    """Write ``pixels`` (``(rows, columns)`` or ``(frames, rows, columns)``) as a DX file.

    Bits Allocated follows the array's dtype; ``stored`` bits, MONOCHROME2, new UIDs.
    """
    ds = pydicom.Dataset()
    ds.file_meta = FileMetaDataset()
    ds.file_meta.TransferSyntaxUID = syntax
    ds.file_meta.MediaStorageSOPClassUID = DX_STORAGE
    ds.file_meta.MediaStorageSOPInstanceUID = uid = generate_uid()
    ds.SOPClassUID, ds.SOPInstanceUID = DX_STORAGE, uid
    ds.StudyInstanceUID, ds.SeriesInstanceUID = generate_uid(), generate_uid()
    ds.Modality = "DX"
    frames = pixels.shape[0] if pixels.ndim == 3 else 1
    if frames > 1:
        ds.NumberOfFrames = frames
    ds.Rows, ds.Columns = pixels.shape[-2:]
    ds.SamplesPerPixel, ds.PhotometricInterpretation = 1, "MONOCHROME2"
    ds.BitsAllocated = pixels.dtype.itemsize * 8
    ds.BitsStored, ds.HighBit = stored, stored - 1
    ds.PixelRepresentation = int(signed)
    ds.PixelData = pixels.tobytes()
    ds.save_as(path, enforce_file_format=True, implicit_vr=syntax == ImplicitVRLittleEndian)
    return path
