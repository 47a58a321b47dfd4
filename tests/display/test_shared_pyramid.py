"""A decoded frame's pyramid is built once for the screen, the thumbnail and exports."""

from __future__ import annotations

import gc
import weakref

import numpy as np
import pytest
from grey_dicom import write_grey

from hoview.display.attributes import PixelAttributes, Window
from hoview.display.pyramid import Pyramid
from hoview.display.viewport import (
    ViewGeometry,
    make_pyramid,
    render_full,
    render_view,
    share_half,
)
from hoview.sources import open_path

GREY = PixelAttributes()


def _frame(seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).integers(0, 4096, (300, 200), dtype=np.uint16)


def test_a_read_only_frame_gets_one_pyramid() -> None:
    stored = _frame()
    stored.setflags(write=False)
    first = make_pyramid(stored, GREY)
    first.level(2)
    again = make_pyramid(stored, GREY)
    assert again is first and again.built == 3  # the levels are not made again


def test_a_writable_frame_gets_its_own_pyramid_every_time() -> None:
    stored = _frame()
    first = make_pyramid(stored, GREY)
    first.level(1)
    stored[:] = 7  # it may change after the first pyramid was made
    second = make_pyramid(stored, GREY)
    assert second is not first
    assert np.array_equal(second.level(1), np.full((150, 100), 7, np.uint16))


def test_palette_and_grey_pyramids_of_one_frame_stay_apart() -> None:
    stored = np.zeros((4, 4), np.uint8)
    stored[0, 0] = 3
    stored.setflags(write=False)
    table = np.zeros((4, 3), dtype=np.uint8)
    palette = PixelAttributes(photometric="PALETTE COLOR", bits_stored=8, palette=table)
    assert make_pyramid(stored, palette).level(1).max() == 3  # nearest: never averaged
    assert make_pyramid(stored, GREY).level(1).max() == 1  # mean


def test_equal_frames_are_not_confused() -> None:
    one, two = _frame(1), _frame(2)
    one.setflags(write=False)
    two.setflags(write=False)
    assert not np.array_equal(make_pyramid(one, GREY).level(1), make_pyramid(two, GREY).level(1))


def test_the_shared_pyramid_gives_the_pixels_of_a_new_one() -> None:
    stored = _frame(3)
    stored.setflags(write=False)
    voi = Window(2000, 3000)
    geometry = ViewGeometry(zoom=0.3, center_x=100.0, center_y=150.0, width=64, height=96)
    shared = make_pyramid(stored, GREY)
    shared.level(shared.level_for_zoom(0.3))
    fresh = Pyramid(stored.copy(), "mean", smallest=1)
    assert np.array_equal(
        render_view(shared, GREY, voi, geometry), render_view(fresh, GREY, voi, geometry)
    )
    thumbnail = render_full(stored, GREY, voi, 0.2)
    assert np.array_equal(thumbnail, render_full(stored.copy(), GREY, voi, 0.2))


@pytest.fixture
def dx(tmp_path):
    """A small uncompressed 12-bit film."""
    return write_grey(tmp_path / "dx.dcm", _frame(4))


def test_a_decoded_frame_shares_its_levels_between_users(dx) -> None:
    frame = open_path(dx).series[0].frames[0]
    stored = frame.pixels()
    assert not stored.flags.writeable
    canvas_pyramid = make_pyramid(frame.pixels(), frame.attributes)
    canvas_pyramid.level(1)
    before = canvas_pyramid.built
    render_full(frame.pixels(), frame.attributes, Window(2000, 4000), 0.5)  # a thumbnail
    assert canvas_pyramid.built == before  # level 1 was there: nothing halved again
    assert canvas_pyramid.reads[1] >= 2


def test_a_half_made_while_reading_is_used_then_forgotten_with_its_frame() -> None:
    stored = _frame(8)
    half = Pyramid(stored.copy(), "mean").level(1).copy()
    share_half(stored, half)
    kept = weakref.ref(half)
    del half
    stored.setflags(write=False)
    pyramid = make_pyramid(stored, GREY)
    assert pyramid.built == 2 and pyramid.level(1) is kept()
    del pyramid, stored
    for seed in range(10, 10 + 5):  # newer frames push it out of the kept pyramids
        other = _frame(seed)
        other.setflags(write=False)
        make_pyramid(other, GREY)
    gc.collect()
    assert kept() is None


def test_a_half_of_the_wrong_shape_is_refused() -> None:
    stored = _frame()
    with pytest.raises(ValueError, match="half"):
        share_half(stored, np.zeros((10, 10), np.uint16))
    with pytest.raises(ValueError, match="half"):
        share_half(stored, np.zeros((150, 100), np.int32))
