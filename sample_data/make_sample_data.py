#!/usr/bin/env python3
"""Make hoview's synthetic sample data: an AP pelvis film and a small hip CT series.

Everything here is invented.  No real patient, scanner or image was used: the
anatomy is built from smooth geometric shapes (signed distances, ellipsoids,
polygons) whose X-ray line integrals are summed, then blurred, given quantum
noise and processed like a digital radiograph.  The patient ``HOVIEW^SAMPLE``
does not exist.

The finding on both films is bilateral periarticular heterotopic ossification
(HO) around the hips, as seen months after a brain injury: Brooker grade III on
the patient's right (the two bony masses come within 1 cm of each other) and
grade II on the patient's left (gap of more than 1 cm).

The output is deterministic: a fixed seed drives every random draw, the UIDs
are derived from fixed strings and the dates are fixed.

Usage::

    python sample_data/make_sample_data.py [--out DIR]

The default output folder is the folder this script lives in.
"""

from __future__ import annotations

import argparse
import math
import sys
import time
import uuid
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray
from PIL import Image, PngImagePlugin
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.sequence import Sequence as DicomSequence
from pydicom.uid import (
    UID,
    CTImageStorage,
    DigitalXRayImageStorageForPresentation,
    ExplicitVRLittleEndian,
    JPEGLSLossless,
    RLELossless,
)

Array = NDArray[np.float64]

#: The one seed behind every random draw.
SEED = 20240917

#: Output names, relative to the output folder.
DX_NAME = "pelvis_ap.dcm"
PNG_NAME = "pelvis_ap.png"
CT_DIR = "ct_hips"

# --- the radiograph ----------------------------------------------------------
DX_ROWS, DX_COLS = 1700, 2000
DX_SPACING = 0.2  # mm per pixel at the detector: 400 mm x 340 mm, a 43 x 35 cm plate
DX_BITS = 12
#: (centre, width, explanation) of the two windows stored in the file.
DX_WINDOWS = ((2000.0, 3400.0, "STANDARD"), (2600.0, 1800.0, "BONE"))

# --- the CT series ------------------------------------------------------------
CT_SIZE = 256
CT_SPACING = 400.0 / CT_SIZE  # 1.5625 mm, a 400 mm field of view
CT_SLICES = 40
CT_STEP = 3.0  # mm between slices, also the slice thickness
CT_TOP = 60.0  # z of the first slice, in mm above the femoral head centres
CT_TABLE_Z = -100.0  # patient z of the femoral head centres
CT_WINDOWS = ((400.0, 1800.0, "BONE"), (40.0, 400.0, "SOFT TISSUE"))

# --- identity -----------------------------------------------------------------
PATIENT_NAME = "HOVIEW^SAMPLE"
PATIENT_ID = "HOVIEW-SAMPLE-001"
STUDY_DATE = "20240312"
STUDY_TIME = "101500"
STUDY_DESCRIPTION = "Pelvis AP"

# --- the prior film (only with --prior; not part of the sample folder) ----------
PRIOR_DATE = "20231212"  # 3 months before STUDY_DATE
PRIOR_MATURITY = 0.6  # the ossification three months younger: fainter, smaller
PRIOR_SHRINK_MM = 6.0  # outline shrink at maturity 0


# =============================================================================
# Random numbers and identifiers
# =============================================================================


def rng_for(name: str) -> np.random.Generator:
    """Return a generator seeded from `SEED` and a name.

    Parameters
    ----------
    name : str
        What the numbers are for; each name gets its own independent stream,
        so adding a new draw elsewhere does not change existing ones.

    Returns
    -------
    numpy.random.Generator
        A PCG64 generator.
    """
    return np.random.default_rng([SEED, zlib.crc32(name.encode("ascii"))])


def fixed_uid(name: str) -> UID:
    """Return a ``2.25.<int>`` UID derived from the seed and a name.

    The integer is a name-based (version 5) UUID, as ISO/IEC 9834-8 allows
    under the ``2.25`` root, so the same name always gives the same UID.

    Parameters
    ----------
    name : str
        What the UID identifies, e.g. ``"study"``.

    Returns
    -------
    pydicom.uid.UID
        The same UID every run.
    """
    key = uuid.uuid5(uuid.NAMESPACE_URL, f"urn:hoview:sample-data:{SEED}:{name}")
    return UID(f"2.25.{key.int}")


# =============================================================================
# Small numerical tools
# =============================================================================


def gaussian_blur(image: Array, sigma: float) -> Array:
    """Blur an image with a Gaussian, by FFT, with mirrored edges.

    Parameters
    ----------
    image : numpy.ndarray
        2-D float array.
    sigma : float
        Standard deviation of the Gaussian, in pixels.

    Returns
    -------
    numpy.ndarray
        The blurred image, same shape.
    """
    pad = int(3 * sigma) + 2
    padded = np.pad(image, pad, mode="reflect")
    fy = np.fft.fftfreq(padded.shape[0])[:, None]
    fx = np.fft.rfftfreq(padded.shape[1])[None, :]
    gain = np.exp(-2.0 * (np.pi * sigma) ** 2 * (fx**2 + fy**2))
    out = np.fft.irfft2(np.fft.rfft2(padded) * gain, s=padded.shape)
    return out[pad:-pad, pad:-pad]


def filtered_noise(
    shape: tuple[int, int],
    rng: np.random.Generator,
    period: float,
    bandwidth: float = 0.5,
    angle: float | None = None,
    spread: float = 0.35,
) -> Array:
    """Return band-pass filtered white noise with unit standard deviation.

    Parameters
    ----------
    shape : tuple of int
        (rows, columns).
    rng : numpy.random.Generator
        Source of the white noise.
    period : float
        Dominant wavelength of the pattern, in pixels.
    bandwidth : float, optional
        Relative width of the pass band (fraction of the centre frequency).
    angle : float or None, optional
        If given, the pattern is streaked along this direction (radians, from
        the +x axis towards +y, i.e. image right towards image down).
    spread : float, optional
        Angular spread of the streaks (radians).

    Returns
    -------
    numpy.ndarray
        Noise with mean 0 and standard deviation 1.
    """
    white = rng.standard_normal(shape)
    fy = np.fft.fftfreq(shape[0])[:, None]
    fx = np.fft.rfftfreq(shape[1])[None, :]
    radius = np.hypot(fx, fy)
    f0 = 1.0 / period
    gain = np.exp(-0.5 * ((radius - f0) / (bandwidth * f0)) ** 2)
    if angle is not None:
        # Streaks along `angle` have their energy at wave vectors across it.
        phi = np.arctan2(fy, fx)
        gain = gain * np.exp(-0.5 * (np.sin(phi - angle - np.pi / 2) / spread) ** 2)
    out = np.fft.irfft2(np.fft.rfft2(white) * gain, s=shape)
    return (out - out.mean()) / out.std()


def smin(a: Array, b: Array, k: float) -> Array:
    """Smooth minimum (union of two signed distances) with blend radius `k`.

    Parameters
    ----------
    a, b : numpy.ndarray
        Signed distances (negative inside).
    k : float
        Blend radius in the distances' unit; 0 gives the plain minimum.

    Returns
    -------
    numpy.ndarray
        The blended union.
    """
    if k <= 0:
        return np.minimum(a, b)
    h = np.clip(0.5 + 0.5 * (b - a) / k, 0.0, 1.0)
    return b * (1 - h) + a * h - k * h * (1 - h)


def smax(a: Array, b: Array, k: float) -> Array:
    """Smooth maximum (intersection / subtraction) with blend radius `k`.

    Parameters
    ----------
    a, b : numpy.ndarray
        Signed distances (negative inside).
    k : float
        Blend radius; 0 gives the plain maximum.

    Returns
    -------
    numpy.ndarray
        The blended intersection.
    """
    return -smin(-a, -b, k)


def smoothstep(edge0: float, edge1: float, x: Array) -> Array:
    """Hermite step from 0 at `edge0` to 1 at `edge1`.

    Parameters
    ----------
    edge0, edge1 : float
        Where the step starts and ends (`edge1` may be below `edge0`).
    x : numpy.ndarray
        Input values.

    Returns
    -------
    numpy.ndarray
        Values in 0..1.
    """
    t = np.clip((x - edge0) / (edge1 - edge0), 0.0, 1.0)
    return t * t * (3 - 2 * t)


# =============================================================================
# Signed distance functions (negative inside)
# =============================================================================


def sd_ellipse(
    x: Array, y: Array, cx: float, cy: float, a: float, b: float, angle: float = 0.0
) -> Array:
    """Approximate signed distance to a rotated ellipse.

    Parameters
    ----------
    x, y : numpy.ndarray
        Coordinates (broadcastable).
    cx, cy : float
        Centre.
    a, b : float
        Semi-axes along the rotated x and y axes.
    angle : float, optional
        Rotation in degrees (x towards y).

    Returns
    -------
    numpy.ndarray
        Signed distance, exact on the axes and close elsewhere.
    """
    t = math.radians(angle)
    dx, dy = x - cx, y - cy
    xr = dx * math.cos(t) + dy * math.sin(t)
    yr = -dx * math.sin(t) + dy * math.cos(t)
    k0 = np.hypot(xr / a, yr / b)
    k1 = np.maximum(np.hypot(xr / a**2, yr / b**2), 1e-9)
    return np.where(k0 > 1e-6, k0 * (k0 - 1) / k1, -min(a, b))


def sd_ellipsoid(
    p: Sequence[Array], centre: Sequence[float], semi: Sequence[float], tilt: float = 0.0
) -> Array:
    """Approximate signed distance to an ellipsoid tilted in the x-z plane.

    Parameters
    ----------
    p : sequence of numpy.ndarray
        (x, y, z) coordinates, broadcastable.
    centre, semi : sequence of float
        Centre and semi-axes (x, y, z).
    tilt : float, optional
        Rotation about the y axis, in degrees (x towards z).

    Returns
    -------
    numpy.ndarray
        Signed distance.
    """
    t = math.radians(tilt)
    dx, dy, dz = (p[i] - centre[i] for i in range(3))
    xr = dx * math.cos(t) + dz * math.sin(t)
    zr = -dx * math.sin(t) + dz * math.cos(t)
    k0 = np.sqrt((xr / semi[0]) ** 2 + (dy / semi[1]) ** 2 + (zr / semi[2]) ** 2)
    k1 = np.sqrt((xr / semi[0] ** 2) ** 2 + (dy / semi[1] ** 2) ** 2 + (zr / semi[2] ** 2) ** 2)
    return np.where(k0 > 1e-6, k0 * (k0 - 1) / np.maximum(k1, 1e-9), -min(semi))


def segment_param(
    x: Array, y: Array, p0: Sequence[float], p1: Sequence[float]
) -> tuple[Array, Array]:
    """Distance to a 2-D segment and the position along it.

    Parameters
    ----------
    x, y : numpy.ndarray
        Coordinates.
    p0, p1 : sequence of float
        Segment ends.

    Returns
    -------
    distance, t : numpy.ndarray
        Euclidean distance to the segment, and the clipped parameter 0..1 of
        the nearest point.
    """
    ex, ey = p1[0] - p0[0], p1[1] - p0[1]
    wx, wy = x - p0[0], y - p0[1]
    t = np.clip((wx * ex + wy * ey) / (ex * ex + ey * ey), 0.0, 1.0)
    return np.hypot(wx - ex * t, wy - ey * t), t


def sd_tube(x: Array, y: Array, points: Sequence[Sequence[float]], radii: Sequence[float]) -> Array:
    """Signed distance to a polyline swept by a varying radius.

    Parameters
    ----------
    x, y : numpy.ndarray
        Coordinates.
    points : sequence of (float, float)
        Polyline vertices.
    radii : sequence of float
        Radius at each vertex (linearly interpolated along segments).

    Returns
    -------
    numpy.ndarray
        Signed distance.
    """
    out = None
    for i in range(len(points) - 1):
        dist, t = segment_param(x, y, points[i], points[i + 1])
        d = dist - (radii[i] + (radii[i + 1] - radii[i]) * t)
        out = d if out is None else np.minimum(out, d)
    assert out is not None
    return out


def dist_polyline(x: Array, y: Array, points: Sequence[Sequence[float]]) -> Array:
    """Unsigned distance to a polyline.

    Parameters
    ----------
    x, y : numpy.ndarray
        Coordinates.
    points : sequence of (float, float)
        Polyline vertices.

    Returns
    -------
    numpy.ndarray
        Distance, mm.
    """
    return sd_tube(x, y, points, [0.0] * len(points))


