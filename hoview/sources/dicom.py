"""One DICOM file: its header, its frames, and lazy pixel decoding (pydicom + pylibjpeg)."""

from __future__ import annotations

import logging
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pydicom
from pydicom.dataset import Dataset
from pydicom.pixels import get_decoder
from pydicom.pixels.utils import get_expected_length
from pydicom.uid import UID

from hoview.display.attributes import PixelAttributes
from hoview.errors import UnreadableImageError, UnsupportedCompressionError
from hoview.sources.base import FrameCache, ImageSource, Overlay
from hoview.sources.dicom_attributes import float_values, pixel_attributes
from hoview.sources.dicom_header import (
    DEFER_SIZE,
    dicom_metadata,
    ensure_transfer_syntax,
    has_dicom_preamble,
    looks_like_dicom,
    one_line,
    read_header,
)
from hoview.sources.native_pixels import read_native_frame

__all__ = [
    "DEFER_SIZE",
    "DicomImage",
    "dicom_metadata",
    "has_dicom_preamble",
    "looks_like_dicom",
    "read_header",
    "read_overlays",
]

log = logging.getLogger(__name__)


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
        ensure_transfer_syntax(ds)
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
        self._attributes = pixel_attributes(ds, self.path)

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
        element = self.dataset.get_item(0x7FE00010, keep_deferred=True)
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
        uid = str(self.dataset.get("SOPInstanceUID", "") or "").strip()
        key = {"sop_instance_uid": uid} if uid else {"sha256": self.sha256}
        return {
            **key,
            "columns": self.columns,
            "rows": self.rows,
            "frames": self.frame_count,
        }

    @property
    def pixel_spacing(self) -> tuple[float, float] | None:
        """Pixel Spacing (0028,0030), else Imager Pixel Spacing (0018,1164), in mm."""
        if not hasattr(self, "_pixel_spacing"):  # read once: the canvas asks on every repaint
            self._pixel_spacing = _pixel_spacing(self.dataset)
        return self._pixel_spacing

    @property
    def metadata(self) -> dict[str, Any]:
        """Header fields for people and for grouping into studies and series."""
        if not hasattr(self, "_metadata"):  # read once: the canvas asks on every repaint
            self._metadata = dicom_metadata(self.dataset)
        return dict(self._metadata)

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
            raise UnreadableImageError(self.path, _decodeone_line(exc)) from exc
        if arr.ndim == 3 and arr.shape[0] == 1 and self.attributes.samples_per_pixel == 1:
            arr = arr[0]
        expected = (self.rows, self.columns)
        if arr.shape[:2] != expected:
            raise UnreadableImageError(
                self.path, f"decoded frame has shape {arr.shape}, expected {expected}"
            )
        return arr


def _pixel_spacing(ds: Dataset) -> tuple[float, float] | None:
    """Pixel Spacing (0028,0030), else Imager Pixel Spacing (0018,1164), in mm."""
    for keyword in ("PixelSpacing", "ImagerPixelSpacing"):
        values = float_values(ds.get(keyword))
        if len(values) == 2 and all(v > 0 for v in values):
            return values[0], values[1]
    return None


def _decode_frame(ds: Dataset, path: Path, index: int | None) -> np.ndarray:
    """Decode one frame (``index`` from 0) or the only frame (``None``).

    An uncompressed grey frame is read straight into an array
    (:func:`~hoview.sources.native_pixels.read_native_frame`). Otherwise a file with a
    preamble and file meta is decoded straight from disk, reading only the frame asked
    for; a bare data set (no file meta), a deflated file, or one the
    direct reader stumbles on, through its header (which reads all pixel data).
    """
    arr = read_native_frame(ds, path, index)
    if arr is not None:
        return arr
    deflated = ds.file_meta.TransferSyntaxUID == pydicom.uid.DeflatedExplicitVRLittleEndian
    if ds.preamble is not None and not deflated:
        try:
            return pydicom.pixels.pixel_array(path, index=index)
        except (ValueError, KeyError, AttributeError):
            pass  # e.g. an odd Basic Offset Table the data set reader tolerates
    return pydicom.pixels.pixel_array(ds, index=index)


def _decodeone_line(exc: BaseException) -> str:
    text = one_line(exc)
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
            log.info("%s: overlay %04X skipped: %s", path or "", group, one_line(exc))
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
