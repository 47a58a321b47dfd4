"""A builder of small synthetic enhanced multi-frame DICOM files (CT, MR, XA).

pydicom ships no enhanced multi-frame image with the package, so the tests make their
own: every name, ID and UID is made up (``TEST^ENHANCED``, UIDs under ``2.25.``).
Each frame's stored values are a ramp, so a window shows a gradient and a wrong
rescale or window shows as a difference.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.sequence import Sequence as DicomSequence
from pydicom.uid import ExplicitVRLittleEndian

_uids = itertools.count(7_000_001)

SOP_CLASSES = {
    "CT": "1.2.840.10008.5.1.4.1.1.2.1",  # Enhanced CT Image Storage
    "MR": "1.2.840.10008.5.1.4.1.1.4.1",  # Enhanced MR Image Storage
    "XA": "1.2.840.10008.5.1.4.1.1.12.1.1",  # Enhanced XA Image Storage
}


def _item(**values: object) -> Dataset:
    item = Dataset()
    for keyword, value in values.items():
        setattr(item, keyword, value)
    return item


def _seq(*items: Dataset) -> DicomSequence:
    return DicomSequence(list(items))


def write_enhanced(
    path: Path,
    *,
    modality: str = "CT",
    frames: int = 4,
    rows: int = 16,
    columns: int = 16,
    rescales: Sequence[tuple[float, float]] | None = ((1.0, -1024.0),),
    rescale_type: str = "HU",
    windows: Sequence[Sequence[tuple[float, float, str]]] | None = (((40.0, 400.0, "SOFT"),),),
    voi_function: str | None = None,
    positions: Sequence[Sequence[float]] | None = None,
    orientation: Sequence[float] = (1, 0, 0, 0, 1, 0),
    spacing: tuple[float, float] | None = (0.5, 0.5),
    thickness: float | None = 2.0,
    bits: int = 12,
) -> Path:
    """Write an enhanced multi-frame image and return its path.

    ``rescales`` and ``windows`` with one entry go to the Shared Functional Groups;
    with one entry per frame, to the Per-frame Functional Groups; ``None`` leaves the
    macro out. ``positions`` (one per frame, default 5 mm apart along z in file order)
    go per frame, ``orientation``, ``spacing`` and ``thickness`` are shared.
    """
    ds = Dataset()
    ds.file_meta = FileMetaDataset()
    ds.file_meta.MediaStorageSOPClassUID = SOP_CLASSES[modality]
    ds.file_meta.MediaStorageSOPInstanceUID = f"2.25.{next(_uids)}"
    ds.file_meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds.SOPClassUID = ds.file_meta.MediaStorageSOPClassUID
    ds.SOPInstanceUID = ds.file_meta.MediaStorageSOPInstanceUID
    ds.StudyInstanceUID, ds.SeriesInstanceUID = f"2.25.{next(_uids)}", f"2.25.{next(_uids)}"
    ds.PatientName, ds.PatientID = "TEST^ENHANCED", "TEST-0002"
    ds.Modality = modality
    ds.SeriesDescription = f"ENHANCED {modality}"
    ds.SeriesNumber = 1
    ds.Rows, ds.Columns = rows, columns
    ds.NumberOfFrames = frames
    ds.SamplesPerPixel = 1
    ds.PhotometricInterpretation = "MONOCHROME2"
    ds.BitsAllocated, ds.BitsStored, ds.HighBit = 16, bits, bits - 1
    ds.PixelRepresentation = 0
    if positions is None:
        positions = [(0.0, 0.0, 5.0 * i) for i in range(frames)]

    shared = Dataset()
    per_frame = [Dataset() for _ in range(frames)]

    def put(keyword: str, items: list[Dataset]) -> None:
        if len(items) == 1:
            setattr(shared, keyword, _seq(items[0]))
        else:
            assert len(items) == frames, keyword
            for frame, item in zip(per_frame, items, strict=True):
                setattr(frame, keyword, _seq(item))

    if rescales is not None:
        put(
            "PixelValueTransformationSequence",
            [
                _item(RescaleSlope=s, RescaleIntercept=i, RescaleType=rescale_type)
                for s, i in rescales
            ],
        )
    if windows is not None:
        items = []
        for frame_windows in windows:
            item = _item(
                WindowCenter=[c for c, _, _ in frame_windows],
                WindowWidth=[w for _, w, _ in frame_windows],
                WindowCenterWidthExplanation=[n for _, _, n in frame_windows],
            )
            if voi_function:
                item.VOILUTFunction = voi_function
            items.append(item)
        put("FrameVOILUTSequence", items)
    put("PlanePositionSequence", [_item(ImagePositionPatient=list(p)) for p in positions])
    shared.PlaneOrientationSequence = _seq(_item(ImageOrientationPatient=list(orientation)))
    if spacing is not None or thickness is not None:
        measures = Dataset()
        if spacing is not None:
            measures.PixelSpacing = list(spacing)
        if thickness is not None:
            measures.SliceThickness = thickness
        shared.PixelMeasuresSequence = _seq(measures)
    ds.SharedFunctionalGroupsSequence = _seq(shared)
    ds.PerFrameFunctionalGroupsSequence = _seq(*per_frame)

    ramp = np.arange(rows * columns, dtype=np.float64).reshape(rows, columns)
    peak = 2**bits - 1
    pixels = np.stack(
        [np.rint(ramp / ramp.max() * peak * (0.5 + 0.5 * (i + 1) / frames)) for i in range(frames)]
    ).astype(np.uint16)
    ds.PixelData = pixels.tobytes()
    ds.save_as(path, enforce_file_format=True)
    return path
