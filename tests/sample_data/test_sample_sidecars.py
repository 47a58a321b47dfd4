"""The sample study's sidecars: they belong to their images and point at the finding."""

from __future__ import annotations

import math
import os
import shutil
import subprocess
import sys

import numpy as np
import pytest

from hoview.annotations import Arrow, load, locate
from hoview.sources.opening import open_image

FILMS = ("pelvis_ap.dcm", "pelvis_ap.png")
CT_SLICES = ("ct_hips/ct_010.dcm", "ct_hips/ct_017.dcm", "ct_hips/ct_019.dcm")


def _value(pixels: np.ndarray, x: float, y: float) -> float:
    return float(pixels[int(y), int(x)])


@pytest.mark.parametrize("name", FILMS)
def test_film_has_one_labelled_arrow_per_hip(sample_data_dir, name):
    image = open_image(sample_data_dir / name)
    assert locate(image.path, image.identity) == sample_data_dir / f"{name}.hoview.json"
    document = load(image.path, image.identity)
    arrows = [a for a in document.annotations if isinstance(a, Arrow)]
    assert sorted(a.finding.laterality for a in arrows) == ["L", "R"]
    assert all(a.finding.finding == "heterotopic ossification" for a in arrows)
    assert all(a.label == "HO" and a.author for a in arrows)
    assert {a.finding.grade for a in arrows} == {"Brooker II", "Brooker III"}
    pixels = image.pixels(1)
    for arrow in arrows:
        # The head is on the finding: just ahead of the tip it is bone (bright),
        # brighter than the soft tissue the arrow starts from.
        (tx, ty), (hx, hy) = arrow.tail, arrow.head
        length = math.hypot(hx - tx, hy - ty)
        ux, uy = (hx - tx) / length, (hy - ty) / length
        ahead = np.median([_value(pixels, hx + ux * d, hy + uy * d) for d in range(4, 30, 3)])
        start = np.median([_value(pixels, tx + ux * d, ty + uy * d) for d in range(0, 30, 3)])
        assert ahead > start * 1.1, (arrow.id, ahead, start)


@pytest.mark.parametrize("name", CT_SLICES)
def test_ct_slices_point_at_heterotopic_bone(sample_data_dir, name):
    image = open_image(sample_data_dir / name)
    document = load(image.path, image.identity)
    assert document.annotations
    pixels = image.pixels(1).astype(float) * image.attributes.rescale_slope
    pixels += image.attributes.rescale_intercept
    for arrow in document.annotations:
        hx, hy = arrow.head
        around = pixels[int(hy) - 3 : int(hy) + 6, int(hx) - 4 : int(hx) + 5]
        assert around.max() > 250, f"{name} {arrow.id}: no bone at the head ({around.max()} HU)"


def test_sidecars_are_remade_identically(sample_data_dir, tmp_path):
    out = tmp_path / "sample"
    (out / "ct_hips").mkdir(parents=True)
    for name in FILMS + CT_SLICES:
        shutil.copy(sample_data_dir / name, out / name)
    subprocess.run(
        [sys.executable, str(sample_data_dir / "make_sample_sidecars.py"), "--out", str(out)],
        check=True,
        capture_output=True,
        timeout=120,
        env={**os.environ, "PYTHONPATH": str(sample_data_dir.parent)},
    )
    for name in FILMS + CT_SLICES:
        fresh = (out / f"{name}.hoview.json").read_bytes()
        assert fresh == (sample_data_dir / f"{name}.hoview.json").read_bytes(), name