def sd_polygon(x: Array, y: Array, points: Sequence[Sequence[float]]) -> Array:
    """Exact signed distance to a simple polygon (negative inside).

    Parameters
    ----------
    x, y : numpy.ndarray
        Coordinates.
    points : sequence of (float, float)
        Vertices, in either winding order.

    Returns
    -------
    numpy.ndarray
        Signed distance.
    """
    x, y = np.broadcast_arrays(x, y)
    d2 = np.full(x.shape, np.inf)
    inside = np.zeros(x.shape, dtype=bool)
    n = len(points)
    for i in range(n):
        (x0, y0), (x1, y1) = points[i], points[i - 1]
        ex, ey = x1 - x0, y1 - y0
        wx, wy = x - x0, y - y0
        t = np.clip((wx * ex + wy * ey) / (ex * ex + ey * ey), 0.0, 1.0)
        d2 = np.minimum(d2, (wx - ex * t) ** 2 + (wy - ey * t) ** 2)
        c1, c2, c3 = y >= y0, y < y1, ex * wy > ey * wx
        inside ^= (c1 & c2 & c3) | (~c1 & ~c2 & ~c3)
    return np.where(inside, -1.0, 1.0) * np.sqrt(d2)


def chaikin(
    points: Sequence[Sequence[float]], rounds: int = 3, closed: bool = True
) -> list[tuple[float, float]]:
    """Round off a polygon or polyline by Chaikin corner cutting.

    Parameters
    ----------
    points : sequence of (float, float)
        Vertices.
    rounds : int, optional
        Number of cutting rounds; each doubles the vertex count.
    closed : bool, optional
        Whether the last vertex joins the first.

    Returns
    -------
    list of (float, float)
        The smoothed vertices.
    """
    pts = [tuple(map(float, p)) for p in points]
    for _ in range(rounds):
        out = [] if closed else [pts[0]]
        ends = pts[1:] + pts[:1] if closed else pts[1:]
        pairs = zip(pts[: len(ends)], ends, strict=True)
        for (x0, y0), (x1, y1) in pairs:
            out.append((0.75 * x0 + 0.25 * x1, 0.75 * y0 + 0.25 * y1))
            out.append((0.25 * x0 + 0.75 * x1, 0.25 * y0 + 0.75 * y1))
        pts = out if closed else out + [pts[-1]]
    return pts


def resample(values: Array, grid_x: Array, grid_y: Array, x: Array, y: Array) -> Array:
    """Bilinearly sample a field given on a regular grid.

    Parameters
    ----------
    values : numpy.ndarray
        (len(grid_y), len(grid_x)) samples.
    grid_x, grid_y : numpy.ndarray
        Ascending 1-D sample positions.
    x, y : numpy.ndarray
        Row vector of x and column vector of y to sample at.

    Returns
    -------
    numpy.ndarray
        (len(y), len(x)) samples.
    """

    def weights(grid: Array, q: Array) -> tuple[Array, Array]:
        f = np.interp(q.ravel(), grid, np.arange(grid.size, dtype=float))
        i = np.clip(np.floor(f).astype(int), 0, grid.size - 2)
        return i, f - i

    ix, wx = weights(grid_x, x)
    iy, wy = weights(grid_y, y)
    rows = values[iy] * (1 - wy[:, None]) + values[iy + 1] * wy[:, None]
    return rows[:, ix] * (1 - wx) + rows[:, ix + 1] * wx


def sd_polygon_smooth(
    x: Array, y: Array, points: Sequence[Sequence[float]], step: float = 0.5
) -> Array:
    """Signed distance to a Chaikin-rounded polygon, computed on a coarse grid.

    Parameters
    ----------
    x, y : numpy.ndarray
        Row vector of x and column vector of y (either may be descending).
    points : sequence of (float, float)
        Polygon vertices before rounding.
    step : float, optional
        Spacing of the coarse grid, mm.

    Returns
    -------
    numpy.ndarray
        Signed distance at (y, x).
    """
    xs, ys = np.ravel(x), np.ravel(y)
    gx = np.arange(xs.min() - step, xs.max() + 2 * step, step)
    gy = np.arange(ys.min() - step, ys.max() + 2 * step, step)
    coarse = sd_polygon(gx[None, :], gy[:, None], chaikin(points))
    return resample(coarse, gx, gy, x, y)


def chord(depth: Array, radius: Array | float) -> Array:
    """Length of the X-ray path through a rounded body at a given inset.

    A body whose edge is rounded with radius `radius` (a sphere, a cylinder
    seen side on, or a plate of thickness ``2 * radius`` with rounded rims)
    has a chord ``2 * sqrt(d * (2R - d))`` at depth ``d`` inside its outline,
    reaching ``2R`` at ``d = R``.

    Parameters
    ----------
    depth : numpy.ndarray
        Distance inside the outline (negative signed distance), mm.
    radius : numpy.ndarray or float
        Rounding radius / half thickness, mm.

    Returns
    -------
    numpy.ndarray
        Path length, mm.
    """
    radius = np.maximum(radius, 1e-3)
    d = np.clip(depth, 0.0, radius)
    return 2.0 * np.sqrt(d * (2.0 * radius - d))


# =============================================================================
# The radiograph: a canvas of line integrals
# =============================================================================


@dataclass
class Textures:
    """Full-size noise fields used for bone texture and irregular outlines."""

    trabecular: list[Array]  # streaked trabecular patterns, one per angle
    angles: list[float]
    fine: Array  # isotropic fine trabecular pattern
    coarse: Array  # isotropic coarse pattern (heterotopic bone, marrow)
    wobble: Array  # low-frequency field for irregular outlines (~ unit std)

    def oriented(self, window: tuple[slice, slice], theta: Array | float) -> Array:
        """Blend the streaked patterns to follow an orientation field.

        Parameters
        ----------
        window : tuple of slice
            Region of the canvas.
        theta : numpy.ndarray or float
            Local streak direction, radians.

        Returns
        -------
        numpy.ndarray
            Texture with roughly unit standard deviation.
        """
        total = 0.0
        weight_sum = 0.0
        for angle, tex in zip(self.angles, self.trabecular, strict=True):
            w = np.cos(theta - angle) ** 8  # sharp preference, period pi
            total = total + w * tex[window]
            weight_sum = weight_sum + w
        blend = total / np.maximum(weight_sum, 1e-6)
        return 0.94 * blend + 0.45 * self.fine[window]


def make_textures(shape: tuple[int, int]) -> Textures:
    """Make the noise fields for the radiograph.

    Parameters
    ----------
    shape : tuple of int
        Canvas shape.

    Returns
    -------
    Textures
        The fields.
    """
    rng = rng_for("textures")
    px = DX_SPACING
    angles = [k * np.pi / 6 for k in range(6)]
    streaked = [filtered_noise(shape, rng, 1.9 / px, 0.55, a, 0.32) for a in angles]
    fine = filtered_noise(shape, rng, 1.2 / px, 0.6)
    coarse = filtered_noise(shape, rng, 3.0 / px, 0.6)
    wobble = filtered_noise(shape, rng, 14.0 / px, 0.8)
    return Textures(streaked, angles, fine, coarse, wobble)


@dataclass
class Canvas:
    """Accumulated path lengths (mm) for each material of the radiograph."""

    soft: Array  # soft tissue (water-like)
    fat: Array  # part of `soft` that is fat
    gas: Array  # gas replacing soft tissue
    bone: Array  # cortical-bone-equivalent path length
    tex: Textures

    @classmethod
    def empty(cls) -> Canvas:
        """Return a blank canvas with fresh textures."""
        shape = (DX_ROWS, DX_COLS)
        return cls(
            np.zeros(shape), np.zeros(shape), np.zeros(shape), np.zeros(shape), make_textures(shape)
        )

    def window(
        self, x0: float, x1: float, y0: float, y1: float
    ) -> tuple[tuple[slice, slice], Array, Array]:
        """Return a region of the canvas and its pixel-centre coordinates.

        Parameters
        ----------
        x0, x1, y0, y1 : float
            Bounds in mm (image x to the right, y down).

        Returns
        -------
        window : tuple of slice
            (rows, columns) slices.
        x, y : numpy.ndarray
            Row vector of x and column vector of y, in mm.
        """
        c0, c1 = (
            int(np.clip(v, 0, DX_COLS))
            for v in (math.floor(min(x0, x1) / DX_SPACING), math.ceil(max(x0, x1) / DX_SPACING))
        )
        r0, r1 = (
            int(np.clip(v, 0, DX_ROWS))
            for v in (math.floor(min(y0, y1) / DX_SPACING), math.ceil(max(y0, y1) / DX_SPACING))
        )
        xs = (np.arange(c0, c1) + 0.5) * DX_SPACING
        ys = (np.arange(r0, r1) + 0.5) * DX_SPACING
        return (slice(r0, r1), slice(c0, c1)), xs[None, :], ys[:, None]


#: Image x of the midline and image y of the femoral head centres, mm.
MID_X = 200.0
HIP_Y = 178.0


def side_window(
    canvas: Canvas, side: int, u0: float, u1: float, y0: float, y1: float
) -> tuple[tuple[slice, slice], Array, Array]:
    """Return a canvas region given in lateral distance from the midline.

    Parameters
    ----------
    canvas : Canvas
        The canvas.
    side : int
        +1 for the patient's left (image right), -1 for the patient's right.
    u0, u1 : float
        Range of lateral distance from the midline, mm.
    y0, y1 : float
        Range of image y, mm.

    Returns
    -------
    window : tuple of slice
        Region.
    u, y : numpy.ndarray
        Lateral distance (row vector) and y (column vector).
    """
    window, x, y = canvas.window(MID_X + side * u0, MID_X + side * u1, y0, y1)
    return window, side * (x - MID_X), y


def add_bone(
    canvas: Canvas,
    window: tuple[slice, slice],
    sdf: Array,
    radius: Array | float,
    cortex: Array | float,
    density: Array | float,
    texture: Array,
    texture_gain: float = 0.55,
    cortex_density: float = 1.0,
) -> None:
    """Add the projection of a bone with a cortex and a textured interior.

    Parameters
    ----------
    canvas : Canvas
        Where to add.
    window : tuple of slice
        Region the arrays cover.
    sdf : numpy.ndarray
        Signed distance to the bone's outline in the image plane, mm.
    radius : numpy.ndarray or float
        Half its thickness along the beam (and the rounding of its rims), mm.
    cortex : numpy.ndarray or float
        Cortical thickness, mm.
    density : numpy.ndarray or float
        Mean density of the cancellous interior relative to cortical bone.
    texture : numpy.ndarray
        Zero-mean texture modulating the interior density.
    texture_gain : float, optional
        Strength of the texture.
    cortex_density : float, optional
        Density of the cortex relative to compact bone.
    """
    depth = -sdf
    outer = chord(depth, radius)
    inner = chord(depth - cortex, np.maximum(np.asarray(radius) - cortex, 0.2))
    interior = np.clip(np.asarray(density) * (1.0 + texture_gain * texture), 0.0, None)
    canvas.bone[window] += cortex_density * (outer - inner) + interior * inner


def add_line(
    canvas: Canvas,
    side: int,
    points: Sequence[Sequence[float]],
    amount: float,
    width: float,
    margin: float = 6.0,
) -> None:
    """Add a dense line: a cortex seen edge on, along a polyline.

    Parameters
    ----------
    canvas : Canvas
        Where to add.
    side : int
        +1 / -1 (see `side_window`); 0 means `points` are image (x, y).
    points : sequence of (float, float)
        Polyline in (lateral distance, y), or image coordinates if side is 0.
    amount : float
        Peak extra cortical path length, mm.
    width : float
        Gaussian half-width of the line, mm.
    margin : float, optional
        Extra border of the region evaluated, mm.
    """
    us = [p[0] for p in points]
    ys = [p[1] for p in points]
    if side == 0:
        window, u, y = canvas.window(
            min(us) - margin, max(us) + margin, min(ys) - margin, max(ys) + margin
        )
    else:
        window, u, y = side_window(
            canvas, side, min(us) - margin, max(us) + margin, min(ys) - margin, max(ys) + margin
        )
    d = dist_polyline(u, y, points)
    canvas.bone[window] += amount * np.exp(-((d / width) ** 2))


# ---------------------------------------------------------------------------
# Soft tissue
# ---------------------------------------------------------------------------

