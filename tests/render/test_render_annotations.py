"""hoview annotate, annotations, render: arrows land where they were put."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pytest
from PIL import Image

from hoview.cli import main

PELVIS = "pelvis_ap.dcm"


@pytest.fixture
def film(tmp_path, sample_data_dir):
    path = tmp_path / PELVIS
    shutil.copy(sample_data_dir / PELVIS, path)
    return path


def run(capsys, *args):
    status = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return status, out, err


def rgb(path) -> np.ndarray:
    return np.asarray(Image.open(path).convert("RGB")).astype(int)


def test_annotate_then_render_shows_the_arrow_only_near_it(capsys, film, tmp_path):
    status, out, err = run(
        capsys,
        "annotate",
        film,
        "--arrow",
        "400",
        "300",
        "700",
        "600",
        "--label",
        "HO",
        "--finding",
        "heterotopic ossification",
        "--laterality",
        "R",
        "--grade",
        "Brooker III",
    )
    assert status == 0, err
    sidecar = film.with_name(film.name + ".hoview.json")
    assert f"to {sidecar}" in out
    data = json.loads(sidecar.read_text())
    (arrow,) = data["annotations"]
    assert arrow["points"] == [[400.0, 300.0], [700.0, 600.0]]
    assert arrow["finding"]["grade"] == "Brooker III"

    assert run(capsys, "render", film, "-o", tmp_path / "with.png")[0] == 0
    assert run(capsys, "render", film, "-o", tmp_path / "without.png", "--no-annotations")[0] == 0
    changed = np.abs(rgb(tmp_path / "with.png") - rgb(tmp_path / "without.png")).sum(axis=2) > 0
    rows, cols = np.nonzero(changed)
    assert changed.sum() > 500
    # Everything that changed is around the arrow (x 400..700, y 300..600) or its label,
    # which sits beyond the tail, up and to the left.
    assert cols.min() > 250 and cols.max() < 730
    assert rows.min() > 150 and rows.max() < 630
    # The head's tip is on the finding: pixels right at (700, 600)'s lead-in are white.
    assert rgb(tmp_path / "with.png")[596, 696].min() > 240


def test_layers_choose_what_render_draws(capsys, film, tmp_path):
    run(capsys, "annotate", film, "--arrow", "400", "300", "700", "600")
    run(
        capsys, "annotate", film, "--ruler", "100", "1500", "900", "1500", "--layer", "Measurements"
    )
    status, out, _ = run(capsys, "annotations", film, "--json")
    summary = json.loads(out)
    (ruler,) = [a for a in summary["annotations"] if a["kind"] == "ruler"]
    assert ruler["unit"] == "mm" and ruler["length"] == pytest.approx(800 * 0.2)
    run(capsys, "render", film, "-o", tmp_path / "all.png")
    run(capsys, "render", film, "-o", tmp_path / "ruler.png", "--layer", "measurements")
    run(capsys, "render", film, "-o", tmp_path / "plain.png", "--no-annotations")
    plain, ruler_only, every = (rgb(tmp_path / n) for n in ("plain.png", "ruler.png", "all.png"))
    assert np.array_equal(ruler_only[200:700, 300:800], plain[200:700, 300:800])  # no arrow
    assert not np.array_equal(every[200:700, 300:800], plain[200:700, 300:800])
    assert not np.array_equal(ruler_only[1400:1600], plain[1400:1600])  # the ruler
    status, _, err = run(capsys, "render", film, "-o", tmp_path / "x.png", "--layer", "nope")
    assert status == 1 and "no layer named 'nope'" in err


def test_a_corrupt_sidecar_is_an_error_and_stays_untouched(capsys, film, tmp_path):
    sidecar = film.with_name(film.name + ".hoview.json")
    sidecar.write_bytes(b'{"format": "hoview.annotations", "version": 1, "layers": [')
    before = sidecar.read_bytes()
    status, _, err = run(capsys, "render", film, "-o", tmp_path / "x.png")
    assert status == 1
    assert err.startswith(f"hoview: error: {sidecar}: ") and "line 1" in err
    status, _, err = run(capsys, "annotate", film, "--arrow", "1", "1", "50", "50")
    assert status == 1 and err.count("\n") == 1
    status, _, err = run(capsys, "annotations", film)
    assert status == 1
    assert sidecar.read_bytes() == before
    # The plain film still renders.
    assert run(capsys, "render", film, "-o", tmp_path / "plain.png", "--no-annotations")[0] == 0


def test_annotate_refuses_points_outside_the_image(capsys, film):
    status, _, err = run(capsys, "annotate", film, "--arrow", "10", "10", "99999", "10")
    assert status == 1
    assert err.startswith(f"hoview: error: {film}: ") and "outside the 2000 x 1700 image" in err
    assert not film.with_name(film.name + ".hoview.json").exists()


def test_annotate_usage_errors(capsys, film):
    with pytest.raises(SystemExit) as exc:
        main(["annotate", str(film)])  # no shape
    assert exc.value.code == 2
    with pytest.raises(SystemExit) as exc:
        main(["annotate", str(film), "--arrow", "1", "1", "2", "2", "--grade", "II"])
    assert exc.value.code == 2
