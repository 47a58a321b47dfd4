"""render_region: the image's part of a viewport, the same pixels render_view shows."""

from __future__ import annotations

import numpy as np
import pytest

from hoview.display.attributes import PixelAttributes, Window
from hoview.display.pyramid import Pyramid
from hoview.display.viewport import ViewGeometry, render_region, render_view

GREY = PixelAttributes(bits_stored=12)
RGB = PixelAttributes(photometric="RGB", samples_per_pixel=3, bits_stored=8)
BACKGROUND = 7


def _views(count: int, seed: int) -> list[ViewGeometry]:
    """Random views: shrunk, 1:1, enlarged, panned off the image, turned and mirrored."""
    rng = np.random.default_rng(seed)
    views = [ViewGeometry(1.0, 150.5, 100.0, 120, 90), ViewGeometry(4.0, 30.0, 40.0, 200, 160)]
    for _ in range(count):
        views.append(
            ViewGeometry(
                float(np.exp(rng.uniform(-3, 3))),
                float(rng.uniform(-50, 550)),
                float(rng.uniform(-50, 350)),
                int(rng.integers(1, 260)),
                int(rng.integers(1, 260)),
                int(rng.choice([0, 90, 180, 270])),
                bool(rng.integers(2)),
                bool(rng.integers(2)),
            )
        )
    return views


def _check_region(region, shown: np.ndarray) -> np.ndarray:  # noqa: ANN001
    """Assert the region lies inside the view with background around it; return its part."""
    h, w = region.pixels.shape[:2]
    assert region.pixels.flags.c_contiguous
    part = shown[region.y : region.y + h, region.x : region.x + w]
    assert part.shape[:2] == (h, w)
    rest = shown.copy()
    rest[region.y : region.y + h, region.x : region.x + w] = BACKGROUND
    assert (rest == BACKGROUND).all()
    return part


@pytest.mark.parametrize("geometry", _views(60, 11))
def test_region_is_the_image_part_of_render_view(geometry: ViewGeometry) -> None:
    frame = np.random.default_rng(5).integers(0, 4096, (300, 500), dtype=np.uint16)
    pyramid = Pyramid(frame)
    window = Window(1800, 2500)
    for _ in range(2):  # the second time from the samples kept for the view
        shown = render_view(pyramid, GREY, window, geometry, background=BACKGROUND)
        region = render_region(pyramid, GREY, window, geometry)
        assert region.pixels.dtype == np.uint8
        assert np.array_equal(region.pixels, _check_region(region, shown))


@pytest.mark.parametrize("geometry", _views(20, 12))
def test_packed_region_holds_opaque_grey_rgb32_pixels(geometry: ViewGeometry) -> None:
    frame = np.random.default_rng(6).integers(0, 4096, (300, 500), dtype=np.uint16)
    pyramid = Pyramid(frame)
    shown = render_view(pyramid, GREY, None, geometry, invert=True, background=BACKGROUND)
    region = render_region(pyramid, GREY, None, geometry, invert=True, packed=True)
    assert region.pixels.dtype == np.uint32
    grey = _check_region(region, shown).astype(np.uint32)
    assert np.array_equal(region.pixels, 0xFF000000 | grey * 0x010101)


@pytest.mark.parametrize("geometry", _views(10, 13))
def test_colour_regions_are_rgb_even_when_packed_is_asked(geometry: ViewGeometry) -> None:
    frame = np.random.default_rng(7).integers(0, 256, (300, 500, 3), dtype=np.uint8)
    pyramid = Pyramid(frame)
    shown = render_view(pyramid, RGB, None, geometry, background=BACKGROUND)
    region = render_region(pyramid, RGB, None, geometry, packed=True)
    assert region.pixels.dtype == np.uint8 and region.pixels.shape[2:] == (3,)
    assert np.array_equal(region.pixels, _check_region(region, shown))


def test_a_view_off_the_image_has_an_empty_region() -> None:
    pyramid = Pyramid(np.zeros((30, 40), np.uint16))
    region = render_region(pyramid, GREY, None, ViewGeometry(1.0, 500.0, 500.0, 20, 20))
    assert region.pixels.size == 0