#: Body outline: image y, half width and front-to-back depth, mm.
BODY_Y = [-10, 40, 90, 140, 190, 230, 260, 300, 350]
BODY_HALF_WIDTH = [156, 164, 178, 189, 195, 196, 193, 188, 182]
BODY_DEPTH = [205, 210, 215, 222, 226, 222, 210, 190, 175]


def superellipse_chord(
    dx: Array, half_width: Array | float, depth: Array | float, power: float = 2.4
) -> Array:
    """Front-to-back path length through a superelliptic cross-section.

    Parameters
    ----------
    dx : numpy.ndarray
        Sideways distance from the centre of the cross-section, mm.
    half_width : numpy.ndarray or float
        Half width of the cross-section, mm.
    depth : numpy.ndarray or float
        Front-to-back depth at the centre, mm.
    power : float, optional
        Superellipse exponent (2 is an ellipse; larger is boxier).

    Returns
    -------
    numpy.ndarray
        Path length, mm (0 outside).
    """
    r = np.clip(np.abs(dx) / np.maximum(half_width, 1e-3), 0.0, 1.0)
    return depth * (1.0 - r**power) ** (1.0 / power)


def add_body(canvas: Canvas) -> None:
    """Add the trunk, perineum and thighs, with a subcutaneous fat layer.

    Parameters
    ----------
    canvas : Canvas
        Where to add.
    """
    window, x, y = canvas.window(0, DX_COLS * DX_SPACING, 0, DX_ROWS * DX_SPACING)
    edge = np.where(x < MID_X, np.sin(y / 41.0 + 0.7), np.sin(y / 37.0 + 2.1))
    half = np.interp(y, BODY_Y, BODY_HALF_WIDTH) + 2.0 * edge  # gently uneven flanks
    depth = np.interp(y, BODY_Y, BODY_DEPTH)
    trunk = superellipse_chord(x - MID_X, half, depth)
    trunk_core = superellipse_chord(x - MID_X, half - 26.0, depth - 50.0)
    # Below the perineum the trunk gives way to two thighs.
    split = smoothstep(245.0, 305.0, y)
    thigh_c = np.interp(y, [240, 300, 350], [90, 95, 99])
    thigh_half = np.interp(y, [240, 300, 350], [106, 96, 90])
    thigh_depth = np.interp(y, [240, 300, 350], [205, 185, 170])
    thighs = np.zeros(np.broadcast_shapes(x.shape, y.shape))
    thigh_core = np.zeros_like(thighs)
    for side in (-1, 1):
        dx = x - (MID_X + side * thigh_c)
        thighs = np.maximum(thighs, superellipse_chord(dx, thigh_half, thigh_depth, 2.2))
        thigh_core = np.maximum(
            thigh_core, superellipse_chord(dx, thigh_half - 20.0, thigh_depth - 40.0, 2.2)
        )
    perineum = superellipse_chord(x - MID_X, 24.0, 70.0, 2.0) * smoothstep(255, 285, y)
    perineum = perineum * smoothstep(345, 300, y)
    body = (1 - split) * trunk + split * np.maximum(thighs, perineum)
    core = (1 - split) * trunk_core + split * thigh_core
    canvas.soft[window] += body
    canvas.fat[window] += body - core


def add_soft_tissue_planes(canvas: Canvas) -> None:
    """Add faint fat planes: psoas margins, bladder, obturator internus.

    Parameters
    ----------
    canvas : Canvas
        Where to add.
    """
    for side in (-1, 1):
        # Psoas shadow: extra muscle bounded laterally by a thin fat stripe.
        window, u, y = side_window(canvas, side, 0, 110, 0, 160)
        psoas = sd_tube(u, y, [(28, -5), (48, 60), (66, 130)], [16, 22, 18])
        canvas.soft[window] += 10.0 * smoothstep(2.0, -6.0, psoas)
        stripe = np.exp(-(((psoas - 3.0) / 2.5) ** 2)) * smoothstep(150, 90, y)
        canvas.fat[window] += 6.0 * stripe
        # Obturator internus fat plane, just inside the pelvic brim.
        window, u, y = side_window(canvas, side, 30, 90, 110, 215)
        d = dist_polyline(u, y, chaikin([(58, 120), (66, 150), (66, 180), (58, 205)], 3, False))
        canvas.fat[window] += 10.0 * np.exp(-((d / 2.0) ** 2))
        # Gluteal fat plane lateral to the hip.
        window, u, y = side_window(canvas, side, 120, 190, 80, 260)
        d = dist_polyline(u, y, chaikin([(150, 90), (170, 140), (178, 200), (176, 250)], 3, False))
        canvas.fat[window] += 8.0 * np.exp(-((d / 2.5) ** 2))
    # Bladder: water density seen against perivesical fat.
    window, x, y = canvas.window(130, 270, 140, 230)
    bladder = sd_ellipse(x, y, MID_X, 190.0, 52.0, 34.0)
    canvas.fat[window] += 14.0 * np.exp(-(((bladder - 2.5) / 3.0) ** 2))


def add_bowel_gas(canvas: Canvas) -> None:
    """Add the little bowel gas of a normal film: rectum and distal sigmoid.

    The gas lies over the lower sacrum, inside the true pelvis and medial to both
    sacroiliac joints: a smooth-walled tube with a few shallow folds, never over the
    iliac wings (mottled gas there reads as lytic bone).

    Parameters
    ----------
    canvas : Canvas
        Where to add.
    """
    window, x, y = canvas.window(MID_X - 40, MID_X + 40, 100, 185)
    # Rectosigmoid: from the rectal ampulla, low and central, up and to the
    # patient's left (image right), turning back towards the midline.
    pts = chaikin(
        [(199, 172), (201, 158), (208, 146), (219, 134), (226, 122), (222, 112)], 3, False
    )
    tube = sd_tube(x, y, pts, list(np.linspace(9.0, 5.5, len(pts))))
    wobble = canvas.tex.wobble[window]
    # Folds: shallow, smooth indentations of the wall, a few centimetres apart.
    along = np.hypot(x - 199.0, y - 172.0)
    folds = 1.0 - 0.12 * np.cos(2 * np.pi * along / 17.0) ** 8
    gas = 8.0 * smoothstep(1.5, -3.5, tube + 0.6 * wobble) * folds
    # A fainter ampulla below, where gas mixes with the rectal content.
    ampulla = sd_ellipse(x, y, 201, 170, 13, 8, 5)
    gas = np.maximum(gas, 5.0 * smoothstep(2.0, -4.0, ampulla + 0.6 * wobble))
    canvas.gas[window] += gas


# ---------------------------------------------------------------------------
# Spine and sacrum
# ---------------------------------------------------------------------------


