"""Pyramid levels: shapes, rounded means, odd edges, laziness, colour."""

from __future__ import annotations

import numpy as np
import pytest

from hoview.display.pyramid import SMALLEST_SIDE, Pyramid


def test_level_zero_is_the_frame_itself() -> None:
    frame = np.zeros((10, 20), dtype=np.uint16)
    assert Pyramid(frame).level(0) is frame


def test_level_shapes_halve_down_to_the_smallest_side() -> None:
    pyramid = Pyramid(np.zeros((1000, 600), dtype=np.uint8))
    assert pyramid.count == 3
    shapes = [pyramid.level(k).shape for k in range(pyramid.count)]
    assert shapes == [(1000, 600), (500, 300), (250, 150)]
    assert max(shapes[-1]) <= SMALLEST_SIDE
    assert [pyramid.level_shape(k) for k in range(3)] == shapes
    with pytest.raises(IndexError, match="level"):
        pyramid.level(3)


def test_small_frame_has_one_level() -> None:
    pyramid = Pyramid(np.zeros((256, 100), dtype=np.uint8))
    assert pyramid.count == 1
    assert pyramid.level_for_zoom(0.01) == 0


def test_mean_of_2x2_blocks_with_odd_edges() -> None:
    frame = np.array([[0, 1, 2], [3, 4, 5], [6, 7, 8]], dtype=np.uint8)
    level = Pyramid(frame, smallest=1).level(1)
    assert level.dtype == np.uint8
    # (0+1+3+4)/4 = 2; the odd column pairs with itself: (2+5)/2 = 3.5 -> 4;
    # the odd row: (6+7)/2 = 6.5 -> 7; the corner stays 8.
    assert level.tolist() == [[2, 4], [7, 8]]


def test_means_are_rounded_not_truncated() -> None:
    unsigned = np.array([[1, 2], [2, 2]], dtype=np.uint16)  # 1.75
    assert Pyramid(unsigned, smallest=1).level(1).tolist() == [[2]]
    signed = np.array([[-1, -2], [-2, -2]], dtype=np.int16)  # -1.75
    assert Pyramid(signed, smallest=1).level(1).tolist() == [[-2]]
    wide = np.array([[65535, 65535], [65535, 65534]], dtype=np.uint16)  # no overflow
    assert Pyramid(wide, smallest=1).level(1).tolist() == [[65535]]
    floats = np.array([[0.0, 1.0], [1.0, 1.0]], dtype=np.float32)
    level = Pyramid(floats, smallest=1).level(1)
    assert level.dtype == np.float32 and level.tolist() == [[0.75]]


def test_deeper_levels_cover_two_to_the_k_pixels() -> None:
    frame = np.arange(64, dtype=np.int32).reshape(8, 8)
    pyramid = Pyramid(frame, smallest=1)
    assert pyramid.count == 4
    assert pyramid.level(2).tolist() == [
        [round(frame[:4, :4].mean()), round(frame[:4, 4:].mean())],
        [round(frame[4:, :4].mean()), round(frame[4:, 4:].mean())],
    ]
    assert pyramid.level(3).tolist() == [[32]]  # mean 31.5 rounds half up


def test_levels_are_built_lazily_and_kept() -> None:
    pyramid = Pyramid(np.ones((2000, 2000), dtype=np.uint16))
    assert pyramid.count == 4
    assert pyramid.built == 1
    pyramid.level(1)
    assert pyramid.built == 2  # level 3 (and 2) not built until asked
    level3 = pyramid.level(3)
    assert pyramid.built == 4
    assert pyramid.level(3) is level3
    assert not level3.flags.writeable
    assert pyramid.reads[3] == 2 and pyramid.reads[0] == 0


def test_colour_levels_average_each_channel() -> None:
    frame = np.zeros((3, 4, 3), dtype=np.uint8)
    frame[..., 0] = 100
    frame[:2, :2, 1] = [[0, 10], [20, 30]]
    frame[..., 2] = 255
    level = Pyramid(frame, smallest=1).level(1)
    assert level.shape == (2, 2, 3)
    assert level[0, 0].tolist() == [100, 15, 255]
    assert level[1, 1].tolist() == [100, 0, 255]


def test_nearest_method_keeps_samples() -> None:
    frame = np.array([[1, 2, 3], [4, 5, 6], [7, 8, 9]], dtype=np.uint8)
    assert Pyramid(frame, "nearest", smallest=1).level(1).tolist() == [[1, 3], [7, 9]]


def test_big_endian_frame() -> None:
    frame = np.array([[1, 2], [2, 2]], dtype=">u2")
    assert Pyramid(frame, smallest=1).level(1).tolist() == [[2]]


@pytest.mark.parametrize(
    ("zoom", "level"),
    [(8.0, 0), (1.0, 0), (0.75, 0), (0.5, 1), (0.4, 1), (0.25, 2), (0.2, 2), (1e-4, 3)],
)
def test_level_for_zoom(zoom: float, level: int) -> None:
    pyramid = Pyramid(np.zeros((2000, 1000), dtype=np.uint8))
    assert pyramid.count == 4
    assert pyramid.level_for_zoom(zoom) == level


@pytest.mark.parametrize(
    ("shape", "kwargs", "match"),
    [
        ((4,), {}, "stored"),
        ((4, 4, 2), {}, "stored"),
        ((0, 4), {}, "stored"),
        ((4, 4), {"method": "median"}, "method"),
        ((4, 4), {"smallest": 0}, "smallest"),
    ],
)
def test_bad_arguments_are_named(shape: tuple[int, ...], kwargs: dict, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        Pyramid(np.zeros(shape, dtype=np.uint8), **kwargs)


def test_bad_zoom_is_named() -> None:
    with pytest.raises(ValueError, match="zoom"):
        Pyramid(np.zeros((4, 4), np.uint8)).level_for_zoom(0)
