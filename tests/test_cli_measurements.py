"""`hoview annotate --angle/--cobb/--gap/--calibrate` and what `hoview annotations --json` reports.

Every value here is computed by hand in the comments and checked to 0.1 mm and 0.1 degree.
"""

from __future__ import annotations

import json
import shutil

import pydicom
import pytest

from hoview.cli import main


def run(capsys, *args):
    status = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return status, out, err


def listing(capsys, path):
    status, out, err = run(capsys, "annotations", path, "--json")
    assert status == 0, err
    return json.loads(out)


@pytest.fixture
def film(tmp_path, sample_data_dir):
    """The sample DICOM film with Pixel Spacing 0.25 mm (rows) x 0.5 mm (columns)."""
    path = tmp_path / "film.dcm"
    ds = pydicom.dcmread(sample_data_dir / "pelvis_ap.dcm")
    for keyword in ("ImagerPixelSpacing", "EstimatedRadiographicMagnificationFactor"):
        if keyword in ds:
            delattr(ds, keyword)
    ds.PixelSpacing = [0.25, 0.5]
    ds.save_as(path)
    return path


@pytest.fixture
def raster(tmp_path, sample_data_dir):
    path = tmp_path / "film.png"
    shutil.copy(sample_data_dir / "pelvis_ap.png", path)
    return path


def test_an_angle_in_degrees_in_the_patient(capsys, film):
    # Arms from (500, 500): (+100 px, 0) = (50 mm, 0) and (0, -100 px) = (0, -25 mm): 90.0.
    status, out, _ = run(capsys, "annotate", film, "--angle", 600, 500, 500, 500, 500, 400)
    assert status == 0 and out.startswith("added angle ")
    # (100 px, 100 px) = (50 mm, 25 mm) against (100 px, 0): atan(25 / 50) = 26.565 degrees.
    run(capsys, "annotate", film, "--angle", 600, 600, 500, 500, 600, 500)
    items = listing(capsys, film)["annotations"]
    assert [(a["kind"], round(a["angle"], 1), a["unit"]) for a in items] == [
        ("angle", 90.0, "deg"),
        ("angle", 26.6, "deg"),
    ]
    assert items[1]["value_text"] == "26.6°"
    assert items[1]["points"] == [[600.0, 600.0], [500.0, 500.0], [600.0, 500.0]]


def test_a_cobb_angle(capsys, film):
    # Line 1 along the columns; line 2 rises 100 px (25 mm) over 100 px (50 mm): 26.6 degrees.
    status, _, _ = run(capsys, "annotate", film, "--cobb", 100, 100, 300, 100, 100, 400, 200, 300)
    assert status == 0
    (item,) = listing(capsys, film)["annotations"]
    assert (item["kind"], round(item["angle"], 1)) == ("cobb", 26.6)


def test_a_gap_for_an_arrow_suggests_the_brooker_grade(capsys, film):
    run(
        capsys, "annotate", film, "--arrow", 300, 300, 400, 400, "--label", "HO",
        "--finding", "heterotopic ossification", "--laterality", "R", "--grade", "Brooker II",
    )  # fmt: skip
    (arrow,) = listing(capsys, film)["annotations"]
    # 36 rows apart at 0.25 mm: 9.0 mm, less than 10 mm: Brooker III.
    status, out, err = run(
        capsys, "annotate", film, "--gap", 420, 400, 420, 436, "--gap-for", arrow["id"]
    )
    assert status == 0, err
    data = listing(capsys, film)
    arrow, gap = data["annotations"]
    assert (gap["kind"], round(gap["length"], 1), gap["unit"], gap["source"]) == (
        "gap",
        9.0,
        "mm",
        "pixel-spacing",
    )
    assert gap["arrow"] == arrow["id"] and gap["layer"] == arrow["layer"]
    assert arrow["finding"]["grade"] == "Brooker II"  # the reader's, untouched
    assert arrow["finding"]["suggested_grade"] == "Brooker III"
    # A second, bridging gap makes it IV.
    run(
        capsys,
        "annotate",
        film,
        "--gap",
        430,
        400,
        430,
        410,
        "--gap-for",
        arrow["id"],
        "--bridging",
    )
    arrow, _, bridge = listing(capsys, film)["annotations"]
    assert (bridge["length"], bridge["bridging"], bridge["value_text"]) == (0.0, True, "bridging")
    assert arrow["finding"]["suggested_grade"] == "Brooker IV"
    _, text, _ = run(capsys, "annotations", film)
    assert "suggested Brooker IV" in text


def test_a_gap_of_10_mm_is_brooker_ii(capsys, film):
    run(
        capsys,
        "annotate",
        film,
        "--arrow",
        300,
        300,
        400,
        400,
        "--finding",
        "heterotopic ossification",
    )
    (arrow,) = listing(capsys, film)["annotations"]
    # 20 columns apart at 0.5 mm: exactly 10.0 mm.
    run(capsys, "annotate", film, "--gap", 400, 400, 420, 400, "--gap-for", arrow["id"])
    arrow, gap = listing(capsys, film)["annotations"]
    assert round(gap["length"], 1) == 10.0
    assert arrow["finding"]["suggested_grade"] == "Brooker II"


