"""View geometry and viewport rendering."""

from __future__ import annotations

import numpy as np
import pytest

from hoview.display.attributes import PixelAttributes, Window
from hoview.display.pipeline import to_display
from hoview.display.pyramid import Pyramid
from hoview.display.viewport import ViewGeometry, make_pyramid, render_full, render_view

GREY = PixelAttributes(bits_stored=12)
WINDOW = Window(2048, 4096)
RGB = PixelAttributes(photometric="RGB", samples_per_pixel=3, bits_stored=8)


@pytest.fixture(scope="module")
def frame() -> np.ndarray:
    rng = np.random.default_rng(7)
    data = rng.integers(0, 4096, size=(300, 500), dtype=np.uint16)
    data.setflags(write=False)
    return data


@pytest.fixture(scope="module")
def big_frame() -> np.ndarray:
    """An 8-megapixel uint16 frame (3264 x 2448), cheap to make."""
    rows = np.arange(2448, dtype=np.uint16)[:, None]
    cols = np.arange(3264, dtype=np.uint16)[None, :]
    data = (rows * 3 + cols) % 4096
    data.setflags(write=False)
    return data


# -- geometry -------------------------------------------------------------------------


def test_image_and_screen_coordinates_round_trip() -> None:
    rng = np.random.default_rng(1)
    for _ in range(50):
        zoom, cx, cy = rng.uniform(0.05, 20), rng.uniform(-100, 3000), rng.uniform(-100, 3000)
        g = ViewGeometry(zoom, cx, cy, int(rng.integers(1, 2000)), int(rng.integers(1, 2000)))
        x, y = rng.uniform(-500, 4000, size=2)
        sx, sy = g.image_to_screen(x, y)
        assert g.screen_to_image(sx, sy) == pytest.approx((x, y), abs=1e-9)
        assert g.image_to_screen(*g.screen_to_image(sx, sy)) == pytest.approx((sx, sy), abs=1e-9)


def test_centre_of_the_view_shows_the_centre_point() -> None:
    g = ViewGeometry(2.0, 10.5, 20.5, 100, 50)
    assert g.image_to_screen(10.5, 20.5) == (50.0, 25.0)
    assert g.screen_to_image(0, 0) == (10.5 - 25, 20.5 - 12.5)


def test_fit_shows_the_whole_image_centred() -> None:
    g = ViewGeometry.fit(400, 100, 200, 200)
    assert g.zoom == 0.5
    assert g.image_to_screen(0, 0) == (0.0, 75.0)
    assert g.image_to_screen(400, 100) == (200.0, 125.0)
    tall = ViewGeometry.fit(100, 400, 200, 200)
    assert tall.image_to_screen(0, 0) == (75.0, 0.0)


@pytest.mark.parametrize(
    "args",
    [(0, 1, 1, 1, 1), (float("nan"), 1, 1, 1, 1), (1, float("inf"), 1, 1, 1), (1, 0, 0, 0, 5)],
)
def test_bad_geometry_is_rejected(args: tuple) -> None:
    with pytest.raises(ValueError):
        ViewGeometry(*args)
    with pytest.raises(ValueError, match="width/height"):
        ViewGeometry.fit(10, 10, 0, 10)


# -- render_view ----------------------------------------------------------------------


def test_zoom_one_equals_to_display_of_the_region(frame: np.ndarray) -> None:
    x0, y0, w, h = 37, 81, 120, 64
    g = ViewGeometry(1.0, x0 + w / 2, y0 + h / 2, w, h)
    shown = render_view(Pyramid(frame), GREY, WINDOW, g)
    assert shown.shape == (h, w) and shown.dtype == np.uint8
    assert np.array_equal(shown, to_display(frame[y0 : y0 + h, x0 : x0 + w], GREY, WINDOW))


def test_zoom_two_repeats_pixels(frame: np.ndarray) -> None:
    g = ViewGeometry(2.0, 10 + 5, 20 + 4, 20, 16)  # image (10..20, 20..28)
    shown = render_view(Pyramid(frame), GREY, WINDOW, g, invert=True)
    expected = to_display(frame[20:28, 10:20], GREY, WINDOW, invert=True)
    assert np.array_equal(shown, expected.repeat(2, axis=0).repeat(2, axis=1))


def test_pixels_outside_the_image_get_the_background(frame: np.ndarray) -> None:
    # The view's left 50 columns and top 30 rows lie left of and above the image.
    g = ViewGeometry(1.0, 0, 0, 100, 60)
    shown = render_view(Pyramid(frame), GREY, WINDOW, g, background=77)
    assert (shown[:, :50] == 77).all() and (shown[:30, :] == 77).all()
    assert np.array_equal(shown[30:, 50:], to_display(frame[:30, :50], GREY, WINDOW))
    away = ViewGeometry(1.0, -1000, -1000, 10, 10)
    assert (render_view(Pyramid(frame), GREY, WINDOW, away, background=5) == 5).all()


def test_fitted_view_has_the_viewport_shape(frame: np.ndarray) -> None:
    for width, height in ((1280, 1024), (333, 17), (1, 1)):
        g = ViewGeometry.fit(500, 300, width, height)
        assert render_view(Pyramid(frame), GREY, WINDOW, g).shape == (height, width)


