"""Reading DICOM headers without pixel data, and their fields for people."""

from __future__ import annotations

import logging
import warnings
from pathlib import Path
from typing import Any

import pydicom
from pydicom.dataelem import RawDataElement
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.errors import InvalidDicomError
from pydicom.uid import (
    UID,
    DeflatedExplicitVRLittleEndian,
    ExplicitVRBigEndian,
    ExplicitVRLittleEndian,
    ImplicitVRLittleEndian,
)

from hoview.errors import UnreadableImageError

log = logging.getLogger(__name__)

#: Values larger than this are read from the file only when used.
DEFER_SIZE = 16 * 1024

_PIXEL_DATA = 0x7FE00010
_UNDEFINED_LENGTH = 0xFFFFFFFF

#: First bytes of a DICOM data set written without preamble or file meta: the group
#: 0002 or 0008 tag in either byte order (the test dcmtk and GDCM also use).
_RAW_DATASET_STARTS = (b"\x02\x00", b"\x08\x00", b"\x00\x02", b"\x00\x08")


def has_dicom_preamble(path: str | Path) -> bool:
    """Say whether a file has ``DICM`` after a 128-byte preamble (PS3.10 7.1)."""
    try:
        with open(path, "rb") as f:
            head = f.read(132)
    except OSError:
        return False
    return len(head) == 132 and head[128:132] == b"DICM"


def looks_like_dicom(path: str | Path) -> bool:
    """Say whether a file is DICOM, from its first bytes only.

    A file is DICOM if it has ``DICM`` after the 128-byte preamble, or if it starts
    with a group 0002/0008 tag (a data set written without preamble or file meta).
    """
    try:
        with open(path, "rb") as f:
            head = f.read(132)
    except OSError:
        return False
    if len(head) == 132 and head[128:132] == b"DICM":
        return True
    return len(head) >= 8 and head[:2] in _RAW_DATASET_STARTS


def read_header(path: str | Path) -> Dataset:
    """Read a DICOM header, leaving values over 16 KiB (pixel data) unread in the file.

    Every other value is decoded now, so a malformed header fails here and not later;
    a file cut off inside its header is reported as truncated. A data set written
    without preamble or file meta gets the transfer syntax it was read with.

    Raises
    ------
    UnreadableImageError
        If the file is not DICOM, or its header is truncated or malformed.

    """
    path = Path(path)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ds = _dcmread(path, DEFER_SIZE)
            if ds.file_meta.get("TransferSyntaxUID") == DeflatedExplicitVRLittleEndian:
                ds = _dcmread(path, None)  # offsets are in the inflated stream: read it all
            _check_complete(ds, path)
            for tag in list(ds.file_meta.keys()):
                ds.file_meta[tag]  # an unknown VR in the file meta fails here, named
            for tag in list(ds.keys()):
                if not _deferred(ds.get_item(tag, keep_deferred=True)):
                    ds[tag]  # convert now, so a malformed value fails here
    except UnreadableImageError:
        raise
    except InvalidDicomError as exc:
        raise UnreadableImageError(path, "not a DICOM file") from exc
    except Exception as exc:  # noqa: BLE001 - pydicom raises many kinds on bad input
        text = " ".join(str(exc).split())[:200] or type(exc).__name__
        raise UnreadableImageError(path, f"cannot read the DICOM header ({text})") from exc
    ensure_transfer_syntax(ds)
    return ds


def _dcmread(path: Path, defer_size: int | None) -> Dataset:
    try:
        return pydicom.dcmread(path, defer_size=defer_size)
    except InvalidDicomError:
        if not looks_like_dicom(path):
            raise
        return pydicom.dcmread(path, defer_size=defer_size, force=True)


def _check_complete(ds: Dataset, path: Path) -> None:
    """Raise if the file ends inside a header value (pixel data are checked later)."""
    if len(ds) == 0:
        if _header_before_pixels(path):
            raise UnreadableImageError(
                path, "pixel data is truncated: the file ends inside Pixel Data (7FE0,0010)"
            )
        raise UnreadableImageError(path, "truncated DICOM header: nothing after the file meta")
    size = path.stat().st_size
    for tag in ds.keys():
        elem = ds.get_item(tag, keep_deferred=True)
        if (
            tag == _PIXEL_DATA  # DicomImage says how much is missing
            or not isinstance(elem, RawDataElement)
            or elem.length == _UNDEFINED_LENGTH
        ):
            continue
        if elem.value is None:
            short = (elem.value_tell or 0) + elem.length > size
        else:
            short = len(elem.value) < elem.length
        if short:
            name = pydicom.datadict.keyword_for_tag(tag) or ""
            raise UnreadableImageError(
                path, f"truncated DICOM header: the file ends inside {tag} {name}".rstrip()
            )


def _header_before_pixels(path: Path) -> bool:
    """Tell whether the header up to Pixel Data reads, and the file has Pixel Data.

    pydicom returns an empty data set, not an error, for a file that ends inside
    encapsulated (compressed) pixel data; this tells that case from a cut header.
    """
    try:
        if len(pydicom.dcmread(path, stop_before_pixels=True, force=True)) == 0:
            return False
        with open(path, "rb") as f:
            tail = b""
            while block := f.read(2**20):
                data = tail + block
                if b"\xe0\x7f\x10\x00" in data or b"\x7f\xe0\x00\x10" in data:
                    return True
                tail = data[-3:]
    except Exception:  # noqa: BLE001 - then it is the header that is broken
        return False
    return False


