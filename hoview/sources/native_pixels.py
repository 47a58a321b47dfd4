"""Uncompressed grey frames read straight from the file into an array.

For the commonest radiograph and CT slice -- little endian, one sample per pixel, 8 or
16 bits allocated -- a frame is ``rows * columns`` values at a known offset of the file.
Reading them once into an array is several times faster than pydicom's general path,
which reads the header again and copies the data more than once. The result is the
array pydicom returns: the unused high bits (Bits Stored < Bits Allocated, PS3.5 8.1.1)
are corrected as pydicom corrects them, masked off for unsigned values and sign
extended for signed ones. Anything else is left to pydicom.
"""

from __future__ import annotations

import contextlib
import io
from pathlib import Path

import numpy as np
from pydicom.dataelem import RawDataElement
from pydicom.dataset import Dataset
from pydicom.uid import ExplicitVRLittleEndian, ImplicitVRLittleEndian

from hoview.display.pyramid import halve_rows, share_half

_LITTLE_ENDIAN = (ExplicitVRLittleEndian, ImplicitVRLittleEndian)
_PIXEL_DATA = 0x7FE00010
_UNDEFINED_LENGTH = 0xFFFFFFFF


def _int(ds: Dataset, keyword: str, default: int | None = None) -> int | None:
    value = ds.get(keyword, default)
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def read_native_frame(ds: Dataset, path: Path, index: int | None) -> np.ndarray | None:
    """Read frame ``index`` (from 0; ``None``: the only frame) of an uncompressed grey image.

    Parameters
    ----------
    ds : pydicom.dataset.Dataset
        The header, read from ``path`` with the pixel data left in the file (or loaded).
    path : pathlib.Path
        The file.
    index : int or None
        The frame, from 0; ``None`` for a single-frame image.

    Returns
    -------
    numpy.ndarray or None
        ``(rows, columns)`` stored values, writable, exactly as pydicom's
        ``pixel_array`` gives them; ``None`` when the image is not of the simple kind
        this reader handles (pydicom decodes it then).

    """
    if ds.file_meta.get("TransferSyntaxUID") not in _LITTLE_ENDIAN:
        return None
    rows, columns = _int(ds, "Rows"), _int(ds, "Columns")
    allocated = _int(ds, "BitsAllocated")
    stored = _int(ds, "BitsStored", allocated)
    signed = _int(ds, "PixelRepresentation", 0)
    frames = _int(ds, "NumberOfFrames", 1) if ds.get("NumberOfFrames") not in (None, "") else 1
    photometric = str(ds.get("PhotometricInterpretation", "")).strip()
    if (
        _int(ds, "SamplesPerPixel", 1) != 1
        or photometric not in ("MONOCHROME1", "MONOCHROME2")
        or allocated not in (8, 16)
        or stored is None
        or not 1 <= stored <= allocated
        or signed not in (0, 1)
        or not rows
        or not columns
        or rows < 0
        or columns < 0
        or frames is None
        or frames < 1
    ):
        return None
    frame = 0 if index is None else index
    if not 0 <= frame < frames:
        return None
    element = ds.get_item(_PIXEL_DATA, keep_deferred=True)
    if element is None:
        return None
    value = element.value
    if isinstance(element, RawDataElement):
        length = element.length
    elif isinstance(value, (bytes, bytearray)):
        length = len(value)
    else:
        return None
    if length == _UNDEFINED_LENGTH:
        return None
    dtype = np.dtype(f"<{'i' if signed else 'u'}{allocated // 8}")
    count = rows * columns
    start = frame * count * dtype.itemsize
    if start + count * dtype.itemsize > length:
        return None  # short pixel data: pydicom says what is wrong
    if value is None:
        tell = getattr(element, "value_tell", None)
        if tell is None:
            return None
        start += tell
    arr = np.empty((rows, columns), dtype)
    complete, half = _read_bands(arr, value, path, start, stored, signed)
    if not complete:
        return None
    if half is not None:
        share_half(arr, half)
    return arr


#: Frames of at least this many pixels are halved while they are read (the half-size
#: level a fitted view or a montage tile samples).
HALVE_WHILE_READING = 2**20
#: Rows read, corrected and halved at a time (even: each band starts a level-1 row).
_BAND_ROWS = 64


def _read_bands(
    arr: np.ndarray,
    value: bytes | bytearray | None,
    path: Path,
    offset: int,
    stored: int,
    signed: int,
) -> tuple[bool, np.ndarray | None]:
    """Fill ``arr`` from ``value`` or the file, from ``offset``, a band of rows at a time.

    Each band's unused high bits are corrected, and a large frame's band is halved
    (:func:`~hoview.display.pyramid.halve_rows`) while it is in the CPU cache.

    Returns
    -------
    (bool, numpy.ndarray or None)
        Whether the file held the whole frame, and the halved frame (``None``: not
        halved).
    """
    rows, columns = arr.shape
    allocated = arr.dtype.itemsize * 8
    half = None
    span = None
    if arr.size >= HALVE_WHILE_READING and arr.dtype.isnative:
        half = np.empty((-(-rows // 2), -(-columns // 2)), arr.dtype)
        if stored < allocated:  # the values are known from Bits Stored: no scan
            span = (
                (-(1 << (stored - 1)), (1 << (stored - 1)) - 1)
                if signed
                else (0, (1 << stored) - 1)
            )
    flat = arr.reshape(-1).data.cast("B")
    row_bytes = columns * arr.dtype.itemsize
    with contextlib.ExitStack() as stack:
        f = source = None
        if value is None:
            f = stack.enter_context(open(path, "rb", buffering=0))
            f.seek(offset)
        else:
            source = memoryview(value)[offset:]
        for first in range(0, rows, _BAND_ROWS):
            last = min(first + _BAND_ROWS, rows)
            into = flat[first * row_bytes : last * row_bytes]
            if source is not None:
                into[:] = source[first * row_bytes : last * row_bytes]
            elif f is None or not _read_fully(f, into):
                return False, None
            band = arr[first:last]
            _correct_bits(band, stored, allocated, signed)
            if half is not None:
                halve_rows(band, out=half[first // 2 : -(-last // 2)], span=span)
    return True, half


def _read_fully(f: io.RawIOBase, into: memoryview) -> bool:
    """Read ``len(into)`` bytes into ``into`` (a raw file may give fewer per call)."""
    done = 0
    while done < len(into):
        got = f.readinto(into[done:])
        if not got:
            return False
        done += got
    return True


def _correct_bits(band: np.ndarray, stored: int, allocated: int, signed: int) -> None:
    """Mask off (unsigned) or sign-extend (signed) the bits above Bits Stored, in place."""
    if stored >= allocated:
        return
    if signed:
        shift = allocated - stored
        np.left_shift(band, shift, out=band)
        np.right_shift(band, shift, out=band)
    else:
        np.bitwise_and(band, (1 << stored) - 1, out=band)
