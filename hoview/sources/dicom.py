"""One DICOM file: its header, its frames, and lazy pixel decoding (pydicom + pylibjpeg)."""

from __future__ import annotations

import logging
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pydicom
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.errors import InvalidDicomError
from pydicom.pixels import get_decoder
from pydicom.pixels.utils import get_expected_length
from pydicom.pixels.processing import apply_color_lut, apply_modality_lut, apply_voi
from pydicom.uid import UID, ExplicitVRBigEndian, ExplicitVRLittleEndian, ImplicitVRLittleEndian

from hoview.display.attributes import LookupTable, PixelAttributes, Window
from hoview.errors import UnreadableImageError, UnsupportedCompressionError
from hoview.sources.base import FrameCache, ImageSource, Overlay

log = logging.getLogger(__name__)

#: Values larger than this are read from the file only when used.
DEFER_SIZE = 16 * 1024

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
    """Read a DICOM file's header, leaving large values (pixel data) in the file.

    Parameters
    ----------
    path : str or pathlib.Path
        A DICOM file, with or without preamble and file meta.

    Returns
    -------
    pydicom.dataset.Dataset
        The data set; pixel data and other large values are read on first access.

    Raises
    ------
    UnreadableImageError
        If the file is not DICOM or its header is truncated or malformed.
    """
    path = Path(path)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                ds = pydicom.dcmread(path, defer_size=DEFER_SIZE)
            except InvalidDicomError:
                if not looks_like_dicom(path):
                    raise
                ds = pydicom.dcmread(path, defer_size=DEFER_SIZE, force=True)
            # Touch every top-level element so a truncated header fails here, not later.
            for _ in ds:
                pass
    except InvalidDicomError as exc:
        raise UnreadableImageError(path, "not a DICOM file") from exc
    except (EOFError, OSError, ValueError, KeyError, TypeError, OverflowError) as exc:
        raise UnreadableImageError(path, f"cannot read the DICOM header ({_reason(exc)})") from exc
    _ensure_transfer_syntax(ds)
    return ds


