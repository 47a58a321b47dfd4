"""Rotation and flips in the view: one affine map, and rendering that honours it."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from hoview.display.attributes import PixelAttributes, Window
from hoview.display.pipeline import to_display
from hoview.display.pyramid import Pyramid
from hoview.display.viewport import ViewGeometry, render_view

ROTATIONS = (0, 90, 180, 270)
ORIENTATIONS = list(itertools.product(ROTATIONS, (False, True), (False, True)))
IDENTITY = Window(127.5, 255, "LINEAR_EXACT")  # stored 0..255 -> shown 0..255
BYTE = PixelAttributes(bits_stored=8)
GREY = PixelAttributes(bits_stored=12)
RGB = PixelAttributes(photometric="RGB", samples_per_pixel=3, bits_stored=8)
BACKGROUND = 255


@pytest.fixture(scope="module")
def small() -> np.ndarray:
    """6 rows x 10 columns, every value different: the render says which pixel it shows."""
    return np.arange(60, dtype=np.uint16).reshape(6, 10)


def upright_view(**kwargs: object) -> ViewGeometry:
    """Zoom 1, the 10 x 6 image in the middle of a 14 x 10 view, a 2-pixel margin."""
    return ViewGeometry(1.0, 5, 3, 14, 10, **kwargs)


def sideways_view(**kwargs: object) -> ViewGeometry:
    """The same at 90 or 270 degrees: the viewport is turned too."""
    return ViewGeometry(1.0, 5, 3, 10, 14, **kwargs)


def reference(pyramid: Pyramid, g: ViewGeometry, background: int = BACKGROUND) -> np.ndarray:
    """Nearest level sample under every screen pixel centre, the slow way (stored values)."""
    level = pyramid.level_for_zoom(g.zoom)
    data, step = pyramid.level(level), 2**level
    rows, columns = pyramid.shape[:2]
    sx, sy = np.meshgrid(np.arange(g.width) + 0.5, np.arange(g.height) + 0.5)
    x, y = g.screen_to_image(sx, sy)
    inside = (x >= 0) & (x < columns) & (y >= 0) & (y < rows)
    out = np.full((g.height, g.width), background, dtype=np.int64)
    out[inside] = data[(y[inside] // step).astype(int), (x[inside] // step).astype(int)]
    return out


# -- the map ----------------------------------------------------------------------------


@pytest.mark.parametrize(("rotation", "flip_h", "flip_v"), ORIENTATIONS)
def test_image_and_screen_round_trip_in_every_orientation(
    rotation: int, flip_h: bool, flip_v: bool
) -> None:
    rng = np.random.default_rng(rotation + 2 * flip_h + 4 * flip_v)
    for _ in range(30):
        zoom, cx, cy = rng.uniform(0.05, 20), rng.uniform(-100, 3000), rng.uniform(-100, 3000)
        size = rng.integers(1, 2000, size=2)
        g = ViewGeometry(zoom, cx, cy, int(size[0]), int(size[1]), rotation, flip_h, flip_v)
        x, y = rng.uniform(-500, 4000, size=2)
        sx, sy = g.image_to_screen(x, y)
        assert g.screen_to_image(sx, sy) == pytest.approx((x, y), abs=1e-9)
        assert g.image_to_screen(*g.screen_to_image(sx, sy)) == pytest.approx((sx, sy), abs=1e-9)
        assert g.image_to_screen(cx, cy) == pytest.approx((g.width / 2, g.height / 2))


@pytest.mark.parametrize(("rotation", "flip_h", "flip_v"), ORIENTATIONS)
def test_affine_is_image_to_screen(rotation: int, flip_h: bool, flip_v: bool) -> None:
    g = ViewGeometry(0.37, 812.25, -40.5, 1280, 1001, rotation, flip_h, flip_v)
    m11, m12, m21, m22, dx, dy = g.affine()
    # zoom times a rotation (det +1) or a mirror (det -1), entries 0 or +-zoom
    assert sorted(abs(v) for v in (m11, m12, m21, m22)) == [0, 0, 0.37, 0.37]
    assert m11 * m22 - m12 * m21 == pytest.approx(0.37**2 * (-1 if flip_h != flip_v else 1))
    rng = np.random.default_rng(3)
    for x, y in rng.uniform(-1000, 5000, size=(50, 2)):
        # QTransform.map: x' = m11*x + m21*y + dx, y' = m12*x + m22*y + dy
        assert g.image_to_screen(x, y) == (m11 * x + m21 * y + dx, m12 * x + m22 * y + dy)


def test_rotation_is_clockwise_on_screen_and_flips_mirror_the_image() -> None:
    c = (50.0, 25.0)  # the viewport centre, where the centre point (10, 20) shows

    def moved(g: ViewGeometry, x: float, y: float) -> tuple[float, float]:
        sx, sy = g.image_to_screen(10 + x, 20 + y)
        return sx - c[0], sy - c[1]

    g = ViewGeometry(2.0, 10, 20, 100, 50)
    assert moved(g, 1, 0) == (2, 0)
    assert moved(g.rotated(90), 1, 0) == (0, 2)  # right turns to down
    assert moved(g.rotated(90), 0, -1) == (2, 0)  # up turns to right
    assert moved(g.rotated(180), 1, 0) == (-2, 0)
    assert moved(g.rotated(270), 1, 0) == (0, -2)
    assert moved(ViewGeometry(2.0, 10, 20, 100, 50, flip_h=True), 1, 3) == (-2, 6)
    assert moved(ViewGeometry(2.0, 10, 20, 100, 50, flip_v=True), 1, 3) == (2, -6)
    # flipped first, then rotated: image right -> mirrored left -> turned up
    assert moved(ViewGeometry(2.0, 10, 20, 100, 50, 90, flip_h=True), 1, 0) == (0, -2)


def test_rotation_is_normalised_and_checked() -> None:
    assert ViewGeometry(1, 0, 0, 1, 1, -90).rotation == 270
    assert ViewGeometry(1, 0, 0, 1, 1, 450.0).rotation == 90
    assert ViewGeometry(1, 0, 0, 1, 1, np.int64(180)).rotation == 180
    with pytest.raises(ValueError, match="rotation"):
        ViewGeometry(1, 0, 0, 1, 1, 45)
    with pytest.raises(ValueError, match="rotation"):
        ViewGeometry(1, 0, 0, 1, 1, float("nan"))
    with pytest.raises(TypeError, match="rotation"):
        ViewGeometry(1, 0, 0, 1, 1, "90")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="rotation"):
        ViewGeometry(1, 0, 0, 1, 1, True)
    with pytest.raises(ValueError, match="rotation"):
        ViewGeometry.fit(10, 10, 10, 10, rotation=30)


def test_old_positional_geometry_is_upright() -> None:
    g = ViewGeometry(2.0, 10.5, 20.5, 100, 50)
    assert (g.rotation, g.flip_h, g.flip_v) == (0, False, False)
    assert g.affine() == (2.0, 0.0, 0.0, 2.0, 29.0, -16.0)


# -- fit, rotated, flipped, zoomed, panned ----------------------------------------------


def test_fit_at_90_degrees_fits_the_rows_across() -> None:
    g = ViewGeometry.fit(400, 100, 100, 400, rotation=90)  # a wide image in a tall view
    assert g.zoom == 1.0 and g.rotation == 90
    assert (g.center_x, g.center_y) == (200, 50)
    # The image's top-left corner turns to the top-right of the screen.
    assert g.image_to_screen(0, 0) == (100.0, 0.0)
    assert g.image_to_screen(400, 100) == (0.0, 400.0)
    assert g.image_to_screen(0, 100) == (0.0, 0.0)
    assert ViewGeometry.fit(400, 100, 200, 200, rotation=270).zoom == 0.5
    assert ViewGeometry.fit(400, 100, 200, 200, rotation=180).zoom == 0.5
    assert ViewGeometry.fit(400, 100, 200, 800, rotation=90).zoom == 2.0
    assert ViewGeometry.fit(400, 100, 200, 800).zoom == 0.5
    kept = ViewGeometry.fit(400, 100, 200, 800, 90, flip_h=True, flip_v=True)
    assert (kept.flip_h, kept.flip_v, kept.zoom) == (True, True, 2.0)


@pytest.mark.parametrize(("rotation", "flip_h", "flip_v"), ORIENTATIONS)
def test_rotated_and_flipped_turn_and_mirror_the_screen(
    rotation: int, flip_h: bool, flip_v: bool
) -> None:
    g = ViewGeometry(1.7, 123.4, 56.7, 640, 480, rotation, flip_h, flip_v)
    points = np.random.default_rng(5).uniform(-200, 800, size=(20, 2))
    for x, y in points:
        sx, sy = np.subtract(g.image_to_screen(x, y), (320, 240))
        assert np.subtract(g.rotated(90).image_to_screen(x, y), (320, 240)) == pytest.approx(
            (-sy, sx)
        )
        assert np.subtract(g.rotated(-90).image_to_screen(x, y), (320, 240)) == pytest.approx(
            (sy, -sx)
        )
        assert np.subtract(g.flipped(True).image_to_screen(x, y), (320, 240)) == pytest.approx(
            (-sx, sy)
        )
        assert np.subtract(g.flipped(False).image_to_screen(x, y), (320, 240)) == pytest.approx(
            (sx, -sy)
        )
    for changed in (g.rotated(90), g.flipped(True), g.flipped(False)):
        assert (changed.center_x, changed.center_y, changed.zoom) == (123.4, 56.7, 1.7)
    assert g.flipped(True).rotation == g.flipped(False).rotation == rotation
    assert g.flipped(True).flipped(True) == g == g.flipped(False).flipped(False)
    assert g.rotated(90).rotated(90).rotated(90).rotated(90) == g == g.rotated(-360)
    assert g.rotated(270) == g.rotated(-90)


def test_rotated_rejects_other_angles() -> None:
    with pytest.raises(ValueError, match="by_degrees"):
        ViewGeometry(1, 0, 0, 1, 1).rotated(45)


@pytest.mark.parametrize(("rotation", "flip_h", "flip_v"), ORIENTATIONS)
def test_zoomed_keeps_the_point_under_the_anchor(rotation: int, flip_h: bool, flip_v: bool) -> None:
    g = ViewGeometry(0.8, 300, 200, 640, 480, rotation, flip_h, flip_v)
    anchor = (100.0, 400.0)
    under = g.screen_to_image(*anchor)
    z = g.zoomed(1.25, anchor)
    assert z.zoom == pytest.approx(1.0)
    assert z.image_to_screen(*under) == pytest.approx(anchor)
    assert (z.rotation, z.flip_h, z.flip_v) == (rotation, flip_h, flip_v)
    centred = g.zoomed(2)
    assert (centred.center_x, centred.center_y) == pytest.approx((300, 200))
    with pytest.raises(ValueError, match="zoom"):
        g.zoomed(0)


@pytest.mark.parametrize(("rotation", "flip_h", "flip_v"), ORIENTATIONS)
def test_panned_moves_the_image_with_the_drag(rotation: int, flip_h: bool, flip_v: bool) -> None:
    g = ViewGeometry(2.5, 300, 200, 640, 480, rotation, flip_h, flip_v)
    p = g.panned(30, -12)
    for x, y in ((0, 0), (300, 200), (1000, -50)):
        sx, sy = g.image_to_screen(x, y)
        assert p.image_to_screen(x, y) == pytest.approx((sx + 30, sy - 12))


# -- render_view ----------------------------------------------------------------------


def test_upright_render_is_the_image_with_a_margin(small: np.ndarray) -> None:
    shown = render_view(Pyramid(small), BYTE, IDENTITY, upright_view(), background=BACKGROUND)
    assert shown.shape == (10, 14)
    assert np.array_equal(shown[2:8, 2:12], small)
    shown[2:8, 2:12] = BACKGROUND
    assert (shown == BACKGROUND).all()


@pytest.mark.parametrize(
    ("rotation", "flip_h", "flip_v", "expected"),
    [
        (90, False, False, lambda a: np.rot90(a, -1)),  # clockwise
        (180, False, False, lambda a: np.rot90(a, 2)),
        (270, False, False, lambda a: np.rot90(a, 1)),
        (0, True, False, np.fliplr),
        (0, False, True, np.flipud),
        (0, True, True, lambda a: np.rot90(a, 2)),
        (90, True, False, lambda a: np.rot90(np.fliplr(a), -1)),  # flipped, then turned
        (90, False, True, lambda a: np.rot90(np.flipud(a), -1)),
        (270, True, False, lambda a: np.rot90(np.fliplr(a), 1)),
        (180, False, True, lambda a: np.rot90(np.flipud(a), 2)),
    ],
)
def test_render_at_zoom_one_is_the_turned_and_mirrored_upright_render(
    small: np.ndarray, rotation: int, flip_h: bool, flip_v: bool, expected
) -> None:
    pyramid = Pyramid(small)
    upright = render_view(pyramid, BYTE, IDENTITY, upright_view(), background=BACKGROUND)
    view = sideways_view if rotation in (90, 270) else upright_view
    g = view(rotation=rotation, flip_h=flip_h, flip_v=flip_v)
    shown = render_view(pyramid, BYTE, IDENTITY, g, background=BACKGROUND)
    assert shown.flags.c_contiguous
    assert np.array_equal(shown, expected(upright))


def test_top_left_pixel_turns_to_the_top_right_at_90_degrees(small: np.ndarray) -> None:
    g = ViewGeometry(1.0, 5, 3, 6, 10, rotation=90)  # exactly the turned image
    shown = render_view(Pyramid(small), BYTE, IDENTITY, g)
    assert shown[0, -1] == small[0, 0]
    assert shown[0, 0] == small[-1, 0]
    assert shown[-1, -1] == small[0, -1]


@pytest.mark.parametrize(("rotation", "flip_h", "flip_v"), ORIENTATIONS)
@pytest.mark.parametrize("zoom", [1.0, 3.0])
def test_pixel_centres_land_on_screen_pixel_centres(
    small: np.ndarray, zoom: float, rotation: int, flip_h: bool, flip_v: bool
) -> None:
    g = ViewGeometry(zoom, 5, 3, 40, 40, rotation, flip_h, flip_v)
    shown = render_view(Pyramid(small), BYTE, IDENTITY, g, background=BACKGROUND)
    for row, col in ((0, 0), (0, 9), (5, 0), (5, 9), (2, 7)):
        sx, sy = g.image_to_screen(col + 0.5, row + 0.5)
        j, i = math.floor(sx), math.floor(sy)
        assert (sx - j, sy - i) == (0.5, 0.5)  # the centre of screen pixel (j, i)
        assert shown[i, j] == small[row, col]
        # ... and that screen pixel's centre maps back to the image pixel's centre
        assert g.screen_to_image(j + 0.5, i + 0.5) == pytest.approx((col + 0.5, row + 0.5))


@pytest.mark.parametrize(("rotation", "flip_h", "flip_v"), ORIENTATIONS)
@pytest.mark.parametrize(
    ("zoom", "cx", "cy", "width", "height"),
    [(2.0, 250, 150, 97, 64), (0.3, 250, 150, 200, 123), (0.9, 20.3, 290.7, 77, 90)],
)
def test_render_samples_the_level_under_every_screen_pixel(
    zoom: float,
    cx: float,
    cy: float,
    width: int,
    height: int,
    rotation: int,
    flip_h: bool,
    flip_v: bool,
) -> None:
    rng = np.random.default_rng(11)
    frame = rng.integers(0, 256, size=(300, 500), dtype=np.uint16)
    pyramid = Pyramid(frame, smallest=64)
    g = ViewGeometry(zoom, cx, cy, width, height, rotation, flip_h, flip_v)
    shown = render_view(pyramid, BYTE, IDENTITY, g, background=BACKGROUND)
    assert shown.shape == (height, width)
    assert np.array_equal(shown, reference(pyramid, g))


@pytest.mark.parametrize("rotation", ROTATIONS)
def test_rotated_colour_and_float_views(rotation: int) -> None:
    rng = np.random.default_rng(2)
    rgb = rng.integers(0, 256, size=(6, 10, 3), dtype=np.uint8)
    g = (sideways_view if rotation in (90, 270) else upright_view)(rotation=rotation)
    turns = {0: 0, 90: -1, 180: 2, 270: 1}[rotation]
    upright = render_view(Pyramid(rgb), RGB, None, upright_view(), background=9)
    shown = render_view(Pyramid(rgb), RGB, None, g, background=9)
    assert shown.shape == (g.height, g.width, 3)
    assert np.array_equal(shown, np.rot90(upright, turns, axes=(0, 1)))
    floats = rng.uniform(-1, 1, size=(6, 10)).astype(np.float32)  # no table: per pixel
    attrs = PixelAttributes(bits_stored=32)
    window = Window(0, 2)
    upright = render_view(Pyramid(floats), attrs, window, upright_view())
    shown = render_view(Pyramid(floats), attrs, window, g)
    assert np.array_equal(shown, np.rot90(upright, turns))
    assert np.array_equal(upright[2:8, 2:12], to_display(floats, attrs, window))


def test_rotated_view_outside_the_image_is_background(small: np.ndarray) -> None:
    for rotation, flip in itertools.product(ROTATIONS, (False, True)):
        away = ViewGeometry(1.0, -100, 50, 8, 6, rotation, flip)
        assert (render_view(Pyramid(small), BYTE, IDENTITY, away, background=5) == 5).all()


def test_fitted_sideways_8_megapixel_view_never_reads_full_resolution() -> None:
    rows = np.arange(2448, dtype=np.uint16)[:, None]
    cols = np.arange(3264, dtype=np.uint16)[None, :]
    big = (rows * 3 + cols) % 4096
    pyramid = Pyramid(big)
    g = ViewGeometry.fit(3264, 2448, 1024, 1280, rotation=90, flip_h=True)
    level = pyramid.level_for_zoom(g.zoom)
    assert level >= 1
    render_view(pyramid, GREY, None, g)
    pyramid.reads.clear()
    window = Window(2048, 4096)
    shown = render_view(pyramid, GREY, window, g, background=200)
    assert shown.shape == (1280, 1024) and shown.flags.c_contiguous
    assert pyramid.reads[0] == 0 and pyramid.reads[level] == 1
    # The image's 3264 columns run down the 1280 rows, its 2448 rows across 960 of the
    # 1024 columns: 32 columns of background left and right.
    assert g.zoom == 1280 / 3264
    assert (shown[:, :32] == 200).all() and (shown[:, -32:] == 200).all()
    assert (shown[:, 32:-32] != 200).any()
    data, step = pyramid.level(level), 2**level
    for i, j in ((0, 32), (640, 512), (1279, 991), (300, 700)):
        x, y = g.screen_to_image(j + 0.5, i + 0.5)
        sample = data[int(y // step), int(x // step)]
        assert shown[i, j] == to_display(np.array([sample]), GREY, window)[0]
