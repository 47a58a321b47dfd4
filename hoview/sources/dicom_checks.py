"""Checks of a DICOM image header before anything is built on it (PS3.3 C.7.6.3).

A malformed file must end in one line naming the file and the attribute, never in a
traceback or a memory bomb: the image pixel description is checked here (one integer
per attribute, in range), and Number of Frames (0028,0008) is never trusted beyond
what the pixel data can hold.
"""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pydicom
from pydicom.dataset import Dataset

from hoview.errors import UnreadableImageError

log = logging.getLogger(__name__)

_PIXEL_DATA = 0x7FE00010
_EXTENDED_OFFSET_TABLE = 0x7FE00001
_ITEM = 0xFFFEE000

#: Attribute, tag, smallest and largest value allowed.
_IMAGE_INTEGERS = (
    ("Rows", "(0028,0010)", 1, 65535),
    ("Columns", "(0028,0011)", 1, 65535),
    ("BitsAllocated", "(0028,0100)", 1, 64),
    ("SamplesPerPixel", "(0028,0002)", 1, 3),
)
_OPTIONAL_INTEGERS = (
    ("BitsStored", "(0028,0101)", 1, 64),
    ("PixelRepresentation", "(0028,0103)", 0, 1),
)
_NAMES = {
    "Rows": "Rows",
    "Columns": "Columns",
    "BitsAllocated": "Bits Allocated",
    "BitsStored": "Bits Stored",
    "SamplesPerPixel": "Samples per Pixel",
    "PixelRepresentation": "Pixel Representation",
    "NumberOfFrames": "Number of Frames",
}


def single_number(value: Any) -> float | None:
    """Return a DICOM number that holds exactly one finite value, else ``None``.

    An empty value (real files from a major vendor write an empty Rescale Slope or
    Pixel Padding Value), several values, text that is not a number, or a non-finite
    number all give ``None``.
    """
    if isinstance(value, (list, tuple, pydicom.multival.MultiValue)):
        if len(value) != 1:
            return None
        value = value[0]
    if value is None or isinstance(value, (bytes, bytearray)):
        return None
    if isinstance(value, str) and not value.strip():
        return None
    try:
        number = float(value)
    except (TypeError, ValueError, OverflowError):
        return None
    return number if number == number and abs(number) != float("inf") else None


def _integer(ds: Dataset, keyword: str, tag: str, low: int, high: int, path: Path) -> int:
    value = ds.get(keyword)
    number = single_number(value)
    name = f"{_NAMES[keyword]} {tag}"
    if number is None or not number.is_integer():
        shown = str(value if not isinstance(value, bytes) else value[:16])[:40]
        raise UnreadableImageError(path, f"{name} is {shown!r}: not one whole number")
    if not low <= number <= high:
        raise UnreadableImageError(
            path, f"{name} is {int(number)}: it must be from {low} to {high}"
        )
    return int(number)


def check_image_header(ds: Dataset, path: Path) -> None:
    """Refuse an image whose size or sample format is not one sane integer each.

    Parameters
    ----------
    ds : pydicom.dataset.Dataset
        The header.
    path : pathlib.Path
        The file, named in errors.

    Raises
    ------
    UnreadableImageError
        If Rows (0028,0010) or Columns (0028,0011) is 0 or not one whole number, or
        Bits Allocated, Bits Stored, Samples per Pixel or Pixel Representation is out
        of range, e.g. ``"Rows (0028,0010) is 0: it must be from 1 to 65535"``.
    """
    for keyword, tag, low, high in _IMAGE_INTEGERS:
        _integer(ds, keyword, tag, low, high, path)
    for keyword, tag, low, high in _OPTIONAL_INTEGERS:
        if ds.get(keyword) not in (None, ""):
            _integer(ds, keyword, tag, low, high, path)
    allocated = int(single_number(ds.BitsAllocated) or 0)
    if allocated != 1 and allocated % 8:
        raise UnreadableImageError(
            path, f"Bits Allocated (0028,0100) is {allocated}: it must be 1 or a multiple of 8"
        )
    stored = single_number(ds.get("BitsStored"))
    if stored is not None and stored > allocated:
        raise UnreadableImageError(
            path,
            f"Bits Stored (0028,0101) is {int(stored)}: more than Bits Allocated "
            f"(0028,0100), {allocated}",
        )
    samples = int(single_number(ds.SamplesPerPixel) or 1)
    if samples == 2:
        raise UnreadableImageError(
            path, "Samples per Pixel (0028,0002) is 2: only 1 (grey) or 3 (colour) are shown"
        )


