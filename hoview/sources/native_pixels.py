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

from pathlib import Path

import numpy as np
from pydicom.dataelem import RawDataElement
from pydicom.dataset import Dataset
from pydicom.uid import ExplicitVRLittleEndian, ImplicitVRLittleEndian

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
    if value is not None:
        arr = np.frombuffer(value, dtype, count, offset=start).copy()
    else:
        tell = getattr(element, "value_tell", None)
        if tell is None:
            return None
        arr = np.empty(count, dtype)
        with open(path, "rb") as f:
            f.seek(tell + start)
            if f.readinto(memoryview(arr).cast("B")) != arr.nbytes:
                return None
    if stored < allocated:
        if signed:
            shift = allocated - stored
            np.left_shift(arr, shift, out=arr)
            np.right_shift(arr, shift, out=arr)
        else:
            np.bitwise_and(arr, (1 << stored) - 1, out=arr)
    return arr.reshape(rows, columns)
