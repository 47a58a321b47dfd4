"""Colour stored values to 8-bit RGB: RGB scaling and PALETTE COLOR lookup (C.7.6.3)."""

from __future__ import annotations

import numpy as np

from hoview.display.attributes import PixelAttributes


def to_rgb(stored: np.ndarray, attrs: PixelAttributes, invert: bool = False) -> np.ndarray:
    """Turn a colour image's stored values into 8-bit RGB.

    Parameters
    ----------
    stored : numpy.ndarray
        ``(rows, columns, 3)`` RGB samples (YBR images are decoded to RGB by the
        source), or ``(rows, columns)`` PALETTE COLOR indices. Any byte order.
    attrs : PixelAttributes
        ``palette`` / ``palette_first`` for PALETTE COLOR (PS3.3 C.7.6.3.1.5-6: the
        index is ``stored - palette_first``, clipped to the table); else Bits Stored
        (0028,0101), from which RGB samples are scaled to 8 bits.
    invert : bool
        Show the negative (``255 - v``).

    Returns
    -------
    numpy.ndarray
        ``(rows, columns, 3)`` uint8. 8-bit RGB passes through unchanged.

    Raises
    ------
    ValueError
        If an RGB array does not have 3 samples on its last axis.

    """
    stored = np.asarray(stored)
    stored = stored.astype(stored.dtype.newbyteorder("="), copy=False)
    if attrs.palette is not None:
        palette = np.asarray(attrs.palette, dtype=np.uint8).reshape(-1, 3)
        index = np.clip(stored.astype(np.int64) - attrs.palette_first, 0, len(palette) - 1)
        rgb = palette[index]
    else:
        if stored.ndim < 1 or stored.shape[-1] != 3:
            raise ValueError(
                "stored: (0028,0002) Samples per Pixel is 3 but the array has shape "
                f"{stored.shape}; expected (rows, columns, 3)"
            )
        bits = attrs.bits_stored
        if stored.dtype.kind in "ui":
            bits = min(bits, 8 * stored.dtype.itemsize)
        if stored.dtype == np.uint8 and bits == 8:
            rgb = stored
        else:
            scaled = stored.astype(np.float64) * (255.0 / (2.0**bits - 1.0))
            rgb = np.rint(np.clip(scaled, 0, 255)).astype(np.uint8)
    if invert:
        return 255 - rgb
    return np.ascontiguousarray(rgb)