def _reason(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text[:200]


def _ensure_transfer_syntax(ds: Dataset) -> None:
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


def _floats(value: Any) -> list[float]:
    if value is None or value == "":
        return []
    if isinstance(value, (list, tuple, pydicom.multival.MultiValue)):
        return [float(v) for v in value if v is not None and v != ""]
    return [float(value)]


def _strings(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, (list, tuple, pydicom.multival.MultiValue)):
        return [str(v) for v in value]
    return [str(value)]


def _windows(ds: Dataset) -> tuple[Window, ...]:
    """The file's windows, Window Center/Width (0028,1050/1051), in order."""
    centers = _floats(ds.get("WindowCenter"))
    widths = _floats(ds.get("WindowWidth"))
    names = _strings(ds.get("WindowCenterWidthExplanation"))
    function = str(ds.get("VOILUTFunction", "LINEAR") or "LINEAR")
    windows = []
    for i, (center, width) in enumerate(zip(centers, widths)):
        name = names[i] if i < len(names) and names[i] else f"File window {i + 1}"
        try:
            windows.append(Window(center, width, function, name))
        except ValueError as exc:
            log.info("%s: window %d ignored: %s", ds.filename, i + 1, exc)
    return tuple(windows)


def _lut(ds: Dataset, item: Dataset, table: np.ndarray) -> LookupTable:
    n, first, bits = (int(v) for v in item.LUTDescriptor)
    return LookupTable(first, table, bits, str(item.get("LUTExplanation", "") or ""))


def _modality_lut(ds: Dataset) -> LookupTable | None:
    """Modality LUT Sequence (0028,3000), decoded by pydicom's own reader."""
    seq = ds.get("ModalityLUTSequence")
    if not seq:
        return None
    item = seq[0]
    n, first, _ = (int(v) for v in item.LUTDescriptor)
    n = n or 2**16
    first = _signed_first(first, ds)
    table = apply_modality_lut(np.arange(first, first + n), ds)
    lut = _lut(ds, item, np.asarray(table))
    return LookupTable(first, lut.data, lut.bits, lut.name)


def _signed_first(first: int, ds: Dataset) -> int:
    """LUT Descriptor's first mapped value is signed when the pixels are (C.11.1.1)."""
    if ds.get("PixelRepresentation", 0) == 1 and first >= 2**15:
        return first - 2**16
    return first


def _voi_luts(ds: Dataset) -> tuple[LookupTable, ...]:
    """VOI LUT Sequence (0028,3010) items, decoded by pydicom's own reader."""
    seq = ds.get("VOILUTSequence")
    if not seq:
        return ()
    tables = []
    for index, item in enumerate(seq):
        if item.get("LUTDescriptor") is None or item.get("LUTData") is None:
            continue
        n, first, _ = (int(v) for v in item.LUTDescriptor)
        n = n or 2**16
        domain = np.arange(first, first + n)
        domain = domain.astype(np.int64 if first < 0 else np.uint16)
        try:
            table = apply_voi(domain, ds, index)
        except (NotImplementedError, ValueError, AttributeError) as exc:
            log.info("%s: VOI LUT %d ignored: %s", ds.filename, index + 1, exc)
            continue
        tables.append(_lut(ds, item, np.asarray(table)))
    return tuple(tables)


def _palette(ds: Dataset) -> tuple[np.ndarray, int] | None:
    """An 8-bit RGB table for PALETTE COLOR images, from pydicom's palette reader."""
    if "RedPaletteColorLookupTableDescriptor" not in ds:
        return None
    n, first, bits = (int(v) for v in ds.RedPaletteColorLookupTableDescriptor)
    n = n or 2**16
    bits_allocated = int(ds.get("BitsAllocated", 8))
    dtype = np.uint8 if bits_allocated <= 8 else np.uint16
    first = max(first, 0)
    domain = np.arange(first, first + n).astype(dtype)
    rgb = np.asarray(apply_color_lut(domain, ds))
    if rgb.dtype != np.uint8:
        peak = 255 if rgb.max(initial=0) <= 255 and bits == 8 else 65535
        rgb = (rgb.astype(np.float64) * (255 / peak)).round().astype(np.uint8)
    return rgb.reshape(-1, 3), first


class DicomImage(ImageSource):
    """One DICOM file, single- or multi-frame.

    The header is read when the object is built; pixel data stays in the file and
    each frame is decoded the first time it is asked for.

    Parameters
    ----------
    path : str or pathlib.Path
        The DICOM file.
    cache : FrameCache, optional
        Where decoded frames are kept (the shared default cache if omitted).
    dataset : pydicom.dataset.Dataset, optional
        A header already read from ``path`` (e.g. by a folder scan).

    Raises
    ------
    UnreadableImageError
        If the file is not DICOM, its header is malformed, or it has no pixel data.
    UnsupportedCompressionError
        If no installed decoder handles its transfer syntax.
    """

    kind = "dicom"

    def __init__(
        self,
        path: str | Path,
        cache: FrameCache | None = None,
        dataset: Dataset | None = None,
    ) -> None:
        super().__init__(path, cache)
        ds = read_header(self.path) if dataset is None else dataset
        _ensure_transfer_syntax(ds)
        self.dataset = ds
        if not any(tag in ds for tag in (0x7FE00010, 0x7FE00008, 0x7FE00009)):
            sop = UID(str(ds.get("SOPClassUID", ""))).name if "SOPClassUID" in ds else ""
            what = f" (it is {sop})" if sop else ""
            raise UnreadableImageError(self.path, f"DICOM file has no pixel data{what}")
        for keyword in ("Rows", "Columns", "BitsAllocated", "PhotometricInterpretation"):
            if ds.get(keyword) in (None, ""):
                raise UnreadableImageError(self.path, f"DICOM image has no {keyword}")
        self.transfer_syntax = UID(str(ds.file_meta.TransferSyntaxUID))
        self._check_decoder()
        self._check_native_length()
        self._attributes = self._read_attributes()

    def _check_decoder(self) -> None:
        ts = self.transfer_syntax
        try:
            decoder = get_decoder(ts)
        except NotImplementedError as exc:
            raise UnsupportedCompressionError(
                self.path, f"no decoder for transfer syntax {ts.name or ts} ({ts})"
            ) from exc
        if not decoder.is_available:
            raise UnsupportedCompressionError(
                self.path,
                f"no installed decoder handles {ts.name} ({ts}); "
                f"install one of: {', '.join(decoder.missing_dependencies) or 'a plugin'}",
            )

    def _check_native_length(self) -> None:
        """Refuse uncompressed pixel data shorter than Rows x Columns x frames need."""
        if self.transfer_syntax.is_compressed or 0x7FE00010 not in self.dataset:
            return
        element = self.dataset.get_item(0x7FE00010)
        length = getattr(element, "length", None)
        if length is None:
            value = element.value
            length = len(value) if value is not None else 0
        elif getattr(element, "value_tell", None) is not None and element.value is None:
            length = min(length, max(self.path.stat().st_size - element.value_tell, 0))
        try:
            expected = int(get_expected_length(self.dataset))
        except (AttributeError, KeyError, TypeError, ValueError):
            return
        if 0 <= length < expected:
            raise UnreadableImageError(
                self.path,
                f"pixel data is truncated: {length} bytes where {expected} are needed",
            )

    def _read_attributes(self) -> PixelAttributes:
        ds = self.dataset
        photometric = str(ds.PhotometricInterpretation).strip().upper()
        samples = int(ds.get("SamplesPerPixel", 1) or 1)
        palette = _palette(ds) if photometric == "PALETTE COLOR" else None
        shape = str(ds.get("PresentationLUTShape", "") or "").strip().upper()
        inverse = shape == "INVERSE" or (not shape and photometric == "MONOCHROME1")
        padding = None
        if "PixelPaddingValue" in ds and samples == 1:
            values = [float(ds.PixelPaddingValue)]
            if "PixelPaddingRangeLimit" in ds:
                values.append(float(ds.PixelPaddingRangeLimit))
            padding = tuple(values)
        has_rescale = "RescaleSlope" in ds and "RescaleIntercept" in ds
        modality = str(ds.get("Modality", "") or "")
        try:
            return PixelAttributes(
                photometric="RGB" if samples == 3 else photometric,
                samples_per_pixel=samples,
                bits_stored=int(ds.get("BitsStored") or ds.BitsAllocated),
                signed=int(ds.get("PixelRepresentation", 0) or 0) == 1,
                rescale_slope=float(ds.RescaleSlope) if has_rescale else 1.0,
                rescale_intercept=float(ds.RescaleIntercept) if has_rescale else 0.0,
                modality_lut=_modality_lut(ds) if samples == 1 else None,
                windows=_windows(ds) if samples == 1 and palette is None else (),
                voi_luts=_voi_luts(ds) if samples == 1 and palette is None else (),
                presentation_inverse=inverse,
                padding=padding,
                palette=None if palette is None else palette[0],
                palette_first=0 if palette is None else palette[1],
                units="HU" if modality == "CT" and has_rescale else "",
            )
        except (ValueError, TypeError, AttributeError) as exc:
            raise UnreadableImageError(self.path, f"bad pixel description: {_reason(exc)}") from exc

    @property
    def rows(self) -> int:
        """Rows (0028,0010)."""
        return int(self.dataset.Rows)

    @property
    def columns(self) -> int:
        """Columns (0028,0011)."""
        return int(self.dataset.Columns)

    @property
    def frame_count(self) -> int:
        """Number of Frames (0028,0008), 1 when absent."""
        value = self.dataset.get("NumberOfFrames", 1)
        try:
            return max(int(value or 1), 1)
        except (TypeError, ValueError):
            return 1

    @property
    def attributes(self) -> PixelAttributes:
        """How stored values are displayed (Modality LUT, VOI, Presentation LUT)."""
        return self._attributes

    @property
    def identity(self) -> dict[str, Any]:
        """SOP Instance UID (0008,0018) and the image's size."""
        return {
            "sop_instance_uid": str(self.dataset.get("SOPInstanceUID", "")),
            "columns": self.columns,
            "rows": self.rows,
            "frames": self.frame_count,
        }

    @property
    def pixel_spacing(self) -> tuple[float, float] | None:
        """Pixel Spacing (0028,0030), else Imager Pixel Spacing (0018,1164), in mm."""
        for keyword in ("PixelSpacing", "ImagerPixelSpacing"):
            values = _floats(self.dataset.get(keyword))
            if len(values) == 2 and all(v > 0 for v in values):
                return values[0], values[1]
        return None

    @property
    def metadata(self) -> dict[str, Any]:
        """Header fields for people and for grouping into studies and series."""
        return dicom_metadata(self.dataset)

    @property
    def overlays(self) -> tuple[Overlay, ...]:
        """Overlay planes (60xx,3000) with their bitmaps, read on first use."""
        if not hasattr(self, "_overlays"):
            self._overlays = tuple(read_overlays(self.dataset, self.path))
        return self._overlays

    def _decode(self, number: int) -> np.ndarray:
        index = number - 1 if self.frame_count > 1 else None
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                arr = _decode_frame(self.dataset, self.path, index)
        except Exception as exc:  # noqa: BLE001 - any decoder failure is the file's fault
            raise UnreadableImageError(self.path, _decode_reason(exc)) from exc
        if arr.ndim == 3 and arr.shape[0] == 1 and self.attributes.samples_per_pixel == 1:
            arr = arr[0]
        expected = (self.rows, self.columns)
        if arr.shape[:2] != expected:
            raise UnreadableImageError(
                self.path, f"decoded frame has shape {arr.shape}, expected {expected}"
            )
        return arr


def _decode_frame(ds: Dataset, path: Path, index: int | None) -> np.ndarray:
    """Decode one frame (``index`` from 0) or the only frame (``None``).

    A file with a preamble and file meta is decoded straight from disk, reading only
    the frame asked for; a bare data set (no file meta), a deflated file, or one the
    direct reader stumbles on, through its header (which reads all pixel data).
    """
    deflated = ds.file_meta.TransferSyntaxUID == pydicom.uid.DeflatedExplicitVRLittleEndian
    if ds.preamble is not None and not deflated:
        try:
            return pydicom.pixels.pixel_array(path, index=index)
        except (ValueError, KeyError, AttributeError):
            pass  # e.g. an odd Basic Offset Table the data set reader tolerates
    return pydicom.pixels.pixel_array(ds, index=index)


def _decode_reason(exc: BaseException) -> str:
    text = _reason(exc)
    lowered = text.lower()
    if "less than expected" in lowered or "truncated" in lowered or "too short" in lowered:
        return f"pixel data is truncated ({text})"
    if isinstance(exc, EOFError):
        return "pixel data is truncated (the file ends early)"
    return f"cannot decode the pixel data ({text})"


def read_overlays(ds: Dataset, path: Path | None = None) -> list[Overlay]:
    """Read every overlay plane (groups 6000-601E) that carries Overlay Data.

    Parameters
    ----------
    ds : pydicom.dataset.Dataset
        The data set.
    path : pathlib.Path, optional
        For log messages.

    Returns
    -------
    list of Overlay
        One per plane, bitmap in image pixel coordinates (Overlay Origin applied by
        the viewer, which knows where the plane goes).
    """
    overlays = []
    for group in range(0x6000, 0x6020, 2):
        if (group << 16 | 0x3000) not in ds:
            continue
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                bitmap = np.asarray(ds.overlay_array(group)).astype(bool)
        except Exception as exc:  # noqa: BLE001 - a bad overlay must not stop the image
            log.info("%s: overlay %04X skipped: %s", path or "", group, _reason(exc))
            continue
        origin = ds.get((group, 0x0050))
        origin_rc = tuple(int(v) for v in origin.value) if origin is not None else (1, 1)
        kind = ds.get((group, 0x0040))
        label = ds.get((group, 0x1500)) or ds.get((group, 0x0022))
        overlays.append(
            Overlay(
                group=group,
                bitmap=bitmap,
                origin=(origin_rc[0], origin_rc[1]) if len(origin_rc) == 2 else (1, 1),
                kind=str(kind.value).strip() if kind is not None else "G",
                description=str(label.value).strip() if label is not None else "",
            )
        )
    return overlays


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
    return str(value)
