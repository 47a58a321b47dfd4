"""Halving sums in a narrow type only when no sum can overflow: exact at the edges."""

from __future__ import annotations

import numpy as np
import pytest

from hoview.display.pyramid import _halve


def _reference(arr: np.ndarray) -> np.ndarray:
    """floor((sum of the 2x2 block + 2) / 4), an odd edge paired with itself, in Python ints."""
    rows, columns = arr.shape
    out = np.empty((-(-rows // 2), -(-columns // 2)), dtype=object)
    for i in range(out.shape[0]):
        for j in range(out.shape[1]):
            r = [min(2 * i, rows - 1), min(2 * i + 1, rows - 1)]
            c = [min(2 * j, columns - 1), min(2 * j + 1, columns - 1)]
            total = sum(int(arr[y, x]) for y in r for x in c)
            out[i, j] = (total + 2) // 4
    return out.astype(arr.dtype)


@pytest.mark.parametrize(
    ("dtype", "values"),
    [
        ("u1", (0, 63)),
        ("u1", (0, 64)),
        ("u1", (0, 255)),
        ("i1", (-128, 127)),
        ("u2", (0, 16383)),
        ("u2", (0, 16384)),
        ("u2", (0, 65535)),
        ("i2", (-8192, 8191)),
        ("i2", (-8193, 8191)),
        ("i2", (-32768, 32767)),
        ("u4", (0, 2**32 - 1)),
        ("i4", (-(2**31), 2**31 - 1)),
        (">u2", (0, 65535)),
    ],
)
@pytest.mark.parametrize("shape", [(6, 8), (7, 9), (1, 1), (1, 5), (131, 67), (128, 3)])
def test_halving_is_exact_at_the_limits_of_each_type(dtype, values, shape):
    rng = np.random.default_rng(5)
    low, high = values
    arr = rng.integers(low, high, shape, endpoint=True, dtype=np.int64).astype(dtype)
    arr.flat[0], arr.flat[-1] = low, high  # the extremes are always present
    half = _halve(arr, "mean")
    assert half.dtype == arr.dtype
    assert np.array_equal(half, _reference(arr))
