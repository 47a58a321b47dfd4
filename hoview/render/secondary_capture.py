"""Rendered images as de-identified DICOM Secondary Capture files, for teaching files.

The data set is built from nothing rather than cleaned from the source, so no header
field of the source can leak through: only Modality, Body Part Examined, View Position
and Laterality are copied (attributes the Basic Application Level Confidentiality
Profile of DICOM PS3.15 Annex E keeps), every UID is new, and the Patient and Study
attributes the profile removes or empties are empty. Patient Identity Removed is YES and
the method is recorded as text and as code 113100 (DCM, "Basic Application
Confidentiality Profile"). No dates or times are written.
"""

from __future__ import annotations

import io
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.sequence import Sequence
from pydicom.uid import ExplicitVRLittleEndian, SecondaryCaptureImageStorage, generate_uid

from hoview import __version__
from hoview.render.export import grey_if_possible, write_output
from hoview.sources.burned_in import burned_in_reason

#: How the de-identification is described in Deidentification Method (0012,0063).
METHOD = f"hoview {__version__}: PS3.15 Basic Application Confidentiality Profile"[:64]
#: DICOM code for the profile (PS3.16 CID 7050).
PROFILE_CODE = ("113100", "DCM", "Basic Application Confidentiality Profile")
#: Non-identifying attributes copied from the source, by hoview metadata name.
KEPT = {"modality": "Modality", "body_part": "BodyPartExamined", "view_position": "ViewPosition"}


def secondary_capture(
    array: np.ndarray,
    metadata: Mapping[str, Any] | None = None,
    description: str = "",
) -> Dataset:
    """Build a de-identified Secondary Capture data set holding ``array``.

    Parameters
    ----------
    array : numpy.ndarray
        uint8 grey ``(h, w)`` or RGB ``(h, w, 3)``, as exports render it.
    metadata : mapping, optional
        The source's :attr:`~hoview.sources.base.ImageSource.metadata`; only the
        fields in :data:`KEPT` and the burned-in text check are used.
    description : str
        Derivation Description, e.g. "with arrows"; must not identify the patient.

    Returns
    -------
    pydicom.dataset.Dataset
        With file meta, ready for ``save_as``.
    """
    metadata = metadata or {}
    array = grey_if_possible(np.asarray(array, dtype=np.uint8))
    if array.ndim not in (2, 3):
        raise ValueError(f"array: expected (h, w) or (h, w, 3), got shape {array.shape}")
    ds = Dataset()
    ds.SpecificCharacterSet = "ISO_IR 192"
    ds.SOPClassUID = SecondaryCaptureImageStorage
    ds.SOPInstanceUID = generate_uid()
    # Patient and study: emptied or replaced (PS3.15 Table E.1-1 actions Z and U).
    ds.PatientName = "Anonymous"
    ds.PatientID = "TEACH-" + secrets.token_hex(4).upper()
    ds.PatientBirthDate = ""
    ds.PatientSex = ""
    ds.PatientIdentityRemoved = "YES"
    ds.DeidentificationMethod = METHOD
    code = Dataset()
    code.CodeValue, code.CodingSchemeDesignator, code.CodeMeaning = PROFILE_CODE
    ds.DeidentificationMethodCodeSequence = Sequence([code])
    ds.StudyInstanceUID = generate_uid()
    ds.StudyDate = ""
    ds.StudyTime = ""
    ds.ReferringPhysicianName = ""
    ds.StudyID = ""
    ds.AccessionNumber = ""
    ds.SeriesInstanceUID = generate_uid()
    ds.SeriesNumber = 1
    ds.InstanceNumber = 1
    ds.Modality = "OT"
    for key, keyword in KEPT.items():
        value = metadata.get(key)
        if isinstance(value, str) and value.strip():
            setattr(ds, keyword, value.strip())
    ds.PatientOrientation = ""
    ds.ConversionType = "WSD"
    ds.SecondaryCaptureDeviceManufacturer = "hoview"
    ds.SecondaryCaptureDeviceSoftwareVersions = __version__
    ds.ImageType = ["DERIVED", "SECONDARY"]
    if description:
        ds.DerivationDescription = description[:1024]
    risky = burned_in_reason(metadata) is not None
    ds.BurnedInAnnotation = "YES" if risky else "NO"
    ds.RecognizableVisualFeatures = "NO"
    ds.Rows, ds.Columns = array.shape[:2]
    ds.SamplesPerPixel = 1 if array.ndim == 2 else 3
    ds.PhotometricInterpretation = "MONOCHROME2" if array.ndim == 2 else "RGB"
    if array.ndim == 3:
        ds.PlanarConfiguration = 0
    ds.BitsAllocated = 8
    ds.BitsStored = 8
    ds.HighBit = 7
    ds.PixelRepresentation = 0
    ds.PixelData = array.tobytes()

    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = ds.SOPClassUID
    meta.MediaStorageSOPInstanceUID = ds.SOPInstanceUID
    meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds.file_meta = meta
    return ds


def write_secondary_capture(
    array: np.ndarray,
    out: Path,
    metadata: Mapping[str, Any] | None = None,
    description: str = "",
) -> Dataset:
    """Write :func:`secondary_capture` of ``array`` to ``out`` atomically.

    Returns
    -------
    pydicom.dataset.Dataset
        What was written.

    Raises
    ------
    HoviewError
        If the file cannot be written.
    """
    ds = secondary_capture(array, metadata, description)
    buffer = io.BytesIO()
    ds.save_as(buffer, enforce_file_format=True)
    write_output(out, buffer.getvalue())
    return ds
