"""De-identification of the DICOM objects hoview writes for teaching (PS3.15 Annex E).

The Basic Application Level Confidentiality Profile (PS3.15 E.2, Table E.1-1), applied
to a presentation state, a report or a key object note built from a patient's image:

- the patient's name becomes ``Anonymous`` and the Patient ID ``TEACH-`` + a keyed hash
  of the original (action U: the same patient always gets the same teaching ID);
- the study's and the staff's identifying attributes are emptied (Type 2) or removed;
- dates and times are removed, emptied (Type 2) or, where the object requires them
  (Type 1), set to a fixed dummy value (action D);
- private elements are removed (action X);
- every instance UID (Study, Series, SOP Instance, Frame of Reference and those inside
  sequences) is replaced by :func:`deidentified_uid`, a keyed, deterministic map (action
  U). DICOM-defined UIDs (``1.2.840.10008.*``: SOP classes, transfer syntaxes, coding
  schemes) are kept;
- Patient Identity Removed (0012,0062) is YES, and the method is recorded as text and as
  code 113100 (DCM, "Basic Application Confidentiality Profile", PS3.16 CID 7050).

Because the map is deterministic, ``hoview render x.dcm -o plain.dcm --no-annotations``
(:mod:`hoview.render.secondary_capture`) gives the de-identified film the UIDs that a
de-identified GSPS, SR or KOS of the same image references: see
:func:`plain_film_uid`.

The key is a random 32-byte secret made on first use in the user data folder
(``deidentify.key``, mode 0600), or the file ``$HOVIEW_DEIDENTIFY_KEY_FILE`` names. Without
the key nobody can go from a teaching UID back to the original (HMAC-SHA256, RFC 2104).
"""

from __future__ import annotations

import copy
import hashlib
import hmac
import os
import secrets
from pathlib import Path

from pydicom.dataset import Dataset
from pydicom.multival import MultiValue
from pydicom.sequence import Sequence
from pydicom.uid import SecondaryCaptureImageStorage

from hoview import __version__
from hoview.errors import HoviewError

__all__ = [
    "KEY_FILE_ENV",
    "METHOD",
    "PROFILE_CODE",
    "deidentified_patient_id",
    "deidentified_uid",
    "deidentify_object",
    "key_path",
    "plain_film_uid",
]

