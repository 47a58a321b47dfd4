"""A large uncompressed frame is halved while it is read: the same pixels, no second pass.

The reader corrects and halves each band of rows while it is in the CPU cache and
gives the half-size level to the frame's shared pyramid; the screen and exports then
sample it instead of halving the frame again. The level must be exactly the one a
pyramid makes from the frame, for every kind of frame the reader takes.
"""

from __future__ import annotations

import numpy as np
import pydicom
import pytest
from grey_dicom import write_grey
from pydicom.uid import ImplicitVRLittleEndian

from hoview.display.attributes import PixelAttributes
from hoview.display.pyramid import Pyramid
from hoview.display.viewport import make_pyramid
from hoview.sources import native_pixels, open_path
from hoview.sources.base import FrameCache
from hoview.sources.native_pixels import read_native_frame


def _noisy(shape, dtype, seed=0) -> np.ndarray:
    """Full-range random bits: high bits above Bits Stored set too (they are corrected)."""
    info = np.iinfo(dtype)
    rng = np.random.default_rng(seed)
    return rng.integers(info.min, info.max, shape, dtype=dtype, endpoint=True)


CASES = [
    ((1030, 1024), np.uint16, 12, False),
    ((1031, 1025), np.uint16, 12, False),  # odd rows and columns
    ((1024, 1030), np.int16, 12, True),  # sign-extended
    ((1024, 1030), np.uint16, 16, False),  # every bit used: the band is scanned
    ((1024, 1030), np.int16, 16, True),
    ((1030, 1031), np.uint8, 8, False),
    ((1030, 1024), np.uint16, 15, False),  # sums need 32 bits
]


@pytest.mark.parametrize(("shape", "dtype", "stored", "signed"), CASES)
def test_the_frame_and_its_half_are_what_pydicom_and_a_pyramid_make(
    tmp_path, shape, dtype, stored, signed
) -> None:
    path = write_grey(tmp_path / "film.dcm", _noisy(shape, dtype), stored, signed)
    expected = pydicom.dcmread(path).pixel_array
    frame = open_path(path, cache=FrameCache()).series[0].frames[0]
    stored_values = frame.pixels()
    assert np.array_equal(stored_values, expected)
    assert stored_values.dtype == expected.dtype
    pyramid = make_pyramid(stored_values, PixelAttributes())
    assert pyramid.built == 2  # level 1 came with the frame
    fresh = Pyramid(expected, "mean", smallest=1)
    for k in range(pyramid.count):
        assert np.array_equal(pyramid.level(k), fresh.level(k)), k


def test_each_frame_of_a_multiframe_file_is_halved(tmp_path) -> None:
    frames = _noisy((3, 1024, 1026), np.uint16, seed=5)
    path = write_grey(tmp_path / "frames.dcm", frames, 12, False)
    expected = pydicom.dcmread(path).pixel_array
    ds = pydicom.dcmread(path, defer_size=1024)
    for index in range(3):
        arr = read_native_frame(ds, path, index)
        assert np.array_equal(arr, expected[index])
        arr.setflags(write=False)
        half = make_pyramid(arr, PixelAttributes()).level(1)
        assert np.array_equal(half, Pyramid(expected[index], "mean").level(1))


def test_pixel_data_already_in_memory_is_read_the_same_way(tmp_path) -> None:
    path = write_grey(tmp_path / "film.dcm", _noisy((1030, 1024), np.uint16, 2), 10, False)
    ds = pydicom.dcmread(path)  # the pixel data loaded, not deferred
    arr = read_native_frame(ds, path, None)
    assert np.array_equal(arr, ds.pixel_array)
    arr.setflags(write=False)
    assert np.array_equal(
        make_pyramid(arr, PixelAttributes()).level(1), Pyramid(ds.pixel_array, "mean").level(1)
    )


def test_implicit_little_endian_is_halved_too(tmp_path) -> None:
    pixels = _noisy((1024, 1026), np.uint16, 3)
    path = write_grey(tmp_path / "film.dcm", pixels, 14, False, ImplicitVRLittleEndian)
    frame = open_path(path, cache=FrameCache()).series[0].frames[0]
    assert np.array_equal(frame.pixels(), pydicom.dcmread(path).pixel_array)
    assert make_pyramid(frame.pixels(), frame.attributes).built == 2


def test_small_frames_are_not_halved_in_advance(tmp_path) -> None:
    path = write_grey(tmp_path / "ct.dcm", _noisy((512, 512), np.uint16, 4), 12, False)
    frame = open_path(path, cache=FrameCache()).series[0].frames[0]
    assert frame.pixels().size < native_pixels.HALVE_WHILE_READING
    pyramid = make_pyramid(frame.pixels(), frame.attributes)
    assert pyramid.built == 1
    assert np.array_equal(pyramid.level(1), Pyramid(frame.pixels().copy(), "mean").level(1))


def test_a_file_that_ends_early_is_left_to_pydicom(tmp_path) -> None:
    path = write_grey(tmp_path / "film.dcm", _noisy((1030, 1024), np.uint16, 6), 12, False)
    ds = pydicom.dcmread(path, defer_size=1024)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) - 5000])  # the header still says the full length
    assert read_native_frame(ds, path, None) is None


def test_a_writable_frame_never_uses_a_level_made_before_it_changed(tmp_path) -> None:
    path = write_grey(tmp_path / "film.dcm", _noisy((1030, 1024), np.uint16, 7), 12, False)
    ds = pydicom.dcmread(path, defer_size=1024)
    arr = read_native_frame(ds, path, None)
    arr[:] = 9  # the reader's caller may change its array
    assert np.array_equal(make_pyramid(arr, PixelAttributes()).level(1), np.full((515, 512), 9))