def _deferred(element: Any) -> bool:
    """Whether ``element`` is a value pydicom left in the file (``defer_size``)."""
    return isinstance(element, RawDataElement) and element.value is None and element.length > 0


#: Longest library message quoted in one of our error lines (characters).
MESSAGE_LIMIT = 200


def shorten(text: str, limit: int = MESSAGE_LIMIT) -> str:
    """Return ``text`` cut to at most ``limit`` characters at a word boundary.

    A shortened text ends in ``"..."``, so a reader sees that something was left out;
    a word is never cut in two unless it alone is longer than half the limit.

    Parameters
    ----------
    text : str
        One line of text.
    limit : int
        Most characters to return, the ellipsis included.

    Returns
    -------
    str
        ``text`` itself when it fits.
    """
    if len(text) <= limit:
        return text
    cut = text[: limit - 2]  # one character more than fits, to see if a word ends there
    space = cut.rfind(" ")
    cut = cut[:space] if space > limit // 2 else cut[:-1]
    return cut.rstrip(" ,;:.-") + "..."


def one_line(exc: BaseException) -> str:
    """Return an exception's text on one line, shortened at a word boundary."""
    return shorten(" ".join(str(exc).split()) or type(exc).__name__)


def ensure_transfer_syntax(ds: Dataset) -> None:
    """Give a data set read without file meta the transfer syntax it was read with."""
    meta = getattr(ds, "file_meta", None)
    if meta is None:
        meta = ds.file_meta = FileMetaDataset()
    if "TransferSyntaxUID" in meta:
        return
    implicit, little = ds.original_encoding
    if implicit:
        meta.TransferSyntaxUID = ImplicitVRLittleEndian
    elif little is False:
        meta.TransferSyntaxUID = ExplicitVRBigEndian
    else:
        meta.TransferSyntaxUID = ExplicitVRLittleEndian


_METADATA_KEYWORDS = {
    "modality": "Modality",
    "sop_class_uid": "SOPClassUID",
    "sop_instance_uid": "SOPInstanceUID",
    "study_instance_uid": "StudyInstanceUID",
    "series_instance_uid": "SeriesInstanceUID",
    "study_description": "StudyDescription",
    "series_description": "SeriesDescription",
    "series_number": "SeriesNumber",
    "instance_number": "InstanceNumber",
    "body_part": "BodyPartExamined",
    "view_position": "ViewPosition",
    "image_type": "ImageType",
    "burned_in_annotation": "BurnedInAnnotation",
    "manufacturer": "Manufacturer",
    "image_position": "ImagePositionPatient",
    "image_orientation": "ImageOrientationPatient",
    "patient_orientation": "PatientOrientation",
    "slice_thickness": "SliceThickness",
    "patient_name": "PatientName",
    "patient_id": "PatientID",
    "patient_birth_date": "PatientBirthDate",
    "patient_sex": "PatientSex",
    "patient_age": "PatientAge",
    "study_date": "StudyDate",
    "study_time": "StudyTime",
    "series_date": "SeriesDate",
    "acquisition_date": "AcquisitionDate",
    "accession_number": "AccessionNumber",
    "institution_name": "InstitutionName",
    "referring_physician": "ReferringPhysicianName",
    "performing_physician": "PerformingPhysicianName",
    "operators_name": "OperatorsName",
    "station_name": "StationName",
}


def dicom_metadata(ds: Dataset) -> dict[str, Any]:
    """Header fields as plain Python values, keyed by hoview's names.

    Missing fields are left out. Multi-valued fields become lists; person names and
    UIDs become strings; numbers stay numbers.
    """
    result: dict[str, Any] = {}
    for key, keyword in _METADATA_KEYWORDS.items():
        value = ds.get(keyword)
        if value is None or value == "":
            continue
        result[key] = _plain(value)
    if "sop_class_uid" in result:
        result["sop_class_name"] = UID(result["sop_class_uid"]).name
    return result


def _plain(value: Any) -> Any:
    if isinstance(value, (list, tuple, pydicom.multival.MultiValue)):
        return [_plain(v) for v in value]
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return int(value) if float(value).is_integer() and isinstance(value, int) else float(value)
    return dicom_text(value)


#: ISO 2022 IR 58 (GB2312) designation escape, ``ESC $ ) A`` (PS3.3 C.12.1.1.2).
_IR58_ESCAPE = "\x1b$)A"


def dicom_text(value: Any) -> str:
    """Return a decoded DICOM string value as text, without leftover escape codes.

    pydicom 3.0.2 decodes ISO 2022 IR 58 (GB2312) values but keeps the ``ESC $ ) A``
    that designates the character set (its ``iso_ir_58`` codec, unlike the Japanese
    ones, does not consume it), so Chinese person names come out with escape codes.
    The sequence only switches G1 to GB2312, so removing it leaves the decoded name.
    """
    return str(value).replace(_IR58_ESCAPE, "")