#: Environment variable naming the key file (tests, shared teaching workstations).
KEY_FILE_ENV = "HOVIEW_DEIDENTIFY_KEY_FILE"
#: How the de-identification is described in Deidentification Method (0012,0063).
METHOD = f"hoview {__version__}: PS3.15 Basic Application Confidentiality Profile"[:64]
#: DICOM code for the profile (PS3.16 CID 7050 "De-identification Method").
PROFILE_CODE = ("113100", "DCM", "Basic Application Confidentiality Profile")
#: Root of DICOM-defined UIDs (PS3.5 9.1): SOP classes, transfer syntaxes... never mapped.
_DICOM_ROOT = "1.2.840.10008."
#: UI elements that name a kind of thing, not an instance: kept whatever their root.
_KEPT_UIDS = frozenset(
    {
        "SOPClassUID",
        "ReferencedSOPClassUID",
        "MediaStorageSOPClassUID",
        "ReferencedSOPClassUIDInFile",
        "TransferSyntaxUID",
        "ReferencedTransferSyntaxUIDInFile",
        "ImplementationClassUID",
        "CodingSchemeUID",
        "ContextUID",
        "MappingResourceUID",
        "ContextGroupExtensionCreatorUID",
        "TemplateExtensionOrganizationUID",
        "TemplateExtensionCreatorUID",
        "PrivateInformationCreatorUID",
    }
)
#: Storage classes of objects that are not images (presentation states, SR and KOS,
#: raw data, encapsulated documents): a reference to one keeps its class.
_NOT_IMAGE_CLASSES = (
    "1.2.840.10008.5.1.4.1.1.11.",
    "1.2.840.10008.5.1.4.1.1.88.",
    "1.2.840.10008.5.1.4.1.1.66",
    "1.2.840.10008.5.1.4.1.1.104.",
)
#: Type 2 attributes that stay, empty (PS3.15 Table E.1-1 action Z).
_EMPTIED = frozenset(
    {
        "PatientBirthDate",
        "PatientSex",
        "StudyDate",
        "StudyTime",
        "ReferringPhysicianName",
        "StudyID",
        "AccessionNumber",
        "ContentCreatorName",
        "ReferencedPerformedProcedureStepSequence",
    }
)
#: Type 1 dates and times of the objects hoview writes (GSPS Presentation Creation,
#: SR and KOS Content): a dummy value (action D).
_DUMMY = {
    "PresentationCreationDate": "19000101",
    "PresentationCreationTime": "000000",
    "ContentDate": "19000101",
    "ContentTime": "000000",
}
#: Attributes of Table E.1-1 that hoview's objects may copy from an image: removed (X).
_REMOVED = frozenset(
    {
        "OtherPatientIDs",
        "OtherPatientIDsSequence",
        "OtherPatientNames",
        "PatientBirthName",
        "PatientMotherBirthName",
        "PatientAge",
        "PatientSize",
        "PatientWeight",
        "PatientAddress",
        "PatientTelephoneNumbers",
        "PatientComments",
        "PatientBirthTime",
        "IssuerOfPatientID",
        "IssuerOfPatientIDQualifiersSequence",
        "MedicalRecordLocator",
        "MilitaryRank",
        "BranchOfService",
        "EthnicGroup",
        "Occupation",
        "AdditionalPatientHistory",
        "PregnancyStatus",
        "ResponsiblePerson",
        "ResponsibleOrganization",
        "PatientSpeciesDescription",
        "InstitutionName",
        "InstitutionAddress",
        "InstitutionalDepartmentName",
        "InstitutionCodeSequence",
        "StationName",
        "OperatorsName",
        "OperatorIdentificationSequence",
        "PerformingPhysicianName",
        "PerformingPhysicianIdentificationSequence",
        "PhysiciansOfRecord",
        "PhysiciansOfRecordIdentificationSequence",
        "NameOfPhysiciansReadingStudy",
        "PhysiciansReadingStudyIdentificationSequence",
        "ReferringPhysicianIdentificationSequence",
        "ReferringPhysicianAddress",
        "ReferringPhysicianTelephoneNumbers",
        "RequestingPhysician",
        "RequestAttributesSequence",
        "StudyDescription",
        "SeriesDescription",
        "ImageComments",
        "StudyComments",
        "DerivationDescription",
        "DeviceSerialNumber",
        "ProtocolName",
        "PerformedProcedureStepID",
        "PerformedProcedureStepDescription",
        "ScheduledProcedureStepID",
        "AdmissionID",
        "AdmittingDiagnosesDescription",
        "ReferencedPatientSequence",
        "ReferencedStudySequence",
        "ProcedureCodeSequence",
        "ReasonForStudy",
        "ReasonForTheRequestedProcedure",
        "RequestedProcedureDescription",
        "RequestedProcedureID",
        "FillerOrderNumberImagingServiceRequest",
        "PlacerOrderNumberImagingServiceRequest",
        "IssuerOfAccessionNumberSequence",
        "TimezoneOffsetFromUTC",
        "VerifyingObserverSequence",
        "AuthorObserverSequence",
        "ParticipantSequence",
        "CustodialOrganizationSequence",
        "ContentCreatorIdentificationCodeSequence",
    }
)


def key_path() -> Path:
    """Return the key file's path.

    ``$HOVIEW_DEIDENTIFY_KEY_FILE``, else ``deidentify.key`` in the user data folder
    (:func:`hoview.annotations.sidecar_places.data_dir`).
    """
    override = os.environ.get(KEY_FILE_ENV)
    if override:
        return Path(override)
    from hoview.annotations.sidecar_places import data_dir

    return data_dir() / "deidentify.key"


