"""Stored values to modality values (PS3.3 C.11.1), and which pixels are padding."""

from __future__ import annotations

import numpy as np

from hoview.display.attributes import PixelAttributes


def native(arr: np.ndarray) -> np.ndarray:
    """Return ``arr`` in native byte order (a byte-swapped copy only if needed)."""
    arr = np.asarray(arr)
    if arr.dtype.isnative:
        return arr
    return arr.astype(arr.dtype.newbyteorder("="))


def modality_values(stored: np.ndarray, attrs: PixelAttributes) -> np.ndarray:
    """Apply the Modality LUT or the rescale to stored values (PS3.3 C.11.1).

    Parameters
    ----------
    stored : numpy.ndarray
        Stored pixel values, any shape and byte order.
    attrs : PixelAttributes
        Its ``modality_lut`` (Modality LUT Sequence (0028,3000)) is used when present,
        else Rescale Slope (0028,1053) and Rescale Intercept (0028,1052).

    Returns
    -------
    numpy.ndarray
        The LUT's entries (its own dtype) or ``stored * slope + intercept`` as float64.

    """
    stored = native(stored)
    if attrs.modality_lut is not None:
        return attrs.modality_lut.apply(stored)
    values = stored.astype(np.float64)
    if attrs.rescale_slope != 1:
        values *= attrs.rescale_slope
    if attrs.rescale_intercept != 0:
        values += attrs.rescale_intercept
    return values


def padding_mask(stored: np.ndarray, attrs: PixelAttributes) -> np.ndarray | None:
    """Say which pixels are padding (PS3.3 C.7.5.1.1.2), or ``None`` if none can be.

    Pixel Padding Value (0028,0120) alone marks one stored value; with Pixel Padding
    Range Limit (0028,0121) every stored value between the two, inclusive, in either
    order.
    """
    if not attrs.padding:
        return None
    low, high = min(attrs.padding), max(attrs.padding)
    stored = native(stored)
    if low == high:
        return stored == low
    return (stored >= low) & (stored <= high)


def value_range(stored: np.ndarray, attrs: PixelAttributes) -> tuple[float, float]:
    """Smallest and largest finite modality value of a frame, padding left out.

    If every pixel is padding, all pixels count; an empty or all-NaN frame gives the
    range that Bits Stored, Pixel Representation and the rescale allow.
    """
    stored = native(stored)
    if stored.size == 0:
        return attrs.modality_range
    small_ints = stored.dtype.kind in "ui" and stored.dtype.itemsize <= 2
    if small_ints and (attrs.padding or attrs.modality_lut is not None):
        # Count each stored value once: padding is dropped from the (small) list of
        # values present, and a Modality LUT, monotonic or not, maps only those.
        unsigned = f"u{stored.dtype.itemsize}"
        present = np.flatnonzero(np.bincount(stored.view(unsigned).ravel()))
        present = present.astype(unsigned).view(stored.dtype)
        mask = padding_mask(present, attrs)
        if mask is not None and not mask.all():
            present = present[~mask]
        ends = np.asarray(modality_values(present, attrs), dtype=np.float64)
        return float(ends.min()), float(ends.max())
    mask = padding_mask(stored, attrs)
    if mask is not None and not mask.all():
        stored = stored[~mask]
    if attrs.modality_lut is None and stored.dtype.kind in "uib":
        # The rescale is monotonic: only the stored extremes need mapping.
        ends = modality_values(np.array([stored.min(), stored.max()]), attrs)
    else:
        values = np.asarray(modality_values(stored, attrs), dtype=np.float64)
        values = values[np.isfinite(values)]
        if values.size == 0:
            return attrs.modality_range
        ends = np.array([values.min(), values.max()])
    return float(ends.min()), float(ends.max())