def add_vertebra(
    canvas: Canvas,
    top: float,
    bottom: float,
    half_width: float,
    transverse: float,
    process_radius: float,
) -> None:
    """Add a lumbar vertebra seen from the front.

    Parameters
    ----------
    canvas : Canvas
        Where to add.
    top, bottom : float
        Image y of the upper and lower endplates, mm.
    half_width : float
        Half width of the body, mm.
    transverse : float
        Reach of the transverse processes from the midline, mm.
    process_radius : float
        Half thickness of the transverse processes at their root, mm.
    """
    mid = 0.5 * (top + bottom)
    half_h = 0.5 * (bottom - top)
    window, x, y = canvas.window(
        MID_X - transverse - 8, MID_X + transverse + 8, top - 10, bottom + 16
    )
    u = x - MID_X
    tex = canvas.tex.oriented(window, np.pi / 2)
    # Body: a waisted cylinder standing upright, with a cortical shell.
    waist = half_width - 2.5 * (1 - np.clip((y - mid) / half_h, -1, 1) ** 2)
    outer = vertebral_body_chord(u, y, waist, mid, half_h, 16.0)
    inner = vertebral_body_chord(u, y, waist - 1.2, mid, half_h - 1.0, 14.8)
    density = 0.24 * (1.0 + 0.45 * tex)
    canvas.bone[window] += 0.8 * (outer - inner) + np.clip(density, 0, None) * inner
    for side in (-1, 1):
        # Pedicles: cortical rings seen end on.
        centre = (side * (half_width - 9), top + 9)
        ped_out = sd_ellipse(u, y, *centre, 6.0, 8.5)
        ped_in = sd_ellipse(u, y, *centre, 4.0, 6.3)
        canvas.bone[window] += 5.0 * (
            smoothstep(1.0, -1.0, ped_out) - 0.7 * smoothstep(1.0, -1.0, ped_in)
        )
        # Transverse processes: tapering, slightly upturned, from the pedicles.
        tp = chaikin(
            [
                (side * (half_width - 10), top + 11),
                (side * (transverse - 16), top + 10),
                (side * transverse, top + 2),
            ],
            2,
            False,
        )
        radii = np.linspace(1.1 * process_radius, 0.4 * process_radius, len(tp))
        proc = sd_tube(u, y, tp, list(radii))
        add_bone(canvas, window, proc, radii[len(radii) // 2], 0.9, 0.3, tex, texture_gain=0.4)
    # Spinous process and laminae.
    spine = sd_ellipse(u, y, 0.0, bottom + 3.0, 4.5, 10.0)
    add_bone(canvas, window, spine, 6.0, 1.2, 0.3, tex)
    arch = chaikin(
        [(-half_width + 9, top + 17), (0, bottom - 3), (half_width - 9, top + 17)], 2, False
    )
    lamina = sd_tube(u, y, arch, [4.0] * len(arch))
    add_bone(canvas, window, lamina, 4.0, 0.9, 0.3, tex)


def vertebral_body_chord(
    u: Array, y: Array, half_width: Array, mid: float, half_height: float, half_depth: float
) -> Array:
    """Path length through an upright elliptic cylinder with flat, slightly rounded ends.

    Parameters
    ----------
    u, y : numpy.ndarray
        Distance from the midline and image y, mm.
    half_width : numpy.ndarray
        Half width of the body at each height, mm.
    mid, half_height : float
        Centre height and half height, mm.
    half_depth : float
        Half of the front-to-back depth, mm.

    Returns
    -------
    numpy.ndarray
        Path length, mm.
    """
    across = np.sqrt(np.clip(1.0 - (u / half_width) ** 2, 0.0, 1.0))
    corner = 4.0 * (1.0 - np.sqrt(np.clip(1.0 - (np.abs(u) / half_width) ** 8, 0.0, 1.0)))
    ends = smoothstep(0.0, 1.5, half_height - corner - np.abs(y - mid))
    return 2.0 * half_depth * across * ends


SACRUM = [
    (-57, 66),
    (-30, 57),
    (0, 55),
    (30, 57),
    (57, 66),
    (53, 82),
    (45, 104),
    (37, 128),
    (28, 148),
    (18, 163),
    (9, 171),
    (-9, 171),
    (-18, 163),
    (-28, 148),
    (-37, 128),
    (-45, 104),
    (-53, 82),
]
SACRAL_FORAMINA = [(24.0, 86.0, 4.5), (21.0, 107.0, 4.0), (18.0, 126.0, 3.5), (15.0, 143.0, 3.0)]


def add_sacrum(canvas: Canvas) -> None:
    """Add the sacrum with its foramina and the coccyx.

    Parameters
    ----------
    canvas : Canvas
        Where to add.
    """
    window, x, y = canvas.window(MID_X - 66, MID_X + 66, 45, 200)
    u = x - MID_X
    tex = canvas.tex.oriented(window, 0.0)
    sdf = sd_polygon_smooth(u, y, SACRUM)
    density = 0.16 + 0.1 * np.exp(-0.5 * (u / 14.0) ** 2) + 0 * y
    for fx, fy, r in SACRAL_FORAMINA:
        for side in (-1, 1):
            hole = sd_ellipse(u, y, side * fx, fy, r * 1.1, r * 0.85)
            density = density * (1 - 0.7 * smoothstep(1.0, -2.0, hole))
    add_bone(canvas, window, sdf, 15.0, 0.9, density, tex, texture_gain=0.4, cortex_density=0.5)
    for fx, fy, r in SACRAL_FORAMINA:
        for side in (-1, 1):
            arc = [
                (MID_X + side * fx + r * 1.5 * math.cos(a), fy + 1 - r * 1.3 * math.sin(a))
                for a in np.linspace(0.12 * np.pi, 0.88 * np.pi, 9)
            ]
            add_line(canvas, 0, arc, 3.0, 1.0)
    # S1 superior endplate, seen obliquely as a flat oval.
    rim = [
        (MID_X + 24 * math.cos(a), 62 + 5.5 * math.sin(a)) for a in np.linspace(0, 2 * np.pi, 33)
    ]
    add_line(canvas, 0, rim, 3.0, 0.9)
    add_line(canvas, 0, chaikin([(MID_X, 80), (MID_X + 1, 120), (MID_X, 160)], 2, False), 2.5, 1.6)
    # Coccyx: three small segments, slightly off the midline.
    for i, (cy, r) in enumerate([(178.0, 5.0), (186.0, 4.0), (193.0, 3.0)]):
        seg = sd_ellipse(u, y, 1.0 + 1.2 * i, cy, r + 1.5, r)
        add_bone(canvas, window, seg, 4.0, 0.8, 0.3, tex)


# ---------------------------------------------------------------------------
# Hemipelvis
# ---------------------------------------------------------------------------

#: Outline of a hemipelvis in (lateral distance from the midline, image y), mm.
HEMIPELVIS = [
    (40, 50),
    (52, 36),
    (72, 24),
    (98, 17),
    (121, 21),
    (137, 34),
    (146, 54),
    (145, 78),
    (138, 92),
    (134, 107),
    (127, 121),
    (117, 137),
    (110, 150),
    (106, 158),
    (104, 178),
    (100, 198),
    (96, 214),
    (94, 230),
    (92, 244),
    (88, 258),
    (80, 268),
    (66, 273),
    (54, 270),
    (42, 264),
    (26, 254),
    (12, 245),
    (4, 239),
    (2, 220),
    (3, 199),
    (10, 194),
    (24, 192),
    (44, 188),
    (60, 181),
    (66, 175),
    (56, 166),
    (46, 154),
    (39, 140),
    (37, 125),
    (40, 105),
    (44, 80),
    (45, 62),
]
ILIAC_CREST = [(42, 54), (52, 38), (72, 26), (98, 19), (121, 23), (137, 36), (145, 56), (144, 78)]
PELVIC_BRIM = [
    (4, 200),
    (24, 194),
    (44, 189),
    (60, 182),
    (70, 173),
    (74, 158),
    (73, 140),
    (68, 122),
    (58, 104),
    (48, 88),
]
#: Obturator foramen (before rounding): under the superior pubic ramus, lateral to
#: the pubic body, above the ischiopubic ramus and medial to the ischium; about
#: 45 mm wide and 50 mm tall on the film, an oval narrowing towards the symphysis.
OBTURATOR = [
    (24, 211),
    (40, 206),
    (57, 203),
    (66, 209),
    (70, 223),
    (69, 239),
    (63, 251),
    (51, 254),
    (37, 248),
    (28, 239),
    (22, 226),
]
ACETABULUM_CENTRE = (88.0, HIP_Y)


def gauss2(u: Array, y: Array, cu: float, cy: float, su: float, sy: float) -> Array:
    """Axis-aligned 2-D Gaussian bump with peak 1.

    Parameters
    ----------
    u, y : numpy.ndarray
        Coordinates.
    cu, cy : float
        Centre.
    su, sy : float
        Standard deviations along each axis.

    Returns
    -------
    numpy.ndarray
        Bump values in 0..1.
    """
    return np.exp(-0.5 * (((u - cu) / su) ** 2 + ((y - cy) / sy) ** 2))


def ridge(u: Array, y: Array, points: Sequence[Sequence[float]], sigma: float) -> Array:
    """Gaussian ridge of peak 1 along a polyline.

    Parameters
    ----------
    u, y : numpy.ndarray
        Coordinates.
    points : sequence of (float, float)
        Polyline vertices.
    sigma : float
        Standard deviation across the ridge, mm.

    Returns
    -------
    numpy.ndarray
        Ridge values in 0..1.
    """
    return np.exp(-0.5 * (dist_polyline(u, y, points) / sigma) ** 2)


def roof_arc(
    radius: float, start: float = -45.0, stop: float = 33.0, n: int = 14
) -> list[tuple[float, float]]:
    """Points of an arc above the femoral head, concentric with it.

    Parameters
    ----------
    radius : float
        Distance from the head centre, mm.
    start, stop : float, optional
        Angles from the vertical, degrees; positive is medial.
    n : int, optional
        Number of points.

    Returns
    -------
    list of (float, float)
        (lateral distance, image y) points.
    """
    hu, hy = ACETABULUM_CENTRE
    return [
        (hu - radius * math.sin(a), hy - radius * math.cos(a))
        for a in np.radians(np.linspace(start, stop, n))
    ]


def pelvis_thickness(u: Array, y: Array) -> Array:
    """Front-to-back thickness of the hemipelvis, mm.

    Thin iliac fossa, thick crest, acetabular body, ischium and pubis.

    Parameters
    ----------
    u, y : numpy.ndarray
        Lateral distance and image y, mm.

    Returns
    -------
    numpy.ndarray
        Thickness map.
    """
    t = 4.0 + 8.0 * ridge(u, y, ILIAC_CREST, 6.0)
    t = t + 7.0 * ridge(u, y, [(146, 54), (145, 78), (134, 107), (118, 136)], 6.0)
    t = t + 11.0 * ridge(u, y, [(95, 150), (78, 118), (58, 88), (45, 66)], 10.0)
    t = t + 12.0 * ridge(u, y, [(45, 62), (42, 95), (39, 128)], 7.0)
    t = t + 18.0 * gauss2(u, y, 88, 182, 19, 22)
    t = t + 10.0 * ridge(u, y, roof_arc(31.0), 3.5)
    t = t + 16.0 * gauss2(u, y, 82, 228, 9, 14)
    t = t + 20.0 * gauss2(u, y, 72, 260, 12, 9)
    t = t + 10.0 * ridge(u, y, [(6, 207), (24, 202), (40, 198), (60, 193), (72, 186)], 5.5)
    t = t + 8.0 * ridge(u, y, [(8, 238), (24, 247), (40, 257), (56, 263)], 4.5)
    t = t + 10.0 * gauss2(u, y, 10, 220, 6, 14)
    t = t + 5.0 * ridge(u, y, PELVIC_BRIM[4:], 4.0)
    return t


def add_hemipelvis(canvas: Canvas, side: int) -> None:
    """Add one hip bone (ilium, ischium, pubis) with its edge-on cortical lines.

    Parameters
    ----------
    canvas : Canvas
        Where to add.
    side : int
        +1 for the patient's left (image right), -1 for the right.
    """
    window, u, y = side_window(canvas, side, 0, 152, 10, 268)
    outline = sd_polygon_smooth(u, y, HEMIPELVIS)
    foramen = sd_polygon_smooth(u, y, OBTURATOR)
    sdf = smax(outline, -foramen, 2.0)
    thickness = pelvis_thickness(u, y)
    cortex = np.clip(0.5 + 0.05 * thickness, 0.7, 1.6)
    theta = np.arctan2(y - ACETABULUM_CENTRE[1], side * (u - ACETABULUM_CENTRE[0]))
    tex = canvas.tex.oriented(window, theta)
    density = 0.26 * (1.0 + 0.08 * canvas.tex.wobble[window])
    add_bone(canvas, window, sdf, 0.5 * thickness, cortex, density, tex, texture_gain=0.5)
    # The rim of the obturator foramen and the borders of the rami are cortex seen
    # edge on: a bright line just inside each margin, as on a real film.
    rim = np.exp(-(((foramen - 1.1) / 0.9) ** 2))
    lower = smoothstep(200.0, 215.0, y) * smoothstep(100.0, 80.0, u)
    rim = rim + 0.8 * lower * np.exp(-(((outline + 1.1) / 0.9) ** 2))
    canvas.bone[window] += 3.5 * rim * smoothstep(0.5, -0.5, sdf)
    add_pelvic_lines(canvas, side)


def film_grid() -> tuple[Array, Array]:
    """Return the radiograph's pixel-centre coordinates.

    Returns
    -------
    x, y : numpy.ndarray
        Row vector of image x and column vector of image y, mm.
    """
    x = (np.arange(DX_COLS) + 0.5) * DX_SPACING
    y = (np.arange(DX_ROWS) + 0.5) * DX_SPACING
    return x[None, :], y[:, None]


def iliac_wing_mask(inset: float = 8.0) -> NDArray[np.bool_]:
    """Return where the film shows nothing but the iliac wings' own bone.

    The wings above the acetabula (image y < 105 mm), at least `inset` inside
    their outline and clear of the sacrum and the heterotopic bone: where the
    tests check that no dark blob (a lytic-looking patch) appears.

    Parameters
    ----------
    inset : float, optional
        Distance kept from the outline of the hip bone and of the sacrum, mm.

    Returns
    -------
    numpy.ndarray
        (DX_ROWS, DX_COLS) boolean mask.
    """
    x, y = film_grid()
    clear_of_sacrum = sd_polygon_smooth(x - MID_X, y, SACRUM) > inset
    mask = np.zeros((DX_ROWS, DX_COLS), dtype=bool)
    for side in (-1, 1):
        u = side * (x - MID_X)
        mask |= (sd_polygon_smooth(u, y, HEMIPELVIS) < -inset) & (u > 0)
    return mask & clear_of_sacrum & (y < 105.0)


def obturator_outline(side: int) -> list[tuple[float, float]]:
    """Return the rounded outline of one obturator foramen in image mm.

    Parameters
    ----------
    side : int
        +1 for the patient's left (image right), -1 for the right.

    Returns
    -------
    list of (float, float)
        Image (x, y) vertices.
    """
    return [(MID_X + side * u, y) for u, y in chaikin(OBTURATOR)]


def add_pelvic_lines(canvas: Canvas, side: int) -> None:
    """Add the lines a radiologist reads on a hemipelvis.

    Iliopectineal (brim) and ilioischial lines, acetabular roof (sourcil),
    teardrop, anterior and posterior acetabular walls, obturator ring and the
    sacroiliac joint.

    Parameters
    ----------
    canvas : Canvas
        Where to add.
    side : int
        +1 / -1.
    """

    def curve(points: Sequence[Sequence[float]]) -> list[tuple[float, float]]:
        return chaikin(points, 3, closed=False)

    add_line(canvas, side, curve(PELVIC_BRIM), 5.0, 1.2)
    add_line(canvas, side, curve([(44, 142), (55, 170), (62, 200), (70, 226), (73, 250)]), 3.5, 1.1)
    add_line(canvas, side, roof_arc(29.0, -40.0, 30.0), 6.0, 1.8)
    add_line(
        canvas,
        side,
        curve([(78, 168), (77, 184), (74, 196), (69, 199), (65, 193), (64, 176)]),
        4.5,
        1.1,
    )
    add_line(canvas, side, curve([(104, 162), (96, 176), (86, 190), (74, 199)]), 2.0, 1.2)
    add_line(canvas, side, curve([(108, 159), (111, 176), (106, 194), (100, 206)]), 2.5, 1.2)
    # Sacroiliac joint: the dense overlap of ilium and sacrum, split by the joint.
    add_line(canvas, side, curve([(51, 66), (48, 96), (43, 122)]), -2.5, 0.8)


# ---------------------------------------------------------------------------
# Femur
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Part:
    """One rounded piece of a bone: its outline and its material."""

    sdf: Array
    radius: float | Array
    cortex: float | Array
    density: float | Array


def blend_parts(
    parts: Sequence[Part], k: float, tau: float = 3.0
) -> tuple[Array, Array, Array, Array]:
    """Smoothly unite bone parts, blending their material near the joins.

    Parameters
    ----------
    parts : sequence of Part
        The pieces.
    k : float
        Blend radius of the outline union, mm.
    tau : float, optional
        Distance scale of the material blending, mm.

    Returns
    -------
    sdf, radius, cortex, density : numpy.ndarray
        United outline and blended material fields.
    """
    sdf = parts[0].sdf
    for part in parts[1:]:
        sdf = smin(sdf, part.sdf, k)
    dmin = np.minimum.reduce([p.sdf for p in parts])
    weights = [np.exp(-(p.sdf - dmin) / tau) for p in parts]
    total = sum(weights)
    fields = []
    for name in ("radius", "cortex", "density"):
        fields.append(
            sum(w * getattr(p, name) for w, p in zip(weights, parts, strict=True)) / total
        )
    return sdf, fields[0], fields[1], fields[2]


#: Femur landmarks in (lateral distance, image y), mm.
HEAD = (88.0, HIP_Y)
HEAD_R = 25.0
NECK_ANGLE = math.radians(40)  # neck axis above the horizontal: 130 deg neck-shaft angle
NECK_BASE = (HEAD[0] + 56 * math.cos(NECK_ANGLE), HEAD[1] + 56 * math.sin(NECK_ANGLE))
GREATER_TROCHANTER = (152.0, 198.0, 16.0, 24.0, -6.0)  # centre, semi-axes, tilt
INTERTROCHANTERIC = (132.0, 230.0, 20.0, 23.0, 0.0)
LESSER_TROCHANTER = (110.0, 246.0, 8.0, 12.5, 35.0)
SHAFT_TOP = (134.0, 222.0)
SHAFT_BOTTOM = (116.0, 360.0)


def femur_parts(u: Array, y: Array) -> list[Part]:
    """Return the pieces of a proximal femur.

    Parameters
    ----------
    u, y : numpy.ndarray
        Lateral distance and image y, mm.

    Returns
    -------
    list of Part
        Head, neck, greater trochanter, intertrochanteric block, lesser
        trochanter, lateral (vastus) ridge and shaft.
    """
    head = sd_ellipse(u, y, HEAD[0], HEAD[1], HEAD_R, HEAD_R)
    neck_d, _ = segment_param(u, y, HEAD, NECK_BASE)
    neck = neck_d - 16.0
    greater = sd_ellipse(u, y, *GREATER_TROCHANTER)
    inter = sd_ellipse(u, y, *INTERTROCHANTERIC)
    lesser = sd_ellipse(u, y, *LESSER_TROCHANTER)
    shaft_d, _ = segment_param(u, y, SHAFT_TOP, SHAFT_BOTTOM)
    shaft = shaft_d - 15.5
    lateral_d, t = segment_param(u, y, (148.0, 206.0), (141.0, 262.0))
    lateral = lateral_d - (12.0 - 3.0 * t)
    shaft_cortex = np.interp(y, [228.0, 280.0], [1.6, 6.2]) + 0 * u
    shaft_density = np.interp(y, [228.0, 275.0], [0.3, 0.05]) + 0 * u
    return [
        Part(head, HEAD_R, 1.6, 0.23),
        Part(neck, 15.0, 2.0, 0.3),
        Part(greater, 18.0, 1.1, 0.28),
        Part(inter, 20.0, 1.4, 0.28),
        Part(lesser, 8.0, 1.1, 0.28),
        Part(lateral, 16.0, 1.4, 0.28),
        Part(shaft, 15.5, shaft_cortex, shaft_density),
    ]


def femur_orientation(u: Array, y: Array, side: int) -> Array:
    """Trabecular streak direction in the proximal femur (image radians).

    Compressive trabeculae rise from the calcar into the head; tensile ones
    arch along the neck; the shaft runs vertically.

    Parameters
    ----------
    u, y : numpy.ndarray
        Lateral distance and image y, mm.
    side : int
        +1 / -1.

    Returns
    -------
    numpy.ndarray
        Angle field.
    """
    to_head = np.arctan2(y - (HEAD[1] - 20), side * (u - HEAD[0] - 6))
    along_neck = math.atan2(NECK_BASE[1] - HEAD[1], side * (NECK_BASE[0] - HEAD[0]))
    vertical = np.pi / 2
    w_shaft = smoothstep(220.0, 250.0, y)
    w_neck = gauss2(u, y, 116, 202, 14, 10)
    theta = (1 - w_shaft) * to_head + w_shaft * vertical
    return theta * (1 - 0.6 * w_neck) + 0.6 * w_neck * along_neck


def add_femur(canvas: Canvas, side: int) -> None:
    """Add a proximal femur (head in the acetabulum, neck, trochanters, shaft).

    Parameters
    ----------
    canvas : Canvas
        Where to add.
    side : int
        +1 / -1.
    """
    window, u, y = side_window(canvas, side, 58, 176, 148, 345)
    sdf, radius, cortex, density = blend_parts(femur_parts(u, y), k=7.0)
    tex = canvas.tex.oriented(window, femur_orientation(u, y, side))
    # Ward's triangle: a sparser area in the neck.
    density = density * (1 - 0.35 * gauss2(u, y, 120, 202, 7, 7))
    add_bone(canvas, window, sdf, radius, cortex, density, tex, texture_gain=0.45)
    # Calcar femorale: the dense inferior neck cortex into the medial shaft.
    add_line(
        canvas, side, chaikin([(88, 204), (104, 218), (113, 238), (117, 258)], 3, False), 5.0, 1.6
    )
    # Fovea capitis: a small notch on the medial head.
    fovea = sd_ellipse(u, y, HEAD[0] - HEAD_R + 2, HEAD[1] + 3, 4.0, 3.0)
    canvas.bone[window] -= 5.0 * smoothstep(1.0, -1.0, fovea) * smoothstep(1.0, -1.0, sdf)


# ---------------------------------------------------------------------------
# Heterotopic ossification (shared by the radiograph and the CT)
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Lobe:
    """One lobe of heterotopic bone, an ellipsoid in patient space.

    Coordinates: ``u`` lateral distance from the midline, ``y`` front (-) to
    back (+), ``z`` height above the femoral head centres, all in mm.
    """

    centre: tuple[float, float, float]
    semi: tuple[float, float, float]
    tilt: float  # degrees in the u-z plane, lateral towards up


@dataclass(frozen=True)
class Mass:
    """A heterotopic bone mass: an outline ellipsoid filled with random lobes."""

    name: str
    hull: Lobe
    lobes: int


#: Patient's right, Brooker III: a pelvic mass and a trochanteric mass 5 mm apart.
HO_RIGHT = (
    Mass("right pelvic", Lobe((133.0, -4.0, 41.5), (12.0, 15.0, 23.0), 41.0), 10),
    Mass("right trochanteric", Lobe((154.0, 4.0, 11.0), (13.0, 13.0, 6.5), 5.0), 6),
    Mass("right neck", Lobe((141.0, -5.0, 7.5), (14.0, 12.0, 6.0), -28.0), 5),
    Mass("right lateral", Lobe((167.0, 8.0, -3.0), (6.0, 9.0, 11.0), 0.0), 4),
)
#: Patient's left, Brooker II: smaller spurs, more than 1 cm apart.
HO_LEFT = (
    Mass("left pelvic", Lobe((128.0, -4.0, 42.0), (9.0, 11.0, 15.0), 40.0), 7),
    Mass("left trochanteric", Lobe((153.0, 4.0, 8.5), (11.0, 11.0, 6.0), 10.0), 5),
    Mass("left lateral", Lobe((166.0, 6.0, -5.0), (5.0, 7.0, 9.0), 0.0), 4),
)


def mass_lobes(mass: Mass) -> list[Lobe]:
    """Return the lobes of a mass: a core plus random lobes inside its hull.

    Parameters
    ----------
    mass : Mass
        The mass.

    Returns
    -------
    list of Lobe
        Deterministic for a given mass name.
    """
    rng = rng_for("ho " + mass.name)
    hull = mass.hull
    lobes = [Lobe(hull.centre, tuple(0.8 * s for s in hull.semi), hull.tilt)]
    t = math.radians(hull.tilt)
    for _ in range(mass.lobes):
        direction = rng.standard_normal(3)
        offset = direction / np.linalg.norm(direction) * rng.uniform(0.25, 0.65)
        ou, oy, oz = (offset[i] * hull.semi[i] for i in range(3))
        du = ou * math.cos(t) - oz * math.sin(t)
        dz = ou * math.sin(t) + oz * math.cos(t)
        centre = (hull.centre[0] + du, hull.centre[1] + oy, hull.centre[2] + dz)
        semi = tuple(s * rng.uniform(0.35, 0.55) for s in hull.semi)
        lobes.append(Lobe(centre, semi, hull.tilt + rng.uniform(-25, 25)))
    return lobes


@dataclass(frozen=True)
class Wobble3D:
    """Smooth random 3-D field (sum of random plane waves), unit variance."""

    k: NDArray[np.float64]  # (n, 3) wave vectors, rad/mm
    phase: NDArray[np.float64]  # (n,)

    @classmethod
    def make(cls, name: str, n: int = 24, wavelength: float = 16.0) -> Wobble3D:
        """Draw a field.

        Parameters
        ----------
        name : str
            Name of its random stream.
        n : int, optional
            Number of plane waves.
        wavelength : float, optional
            Typical wavelength, mm.

        Returns
        -------
        Wobble3D
            The field.
        """
        rng = rng_for(name)
        direction = rng.standard_normal((n, 3))
        direction /= np.linalg.norm(direction, axis=1, keepdims=True)
        length = 2 * np.pi / (wavelength * rng.uniform(0.6, 1.4, n))
        return cls(direction * length[:, None], rng.uniform(0, 2 * np.pi, n))

    def __call__(self, x: Array, y: Array | float, z: Array | float) -> Array:
        """Evaluate at broadcastable coordinates (mm); returns the field values."""
        out = 0.0
        for (kx, ky, kz), ph in zip(self.k, self.phase, strict=True):
            out = out + np.cos(kx * x + ky * y + kz * z + ph)
        return out * math.sqrt(2.0 / len(self.phase))


HO_WOBBLE = Wobble3D.make("ho outline", wavelength=14.0)
HO_RIPPLE = Wobble3D.make("ho ripple", wavelength=5.0)


def ho_masses(side: int) -> tuple[Mass, ...]:
    """Return the heterotopic ossification masses on one side.

    Parameters
    ----------
    side : int
        +1 for the patient's left, -1 for the right.

    Returns
    -------
    tuple of Mass
        The masses.
    """
    return HO_LEFT if side > 0 else HO_RIGHT


def ho_outline_noise(x: Array, y: Array | float, z: Array | float) -> Array:
    """Irregularity added to the heterotopic bone outlines.

    Parameters
    ----------
    x, y, z : numpy.ndarray or float
        Patient coordinates, mm.

    Returns
    -------
    numpy.ndarray
        Offset to add to a signed distance, mm.
    """
    return 1.2 * HO_WOBBLE(x, y, z) + 0.25 * HO_RIPPLE(x, y, z)


def add_heterotopic_bone(canvas: Canvas, side: int, maturity: float = 1.0) -> None:
    """Add the periarticular heterotopic ossification on one side.

    Each mass is a smooth union of ellipsoid lobes with an irregular outline,
    a thin dense rim and coarse, disorganised trabeculae.

    Parameters
    ----------
    canvas : Canvas
        Where to add.
    side : int
        +1 / -1.
    maturity : float, optional
        1 for the sample film; less for an earlier film (the prior): the masses
        are fainter and ``(1 - maturity) * PRIOR_SHRINK_MM`` smaller.
    """
    window, u, y = side_window(canvas, side, 100, 185, 100, 200)
    z = HIP_Y - y
    parts = []
    for mass in ho_masses(side):
        for lobe in mass_lobes(mass):
            d = sd_ellipse(
                u, z, lobe.centre[0], lobe.centre[2], lobe.semi[0], lobe.semi[2], lobe.tilt
            )
            parts.append(Part(d, lobe.semi[1], 1.1, 0.5))
    sdf, radius, cortex, density = blend_parts(parts, k=6.0, tau=3.0)
    sdf = sdf + ho_outline_noise(side * u, 0.0, z)
    density = density * (1.0 + 0.25 * canvas.tex.wobble[window])
    if maturity != 1.0:  # the prior film only: the sample film's values stay exact
        sdf = sdf + (1.0 - maturity) * PRIOR_SHRINK_MM
        density = density * maturity
    tex = 0.4 * canvas.tex.coarse[window] + 0.8 * canvas.tex.oriented(window, 0.84 * side)
    add_bone(canvas, window, sdf, radius, cortex, density, tex, texture_gain=0.35)


# ---------------------------------------------------------------------------
# Exposure and processing
# ---------------------------------------------------------------------------

MU_SOFT = 0.021  # 1/mm, soft tissue at the effective energy
MU_FAT_DEFICIT = 0.0035  # fat attenuates this much less than muscle
MU_BONE = 0.036  # extra attenuation of cortical bone over the soft tissue it replaces
PHOTONS = 1.6e5  # quanta per pixel without a patient (sets the noise)


def expose(canvas: Canvas) -> Array:
    """Turn path lengths into a noisy, blurred log-exposure image.

    Parameters
    ----------
    canvas : Canvas
        The anatomy.

    Returns
    -------
    numpy.ndarray
        ``-log(I / I0)``: 0 under direct exposure, larger where attenuated.
    """
    soft = np.maximum(canvas.soft - canvas.gas, 0.0)
    atten = MU_SOFT * soft - MU_FAT_DEFICIT * canvas.fat + MU_BONE * canvas.bone
    rows = np.arange(DX_ROWS)[:, None] / DX_ROWS
    cols = np.arange(DX_COLS)[None, :] / DX_COLS
    heel = 1.0 - 0.14 * (1.0 - rows)  # anode side at the top of the plate
    falloff = 1.0 - 0.05 * ((cols - 0.5) ** 2 + (rows - 0.5) ** 2) * 4
    quanta = PHOTONS * heel * falloff * np.exp(-atten)
    # Scatter left over behind the grid: a faint veil proportional to the primary.
    quanta = quanta + 0.08 * gaussian_blur(quanta * np.minimum(atten, 4.0) / 4.0, 30.0 / DX_SPACING)
    rng = rng_for("quantum noise")
    noisy = quanta + np.sqrt(quanta) * rng.standard_normal(quanta.shape)
    detected = gaussian_blur(noisy, 1.0)  # scintillator spread
    return -np.log(np.maximum(detected, 1.0) / PHOTONS)


def process(log_exposure: Array, thickness: Array) -> NDArray[np.uint16]:
    """Process a log-exposure image as a digital radiography system would.

    Thickness equalisation (most of the smooth body-thickness signal is taken
    out, so soft tissue is grey and bone stands out), a little large-scale
    equalisation, unsharp masking and an S-shaped tone curve, then
    quantisation to 12-bit stored values (MONOCHROME2: bone bright).

    Parameters
    ----------
    log_exposure : numpy.ndarray
        Output of `expose`.
    thickness : numpy.ndarray
        Smooth soft-tissue attenuation (``MU_SOFT`` x body path length).

    Returns
    -------
    numpy.ndarray
        uint16 values in 0..4095.
    """
    eq = log_exposure - 0.7 * thickness
    body = log_exposure > 1.5
    base = gaussian_blur(eq, 45.0 / DX_SPACING)
    ref = float(np.median(base[body]))
    eq = eq - 0.3 * np.maximum(base - ref, 0.0)
    eq = eq + 0.35 * (eq - gaussian_blur(eq, 3.0 / DX_SPACING))
    hi = float(np.percentile(eq[body], 99.95))
    v = np.clip(eq / hi, 0.0, 1.05) ** 1.5
    tone = 1.0 / (1.0 + np.exp(-4.0 * (v - 0.5)))
    tone0, tone1 = 1.0 / (1.0 + math.exp(2.0)), 1.0 / (1.0 + math.exp(-2.0))
    tone = (tone - tone0) / (tone1 - tone0)
    stored = np.round(90.0 + tone * 3900.0)
    return np.clip(stored, 0, 2**DX_BITS - 1).astype(np.uint16)


def make_radiograph(ho_maturity: float = 1.0) -> NDArray[np.uint16]:
    """Build the AP pelvis radiograph.

    Parameters
    ----------
    ho_maturity : float, optional
        How far the heterotopic ossification has matured (1: the sample film; see
        `add_heterotopic_bone`).

    Returns
    -------
    numpy.ndarray
        (1700, 2000) uint16 stored values, 12 bits used.
    """
    canvas = Canvas.empty()
    add_body(canvas)
    add_soft_tissue_planes(canvas)
    add_bowel_gas(canvas)
    add_vertebra(
        canvas, top=-26.0, bottom=12.0, half_width=27.0, transverse=46.0, process_radius=4.0
    )
    add_vertebra(
        canvas, top=21.0, bottom=49.0, half_width=28.0, transverse=52.0, process_radius=7.0
    )
    add_sacrum(canvas)
    for side in (-1, 1):
        add_hemipelvis(canvas, side)
        add_femur(canvas, side)
        add_heterotopic_bone(canvas, side, ho_maturity)
    thickness = MU_SOFT * gaussian_blur(canvas.soft, 8.0 / DX_SPACING)
    return process(expose(canvas), thickness)


# =============================================================================
# The CT series
# =============================================================================

HU_AIR, HU_FAT, HU_MUSCLE, HU_URINE = -1000.0, -100.0, 48.0, 8.0
FAR = 1.0e3  # signed distance standing for "no such bone in this slice", mm
HU_CORTEX, HU_CANCELLOUS, HU_MARROW = 1350.0, 260.0, -40.0
HU_HO_RIM, HU_HO = 900.0, 300.0
#: Femoral head centre in CT (u, y): 88 mm from the midline, 5 mm in front of y = 0.
CT_HEAD = (88.0, -5.0)


def ct_grid() -> tuple[Array, Array]:
    """Patient x (row vector) and y (column vector) of the CT pixel centres, mm."""
    c = -200.0 + (np.arange(CT_SIZE) + 0.5) * CT_SPACING
    return c[None, :], c[:, None]


def ct_slice_z(index: int) -> float:
    """Return the height of a CT slice above the femoral head centres.

    Parameters
    ----------
    index : int
        0-based slice index, head first.

    Returns
    -------
    float
        Height, mm.
    """
    return CT_TOP - CT_STEP * index


def lerp_shape(
    z: float, z0: float, z1: float, a: Sequence[Sequence[float]], b: Sequence[Sequence[float]]
) -> list[tuple[float, ...]]:
    """Interpolate a list of tuples between two heights (clamped).

    Parameters
    ----------
    z : float
        Height to interpolate at.
    z0, z1 : float
        Heights at which the shape is `a` and `b`.
    a, b : sequence of sequence of float
        The two shapes, same lengths.

    Returns
    -------
    list of tuple
        The interpolated shape.
    """
    t = min(max((z - z0) / (z1 - z0), 0.0), 1.0)
    return [
        tuple(p + t * (q - p) for p, q in zip(pa, pb, strict=True))
        for pa, pb in zip(a, b, strict=True)
    ]


ILIUM_Z60 = [(42, 55, 13), (62, 42, 9), (88, 18, 6), (110, -10, 5), (124, -35, 6), (128, -48, 8)]
ILIUM_Z18 = [(60, 40, 9), (72, 30, 15), (86, 12, 21), (98, -6, 20), (106, -22, 14), (108, -32, 9)]


def ct_ilium(u: Array, y: Array, z: float) -> Array:
    """Signed distance to the ilium in one axial slice.

    Parameters
    ----------
    u : numpy.ndarray
        Lateral distance from the midline (row vector), mm.
    y : numpy.ndarray
        Front (-) to back (+) position (column vector), mm.
    z : float
        Height above the femoral head centres, mm.

    Returns
    -------
    numpy.ndarray
        Signed distance, mm (`FAR` below the ilium).
    """
    if z < 16.0:
        return np.full(np.broadcast_shapes(u.shape, y.shape), FAR)
    pts = lerp_shape(z, 60.0, 18.0, ILIUM_Z60, ILIUM_Z18)
    d = sd_tube(u, y, [p[:2] for p in pts], [p[2] for p in pts])
    return d + smoothstep(22.0, 16.0, z) * 25.0


def ct_acetabulum(u: Array, y: Array, z: float) -> Array:
    """Signed distance to the acetabular cup, columns, pubis and ischium.

    Parameters
    ----------
    u : numpy.ndarray
        Lateral distance from the midline (row vector), mm.
    y : numpy.ndarray
        Front (-) to back (+) position (column vector), mm.
    z : float
        Height above the femoral head centres, mm.

    Returns
    -------
    numpy.ndarray
        Signed distance, mm (negative inside).
    """
    du, dy = u - CT_HEAD[0], y - CT_HEAD[1]
    r3 = np.sqrt(du**2 + dy**2 + z**2)
    shell = np.abs(r3 - (HEAD_R + 8.5)) - 6.0
    opening = np.array([0.66, -0.35, -0.66]) / np.linalg.norm([0.66, -0.35, -0.66])
    cup = np.maximum(shell, (du * opening[0] + dy * opening[1] + z * opening[2]) - 4.0)
    quad = np.maximum(
        np.abs(u - 58.0) - 3.5, np.maximum(np.abs(y - 8.0) - 26.0, abs(z - 2.0) - 24.0)
    )
    parts = [cup, quad]
    parts.append(tube3(u, y, z, [(70, -25, -6), (42, -46, -18), (16, -62, -26)], [10, 9, 8]))
    pubis = sd_ellipsoid((u, y, z), (12.0, -64.0, -36.0), (10.0, 13.0, 20.0))
    parts.append(np.maximum(pubis, 1.6 - u))
    parts.append(tube3(u, y, z, [(86, 24, -4), (74, 36, -30), (64, 44, -52)], [15, 15, 16]))
    parts.append(sd_ellipsoid((u, y, z), (64.0, 48.0, -62.0), (18.0, 20.0, 16.0)))
    parts.append(tube3(u, y, z, [(62, 40, -6), (46, 50, -9)], [5, 2.5]))
    parts.append(tube3(u, y, z, [(14, -58, -46), (40, -12, -70)], [7, 8]))
    out = parts[0]
    for p in parts[1:]:
        out = smin(out, p, 3.0)
    return out


def tube3(
    u: Array, y: Array, z: float, points: Sequence[Sequence[float]], radii: Sequence[float]
) -> Array:
    """Signed distance to a 3-D tube, sampled in the plane of height `z`.

    Parameters
    ----------
    u, y : numpy.ndarray
        In-plane coordinates, mm.
    z : float
        Height of the plane, mm.
    points : sequence of (float, float, float)
        Centre line vertices (u, y, z).
    radii : sequence of float
        Radius at each vertex, mm.

    Returns
    -------
    numpy.ndarray
        Signed distance, mm.
    """
    out = None
    for i in range(len(points) - 1):
        p0, p1 = np.asarray(points[i], float), np.asarray(points[i + 1], float)
        e = p1 - p0
        t = ((u - p0[0]) * e[0] + (y - p0[1]) * e[1] + (z - p0[2]) * e[2]) / float(e @ e)
        t = np.clip(t, 0.0, 1.0)
        dist = np.sqrt(
            (u - p0[0] - e[0] * t) ** 2 + (y - p0[1] - e[1] * t) ** 2 + (z - p0[2] - e[2] * t) ** 2
        )
        d = dist - (radii[i] + (radii[i + 1] - radii[i]) * t)
        out = d if out is None else np.minimum(out, d)
    assert out is not None
    return out


def ct_femur(u: Array, y: Array, z: float) -> tuple[Array, Array]:
    """Signed distance to the proximal femur and its cortical thickness.

    Parameters
    ----------
    u : numpy.ndarray
        Lateral distance from the midline (row vector), mm.
    y : numpy.ndarray
        Front (-) to back (+) position (column vector), mm.
    z : float
        Height above the femoral head centres, mm.

    Returns
    -------
    sdf : numpy.ndarray
        Signed distance, mm (negative inside).
    cortex : numpy.ndarray
        Cortical thickness, mm.

    Notes
    -----
    The landmarks match the radiograph's femur (`femur_parts`), with image y
    turned into height ``z = HIP_Y - y``.
    """

    def z_of(image_y: float) -> float:
        return HIP_Y - image_y

    head = np.sqrt((u - CT_HEAD[0]) ** 2 + (y - CT_HEAD[1]) ** 2 + z**2) - HEAD_R
    neck = tube3(
        u,
        y,
        z,
        [(CT_HEAD[0], CT_HEAD[1], 0.0), (NECK_BASE[0], 8.0, z_of(NECK_BASE[1]))],
        [16.0, 16.0],
    )
    gu, gy, ga, gb, _ = GREATER_TROCHANTER
    greater = sd_ellipsoid((u, y, z), (gu, 14.0, z_of(gy)), (ga, 22.0, gb))
    iu, iy, ia, ib, _ = INTERTROCHANTERIC
    inter = sd_ellipsoid((u, y, z), (iu, 10.0, z_of(iy)), (ia, 20.0, ib))
    lu, ly, la, lb, _ = LESSER_TROCHANTER
    lesser = sd_ellipsoid((u, y, z), (lu, 22.0, z_of(ly)), (la + 1.0, 9.0, lb))
    ridge_line = tube3(u, y, z, [(148.0, 8.0, z_of(206.0)), (141.0, 8.0, z_of(262.0))], [12.0, 9.0])
    shaft = tube3(
        u,
        y,
        z,
        [(SHAFT_TOP[0], 10.0, z_of(SHAFT_TOP[1])), (SHAFT_BOTTOM[0], 5.0, z_of(SHAFT_BOTTOM[1]))],
        [15.5, 15.5],
    )
    out = head
    for p in (neck, greater, inter, lesser, ridge_line, shaft):
        out = smin(out, p, 5.0)
    cortex = float(np.interp(-z, [40.0, 70.0], [1.6, 4.5]))
    return out, np.full_like(out, cortex)


def ct_sacrum(u: Array, y: Array, z: float) -> Array:
    """Signed distance to the sacrum or coccyx in one slice.

    Parameters
    ----------
    u : numpy.ndarray
        Lateral distance from the midline (row vector), mm.
    y : numpy.ndarray
        Front (-) to back (+) position (column vector), mm.
    z : float
        Height above the femoral head centres, mm.

    Returns
    -------
    numpy.ndarray
        Signed distance, mm (`FAR` below the coccyx).
    """
    if z >= 24.0:
        t = (60.0 - z) / 36.0
        cy, a, b = 52.0 + 14.0 * t, 52.0 - 34.0 * t, 20.0 - 8.0 * t
        d = sd_ellipse(u, y, 0.0, cy, a, b)
        d = np.maximum(d, -sd_ellipse(u, y, 0.0, cy + 0.45 * b, 9.0 - 4 * t, 4.5))
        if (z % 16.0) < 6.0:
            for side in (-1, 1):
                d = np.maximum(d, -sd_ellipse(u, y, side * (22.0 - 8 * t), cy - 2, 4.5, 4.5))
        return d
    if z >= 0.0:
        r = 4.0 + 3.0 * z / 24.0
        return sd_ellipse(u, y, 0.0, 72.0 + 0.35 * (24.0 - z), r, r * 0.8)
    return np.full(np.broadcast_shapes(u.shape, y.shape), FAR)


def ct_ho(u: Array, y: Array, z: float, side: int) -> Array:
    """Signed distance to the heterotopic bone on one side, in one slice.

    Parameters
    ----------
    u, y : numpy.ndarray
        Patient x and y, mm (`u` is made lateral with `side`).
    z : float
        Height above the femoral head centres, mm.
    side : int
        +1 for the patient's left, -1 for the right.

    Returns
    -------
    numpy.ndarray
        Signed distance, mm.
    """
    out = None
    for mass in ho_masses(side):
        for lobe in mass_lobes(mass):
            d = sd_ellipsoid((u, y, z), lobe.centre, lobe.semi, lobe.tilt)
            out = d if out is None else smin(out, d, 6.0)
    assert out is not None
    return out + ho_outline_noise(side * u, y, z)


def superellipse(x: Array, y: Array, a: float, b: Array | float, power: Array | float) -> Array:
    """Superellipse level function: negative inside, 0 on the outline.

    Parameters
    ----------
    x, y : numpy.ndarray
        Coordinates, mm.
    a : float
        Half width, mm.
    b : numpy.ndarray or float
        Half depth, mm.
    power : numpy.ndarray or float
        Exponent (2 is an ellipse).

    Returns
    -------
    numpy.ndarray
        Level value (dimensionless).
    """
    r = (np.abs(x) / a) ** power + (np.abs(y) / b) ** power
    return r ** (1.0 / power) - 1.0


def ct_soft_tissue(x: Array, y: Array, z: float, rng: np.random.Generator) -> Array:
    """Soft-tissue HU of one slice: skin, fat, muscles, pelvic organs, table.

    Parameters
    ----------
    x, y : numpy.ndarray
        Patient x (row vector) and y (column vector), mm.
    z : float
        Height above the femoral head centres, mm.
    rng : numpy.random.Generator
        For the bowel gas.

    Returns
    -------
    numpy.ndarray
        HU image (256 x 256).
    """
    half_w = float(np.interp(z, [-60, 0, 60], [188, 192, 176]))
    back = y > 0
    half_d = np.where(back, 104.0, 114.0)
    power = np.where(back, 3.4, 2.3)  # the back is flattened against the table
    body = superellipse(x, y, half_w, half_d, power)
    core = superellipse(x, y, half_w - 22.0, half_d - np.where(back, 34.0, 22.0), power)
    hu = np.full(np.broadcast_shapes(x.shape, y.shape), HU_AIR)
    hu = np.where(body < 0, HU_FAT, hu)
    hu = np.where(core < 0, HU_MUSCLE, hu)
    u = np.abs(x)
    # Intermuscular fat planes.
    for pts in (
        [(70, -95), (95, -60), (125, -45), (160, -20)],
        [(50, 70), (95, 55), (140, 40), (170, 10)],
    ):
        plane = dist_polyline(u, y, pts)
        hu = np.where((plane < 1.6) & (core < 0), HU_FAT + 30, hu)
    # Iliopsoas with a fat rim, and vessels in front of it.
    psoas = sd_ellipse(u, y, 70.0 + 0.1 * z, -52.0, 20.0, 16.0)
    hu = np.where((np.abs(psoas) < 1.2) & (y > -60.0), HU_FAT + 20, hu)
    for cx, cy, rr in ((52.0 + 0.3 * max(z, 0), -70.0, 5.0), (42.0 + 0.3 * max(z, 0), -68.0, 7.0)):
        hu = np.where(sd_ellipse(u, y, cx, cy, rr, rr) < 0, 42.0, hu)
    # Pelvic cavity: fat, bladder, rectum, bowel loops.
    narrowing = float(np.clip((z + 75.0) / 45.0, 0.35, 1.0))  # the pelvic floor
    cavity = sd_ellipse(
        x, y, 0.0, 10.0 + 20.0 * (1 - narrowing), 50.0 * narrowing, 62.0 * narrowing
    )
    hu = np.where(cavity < 0, HU_FAT + 10, hu)
    bladder_r = 34.0 * math.sqrt(max(0.0, 1 - ((z - 5.0) / 42.0) ** 2))
    if bladder_r > 2:
        hu = np.where(sd_ellipse(x, y, 0.0, -30.0, bladder_r, 0.8 * bladder_r) < 0, HU_URINE, hu)
    rectum = sd_ellipse(x, y, 3.0, 48.0, 15.0, 12.0)
    hu = np.where(rectum < 0, 35.0, hu)
    hu = np.where(sd_ellipse(x, y, 6.0, 46.0, 6.0, 4.0) < 0, HU_AIR + 50, hu)
    if z > 30:
        for _ in range(4):
            cx, cy = rng.uniform(-40, 40), rng.uniform(-40, 20)
            loop = sd_ellipse(x, y, cx, cy, rng.uniform(8, 13), rng.uniform(7, 11))
            hu = np.where((loop < 0) & (cavity < 0), 38.0, hu)
            hu = np.where((loop < -5) & (cavity < 0), HU_AIR + 100, hu)
    # Skin and the table: a curved shell under a foam pad.
    hu = np.where((body < 0) & (body > -0.012), 60.0, hu)
    table = sd_ellipse(x, y, 0.0, -468.0, 560.0, 580.0)  # a cradle, 112 mm behind the centre
    outside = (body >= 0) & (np.abs(x) < 190)
    hu = np.where(outside & (table > -8) & (table < -2), -880.0, hu)
    hu = np.where(outside & (table >= -2) & (table < 0.5), 250.0, hu)
    return hu


def ct_bone(x: Array, y: Array, z: float, rng: np.random.Generator) -> tuple[Array, Array]:
    """Bone HU and bone fraction of one slice.

    Parameters
    ----------
    x, y : numpy.ndarray
        Patient coordinates, mm.
    z : float
        Height above the femoral head centres, mm.
    rng : numpy.random.Generator
        For the trabecular texture.

    Returns
    -------
    hu, fraction : numpy.ndarray
        HU of bone where there is bone, and the partial-volume fraction 0..1.
    """
    shape = np.broadcast_shapes(x.shape, y.shape)
    tex = filtered_noise(shape, rng, 1.6 / CT_SPACING * 1.6, 0.7)
    coarse = filtered_noise(shape, rng, 4.0 / CT_SPACING, 0.7)
    hu = np.zeros(shape)
    frac = np.zeros(shape)
    sac = ct_sacrum(x, y, z)
    for side in (-1, 1):
        u = side * x
        ilium = ct_ilium(u, y, z)
        acet = ct_acetabulum(u, y, z)
        pelvis = smin(ilium, acet, 4.0)
        sac = np.maximum(sac, 2.0 - pelvis)  # sacroiliac joint space
        femur, fcortex = ct_femur(u, y, z)
        femur = np.maximum(femur, 2.2 - pelvis)  # hip joint space
        ho = ct_ho(u, y, z, side)
        for sdf, cortex, inner, rim in (
            (pelvis, 1.3, HU_CANCELLOUS, HU_CORTEX),
            (femur, fcortex, HU_CANCELLOUS + 40, HU_CORTEX + 150),
            (ho, 1.2, HU_HO, HU_HO_RIM),
        ):
            hu, frac = paint_bone(hu, frac, sdf, cortex, inner, rim, tex, coarse)
    hu, frac = paint_bone(hu, frac, sac, 1.2, HU_CANCELLOUS - 40, HU_CORTEX - 200, tex, coarse)
    return hu, frac


def paint_bone(
    hu: Array,
    frac: Array,
    sdf: Array,
    cortex: float | Array,
    inner: float,
    rim: float,
    tex: Array,
    coarse: Array,
) -> tuple[Array, Array]:
    """Paint one bone (cortex + cancellous interior) over the bone layers so far.

    Parameters
    ----------
    hu, frac : numpy.ndarray
        Bone HU and partial-volume fraction painted so far.
    sdf : numpy.ndarray
        Signed distance of the new bone, mm.
    cortex : float or numpy.ndarray
        Cortical thickness, mm.
    inner, rim : float
        HU of the cancellous interior and of the cortex.
    tex, coarse : numpy.ndarray
        Unit-variance textures.

    Returns
    -------
    hu, frac : numpy.ndarray
        Updated layers.
    """
    if not np.any(sdf < CT_SPACING):
        return hu, frac
    f = smoothstep(0.5 * CT_SPACING, -0.5 * CT_SPACING, sdf)
    in_cortex = smoothstep(-np.asarray(cortex) - 0.6, -np.asarray(cortex) + 0.6, sdf)
    inside = inner * (1.0 + 0.45 * tex + 0.2 * coarse)
    bone_hu = inside + (rim - inside) * in_cortex
    new_frac = np.maximum(frac, f)
    hu = np.where(f > 0, (hu * frac * (1 - f) + bone_hu * f) / np.maximum(new_frac, 1e-6), hu)
    return hu, new_frac


def make_ct_slice(index: int) -> NDArray[np.int16]:
    """Build one CT slice as stored values (HU + 1024).

    Parameters
    ----------
    index : int
        0-based slice index, head first.

    Returns
    -------
    numpy.ndarray
        (256, 256) int16 stored values.
    """
    z = ct_slice_z(index)
    rng = rng_for(f"ct slice {index}")
    x, y = ct_grid()
    soft = ct_soft_tissue(x, y, z, rng)
    bone, frac = ct_bone(x, y, z, rng)
    hu = soft * (1 - frac) + bone * frac
    hu = gaussian_blur(hu, 0.6)
    noise = gaussian_blur(rng.standard_normal(hu.shape), 0.7)
    hu = hu + 14.0 * noise / noise.std()
    return np.clip(np.round(hu + 1024.0), 0, 4095).astype(np.int16)


# =============================================================================
# DICOM
# =============================================================================


def file_meta(sop_class: str, sop_instance: str) -> FileMetaDataset:
    """Return file meta information for an uncompressed little-endian file.

    Parameters
    ----------
    sop_class, sop_instance : str
        SOP Class and SOP Instance UIDs of the dataset.

    Returns
    -------
    pydicom.dataset.FileMetaDataset
        The file meta (compression later updates the transfer syntax).
    """
    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = sop_class
    meta.MediaStorageSOPInstanceUID = sop_instance
    meta.TransferSyntaxUID = ExplicitVRLittleEndian
    return meta


def set_patient_and_study(ds: Dataset) -> None:
    """Fill in the (synthetic) patient and study attributes shared by all files.

    Parameters
    ----------
    ds : pydicom.dataset.Dataset
        Dataset to fill in.
    """
    ds.SpecificCharacterSet = "ISO_IR 100"
    ds.PatientName = PATIENT_NAME
    ds.PatientID = PATIENT_ID
    ds.PatientBirthDate = ""
    ds.PatientSex = "O"
    ds.PatientComments = "Synthetic phantom, not a real patient (hoview sample data)"
    ds.StudyInstanceUID = fixed_uid("study")
    ds.StudyDate = STUDY_DATE
    ds.StudyTime = STUDY_TIME
    ds.StudyID = "1"
    ds.AccessionNumber = "HOVIEW0001"
    ds.ReferringPhysicianName = ""
    ds.StudyDescription = STUDY_DESCRIPTION
    ds.Manufacturer = "hoview synthetic"
    ds.InstitutionName = "None (synthetic data)"
    ds.ImageComments = "SYNTHETIC IMAGE made by sample_data/make_sample_data.py"


def set_pixels(ds: Dataset, pixels: NDArray[np.integer], bits_stored: int, signed: bool) -> None:
    """Set the Image Pixel module for one greyscale frame.

    Parameters
    ----------
    ds : pydicom.dataset.Dataset
        Dataset to fill in.
    pixels : numpy.ndarray
        (rows, columns) stored values.
    bits_stored : int
        Bits Stored (Bits Allocated is 16).
    signed : bool
        Whether the values are two's complement.
    """
    ds.SamplesPerPixel = 1
    ds.PhotometricInterpretation = "MONOCHROME2"
    ds.Rows, ds.Columns = pixels.shape
    ds.BitsAllocated = 16
    ds.BitsStored = bits_stored
    ds.HighBit = bits_stored - 1
    ds.PixelRepresentation = int(signed)
    ds.PixelData = np.ascontiguousarray(pixels, dtype="<i2" if signed else "<u2").tobytes()


def set_windows(ds: Dataset, windows: Sequence[tuple[float, float, str]]) -> None:
    """Store VOI LUT windows.

    Parameters
    ----------
    ds : pydicom.dataset.Dataset
        Dataset to fill in.
    windows : sequence of (float, float, str)
        (centre, width, explanation) of each window.
    """
    ds.WindowCenter = [f"{c:g}" for c, _, _ in windows]
    ds.WindowWidth = [f"{w:g}" for _, w, _ in windows]
    ds.WindowCenterWidthExplanation = [e for _, _, e in windows]


def code_item(value: str, scheme: str, meaning: str) -> Dataset:
    """Return one code sequence item.

    Parameters
    ----------
    value, scheme, meaning : str
        Code Value, Coding Scheme Designator and Code Meaning.

    Returns
    -------
    pydicom.dataset.Dataset
        The item.
    """
    item = Dataset()
    item.CodeValue = value
    item.CodingSchemeDesignator = scheme
    item.CodeMeaning = meaning
    return item


def dx_dataset(pixels: NDArray[np.uint16]) -> Dataset:
    """Build the DX For Presentation dataset (uncompressed) for the radiograph.

    Parameters
    ----------
    pixels : numpy.ndarray
        12-bit stored values.

    Returns
    -------
    pydicom.dataset.Dataset
        Dataset with file meta, ready to compress and save.
    """
    sop = fixed_uid("dx image")
    ds = Dataset()
    ds.file_meta = file_meta(DigitalXRayImageStorageForPresentation, sop)
    ds.SOPClassUID = DigitalXRayImageStorageForPresentation
    ds.SOPInstanceUID = sop
    set_patient_and_study(ds)
    ds.SeriesInstanceUID = fixed_uid("dx series")
    ds.SeriesNumber = 1
    ds.SeriesDescription = "Pelvis AP supine"
    ds.Modality = "DX"
    ds.PresentationIntentType = "FOR PRESENTATION"
    ds.ImageType = ["ORIGINAL", "PRIMARY"]
    ds.SeriesDate = ds.ContentDate = ds.AcquisitionDate = STUDY_DATE
    ds.SeriesTime, ds.ContentTime, ds.AcquisitionTime = "101700", "101712", "101712"
    ds.InstanceNumber = 1
    ds.AcquisitionNumber = 1
    ds.BodyPartExamined = "PELVIS"
    ds.AnatomicRegionSequence = DicomSequence([code_item("12921003", "SCT", "Pelvis")])
    ds.ViewPosition = "AP"
    ds.ViewCodeSequence = DicomSequence([code_item("399348003", "SCT", "antero-posterior")])
    ds.PatientOrientation = ["L", "F"]
    ds.ImageLaterality = "U"  # the pelvis is an unpaired body part
    ds.AcquisitionContextSequence = DicomSequence([])
    ds.KVP = "75"
    ds.ExposureInuAs = 20000
    ds.DistanceSourceToDetector = "1150"
    ds.DetectorType = "SCINTILLATOR"
    ds.ImagerPixelSpacing = [DX_SPACING, DX_SPACING]
    set_pixels(ds, pixels, DX_BITS, signed=False)
    ds.PixelIntensityRelationship = "LOG"
    ds.PixelIntensityRelationshipSign = -1  # higher values = less X-ray intensity
    ds.RescaleIntercept = "0"
    ds.RescaleSlope = "1"
    ds.RescaleType = "US"
    set_windows(ds, DX_WINDOWS)
    ds.PresentationLUTShape = "IDENTITY"
    ds.LossyImageCompression = "00"
    ds.BurnedInAnnotation = "NO"
    return ds


def ct_dataset(index: int, pixels: NDArray[np.int16]) -> Dataset:
    """Build one CT Image Storage dataset (uncompressed).

    Parameters
    ----------
    index : int
        0-based slice index; InstanceNumber is ``index + 1``.
    pixels : numpy.ndarray
        Stored values (HU + 1024), int16.

    Returns
    -------
    pydicom.dataset.Dataset
        Dataset with file meta.
    """
    sop = fixed_uid(f"ct image {index + 1}")
    ds = Dataset()
    ds.file_meta = file_meta(CTImageStorage, sop)
    ds.SOPClassUID = CTImageStorage
    ds.SOPInstanceUID = sop
    set_patient_and_study(ds)
    ds.SeriesInstanceUID = fixed_uid("ct series")
    ds.SeriesNumber = 2
    ds.SeriesDescription = "Hips axial 3 mm"
    ds.FrameOfReferenceUID = fixed_uid("ct frame of reference")
    ds.PositionReferenceIndicator = ""
    ds.Modality = "CT"
    ds.ImageType = ["ORIGINAL", "PRIMARY", "AXIAL"]
    ds.SeriesDate = ds.ContentDate = ds.AcquisitionDate = STUDY_DATE
    ds.SeriesTime, ds.ContentTime, ds.AcquisitionTime = "103000", "103105", "103100"
    ds.InstanceNumber = index + 1
    ds.AcquisitionNumber = 1
    ds.BodyPartExamined = "PELVIS"
    ds.PatientPosition = "HFS"
    ds.KVP = "120"
    ds.SliceThickness = CT_STEP
    ds.SpacingBetweenSlices = CT_STEP
    ds.ConvolutionKernel = "BONE"
    ds.ReconstructionDiameter = CT_SIZE * CT_SPACING
    z = CT_TABLE_Z + ct_slice_z(index)
    corner = -200.0 + 0.5 * CT_SPACING
    ds.ImagePositionPatient = [corner, corner, z]
    ds.ImageOrientationPatient = [1, 0, 0, 0, 1, 0]
    ds.SliceLocation = z
    ds.PixelSpacing = [CT_SPACING, CT_SPACING]
    set_pixels(ds, pixels, 16, signed=True)
    ds.RescaleIntercept = "-1024"
    ds.RescaleSlope = "1"
    ds.RescaleType = "HU"
    set_windows(ds, CT_WINDOWS)
    return ds


# =============================================================================
# Writing
# =============================================================================


def to_16_bit(stored: NDArray[np.uint16]) -> NDArray[np.uint16]:
    """Scale 12-bit values to the full 16-bit range by bit replication.

    ``v16 = (v << 4) | (v >> 8)``, so 0 -> 0, 4095 -> 65535, and ``v16 >> 4``
    gives back `v` exactly.

    Parameters
    ----------
    stored : numpy.ndarray
        12-bit values.

    Returns
    -------
    numpy.ndarray
        uint16 values.
    """
    v = stored.astype(np.uint16)
    return (v << 4) | (v >> 8)


def write_png(path: Path, stored: NDArray[np.uint16]) -> None:
    """Write the film as a 16-bit greyscale PNG with an sBIT chunk of 12.

    Parameters
    ----------
    path : pathlib.Path
        Output file.
    stored : numpy.ndarray
        12-bit stored values.
    """
    info = PngImagePlugin.PngInfo()
    info.add(b"sBIT", bytes([DX_BITS]))
    info.add_text("Title", "Synthetic AP pelvis radiograph (hoview sample data)")
    info.add_text(
        "Description",
        "Synthetic, no real patient. 12-bit values scaled to 16 bits "
        "by bit replication; 16-bit value >> 4 = DICOM stored value.",
    )
    info.add_text("Software", f"hoview sample_data/make_sample_data.py, seed {SEED}")
    Image.fromarray(to_16_bit(stored)).save(path, pnginfo=info, compress_level=6)


def write_dicom(path: Path, ds: Dataset, syntax: str, plugin: str) -> None:
    """Compress losslessly and save with a valid file meta header.

    Parameters
    ----------
    path : pathlib.Path
        Output file.
    ds : pydicom.dataset.Dataset
        Uncompressed dataset with file meta; it is compressed in place.
    syntax : str
        Lossless transfer syntax UID.
    plugin : str
        pydicom encoding plugin to use (fixed, so the bytes do not depend on
        which plugins happen to be installed).
    """
    ds.compress(syntax, encoding_plugin=plugin, generate_instance_uid=False)
    ds.save_as(path, enforce_file_format=True)


def generate(out: Path, log: Callable[[str], None] = print) -> None:
    """Write all the sample data into a folder.

    Parameters
    ----------
    out : pathlib.Path
        Output folder (created if needed).
    log : callable, optional
        Progress messages go here.
    """
    start = time.perf_counter()
    out.mkdir(parents=True, exist_ok=True)
    film = make_radiograph()
    log(f"radiograph built in {time.perf_counter() - start:.1f} s")
    write_dicom(out / DX_NAME, dx_dataset(film), JPEGLSLossless, "pyjpegls")
    write_png(out / PNG_NAME, film)
    ct_dir = out / CT_DIR
    ct_dir.mkdir(exist_ok=True)
    for index in range(CT_SLICES):
        ds = ct_dataset(index, make_ct_slice(index))
        write_dicom(ct_dir / f"ct_{index + 1:03d}.dcm", ds, RLELossless, "pydicom")
    log(f"all written to {out} in {time.perf_counter() - start:.1f} s")


def prior_dataset(pixels: NDArray[np.uint16]) -> Dataset:
    """Build the prior AP pelvis film: the same patient, another study 3 months earlier.

    Parameters
    ----------
    pixels : numpy.ndarray
        12-bit stored values (`make_radiograph` with ``PRIOR_MATURITY``).

    Returns
    -------
    pydicom.dataset.Dataset
        Dataset with file meta, ready to compress and save.
    """
    ds = dx_dataset(pixels)
    sop = fixed_uid("prior dx image")
    ds.file_meta.MediaStorageSOPInstanceUID = sop
    ds.SOPInstanceUID = sop
    ds.StudyInstanceUID = fixed_uid("prior study")
    ds.SeriesInstanceUID = fixed_uid("prior dx series")
    ds.StudyDate = ds.SeriesDate = ds.ContentDate = ds.AcquisitionDate = PRIOR_DATE
    ds.StudyID = "0"
    ds.AccessionNumber = "HOVIEW0000"
    return ds


def write_prior(path: Path, log: Callable[[str], None] = print) -> None:
    """Write the prior film (JPEG-LS, like the sample film) to ``path``.

    Parameters
    ----------
    path : pathlib.Path
        Output file; its folder is created if needed.
    log : callable, optional
        Progress messages go here.
    """
    start = time.perf_counter()
    path.parent.mkdir(parents=True, exist_ok=True)
    film = make_radiograph(PRIOR_MATURITY)
    write_dicom(path, prior_dataset(film), JPEGLSLossless, "pyjpegls")
    log(f"prior film written to {path} in {time.perf_counter() - start:.1f} s")


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point.

    Parameters
    ----------
    argv : sequence of str, optional
        Arguments (default: ``sys.argv[1:]``).

    Returns
    -------
    int
        Exit status.
    """
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--out",
        type=Path,
        default=Path(__file__).resolve().parent,
        help="output folder (default: the folder of this script)",
    )
    parser.add_argument(
        "--prior",
        type=Path,
        help="write only the prior film (3 months earlier, less ossification) to this file",
    )
    args = parser.parse_args(argv)
    if args.prior is not None:
        write_prior(args.prior)
        return 0
    generate(args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
