"""Multiscale copies of one frame's stored values, for viewport-sized work.

Level 0 is the frame itself. Level ``k`` has ``ceil(n / 2)`` rows and columns of level
``k - 1``; its pixel ``(i, j)`` covers the image pixels ``[i * 2**k, (i + 1) * 2**k)``
in each direction, so image coordinate ``x`` lies in level column ``floor(x / 2**k)``.
Levels are made on first use and kept.
"""

from __future__ import annotations

import math
import threading
import weakref
from collections import Counter, OrderedDict

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

    def adopt(self, k: int, values: np.ndarray) -> bool:
        """Take level ``k`` made elsewhere (:func:`halve_rows` while a frame was read).

        ``values`` must be what :meth:`level` would make; it is only taken when level
        ``k - 1`` exists and level ``k`` does not yet, as a read-only array.

        Returns
        -------
        bool
            Whether it was taken.

        Raises
        ------
        ValueError
            If its shape or dtype is not level ``k``'s.
        """
        self._check(k)
        if values.shape != self.level_shape(k) or values.dtype != self._levels[0].dtype:
            raise ValueError(
                f"level {k}: expected {self.level_shape(k)} {self._levels[0].dtype}, "
                f"got {values.shape} {values.dtype}"
            )
        with self._lock:
            if len(self._levels) != k:
                return False
            values.setflags(write=False)
            self._levels.append(values)
        return True

    def _check(self, k: int) -> None:
        if not 0 <= k < self._count:
            raise IndexError(f"level: {k} is out of range 0..{self._count - 1}")


def shared_pyramid(stored: np.ndarray, method: str) -> Pyramid:
    """Return the one pyramid of the read-only frame ``stored``, levels down to 1 pixel.

    The same pyramid while it is among the last few asked for, so the screen, the
    thumbnail and an export build its levels once; it starts with the level 1 a reader
    gave (:func:`share_half`). ``stored`` must not change: decoded frames are read-only.
    """
    key = (id(stored), method)
    with _shared_lock:
        hit = _shared.get(key)
        if hit is not None and hit[0]() is stored:
            _shared.move_to_end(key)
            return hit[1]
        pyramid = Pyramid(stored, method, smallest=1)
        seed = _halves.get(id(stored))
        if method == "mean" and seed is not None and seed[0]() is stored:
            pyramid.adopt(1, seed[1])
        _shared[key] = (weakref.ref(stored), pyramid)
        while len(_shared) > _SHARED_KEPT:
            _shared.popitem(last=False)
    return pyramid


