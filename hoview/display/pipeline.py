"""Stored pixel values to 8-bit display values (DICOM PS3.3 C.11 and C.7.6.3).

The grey pipeline is Modality LUT (C.11.1) -> VOI (C.11.2: a window or a VOI LUT) ->
Presentation LUT (C.11.6: INVERSE or MONOCHROME1) -> 0..255. Colour images go to 8-bit
RGB. The formulas are the standard's, written so that a displayed pixel agrees with
pydicom's ``apply_modality_lut`` + ``apply_voi_lut`` rescaled to 0..255.

For integer data of at most 16 bits the whole grey pipeline folds into one cached
``uint8`` table indexed by the stored value's bit pattern (:func:`window_lut`), so
windowing any region is one ``np.take``.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any

import numpy as np

from hoview.display.attributes import LookupTable, PixelAttributes, Window
from hoview.display.colour import to_rgb
from hoview.display.values import modality_values, native, padding_mask, value_range

__all__ = [
    "VOI",
    "apply_voi_direct",
    "default_voi",
    "modality_values",
    "native",
    "padding_mask",
    "to_display",
    "value_range",
    "voi_fraction",
    "window_lut",
]

#: A VOI transformation: a window (C.11.2.1.2/3) or a VOI LUT Sequence item (C.11.2.1.1).
VOI = Window | LookupTable

#: How many tables :func:`window_lut` keeps.
_TABLE_CACHE_SIZE = 32
_tables: OrderedDict[tuple[Any, ...], tuple[np.ndarray, tuple[Any, ...]]] = OrderedDict()
_tables_lock = threading.Lock()


def default_voi(stored: np.ndarray, attrs: PixelAttributes) -> VOI | None:
    """Choose the VOI an image is first shown with (PS3.3 C.11.2, C.8.11.3.1.5).

    The file's first VOI LUT (VOI LUT Sequence (0028,3010)) if any, else its first
    window (Window Center (0028,1050) / Width (0028,1051)), else a ``LINEAR_EXACT``
    window named ``"Full range"`` that maps the smallest modality value of the frame
    to black and the largest to white, padding pixels left out. When every value is
    equal, the window shows that value black (no division by zero).

    The standard lets a file carry both a VOI LUT and windows without ranking them;
    like pydicom's ``apply_voi_lut(prefer_lut=True)``, hoview prefers the LUT, so the
    default display agrees with pydicom's.

    Parameters
    ----------
    stored : numpy.ndarray
        One frame's stored values.
    attrs : PixelAttributes
        How they are displayed.

    Returns
    -------
    Window or LookupTable or None
        ``None`` for colour images, which are not windowed.

    """
    if attrs.is_colour:
        return None
    if attrs.voi_luts:
        return attrs.voi_luts[0]
    if attrs.windows:
        return attrs.windows[0]
    low, high = value_range(stored, attrs)
    if not np.isfinite(high - low):  # never an invalid window, whatever the values
        low, high = attrs.modality_range
        if not np.isfinite(high - low):
            low, high = 0.0, 0.0
    if high > low:
        return Window((low + high) / 2, high - low, "LINEAR_EXACT", "Full range")
    return Window(low + 0.5, 1.0, "LINEAR_EXACT", "Full range")


def voi_fraction(values: np.ndarray, voi: VOI | None, attrs: PixelAttributes) -> np.ndarray:
    """Apply a VOI to modality values, as a fraction 0..1 of its output range.

    Windows follow PS3.3 C.11.2.1.2.1 (``LINEAR``: centre - 0.5, width - 1),
    C.11.2.1.3.2 (``LINEAR_EXACT``) and C.11.2.1.3.1 (``SIGMOID``:
    ``1 / (1 + exp(-4 (x - c) / w))``). A VOI LUT's output range is
    ``0 .. 2**bits - 1`` (C.11.2.1.1). With no VOI, the modality range that Bits
    Stored (0028,0101), Pixel Representation (0028,0103) and the Modality LUT or
    rescale allow is mapped to 0..1.

    Raises
    ------
    TypeError
        If ``voi`` is not a Window, a LookupTable or None.

    """
    x = np.asarray(values, dtype=np.float64)
    if voi is None:
        low, high = attrs.modality_range
        return _linear(x, (low + high) / 2, high - low)
    if isinstance(voi, LookupTable):
        peak = float(2**voi.bits - 1)
        return np.clip(np.asarray(voi.apply(x), dtype=np.float64) / peak, 0.0, 1.0)
    if not isinstance(voi, Window):
        raise TypeError(f"voi: expected a Window or a LookupTable, got {type(voi).__name__}")
    if voi.function == "SIGMOID":
        with np.errstate(over="ignore"):
            return 1.0 / (1.0 + np.exp(-4.0 * (x - voi.center) / voi.width))
    if voi.function == "LINEAR":
        return _linear(x, voi.center - 0.5, voi.width - 1.0)
    return _linear(x, voi.center, voi.width)


def _linear(x: np.ndarray, center: float, width: float) -> np.ndarray:
    """``x <= c - w/2`` -> 0, ``x > c + w/2`` -> 1, else ``(x - c) / w + 0.5``.

    Computed as ``(x - (c - w/2)) / w``, which is exact at both ends of the window.
    """
    if width <= 0:  # a LINEAR window of width 1 is a threshold at c - 0.5
        return (x > center).astype(np.float64)
    out = x - (center - width / 2)
    out /= width
    return np.clip(out, 0.0, 1.0, out=out)


def _to_uint8(fraction: np.ndarray, inverse: bool) -> np.ndarray:
    """Presentation LUT (identity or INVERSE, C.11.6) and scaling to 0..255."""
    out = (1.0 - fraction) * 255.0 if inverse else fraction * 255.0
    return np.rint(out, out=out).astype(np.uint8)


def window_lut(
    attrs: PixelAttributes, voi: VOI | None, dtype: np.dtype, invert: bool = False
) -> np.ndarray | None:
    """Build (or fetch) a table from stored bit patterns to 8-bit display values.

    Composes the Modality LUT or rescale (PS3.3 C.11.1), the VOI (C.11.2: window or
    VOI LUT, see :func:`voi_fraction`) and the Presentation LUT (C.11.6: inverse when
    ``attrs.presentation_inverse`` XOR ``invert``), then maps the VOI's output range
    to 0..255, rounded.

    Parameters
    ----------
    attrs : PixelAttributes
        How the stored values are displayed.
    voi : Window or LookupTable or None
        The VOI; ``None`` maps the whole modality range.
    dtype : numpy.dtype
        The stored dtype: ``uint8``, ``int8`` (256 entries, indexed by
        ``arr.view(np.uint8)``) or ``uint16``, ``int16`` (65536 entries, indexed by
        ``arr.view(np.uint16)``), either byte order.
    invert : bool
        Show the image negated, on top of the file's own Presentation LUT.

    Returns
    -------
    numpy.ndarray or None
        A read-only ``uint8`` table, or ``None`` where no table applies (colour
        images, float or 32-bit data): use :func:`apply_voi_direct` then.

    """
    dtype = np.dtype(dtype).newbyteorder("=")
    if attrs.is_colour or dtype.kind not in "ui" or dtype.itemsize > 2:
        return None
    inverse = bool(attrs.presentation_inverse) != bool(invert)
    mlut = attrs.modality_lut
    key = (
        dtype.str,
        attrs.rescale_slope,
        attrs.rescale_intercept,
        id(mlut),
        attrs.modality_range,
        ("lut", id(voi)) if isinstance(voi, LookupTable) else voi,
        inverse,
    )
    with _tables_lock:
        hit = _tables.get(key)
        if hit is not None:
            _tables.move_to_end(key)
            return hit[0]
    unsigned = np.dtype(f"u{dtype.itemsize}")
    domain = np.arange(2 ** (8 * dtype.itemsize), dtype=unsigned).view(dtype)
    table = _to_uint8(voi_fraction(modality_values(domain, attrs), voi, attrs), inverse)
    table.setflags(write=False)
    with _tables_lock:
        # The value keeps the LUT objects alive, so their ids in the key stay unique.
        _tables[key] = (table, (mlut, voi))
        while len(_tables) > _TABLE_CACHE_SIZE:
            _tables.popitem(last=False)
    return table


def apply_voi_direct(
    stored: np.ndarray, attrs: PixelAttributes, voi: VOI | None, invert: bool = False
) -> np.ndarray:
    """Compute the grey pipeline of :func:`window_lut` per pixel, for any dtype.

    Parameters
    ----------
    stored : numpy.ndarray
        Stored values of a grey image (float and 32-bit data included).
    attrs : PixelAttributes
        How they are displayed (PS3.3 C.11.1, C.11.2, C.11.6).
    voi : Window or LookupTable or None
        The VOI; ``None`` maps the whole modality range.
    invert : bool
        Negate on top of the file's Presentation LUT.

    Returns
    -------
    numpy.ndarray
        ``uint8`` values, same shape as ``stored``. NaN shows black.

    """
    fraction = voi_fraction(modality_values(stored, attrs), voi, attrs)
    fraction = np.nan_to_num(fraction, nan=0.0)
    return _to_uint8(fraction, bool(attrs.presentation_inverse) != bool(invert))


def to_display(
    stored: np.ndarray,
    attrs: PixelAttributes,
    voi: VOI | None = None,
    invert: bool = False,
) -> np.ndarray:
    """Run the whole display pipeline on an array (a frame or any region of it).

    Parameters
    ----------
    stored : numpy.ndarray
        Stored values: ``(rows, columns)`` for grey and palette images,
        ``(rows, columns, 3)`` for RGB. Any byte order.
    attrs : PixelAttributes
        How they are displayed.
    voi : Window or LookupTable, optional
        The VOI for grey images; ``None`` means :func:`default_voi` of ``stored``.
    invert : bool
        Show the image negated.

    Returns
    -------
    numpy.ndarray
        ``(rows, columns)`` uint8 for grey images (PS3.3 C.11); ``(rows, columns, 3)``
        uint8 for RGB (scaled from Bits Stored (0028,0101) to 8 bits) and for
        PALETTE COLOR (through the palette, C.7.6.3.1.5).

    Raises
    ------
    ValueError
        If an RGB array does not have 3 samples on its last axis.

    """
    stored = native(stored)
    if attrs.is_colour:
        return to_rgb(stored, attrs, invert)
    if stored.dtype == np.bool_:
        stored = stored.view(np.uint8)
    if voi is None:
        voi = default_voi(stored, attrs)
    table = window_lut(attrs, voi, stored.dtype, invert)
    if table is None:
        return apply_voi_direct(stored, attrs, voi, invert)
    return np.take(table, stored.view(f"u{stored.dtype.itemsize}"))