def _key() -> bytes:
    """Read the secret key, making it (32 random bytes, mode 0600) on first use."""
    path = key_path()
    try:
        key = path.read_bytes()
    except FileNotFoundError:
        key = b""
    except OSError as exc:
        raise HoviewError(path, f"cannot read the de-identification key ({exc.strerror})") from None
    if key:
        return key
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fresh = secrets.token_bytes(32)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(fresh)
            handle.flush()
            os.fsync(handle.fileno())
        return fresh
    except FileExistsError:  # another process made it meanwhile
        return path.read_bytes()
    except OSError as exc:
        raise HoviewError(path, f"cannot make the de-identification key ({exc.strerror})") from None


def _digest(kind: str, value: str) -> bytes:
    return hmac.new(_key(), f"{kind}\0{value}".encode(), hashlib.sha256).digest()


def deidentified_uid(uid: str, variant: str = "") -> str:
    """Return the teaching UID of ``uid``: ``2.25.<int>`` from HMAC-SHA256 with the key.

    Parameters
    ----------
    uid : str
        An instance UID of the original (study, series, SOP instance...).
    variant : str
        Tells apart several objects made from one original (``"frame 2"`` for the plain
        render of frame 2, ``"rendered <hash>"`` for a render with annotations).

    Returns
    -------
    str
        The same UID for the same ``uid``, ``variant`` and key; 2.25 form (PS3.5 B.2),
        128 bits, at most 44 characters.
    """
    value = uid.strip() + (f"\0{variant}" if variant else "")
    return "2.25." + str(int.from_bytes(_digest("uid", value)[:16], "big"))


def deidentified_patient_id(patient_id: str) -> str:
    """Return the teaching Patient ID: ``TEACH-`` + 16 hex digits of a keyed hash."""
    return "TEACH-" + _digest("patient", patient_id.strip()).hex()[:16].upper()


def plain_film_uid(sop_instance_uid: str, frame: int = 1) -> str:
    """Return the SOP Instance UID of the de-identified plain film of one frame.

    What ``hoview render x.dcm -o plain.dcm --no-annotations`` writes for ``--frame
    frame``, and what a de-identified GSPS, SR or KOS references for that frame.
    """
    return deidentified_uid(sop_instance_uid, "" if frame == 1 else f"frame {frame}")


def _is_image_class(uid: str) -> bool:
    return not uid.startswith(_NOT_IMAGE_CLASSES)


def _map_reference(item: Dataset) -> None:
    """Point a reference to an image at its de-identified plain film.

    That film is a single-frame Secondary Capture per frame (:func:`plain_film_uid`),
    so a single Referenced Frame Number is folded into the UID and removed.
    """
    uid = str(item.ReferencedSOPInstanceUID)
    cls = str(item.get("ReferencedSOPClassUID", "") or "")
    if not cls or not _is_image_class(cls) or uid.startswith(_DICOM_ROOT):
        if not uid.startswith(_DICOM_ROOT):
            item.ReferencedSOPInstanceUID = deidentified_uid(uid)
        return
    frames = _frames_of(item)
    frame = 1
    if len(frames) == 1:
        frame = frames[0]
        del item.ReferencedFrameNumber
    item.ReferencedSOPInstanceUID = plain_film_uid(uid, frame)
    item.ReferencedSOPClassUID = SecondaryCaptureImageStorage


def _clean(ds: Dataset, top: bool) -> None:
    """Apply the profile to the elements of ``ds``, then to its sequences' items."""
    for elem in list(ds):
        keyword = elem.keyword
        if elem.tag.is_private:
            del ds[elem.tag]
            continue
        if keyword in _REMOVED:
            del ds[elem.tag]
            continue
        if top and keyword in _EMPTIED:
            elem.value = [] if elem.VR == "SQ" else ""
            continue
        if elem.VR in ("DA", "DT", "TM"):
            if keyword in _DUMMY:
                elem.value = _DUMMY[keyword]
            else:
                del ds[elem.tag]
            continue
        if elem.VR == "PN":
            del ds[elem.tag]
            continue
        if elem.VR == "UI" and keyword not in _KEPT_UIDS and keyword != "ReferencedSOPInstanceUID":
            values = elem.value if elem.VM > 1 else [elem.value]
            mapped = [
                str(v) if not str(v) or str(v).startswith(_DICOM_ROOT) else deidentified_uid(str(v))
                for v in values
            ]
            elem.value = mapped if elem.VM > 1 else mapped[0]
    if "ReferencedSOPInstanceUID" in ds and ds.ReferencedSOPInstanceUID:
        _map_reference(ds)
    for elem in ds:
        if elem.VR == "SQ":
            elem.value = [one for item in elem.value for one in _per_frame(item)]
            for item in elem.value:
                _clean(item, False)


