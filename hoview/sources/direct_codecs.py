"""Decode a compressed grey frame by calling the codec directly on the frame's bytes.

pydicom's plugin path (``pydicom.pixels.pixel_array(path, decoding_plugin=...)``)
parses the file's header a second time, copies the frame through its decode runner
and checks options on every call. For the common case, a grey (MONOCHROME1/2)
frame of 8 or 16 bits allocated, hoview reads the frame's fragments once (offsets
from the header it already has) and hands them to the same library the plugin would
use:

==========================  ======================================  ==============
Transfer syntax             Codec                                   Name reported
==========================  ======================================  ==============
JPEG-LS (lossless / near)   CharLS (``jpeg_ls.decode_pixel_data``)  ``pyjpegls``
JPEG 2000, HTJ2K            openjpeg (``openjpeg.decode``)          ``pylibjpeg``
JPEG Lossless (SV1 / any)   libjpeg (``libjpeg.decode``)            ``pylibjpeg``
RLE Lossless                pylibjpeg-rle (``decode_frame``)        ``pylibjpeg``
==========================  ======================================  ==============

The result is made exactly what pydicom's plugin path returns: the same dtype
(Bits Allocated and Pixel Representation), the same sign correction of JPEG-LS and
JPEG 2000 data and the same masking of unused high bits. Anything else (colour, odd
sizes, a header that disagrees with the codestream, frames not as declared, any
codec error) returns ``None``, and :func:`hoview.sources.decoders.decode_frame` goes
on with pydicom's plugins and GDCM as before, so a failure here never changes a
picture or an error message.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pydicom
from pydicom.dataset import Dataset
from pydicom.encaps import get_frame

from hoview.sources.dicom_header import one_line

log = logging.getLogger(__name__)

_JLS = frozenset(pydicom.uid.JPEGLSTransferSyntaxes)
_J2K = frozenset(
    {
        pydicom.uid.JPEG2000Lossless,
        pydicom.uid.JPEG2000,
        pydicom.uid.HTJ2KLossless,
        pydicom.uid.HTJ2KLosslessRPCL,
        pydicom.uid.HTJ2K,
    }
)
_JPEG_LOSSLESS = frozenset({pydicom.uid.JPEGLossless, pydicom.uid.JPEGLosslessSV1})
_RLE = frozenset({pydicom.uid.RLELossless})
_PIXEL_DATA = 0x7FE00010
_UNDEFINED_LENGTH = 0xFFFFFFFF
_NOT_DECODER_FAILURES = (KeyboardInterrupt, SystemExit, GeneratorExit)

#: What a codec gives back: the samples, the precision it read (``None``: not known)
#: and whether it says they are signed (``None``: the codec does not say).
Decoded = tuple[np.ndarray, int | None, bool | None]


def _charls(src: bytes, rows: int, columns: int, bits: int) -> Decoded:
    import jpeg_ls  # type: ignore[import-untyped]

    buffer, info = jpeg_ls.decode_pixel_data(src)
    if info["components"] != 1:
        raise ValueError("not one component")
    precision = int(info["bits_per_sample"])
    return np.frombuffer(buffer, _container(precision)), precision, None


def _openjpeg(src: bytes, rows: int, columns: int, bits: int) -> Decoded:
    import openjpeg

    params = openjpeg.get_parameters(src, 0)
    if params["samples_per_pixel"] != 1:
        raise ValueError("not one component")
    precision = int(params["precision"])
    arr = openjpeg.decode(src, 0, reshape=False)
    return arr.view(_container(precision)), precision, bool(params["is_signed"])


def _libjpeg(src: bytes, rows: int, columns: int, bits: int) -> Decoded:
    import libjpeg

    arr = libjpeg.decode(src)
    if arr.ndim != 2:
        raise ValueError("not one component")
    return arr, None, None


def _rle(src: bytes, rows: int, columns: int, bits: int) -> Decoded:
    from rle.utils import decode_frame

    frame = decode_frame(src, rows * columns, bits, "<")
    return np.frombuffer(frame, f"<u{bits // 8}"), None, None


#: Transfer syntax -> (the name reported, the codec call).
CODECS: dict[str, tuple[str, Callable[[bytes, int, int, int], Decoded]]] = {
    **{ts: ("pyjpegls", _charls) for ts in _JLS},
    **{ts: ("pylibjpeg", _openjpeg) for ts in _J2K},
    **{ts: ("pylibjpeg", _libjpeg) for ts in _JPEG_LOSSLESS},
    **{ts: ("pylibjpeg", _rle) for ts in _RLE},
}


def _container(precision: int) -> str:
    """Return the unsigned little-endian container a codec uses for ``precision`` bits."""
    if 0 < precision <= 8:
        return "u1"
    if 8 < precision <= 16:
        return "<u2"
    raise ValueError(f"precision {precision} not handled")


def decode_direct(
    ds: Dataset, path: Path, index: int | None, plugins: tuple[str, ...]
) -> tuple[np.ndarray, str] | None:
    """Decode one grey frame with its codec called directly, or return ``None``.

    Parameters
    ----------
    ds : pydicom.dataset.Dataset
        The header, read from ``path`` (Pixel Data may be left in the file).
    path : pathlib.Path
        The file.
    index : int or None
        The frame, from 0; ``None`` for a single-frame image.
    plugins : tuple of str
        The pydicom plugins installed for the syntax, in hoview's order: the codec is
        only called when it is the first choice among them.

    Returns
    -------
    tuple of (numpy.ndarray, str) or None
        The frame, as pydicom's plugin path returns it, and the decoder's name; ``None``
        when the frame is not a simple case or anything fails (the caller then goes on
        with pydicom's plugins).
    """
    ts = str(ds.file_meta.get("TransferSyntaxUID", ""))
    codec = CODECS.get(ts)
    if codec is None or not plugins or plugins[0] != codec[0]:
        return None
    shape = _simple_shape(ds)
    if shape is None:
        return None
    try:
        src = read_frame_bytes(ds, path, index)
        if src is None:
            return None
        return _decode(codec[1], src, ds, ts, shape), codec[0]
    except _NOT_DECODER_FAILURES:
        raise
    except BaseException as exc:  # noqa: B036 - a Rust panic is a BaseException
        log.info(
            "%s: direct %s decode of frame %s failed: %s", path, codec[0], index, one_line(exc)
        )
        return None


def _simple_shape(ds: Dataset) -> tuple[int, int, int, int, int] | None:
    """(rows, columns, bits allocated, bits stored, pixel representation), or ``None``."""
    try:
        rows, columns = int(ds.Rows), int(ds.Columns)
        allocated, stored = int(ds.BitsAllocated), int(ds.BitsStored)
        signed = int(ds.PixelRepresentation)
        samples = int(ds.get("SamplesPerPixel", 1) or 1)
        grey = str(ds.PhotometricInterpretation).strip() in ("MONOCHROME1", "MONOCHROME2")
    except (AttributeError, TypeError, ValueError):
        return None
    ok = (
        grey
        and samples == 1
        and rows > 0
        and columns > 0
        and allocated in (8, 16)
        and 0 < stored <= allocated
        and signed in (0, 1)
    )
    return (rows, columns, allocated, stored, signed) if ok else None


def read_frame_bytes(ds: Dataset, path: Path, index: int | None) -> bytes | None:
    """Return the encoded bytes of one frame, reading only its fragments from ``path``.

    Pixel Data left in the file by the header reader is read from its offset there;
    Pixel Data already in memory is used as it is. ``None`` for an index outside the
    declared frames or Pixel Data of defined length (not encapsulated): pydicom then
    finds the frame, or says what is wrong.
    """
    declared = int(ds.get("NumberOfFrames", 1) or 1)
    if (index is None and declared > 1) or (index is not None and not 0 <= index < declared):
        return None
    element = ds.get_item(_PIXEL_DATA, keep_deferred=True)
    if element is None:
        return None
    offsets = _extended_offsets(ds)
    frame = 0 if index is None else index
    value = getattr(element, "value", None)
    if isinstance(value, bytes | bytearray):
        return get_frame(value, frame, extended_offsets=offsets, number_of_frames=declared)
    tell = getattr(element, "value_tell", None)
    if value is not None or tell is None or getattr(element, "length", 0) != _UNDEFINED_LENGTH:
        return None
    with open(path, "rb") as f:
        f.seek(tell)
        return get_frame(f, frame, extended_offsets=offsets, number_of_frames=declared)


def _extended_offsets(ds: Dataset) -> tuple[Any, Any] | None:
    if 0x7FE00001 in ds and 0x7FE00002 in ds:
        return ds.ExtendedOffsetTable, ds.ExtendedOffsetTableLengths
    return None


def _decode(
    codec: Callable[[bytes, int, int, int], Decoded],
    src: bytes,
    ds: Dataset,
    ts: str,
    shape: tuple[int, int, int, int, int],
) -> np.ndarray:
    """Decode ``src`` and give it pydicom's dtype, sign and unused-bit handling."""
    rows, columns, allocated, stored, signed = shape
    arr, precision, codec_signed = codec(src, rows, columns, allocated)
    if arr.size != rows * columns or arr.dtype.itemsize * 8 != allocated:
        raise ValueError(f"codec gave {arr.size} samples of {arr.dtype}, not the header's")
    arr = arr.view(f"<{'i' if signed else 'u'}{allocated // 8}").reshape(rows, columns)
    if not arr.flags.writeable:
        arr = arr.copy()
    if ts in _J2K:  # pydicom's J2K sign correction, and no unused-bit correction
        if precision is not None and codec_signed is not None and codec_signed != bool(signed):
            _shift(arr, allocated - precision)
    elif ts in _JLS and signed:  # JPEG-LS samples are always unsigned
        _shift(arr, allocated - (precision or stored))
    elif allocated > stored and not (precision is not None and not signed and precision <= stored):
        _shift(arr, allocated - stored)  # unused high bits (PS3.5 8.1.1), as pydicom
    return arr


def _shift(arr: np.ndarray, bits: int) -> None:
    """Clear (unsigned) or sign-extend (signed) the top ``bits`` bits, in place."""
    if bits <= 0:
        return
    if arr.dtype.kind == "u":
        np.bitwise_and(arr, (1 << (arr.dtype.itemsize * 8 - bits)) - 1, out=arr)
    else:
        np.left_shift(arr, bits, out=arr)
        np.right_shift(arr, bits, out=arr)