def share_half(stored: np.ndarray, half: np.ndarray) -> None:
    """Note ``half`` as the level 1 of the grey frame ``stored``, while ``stored`` lives.

    For a reader that halved the frame while reading it (see :func:`halve_rows`):
    once the frame is read-only (decoded frames are made so), the ``"mean"`` pyramid
    :func:`shared_pyramid` makes of it starts with this level, and no one halves the
    frame again. ``half`` must be exactly the level 1 a ``"mean"`` pyramid makes; it is
    kept read-only, and forgotten with the frame.

    Raises
    ------
    ValueError
        If ``half`` does not have level 1's shape and dtype.
    """
    shape = (-(-stored.shape[0] // 2), -(-stored.shape[1] // 2), *stored.shape[2:])
    if half.shape != shape or half.dtype != stored.dtype:
        raise ValueError(f"half: expected {shape} {stored.dtype}, got {half.shape} {half.dtype}")
    half.setflags(write=False)
    number = id(stored)

    def forget(_ref: weakref.ref) -> None:
        with _shared_lock:
            if _halves.get(number, (None,))[0] is _ref:
                del _halves[number]

    with _shared_lock:
        _halves[number] = (weakref.ref(stored, forget), half)


#: Pyramids of read-only frames (decoded frames are), by the frame they halve; the
#: most recent are kept (each holds its frame), most recently used last.
_shared: OrderedDict[tuple[int, str], tuple[weakref.ref, Pyramid]] = OrderedDict()
#: Level 1 of frames halved while they were read, by the frame (see :func:`share_half`).
_halves: dict[int, tuple[weakref.ref, np.ndarray]] = {}
#: Re-entrant: a frame freed while the lock is held forgets its half under it.
_shared_lock = threading.RLock()
_SHARED_KEPT = 4


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

    A band of rows at a time, so the partial sums stay in the CPU cache (see
    :func:`halve_rows`).
    """
    dtype = arr.dtype
    if not dtype.isnative:
        arr = arr.astype(dtype.newbyteorder("="))
    rows, columns = arr.shape[:2]
    out = np.empty((-(-rows // 2), -(-columns // 2), *arr.shape[2:]), dtype=arr.dtype)
    for start in range(0, rows, _BAND_ROWS):
        stop = min(start + _BAND_ROWS, rows)
        halve_rows(arr[start:stop], out=out[start // 2 : -(-stop // 2)])
    return out.astype(dtype, copy=False)


def halve_rows(
    rows: np.ndarray, out: np.ndarray | None = None, span: tuple[int, int] | None = None
) -> np.ndarray:
    """Halve a band of a frame's rows as a ``"mean"`` pyramid's level 1 has them.

    Each output value is the mean of a 2x2 block of integers rounded half up,
    ``floor((sum + 2) / 4)``; an odd last row or column is paired with itself. A band
    that starts at an even row of the frame gives exactly those rows of level 1, so a
    reader can halve a frame band by band while each band is still in the CPU cache.
    Row pairs are summed first, then column pairs, in the narrowest integer type that
    cannot overflow for the values in the band (a 12-bit image sums in ``uint16``).

    Parameters
    ----------
    rows : numpy.ndarray
        ``(n, columns)`` or ``(n, columns, 3)`` integers of at most 32 bits, native
        byte order.
    out : numpy.ndarray, optional
        Where to write the ``ceil(n / 2)`` rows; default: a new array.
    span : (int, int), optional
        The least and greatest value ``rows`` can hold, when the caller knows them
        (Bits Stored); default: found by scanning the band.

    Returns
    -------
    numpy.ndarray
        ``out``, of the dtype of ``rows``.
    """
    native = rows.dtype
    n, columns = rows.shape[:2]
    r2, c2 = n // 2 * 2, columns // 2 * 2
    if out is None:
        out = np.empty((-(-n // 2), -(-columns // 2), *rows.shape[2:]), dtype=native)
    wide = _accumulator(rows, span)
    if r2:
        source = rows[:r2]
        band = out[: r2 // 2]
        sums = band if wide == native else np.empty(band.shape, dtype=wide)
        pairs = np.add(source[0::2], source[1::2], dtype=wide)
        np.add(pairs[:, 0:c2:2], pairs[:, 1:c2:2], out=sums[:, : c2 // 2])
        if columns % 2:
            np.multiply(pairs[:, -1], 2, out=sums[:, -1])
        sums += 2
        sums >>= 2  # floor((sum + 2) / 4): the mean rounded half up (arithmetic shift)
        if sums is not band:
            band[...] = sums
    if n % 2:
        last = rows[-1].astype(wide)
        half = np.empty(out.shape[1:], dtype=wide)
        half[: c2 // 2] = (last[0:c2:2] + last[1:c2:2]) * 2
        if columns % 2:
            half[-1] = last[-1] * 4
        half += 2
        half >>= 2
        out[-1] = half
    return out


def _accumulator(arr: np.ndarray, span: tuple[int, int] | None = None) -> np.dtype:
    """Pick an integer dtype that holds ``4 * value + 2`` for every value of ``arr``.

    The array's own dtype when its values (``span``, else found by one pass, which is
    cheaper than sums in a type twice as wide) are small enough, else the next wider.
    """
    dtype = arr.dtype
    if dtype.kind == "b":
        return np.dtype(np.uint8)
    info = np.iinfo(dtype)
    if arr.size and dtype.itemsize <= 2:
        if span is not None:
            low, high = span
        else:
            low = int(arr.min()) if dtype.kind == "i" else 0
            high = int(arr.max())
        if 4 * low >= info.min and 4 * high + 2 <= info.max:
            return dtype
    if dtype.itemsize == 1:
        return np.dtype(np.uint16 if dtype.kind == "u" else np.int16)
    if dtype.itemsize == 2:
        return np.dtype(np.uint32 if dtype.kind == "u" else np.int32)
    return np.dtype(np.int64)
