"""Multiscale copies of one frame's stored values, for viewport-sized work.

Level 0 is the frame itself. Level ``k`` has ``ceil(n / 2)`` rows and columns of level
``k - 1``; its pixel ``(i, j)`` covers the image pixels ``[i * 2**k, (i + 1) * 2**k)``
in each direction, so image coordinate ``x`` lies in level column ``floor(x / 2**k)``.
Levels are made on first use and kept.
"""

from __future__ import annotations

import math
import threading
from collections import Counter

import numpy as np

#: Stop halving once the longest side is at most this many pixels.
SMALLEST_SIDE = 256

_METHODS = ("mean", "nearest")
#: Rows of a frame summed at a time when halving (even; the sums stay in the cache).
_BAND_ROWS = 64


class Pyramid:
    """Half-size copies of a frame's stored values, built lazily.

    Parameters
    ----------
    stored : numpy.ndarray
        One frame: ``(rows, columns)`` or ``(rows, columns, 3)``. It is level 0 and is
        not copied; treat it as read-only.
    method : {"mean", "nearest"}
        ``"mean"``: each level is the 2x2 box mean of the one before, rounded to the
        nearest value of the stored dtype (what a grey or RGB radiograph wants).
        ``"nearest"``: keep the top-left sample of each 2x2 block, for values that
        must not be averaged, such as PALETTE COLOR indices.
    smallest : int
        Stop at the first level whose longest side is at most this many pixels.

    Raises
    ------
    ValueError
        If ``stored`` is not 2-D or ``(rows, columns, 3)``, is empty, ``method`` is
        unknown or ``smallest`` is below 1.

    Attributes
    ----------
    reads : collections.Counter
        How many times :meth:`level` handed out each level; for tests and benchmarks
        (building a level from the one before does not count).

    """

    def __init__(
        self, stored: np.ndarray, method: str = "mean", smallest: int = SMALLEST_SIDE
    ) -> None:
        stored = np.asarray(stored)
        if not (stored.ndim == 2 or (stored.ndim == 3 and stored.shape[2] == 3)):
            raise ValueError(
                f"stored: expected (rows, columns) or (rows, columns, 3), got {stored.shape}"
            )
        if stored.shape[0] == 0 or stored.shape[1] == 0:
            raise ValueError(f"stored: the frame is empty ({stored.shape})")
        if method not in _METHODS:
            raise ValueError(f"method: expected one of {_METHODS}, got {method!r}")
        if int(smallest) < 1:
            raise ValueError(f"smallest: must be at least 1, got {smallest!r}")
        self.method = method
        self.reads: Counter[int] = Counter()
        self._levels: list[np.ndarray] = [stored]
        self._lock = threading.Lock()
        rows, columns = stored.shape[:2]
        count = 1
        while max(rows, columns) > int(smallest):
            rows, columns = -(-rows // 2), -(-columns // 2)
            count += 1
        self._count = count

    @property
    def count(self) -> int:
        """Number of levels, 1 when the frame is already small."""
        return self._count

    @property
    def built(self) -> int:
        """Number of levels made so far (level 0 always exists)."""
        return len(self._levels)

    @property
    def shape(self) -> tuple[int, ...]:
        """Shape of level 0, the full-resolution frame."""
        return self._levels[0].shape

    def level_shape(self, k: int) -> tuple[int, ...]:
        """Shape of level ``k`` without building it."""
        self._check(k)
        rows, columns = self.shape[:2]
        for _ in range(k):
            rows, columns = -(-rows // 2), -(-columns // 2)
        return (rows, columns, *self.shape[2:])

    def level_for_zoom(self, zoom: float) -> int:
        """Choose the coarsest level with at least one sample per screen pixel.

        Parameters
        ----------
        zoom : float
            Screen pixels per image pixel.

        Returns
        -------
        int
            ``floor(log2(1 / zoom))`` clamped to ``0 .. count - 1``.

        Raises
        ------
        ValueError
            If ``zoom`` is not a positive finite number.

        """
        if not (math.isfinite(zoom) and zoom > 0):
            raise ValueError(f"zoom: must be a positive number, got {zoom!r}")
        if zoom >= 1:
            return 0
        return min(int(math.floor(math.log2(1.0 / zoom) + 1e-9)), self._count - 1)

    def level(self, k: int) -> np.ndarray:
        """Level ``k`` (0 is the frame itself), made on first use.

        Raises
        ------
        IndexError
            If ``k`` is not in ``0 .. count - 1``.

        """
        self._check(k)
        if k >= len(self._levels):
            with self._lock:
                while len(self._levels) <= k:
                    half = _halve(self._levels[-1], self.method)
                    half.setflags(write=False)
                    self._levels.append(half)
        self.reads[k] += 1
        return self._levels[k]

    def _check(self, k: int) -> None:
        if not 0 <= k < self._count:
            raise IndexError(f"level: {k} is out of range 0..{self._count - 1}")


def _halve(arr: np.ndarray, method: str) -> np.ndarray:
    """One level down: 2x2 blocks, an odd last row or column paired with itself."""
    if method == "nearest":
        return np.ascontiguousarray(arr[::2, ::2])
    if arr.dtype.kind in "uib" and arr.dtype.itemsize <= 4:
        return _halve_integers(arr)
    rows, columns = arr.shape[:2]
    r2, c2 = rows // 2 * 2, columns // 2 * 2
    wide = np.dtype(np.float64)  # floats, and 64-bit integers as before
    out = np.empty((-(-rows // 2), -(-columns // 2), *arr.shape[2:]), dtype=wide)
    body = arr[0:r2:2, 0:c2:2].astype(wide)
    body += arr[1:r2:2, 0:c2:2]
    body += arr[0:r2:2, 1:c2:2]
    body += arr[1:r2:2, 1:c2:2]
    out[: r2 // 2, : c2 // 2] = body
    if columns % 2:
        out[: r2 // 2, -1] = (arr[0:r2:2, -1].astype(wide) + arr[1:r2:2, -1]) * 2
    if rows % 2:
        out[-1, : c2 // 2] = (arr[-1, 0:c2:2].astype(wide) + arr[-1, 1:c2:2]) * 2
    if rows % 2 and columns % 2:
        out[-1, -1] = arr[-1, -1].astype(wide) * 4
    out *= 0.25
    if arr.dtype.kind in "ui":
        np.rint(out, out=out)
    return out.astype(arr.dtype)


def _halve_integers(arr: np.ndarray) -> np.ndarray:
    """Return the 2x2 means of integers, rounded half up: ``floor((sum + 2) / 4)``.

    A band of rows at a time, so the partial sums stay in the CPU cache: row pairs
    first, then column pairs. Each band sums in the narrowest integer type that cannot
    overflow for the values actually in it (a 12-bit image sums in ``uint16``); finding
    them first also brings the band into the cache for the sums.
    """
    dtype = arr.dtype
    if not dtype.isnative:
        arr = arr.astype(dtype.newbyteorder("="))
    native = arr.dtype
    rows, columns = arr.shape[:2]
    r2, c2 = rows // 2 * 2, columns // 2 * 2
    out = np.empty((-(-rows // 2), -(-columns // 2), *arr.shape[2:]), dtype=native)
    for start in range(0, r2, _BAND_ROWS):
        stop = min(start + _BAND_ROWS, r2)
        source = arr[start:stop]
        wide = _accumulator(source)
        band = out[start // 2 : stop // 2]
        sums = band if wide == native else np.empty(band.shape, dtype=wide)
        pairs = np.add(source[0::2], source[1::2], dtype=wide)
        np.add(pairs[:, 0:c2:2], pairs[:, 1:c2:2], out=sums[:, : c2 // 2])
        if columns % 2:
            np.multiply(pairs[:, -1], 2, out=sums[:, -1])
        sums += 2
        sums >>= 2  # floor((sum + 2) / 4): the mean rounded half up (arithmetic shift)
        if sums is not band:
            band[...] = sums
    if rows % 2:
        last = arr[-1].astype(_accumulator(arr[-1:]))
        half = np.empty(out.shape[1:], dtype=last.dtype)
        half[: c2 // 2] = (last[0:c2:2] + last[1:c2:2]) * 2
        if columns % 2:
            half[-1] = last[-1] * 4
        half += 2
        half >>= 2
        out[-1] = half
    return out.astype(dtype, copy=False)


def _accumulator(arr: np.ndarray) -> np.dtype:
    """Pick an integer dtype that holds ``4 * value + 2`` for every value of ``arr``.

    The array's own dtype when its values are small enough (one pass for the range is
    cheaper than sums in a type twice as wide), else the next wider type.
    """
    dtype = arr.dtype
    if dtype.kind == "b":
        return np.dtype(np.uint8)
    info = np.iinfo(dtype)
    if arr.size and dtype.itemsize <= 2:
        low = int(arr.min()) if dtype.kind == "i" else 0
        if 4 * low >= info.min and 4 * int(arr.max()) + 2 <= info.max:
            return dtype
    if dtype.itemsize == 1:
        return np.dtype(np.uint16 if dtype.kind == "u" else np.int16)
    if dtype.itemsize == 2:
        return np.dtype(np.uint32 if dtype.kind == "u" else np.int32)
    return np.dtype(np.int64)