@dataclass(frozen=True)
class FrameCount:
    """How many frames a file declares, and how many hoview shows.

    Attributes
    ----------
    declared : int
        Number of Frames (0028,0008) as a whole number, 1 when absent or unreadable.
    shown : int
        The frames the pixel data can hold (never more than ``declared``).
    warning : str
        One line when ``shown`` is less than ``declared``, else ``""``.
    """

    declared: int
    shown: int
    warning: str = ""


def declared_frames(ds: Dataset) -> int:
    """Return Number of Frames (0028,0008) as a whole number >= 1 (1 when absent or bad).

    ``"1e9"`` counts as 10^9: the caller must still cap it (:func:`frame_count`).
    """
    number = single_number(ds.get("NumberOfFrames"))
    if number is None or number < 1:
        return 1
    return int(min(number, 2**63))


def frame_count(ds: Dataset, path: Path, encapsulated: bool) -> FrameCount:
    """Cap Number of Frames (0028,0008) by what encapsulated pixel data can hold.

    Every frame of encapsulated (compressed) pixel data takes at least one fragment
    (PS3.5 A.4), so the fragments bound the frames; an Extended Offset Table
    (7FE0,0001) lists each frame. Only the item headers are read, not the data.
    Native pixel data are bounded by their length elsewhere
    (:mod:`hoview.sources.short_pixels`).

    Parameters
    ----------
    ds : pydicom.dataset.Dataset
        The header (pixel data left in the file or loaded).
    path : pathlib.Path
        The file.
    encapsulated : bool
        Whether the transfer syntax is encapsulated.

    Returns
    -------
    FrameCount
        Declared and shown frames, and a warning when they differ.
    """
    declared = declared_frames(ds)
    if not encapsulated or declared == 1:
        return FrameCount(declared, declared)
    held = _encapsulated_capacity(ds, path)
    if held is None or held >= declared:
        return FrameCount(declared, declared)
    held = max(held, 1)
    warning = (
        f"Number of Frames (0028,0008) is {declared} but the pixel data holds "
        f"{held} frame{'s' if held != 1 else ''}: showing {held}"
    )
    log.info("%s: %s", path, warning)
    return FrameCount(declared, held, warning)


def _encapsulated_capacity(ds: Dataset, path: Path) -> int | None:
    """Return the most frames encapsulated Pixel Data can hold, or ``None`` if unknown."""
    if _EXTENDED_OFFSET_TABLE in ds:
        try:
            value = ds[_EXTENDED_OFFSET_TABLE].value or b""
            return len(value) // 8
        except Exception:  # noqa: BLE001 - a bad table bounds nothing; fragments do
            pass
    element = ds.get_item(_PIXEL_DATA, keep_deferred=True)
    if element is None:
        return None
    try:
        if element.value is not None:
            return _fragments(io.BytesIO(bytes(element.value)))
        tell = getattr(element, "value_tell", None)
        if tell is None:
            return None
        with open(path, "rb") as f:
            f.seek(tell)
            return _fragments(f)
    except (OSError, ValueError, TypeError):
        return None


def _fragments(buffer: Any) -> int:
    """Count the fragment items after the Basic Offset Table item (headers only).

    A file cut inside the data keeps the fragments whose header is there.
    """
    count = -1  # the first item is the Basic Offset Table
    while True:
        head = buffer.read(8)
        if len(head) < 8:
            break
        tag = int.from_bytes(head[:2], "little") << 16 | int.from_bytes(head[2:4], "little")
        length = int.from_bytes(head[4:8], "little")
        if tag != _ITEM or length == 0xFFFFFFFF:
            break
        count += 1
        buffer.seek(length, 1)
    return max(count, 0)
