"""Imported read-only kinds (polyline, circle, ellipse, point) paint where their shape is.

Each kind is saved alone in the sidecar of a copy of the sample film; ``hoview render``
with and without annotations must differ on the shape and nowhere else.
"""

from __future__ import annotations

import math
import shutil

import numpy as np
import pytest
from PIL import Image

from hoview.annotations import Circle, Ellipse, Point, Polyline, load, save
from hoview.sources.opening import open_image

PELVIS = "pelvis_ap.dcm"
#: Default style: line width 0.002 of the 2000 x 1700 film's diagonal (5.2 px), a thin
#: outline and antialiasing; every painted pixel lies this close to the centre line.
NEAR = 9.0


@pytest.fixture
def bare_film(tmp_path, sample_data_dir):
    """A copy of the sample film without its sidecar."""
    path = tmp_path / PELVIS
    shutil.copy(sample_data_dir / PELVIS, path)
    return path


def changed_pixels(cli, film, tmp_path, annotation) -> np.ndarray:
    """Return (x, y) of the pixels the annotation changes in a native-size export."""
    document = load(film, open_image(film).identity)
    document.add(annotation)
    save(document, film)
    plain, drawn = tmp_path / "plain.png", tmp_path / "drawn.png"
    assert cli("render", film, "-o", plain, "--no-annotations")[0] == 0
    assert cli("render", film, "-o", drawn)[0] == 0
    a = np.asarray(Image.open(plain).convert("RGB")).astype(int)
    b = np.asarray(Image.open(drawn).convert("RGB")).astype(int)
    ys, xs = np.nonzero(np.abs(a - b).max(axis=2) > 24)
    return np.stack([xs + 0.5, ys + 0.5], axis=1)


def distance_to(pixels: np.ndarray, curve: np.ndarray) -> np.ndarray:
    """Distance of each pixel centre to the nearest of dense points along a curve."""
    d2 = ((pixels[:, None, :] - curve[None, :, :]) ** 2).sum(axis=2)
    return np.sqrt(d2.min(axis=1))


def segments(points, closed=False, step=0.5) -> np.ndarray:
    pts = list(points) + ([points[0]] if closed else [])
    out = []
    for (x0, y0), (x1, y1) in zip(pts, pts[1:], strict=False):
        n = max(int(math.hypot(x1 - x0, y1 - y0) / step), 1)
        t = np.linspace(0, 1, n + 1)
        out.append(np.stack([x0 + (x1 - x0) * t, y0 + (y1 - y0) * t], axis=1))
    return np.concatenate(out)


def ellipse_curve(cx, cy, a, b, angle) -> np.ndarray:
    t = np.linspace(0, 2 * math.pi, 4000)
    x, y = a * np.cos(t), b * np.sin(t)
    c, s = math.cos(angle), math.sin(angle)
    return np.stack([cx + c * x - s * y, cy + s * x + c * y], axis=1)


def painted_on(pixels: np.ndarray, points) -> bool:
    """Every given point has a changed pixel within 2 px."""
    return bool((distance_to(np.asarray(points, float), pixels) <= 2.0).all())


def test_polyline_paints_its_segments_only(cli, bare_film, tmp_path):
    vertices = [(300.0, 300.0), (900.0, 400.0), (700.0, 1000.0)]
    pixels = changed_pixels(cli, bare_film, tmp_path, Polyline(vertices=vertices))
    curve = segments(vertices)
    assert len(pixels) > 1000
    assert distance_to(pixels, curve).max() <= NEAR
    assert painted_on(pixels, curve[::40])
    # Open: nothing on the missing closing side (its middle).
    assert distance_to(np.array([[500.0, 650.0]]), pixels)[0] > 50


def test_closed_polyline_paints_the_closing_side(cli, bare_film, tmp_path):
    vertices = [(300.0, 300.0), (900.0, 400.0), (700.0, 1000.0)]
    pixels = changed_pixels(cli, bare_film, tmp_path, Polyline(vertices=vertices, closed=True))
    curve = segments(vertices, closed=True)
    assert distance_to(pixels, curve).max() <= NEAR
    assert painted_on(pixels, [(500.0, 650.0)])


def test_interpolated_polyline_is_a_smooth_curve_through_its_points(cli, bare_film, tmp_path):
    vertices = [(300.0, 800.0), (600.0, 400.0), (900.0, 800.0), (1200.0, 400.0)]
    annotation = Polyline(vertices=vertices, interpolated=True)
    pixels = changed_pixels(cli, bare_film, tmp_path, annotation)
    assert painted_on(pixels, vertices)
    # It bends: near the straight segments but not on them everywhere ...
    straight = distance_to(pixels, segments(vertices))
    assert straight.max() <= 80
    assert straight.max() > NEAR
    # ... and no corner: the pixels around the peak at (600, 400) stay within the curve.
    assert not (pixels[:, 1] < 400 - NEAR).any()


def test_circle_paints_its_ring_not_its_inside(cli, bare_film, tmp_path):
    circle = Circle(centre=(1000.0, 850.0), edge=(1000.0, 650.0))
    pixels = changed_pixels(cli, bare_film, tmp_path, circle)
    ring = ellipse_curve(1000.0, 850.0, 200.0, 200.0, 0.0)
    assert distance_to(pixels, ring).max() <= NEAR
    assert painted_on(pixels, ring[::100])
    assert distance_to(np.array([[1000.0, 850.0]]), pixels)[0] > 150


def test_ellipse_follows_its_axes(cli, bare_film, tmp_path):
    # Major axis 600 px long at 30 degrees, minor axis 200 px.
    angle = math.radians(30)
    cx, cy = 1000.0, 850.0
    ux, uy = math.cos(angle), math.sin(angle)
    ellipse = Ellipse(
        major_start=(cx - 300 * ux, cy - 300 * uy),
        major_end=(cx + 300 * ux, cy + 300 * uy),
        minor_start=(cx + 100 * uy, cy - 100 * ux),
        minor_end=(cx - 100 * uy, cy + 100 * ux),
    )
    pixels = changed_pixels(cli, bare_film, tmp_path, ellipse)
    curve = ellipse_curve(cx, cy, 300.0, 100.0, angle)
    assert distance_to(pixels, curve).max() <= NEAR
    assert painted_on(pixels, [p for p in ellipse.points])


def test_point_is_a_small_cross(cli, bare_film, tmp_path):
    pixels = changed_pixels(cli, bare_film, tmp_path, Point(at=(1000.0, 850.0)))
    assert painted_on(pixels, [(1000.0, 850.0)])
    spread = np.abs(pixels - [1000.0, 850.0]).max()
    assert 10 <= spread <= 60  # relative to the film in an export: about 1% of it
    # A cross, not a blob: the middle of each side of its box stays clear.
    assert distance_to(np.array([[1000.0, 850.0 - spread + 3]]), pixels)[0] > 3


def test_label_of_an_imported_graphic_is_drawn_above_it(cli, bare_film, tmp_path):
    circle = Circle(centre=(1000.0, 850.0), edge=(1000.0, 650.0), label="GSPS note")
    pixels = changed_pixels(cli, bare_film, tmp_path, circle)
    above = pixels[pixels[:, 1] < 650 - NEAR]
    assert len(above) > 50
    assert above[:, 0].min() >= 800 - NEAR
    assert above[:, 1].min() > 550