@pytest.mark.parametrize(
    ("arrow_args", "message"),
    [
        (("--finding", "fracture"), "not heterotopic ossification"),
        (("--layer", "Other"), None),
    ],
)
def test_a_gap_for_the_wrong_arrow_is_a_clear_error(capsys, film, arrow_args, message):
    run(capsys, "annotate", film, "--arrow", 300, 300, 400, 400, *arrow_args)
    (arrow,) = listing(capsys, film)["annotations"]
    if message is None:  # a gap follows its arrow's layer unless told otherwise
        status, _, err = run(
            capsys,
            "annotate",
            film,
            "--gap",
            1,
            1,
            5,
            5,
            "--gap-for",
            arrow["id"],
            "--layer",
            "Findings",
        )
        message = "another layer"
    else:
        status, _, err = run(
            capsys, "annotate", film, "--gap", 1, 1, 5, 5, "--gap-for", arrow["id"]
        )
    assert status == 1
    assert err.startswith(f"hoview: error: {film}: ") and message in err
    assert err.count("\n") == 1
    assert len(listing(capsys, film)["annotations"]) == 1


def test_a_gap_for_a_missing_arrow(capsys, film):
    status, _, err = run(capsys, "annotate", film, "--gap", 1, 1, 5, 5, "--gap-for", "nope")
    assert status == 1 and "there is no annotation 'nope'" in err


def test_gap_options_without_a_gap_are_a_usage_error(capsys, film):
    with pytest.raises(SystemExit) as info:
        main(["annotate", str(film), "--ruler", "1", "1", "5", "5", "--bridging"])
    assert info.value.code == 2


def test_a_raster_film_has_no_spacing_until_calibrated(capsys, raster):
    # A ruler of 30 x 40 = 50 px.
    run(capsys, "annotate", raster, "--ruler", 100, 100, 130, 140)
    (ruler,) = listing(capsys, raster)["annotations"]
    assert (ruler["length"], ruler["unit"], ruler["source"]) == (50.0, "px", "pixels")
    # 200 px across is 50 mm: 0.25 mm a pixel, so the ruler is 12.5 mm.
    status, out, err = run(capsys, "annotate", raster, "--calibrate", 100, 200, 300, 200, 50)
    assert status == 0, err
    assert "0.25 mm per pixel" in out
    data = listing(capsys, raster)
    (ruler,) = data["annotations"]
    assert (ruler["length"], ruler["unit"], ruler["source"]) == (12.5, "mm", "user-calibration")
    assert ruler["value_text"] == "12.5 mm calibrated"
    assert data["spacing"]["source"] == "user-calibration"
    assert data["spacing"]["calibration"]["length_mm"] == 50.0
    assert data["spacing"]["calibration"]["points"] == [[100.0, 200.0], [300.0, 200.0]]
    sidecar = json.loads(raster.with_name("film.png.hoview.json").read_text())
    assert sidecar["version"] == 2 and sidecar["calibration"]["date"].endswith("Z")
    _, text, _ = run(capsys, "annotations", raster)
    assert "calibrated: (100, 200) to (300, 200) is 50 mm" in text
    assert "12.5 mm calibrated" in text


def test_a_calibration_overrides_the_files_spacing_and_updates_suggestions(capsys, film):
    run(
        capsys,
        "annotate",
        film,
        "--arrow",
        300,
        300,
        400,
        400,
        "--finding",
        "heterotopic ossification",
    )
    (arrow,) = listing(capsys, film)["annotations"]
    # 40 px: 10 mm along the columns at 0.5 mm: Brooker II.
    run(capsys, "annotate", film, "--gap", 400, 400, 440, 400, "--gap-for", arrow["id"])
    assert listing(capsys, film)["annotations"][0]["finding"]["suggested_grade"] == "Brooker II"
    # Calibrated: 100 px is 20 mm, 0.2 mm a pixel; the gap is 8.0 mm: Brooker III.
    run(capsys, "annotate", film, "--calibrate", 0, 0, 100, 0, 20)
    arrow, gap = listing(capsys, film)["annotations"]
    assert (round(gap["length"], 1), gap["source"]) == (8.0, "user-calibration")
    assert arrow["finding"]["suggested_grade"] == "Brooker III"


def test_a_bad_calibration_is_one_line(capsys, raster):
    status, _, err = run(capsys, "annotate", raster, "--calibrate", 10, 10, 10, 10, 5)
    assert status == 1
    assert "calibration.points" in err and err.count("\n") == 1
    status, _, err = run(capsys, "annotate", raster, "--calibrate", 10, 10, 90, 10, 0)
    assert status == 1 and "length_mm" in err
    assert not raster.with_name("film.png.hoview.json").exists()


def test_info_says_the_film_is_calibrated(capsys, raster):
    run(capsys, "annotate", raster, "--calibrate", 100, 200, 300, 200, 50)
    status, out, _ = run(capsys, "info", raster)
    assert status == 0
    assert "calibrated: 0.25 mm per pixel" in out
    status, out, _ = run(capsys, "info", raster, "--json")
    assert "0.25" in out and "calibration_mm_per_pixel" in out