#: The SR Document General Module's evidence sequences (PS3.3 C.17.2).
_EVIDENCE = ("CurrentRequestedProcedureEvidenceSequence", "PertinentOtherEvidenceSequence")


def _frames_of(item: Dataset) -> list[int]:
    value = item.get("ReferencedFrameNumber")
    if value is None:
        return []
    return [int(v) for v in (value if isinstance(value, MultiValue) else [value])]


def _per_frame(item: Dataset) -> list[Dataset]:
    """Split a reference to several frames of an image into one reference per frame.

    Each frame has its own de-identified plain film (:func:`plain_film_uid`).
    """
    frames = _frames_of(item)
    cls = str(item.get("ReferencedSOPClassUID", "") or "")
    if len(frames) < 2 or "ReferencedSOPInstanceUID" not in item or not _is_image_class(cls):
        return [item]
    copies = []
    for frame in frames:
        one = copy.deepcopy(item)
        one.ReferencedFrameNumber = frame
        copies.append(one)
    return copies


def _frames_used(ds: Dataset, used: dict[str, set[int]]) -> dict[str, set[int]]:
    """Collect, per referenced SOP Instance UID, the frames that references name."""
    for elem in ds:
        if elem.VR != "SQ" or elem.keyword in _EVIDENCE:
            continue
        for item in elem.value:
            if "ReferencedSOPInstanceUID" in item:
                frames = _frames_of(item) or [1]
                used.setdefault(str(item.ReferencedSOPInstanceUID), set()).update(frames)
            _frames_used(item, used)
    return used


def _expand_evidence(ds: Dataset) -> None:
    """List in the evidence sequences (PS3.3 C.17.2) every frame the content references.

    The evidence names images without frames; once each frame is its own plain film, an
    image referenced by frame in the content must be listed by frame in the evidence.
    """
    used = _frames_used(ds, {})
    for keyword in _EVIDENCE:
        for study in ds.get(keyword, []):
            for series in study.get("ReferencedSeriesSequence", []):
                refs = []
                for ref in series.get("ReferencedSOPSequence", []):
                    frames = sorted(used.get(str(ref.ReferencedSOPInstanceUID), {1}))
                    if _frames_of(ref) or frames == [1]:
                        refs.append(ref)
                        continue
                    for frame in frames:
                        one = copy.deepcopy(ref)
                        one.ReferencedFrameNumber = frame
                        refs.append(one)
                series.ReferencedSOPSequence = refs


def deidentify_object(ds: Dataset) -> None:
    """Apply the PS3.15 Basic Application Level Confidentiality Profile to ``ds``, in place.

    For a GSPS, SR or KOS built from an image: see the module's description. References
    to images become references to their de-identified plain films (Secondary Capture
    Image Storage, :func:`plain_film_uid`), so a teaching copy made with
    ``hoview render -o plain.dcm --no-annotations`` is what the object points at.

    Parameters
    ----------
    ds : pydicom.dataset.Dataset
        The object, with or without file meta (its Media Storage SOP Instance UID is
        mapped too).
    """
    original_id = str(ds.get("PatientID", "") or "")
    _expand_evidence(ds)
    _clean(ds, True)
    ds.PatientName = "Anonymous"
    ds.PatientID = deidentified_patient_id(original_id) if original_id else ""
    ds.PatientIdentityRemoved = "YES"
    ds.DeidentificationMethod = METHOD
    code = Dataset()
    code.CodeValue, code.CodingSchemeDesignator, code.CodeMeaning = PROFILE_CODE
    ds.DeidentificationMethodCodeSequence = Sequence([code])
    meta = getattr(ds, "file_meta", None)
    if meta is not None and "MediaStorageSOPInstanceUID" in meta:
        meta.MediaStorageSOPInstanceUID = ds.SOPInstanceUID
