"""The sample AP pelvis film reads as normal bone apart from the ossification.

Issue 17: the old film had mottled bowel gas drawn over both iliac wings, dark
patches a radiologist reads as lytic lesions. These tests look at the committed
film's pixels where the generator says the iliac wings and obturator foramina are:

- no dark blob inside the wings (a point darker than everything around it, at the
  scale of small lytic holes up to that of a 4 cm patch);
- a bright cortical rim around each obturator foramen.

The blob check is also run on a copy of the film with a lytic-looking patch pasted in,
so that it is seen to fail on what it is meant to catch.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import numpy as np
import pydicom
import pytest

SAMPLE_DATA = Path(__file__).resolve().parents[2] / "sample_data"
GENERATOR = SAMPLE_DATA / "make_sample_data.py"

#: (smoothing sigma, ring radius) in mm: from pinhole lucencies to a 4 cm patch.
SCALES = ((1.0, 4.0), (1.5, 6.0), (3.0, 12.0), (5.0, 20.0))
#: How far (12-bit stored values) a point may sit below all of its ring before it
#: reads as a hole in the bone. The old film's gas patches went 190-260 below.
MAX_DIP = 120.0


@pytest.fixture(scope="module")
def gen() -> ModuleType:
    spec = importlib.util.spec_from_file_location("sample_generator", GENERATOR)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def film() -> np.ndarray:
    return pydicom.dcmread(SAMPLE_DATA / "pelvis_ap.dcm").pixel_array.astype(float)


@pytest.fixture(scope="module")
def wings(gen) -> np.ndarray:
    return gen.iliac_wing_mask()


def _shift(a: np.ndarray, dr: int, dc: int) -> np.ndarray:
    return np.roll(np.roll(a, -dr, axis=0), -dc, axis=1)


def dip_depth(gen: ModuleType, pixels: np.ndarray, mask: np.ndarray) -> dict[float, float]:
    """Return, per ring radius, how far a masked point sits below its whole ring.

    At each point the smoothed image is compared with the smoothed image at 8 points
    on a ring around it; the point's depth is the smallest of those 8 differences. A
    dark blob is lower than every point of its ring (depth > 0); an edge or a dark
    line is not (its depth is about 0 or negative along the edge or the line).
    """
    px = gen.DX_SPACING
    rows, cols = np.nonzero(mask.any(axis=1))[0], np.nonzero(mask.any(axis=0))[0]
    pad = round(30.0 / px)  # room for the widest ring and its blur
    crop = np.s_[
        max(rows[0] - pad, 0) : rows[-1] + pad + 1, max(cols[0] - pad, 0) : cols[-1] + pad + 1
    ]
    pixels, mask = pixels[crop], mask[crop]
    out = {}
    for sigma, radius in SCALES:
        smooth = gen.gaussian_blur(pixels, sigma / px)
        depth = np.full(pixels.shape, np.inf)
        for k in range(8):
            angle = k * np.pi / 4
            dr = round(radius / px * np.sin(angle))
            dc = round(radius / px * np.cos(angle))
            depth = np.minimum(depth, _shift(smooth, dr, dc) - smooth)
        out[radius] = float(depth[mask].max())
    return out


def test_wing_mask_covers_both_iliac_wings(gen, wings):
    x, _ = gen.film_grid()
    columns = x[0][wings.any(axis=0)]
    area_cm2 = wings.sum() * gen.DX_SPACING**2 / 100
    assert 60 < area_cm2 < 200  # two wings of ~5 x 9 cm each, inset
    assert columns.min() < gen.MID_X - 80 and columns.max() > gen.MID_X + 80


def test_iliac_wings_hold_no_dark_blob(gen, film, wings):
    depths = dip_depth(gen, film, wings)
    assert max(depths.values()) < MAX_DIP, depths


def test_blob_check_catches_a_lytic_looking_patch(gen, film, wings):
    # A 16 mm patch of gas-like lucency with a few holes, in the left wing (image right):
    # about as dark as the old film's gas.
    x, y = gen.film_grid()
    cx, cy = gen.MID_X + 95.0, 70.0
    assert wings[int(cy / gen.DX_SPACING), int(cx / gen.DX_SPACING)]
    r = np.hypot(x - cx, y - cy)
    patch = 200.0 * np.clip((8.0 - r) / 1.5, 0.0, 1.0)
    holes = sum(np.hypot(x - cx - dx, y - cy - dy) < 1.5 for dx, dy in ((3, -2), (-4, 1), (0, 4)))
    damaged = film - patch - 200.0 * holes
    depths = dip_depth(gen, damaged, wings)
    assert max(depths.values()) > MAX_DIP, depths


@pytest.mark.parametrize("side", [-1, 1])
def test_obturator_foramen_has_a_cortical_rim(gen, film, side):
    # Along the foramen's outline, 1 mm inside the bone is brighter than both the
    # foramen 4 mm inside the outline and the ramus 4 mm further out.
    outline = np.array(gen.obturator_outline(side))
    centre = outline.mean(axis=0)
    smooth = gen.gaussian_blur(film, 0.5 / gen.DX_SPACING)

    def sample(offset: float) -> np.ndarray:
        away = outline - centre
        away /= np.hypot(away[:, 0], away[:, 1])[:, None]
        points = (outline + offset * away) / gen.DX_SPACING
        return smooth[points[:, 1].astype(int), points[:, 0].astype(int)]

    rim, hole, bone = sample(1.0), sample(-4.0), sample(5.0)
    assert np.mean(rim > hole + 150) > 0.95
    assert np.mean(rim > bone + 40) > 0.8
