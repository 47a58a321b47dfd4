"""Uncompressed pixel data shorter than its frames: padded with zeros, as DCMTK does.

Real files carry less native pixel data than Rows x Columns x frames need, with a
Pixel Data length that says so (a last frame cut short by the writer, a frame count
one too high). DCMTK shows them with the missing pixels set to 0 and warns
("computed and stored pixel count differ"); hoview does the same and says it in a
warning. Two cases stay refused: a file that ends before the length its Pixel Data
element declares (cut off in transfer; DCMTK refuses it too), and Pixel Data of
length 0. Only the frames the data reaches are kept -- a Number of Frames of 10^9
over a few bytes is one frame, not a billion.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import pydicom
from pydicom.dataelem import DataElement
from pydicom.dataset import Dataset
from pydicom.pixels.utils import get_expected_length

from hoview.errors import UnreadableImageError

_PIXEL_DATA = 0x7FE00010
_UNDEFINED_LENGTH = 0xFFFFFFFF


@dataclass(frozen=True)
class Shortfall:
    """How much native pixel data a file lacks.

    Attributes
    ----------
    length : int
        Bytes of pixel data in the file.
    expected : int
        Bytes Rows x Columns x Samples x Bits Allocated x Number of Frames need.
    frames_declared : int
        Number of Frames (0028,0008), 1 when absent.
    frames_held : int
        Frames the data reaches, the last one partly.
    """

    length: int
    expected: int
    frames_declared: int
    frames_held: int

    @property
    def warning(self) -> str:
        """The one-line warning shown to the user."""
        dropped = self.frames_declared - self.frames_held
        frames = f"; {dropped} frame{'s' if dropped != 1 else ''} with no data left out"
        return (
            f"pixel data holds {self.length} of the {self.expected} bytes the image needs: "
            f"the missing pixels are shown as 0 (black){frames if dropped else ''}"
        )


def native_shortfall(ds: Dataset, path: Path) -> Shortfall | None:
    """Check the length of uncompressed Pixel Data (7FE0,0010) against what it needs.

    Parameters
    ----------
    ds : pydicom.dataset.Dataset
        The header of a file with a native (not encapsulated) transfer syntax.
    path : pathlib.Path
        The file.

    Returns
    -------
    Shortfall or None
        ``None`` when the data is long enough (or its size cannot be told).

    Raises
    ------
    UnreadableImageError
        If the file ends inside the pixel data, or the pixel data is empty.
    """
    if _PIXEL_DATA not in ds:
        return None
    try:
        expected = int(get_expected_length(ds))
    except (AttributeError, KeyError, TypeError, ValueError, OverflowError):
        return None
    declared, actual = _lengths(ds, path)
    if declared is None and actual < expected:
        declared, actual = _lengths(_reread(path) or ds, path)
    declared = actual if declared is None else declared
    if actual < declared and actual < expected:
        raise UnreadableImageError(
            path,
            f"pixel data is truncated: the file ends after {actual} of the {declared} "
            f"bytes its Pixel Data declares ({expected} are needed)",
        )
    if declared == 0 and expected > 0:
        raise UnreadableImageError(path, "pixel data is empty (length 0)")
    if declared >= expected:
        return None
    frames = _frames(ds)
    per_frame = expected / frames
    held = min(frames, max(1, math.ceil(declared / per_frame)))
    return Shortfall(declared, expected, frames, held)


def padded_dataset(ds: Dataset, shortfall: Shortfall) -> Dataset:
    """Return a copy of ``ds`` whose pixel data is padded with zeros to its frames.

    Parameters
    ----------
    ds : pydicom.dataset.Dataset
        The header (pixel data in the file or loaded).
    shortfall : Shortfall
        From :func:`native_shortfall`.

    Returns
    -------
    pydicom.dataset.Dataset
        The same elements, Number of Frames set to the frames the data reaches, and
        Pixel Data holding them in full; decode it with pydicom.
    """
    padded = Dataset()
    padded.file_meta = ds.file_meta
    padded.set_original_encoding(*ds.original_encoding)
    for element in ds.elements():
        if element.tag != _PIXEL_DATA:
            padded[element.tag] = element
    if "NumberOfFrames" in ds or shortfall.frames_held > 1:
        padded.NumberOfFrames = shortfall.frames_held
    wanted = int(get_expected_length(padded))
    wanted += wanted % 2
    original = ds[_PIXEL_DATA]
    data = bytes(original.value or b"")[:wanted]
    padded[_PIXEL_DATA] = DataElement(_PIXEL_DATA, original.VR, data.ljust(wanted, b"\0"))
    return padded


def _lengths(ds: Dataset, path: Path) -> tuple[int | None, int]:
    """Return Pixel Data's declared length (``None`` if unknown) and the bytes present."""
    element = ds.get_item(_PIXEL_DATA, keep_deferred=True)
    value = element.value
    declared = getattr(element, "length", None)
    if declared == _UNDEFINED_LENGTH:
        declared = None
    if value is not None:
        return declared, len(value)
    tell = getattr(element, "value_tell", None)
    if declared is not None and tell is not None:
        return declared, min(declared, max(path.stat().st_size - tell, 0))
    return declared, declared or 0


def _reread(path: Path) -> Dataset | None:
    """Read the header again with Pixel Data left raw, to learn its declared length.

    A header read with the pixel data loaded keeps only the bytes that were there; a
    file cut off inside them and a file whose data is short look the same then.
    """
    try:
        return pydicom.dcmread(path, defer_size=1, force=True)
    except Exception:  # noqa: BLE001 - the first read succeeded; keep what it gave
        return None


def _frames(ds: Dataset) -> int:
    try:
        return max(int(ds.get("NumberOfFrames", 1) or 1), 1)
    except (TypeError, ValueError):
        return 1