def test_default_voi_is_the_frames(frame: np.ndarray) -> None:
    g = ViewGeometry(1.0, 250, 150, 500, 300)
    assert np.array_equal(render_view(Pyramid(frame), GREY, None, g), to_display(frame, GREY))


def test_fitted_8_megapixel_view_never_reads_full_resolution(big_frame: np.ndarray) -> None:
    pyramid = Pyramid(big_frame)
    g = ViewGeometry.fit(3264, 2448, 1280, 1024)
    level = pyramid.level_for_zoom(g.zoom)
    assert level >= 1
    render_view(pyramid, GREY, None, g)  # builds the level and the default window once
    pyramid.reads.clear()
    shown = render_view(pyramid, GREY, WINDOW, g)
    again = render_view(pyramid, GREY, None, g)
    assert shown.shape == again.shape == (1024, 1280)
    assert pyramid.reads[0] == 0
    assert pyramid.reads[level] == 2
    # Letterboxed: 1280 x 960 of image, 32 rows of background above and below.
    boxed = render_view(pyramid, GREY, WINDOW, g, background=200)
    assert (boxed[:32] == 200).all() and (boxed[-32:] == 200).all()
    # Each screen pixel is the level's sample under its centre, windowed.
    data, step = pyramid.level(level), 2**level
    for i, j in ((32, 0), (500, 640), (991, 1279)):
        x, y = g.screen_to_image(j + 0.5, i + 0.5)
        sample = data[int(y // step), int(x // step)]
        assert shown[i, j] == to_display(np.array([sample]), GREY, WINDOW)[0]


def test_colour_view(frame: np.ndarray) -> None:
    rgb = np.stack([frame % 256, frame // 16, 255 - frame % 256], axis=-1).astype(np.uint8)
    g = ViewGeometry(1.0, 20, 10, 40, 20)
    shown = render_view(Pyramid(rgb), RGB, None, g, background=9)
    assert shown.shape == (20, 40, 3)
    assert np.array_equal(shown, rgb[:20, :40])
    outside = render_view(Pyramid(rgb), RGB, None, ViewGeometry(1.0, -50, -50, 4, 4), background=9)
    assert (outside == 9).all()


def test_big_endian_pyramid(frame: np.ndarray) -> None:
    swapped = frame.astype(">u2")
    g = ViewGeometry.fit(500, 300, 100, 60)
    assert np.array_equal(
        render_view(Pyramid(swapped), GREY, WINDOW, g), render_view(Pyramid(frame), GREY, WINDOW, g)
    )


def test_background_must_be_a_grey_level(frame: np.ndarray) -> None:
    with pytest.raises(ValueError, match="background"):
        render_view(Pyramid(frame), GREY, WINDOW, ViewGeometry(1, 0, 0, 2, 2), background=300)


# -- render_full ----------------------------------------------------------------------


def test_render_full_at_scale_one_is_to_display(frame: np.ndarray) -> None:
    assert np.array_equal(render_full(frame, GREY), to_display(frame, GREY))
    inverse = PixelAttributes(bits_stored=12, presentation_inverse=True)
    assert np.array_equal(
        render_full(frame, inverse, WINDOW, invert=True),
        to_display(frame, inverse, WINDOW, invert=True),
    )


@pytest.mark.parametrize(
    ("scale", "shape"), [(0.5, (150, 250)), (0.3, (90, 150)), (2.0, (600, 1000)), (0.001, (1, 1))]
)
def test_render_full_output_size(frame: np.ndarray, scale: float, shape: tuple[int, int]) -> None:
    assert render_full(frame, GREY, WINDOW, scale).shape == shape


def test_render_full_downscale_uses_box_means() -> None:
    frame = np.array([[0, 2, 10, 10], [2, 4, 10, 10]], dtype=np.uint16)
    attrs = PixelAttributes(bits_stored=8)
    window = Window(127.5, 255, "LINEAR_EXACT")  # 0..255 -> 0..255
    assert render_full(frame, attrs, window, 0.5).tolist() == [[2, 10]]
    assert render_full(frame, attrs, window, 2.0).shape == (4, 8)


def test_render_full_keeps_palette_indices() -> None:
    palette = np.array([[0, 0, 0], [255, 0, 0], [0, 255, 0], [0, 0, 255]], dtype=np.uint8)
    attrs = PixelAttributes(photometric="PALETTE COLOR", bits_stored=8, palette=palette)
    frame = np.array([[1, 3], [3, 3]], dtype=np.uint8)  # a mean would be 2.5 -> green
    shown = render_full(frame, attrs, scale=0.5)
    assert shown.tolist() == [[[255, 0, 0]]]


def test_render_full_rejects_bad_scale(frame: np.ndarray) -> None:
    with pytest.raises(ValueError, match="scale"):
        render_full(frame, GREY, WINDOW, 0)


def test_make_pyramid_does_not_average_palette_indices() -> None:
    palette = np.zeros((4, 3), dtype=np.uint8)
    attrs = PixelAttributes(photometric="PALETTE COLOR", bits_stored=8, palette=palette)
    frame = np.zeros((600, 600), dtype=np.uint8)
    frame[::2, ::2] = 3
    assert make_pyramid(frame, attrs).level(1).max() == 3  # a mean would give 1
    assert make_pyramid(frame, GREY).level(1).max() == 1
