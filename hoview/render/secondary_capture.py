"""Rendered images as de-identified DICOM Secondary Capture files, for teaching files.

The data set is built from nothing rather than cleaned from the source, so no header
field of the source can leak through: only Modality, Body Part Examined, View Position
and Laterality are copied (attributes the Basic Application Level Confidentiality
Profile of DICOM PS3.15 Annex E keeps), and the Patient and Study attributes the
profile removes or empties are empty. Patient Identity Removed is YES and the method is
recorded as text and as code 113100 (DCM, "Basic Application Confidentiality Profile").
No dates or times are written.

The UIDs are new but not random when the source is a DICOM image: they come from the
source's through the keyed map of :mod:`hoview.dicom_objects.deidentify` (action U), so
a GSPS, SR or KOS written with ``--deidentify`` references this file:

- Study and Series Instance UIDs: ``deidentified_uid`` of the source's;
- SOP Instance UID of the plain film (``--no-annotations``, no ``--window``, ``--scale``,
  ``--pair`` or orientation markers): ``plain_film_uid(source SOP Instance UID, frame)``;
- any other render (with arrows, another window or size): ``deidentified_uid`` of the
  source's SOP Instance UID with the variant ``"rendered <SHA-256 of the pixels>"``, so
  the same picture gets the same UID and a different one another;
- Patient ID: ``TEACH-`` + a keyed hash of the source's, the same for the objects.

A raster source has no UIDs: its file gets random ones.
"""

from __future__ import annotations

import hashlib
import io
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.sequence import Sequence
from pydicom.uid import ExplicitVRLittleEndian, SecondaryCaptureImageStorage, generate_uid

from hoview import __version__
from hoview.dicom_objects.deidentify import (
    METHOD,
    PROFILE_CODE,
    deidentified_patient_id,
    deidentified_uid,
    plain_film_uid,
)
from hoview.render.export import grey_if_possible, write_output
from hoview.sources.burned_in import burned_in_reason

__all__ = [
    "METHOD",
    "PROFILE_CODE",
    "SourceUids",
    "secondary_capture",
    "source_uids",
    "write_secondary_capture",
]
#: Non-identifying attributes copied from the source, by hoview metadata name.
KEPT = {"modality": "Modality", "body_part": "BodyPartExamined", "view_position": "ViewPosition"}
#: The source's UIDs that the keyed map turns into this file's.
_UID_KEYWORDS = ("StudyInstanceUID", "SeriesInstanceUID", "SOPInstanceUID")


@dataclass(frozen=True, slots=True)
class SourceUids:
    """The identifiers of the DICOM image a Secondary Capture is rendered from.

    Only their keyed images (:func:`~hoview.dicom_objects.deidentify.deidentified_uid`)
    are written.

    Parameters
    ----------
    study, series, sop_instance : str
        Study (0020,000D), Series (0020,000E) and SOP Instance UID (0008,0018).
    patient_id : str
        Patient ID (0010,0020); may be empty.
    frame : int
        The frame rendered, from 1.
    plain : bool
        The render is the plain film (the default window, native size, no drawing).
    """

    study: str
    series: str
    sop_instance: str
    patient_id: str = ""
    frame: int = 1
    plain: bool = False


def source_uids(header: Dataset | None, frame: int = 1, plain: bool = False) -> SourceUids | None:
    """Return the :class:`SourceUids` of a DICOM header; ``None`` without its three UIDs."""
    if header is None:
        return None
    values = [str(header.get(k, "") or "").strip() for k in _UID_KEYWORDS]
    if not all(values):
        return None
    patient_id = str(header.get("PatientID", "") or "").strip()
    return SourceUids(*values, patient_id=patient_id, frame=frame, plain=plain)


def _uids(array: np.ndarray, uids: SourceUids | None) -> tuple[str, str, str, str]:
    """Return (study, series, SOP instance, patient ID) for the file."""
    if uids is None:
        return (
            generate_uid(),
            generate_uid(),
            generate_uid(),
            "TEACH-" + secrets.token_hex(4).upper(),
        )
    if uids.plain:
        sop = plain_film_uid(uids.sop_instance, uids.frame)
    else:
        digest = hashlib.sha256(repr(array.shape).encode() + array.tobytes()).hexdigest()
        sop = deidentified_uid(uids.sop_instance, f"rendered {digest}")
    patient = deidentified_patient_id(uids.patient_id) if uids.patient_id else ""
    return deidentified_uid(uids.study), deidentified_uid(uids.series), sop, patient


def secondary_capture(
    array: np.ndarray,
    metadata: Mapping[str, Any] | None = None,
    description: str = "",
    uids: SourceUids | None = None,
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
    uids : SourceUids, optional
        The DICOM source's identifiers, for the keyed UIDs the module describes;
        without them the UIDs are random and the Patient ID empty.

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
    study, series, sop, patient = _uids(array, uids)
    ds.SOPInstanceUID = sop
    # Patient and study: emptied or replaced (PS3.15 Table E.1-1 actions Z and U).
    ds.PatientName = "Anonymous"
    ds.PatientID = patient
    ds.PatientBirthDate = ""
    ds.PatientSex = ""
    ds.PatientIdentityRemoved = "YES"
    ds.DeidentificationMethod = METHOD
    code = Dataset()
    code.CodeValue, code.CodingSchemeDesignator, code.CodeMeaning = PROFILE_CODE
    ds.DeidentificationMethodCodeSequence = Sequence([code])
    ds.StudyInstanceUID = study
    ds.StudyDate = ""
    ds.StudyTime = ""
    ds.ReferringPhysicianName = ""
    ds.StudyID = ""
    ds.AccessionNumber = ""
    ds.SeriesInstanceUID = series
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
    uids: SourceUids | None = None,
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
    ds = secondary_capture(array, metadata, description, uids)
    buffer = io.BytesIO()
    ds.save_as(buffer, enforce_file_format=True)
    write_output(out, buffer.getvalue())
    return ds
