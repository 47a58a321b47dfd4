"""`hoview annotations` gives each ruler's length with its unit and the spacing's source."""

from __future__ import annotations

import json

import numpy as np
import pydicom
import pytest
from PIL import Image

from hoview.cli import main

# 300 columns across and 400 rows down: 500 pixels long
RULER = ("100", "100", "400", "500")


def run(capsys, *args):
    status = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return status, out, err


@pytest.fixture
def film(tmp_path, sample_data_dir):
    """Return a function copying the sample film with its spacing attributes replaced."""

    def make(name: str, **spacing):
        path = tmp_path / name
        ds = pydicom.dcmread(sample_data_dir / "pelvis_ap.dcm")
        for keyword in ("PixelSpacing", "ImagerPixelSpacing"):
            if keyword in ds:
                delattr(ds, keyword)
        for keyword, value in spacing.items():
            setattr(ds, keyword, value)
        ds.SOPInstanceUID = ds.file_meta.MediaStorageSOPInstanceUID = pydicom.uid.generate_uid()
        ds.save_as(path)
        return path

    return make


@pytest.mark.parametrize(
    ("spacing", "length", "unit", "source", "text"),
    [
        # hypot(300 * 0.25, 400 * 0.5) = hypot(75, 200) = 213.60
        ({"PixelSpacing": [0.5, 0.25]}, 213.6, "mm", "pixel-spacing", "213.6 mm"),
        # Pixel Spacing wins over Imager Pixel Spacing and ERMF
        (
            {
                "PixelSpacing": [0.5, 0.25],
                "ImagerPixelSpacing": [0.2, 0.2],
                "EstimatedRadiographicMagnificationFactor": 1.25,
            },
            213.6,
            "mm",
            "pixel-spacing",
            "213.6 mm",
        ),
        # 0.2 / 1.25 = 0.16 mm; 500 * 0.16 = 80.0
        (
            {"ImagerPixelSpacing": [0.2, 0.2], "EstimatedRadiographicMagnificationFactor": 1.25},
            80.0,
            "mm",
            "ermf",
            "80.0 mm",
        ),
        # 500 * 0.2 = 100.0, at the detector
        (
            {"ImagerPixelSpacing": [0.2, 0.2]},
            100.0,
            "mm",
            "imager-pixel-spacing",
            "100.0 mm at detector",
        ),
        ({}, 500.0, "px", "pixels", "500.0 px"),
    ],
)
def test_ruler_length_unit_and_source(capsys, film, spacing, length, unit, source, text):
    path = film("film.dcm", **spacing)
    assert run(capsys, "annotate", path, "--ruler", *RULER)[0] == 0
    status, out, _ = run(capsys, "annotations", path, "--json")
    assert status == 0
    summary = json.loads(out)
    (ruler,) = summary["annotations"]
    assert round(ruler["length"], 1) == length
    assert (ruler["unit"], ruler["source"]) == (unit, source)
    assert summary["spacing"]["source"] == source
    status, out, _ = run(capsys, "annotations", path)
    assert status == 0 and f"  {text}" in out
    if text.endswith("mm"):
        assert "at detector" not in out


def test_calibration_type_is_reported(capsys, film):
    path = film("film.dcm", PixelSpacing=[0.1, 0.1], PixelSpacingCalibrationType="FIDUCIAL")
    run(capsys, "annotate", path, "--ruler", *RULER)
    summary = json.loads(run(capsys, "annotations", path, "--json")[1])
    assert summary["spacing"] == {
        "row_mm": 0.1,
        "column_mm": 0.1,
        "source": "pixel-spacing",
        "calibration_type": "FIDUCIAL",
    }
    assert round(summary["annotations"][0]["length"], 1) == 50.0


def test_a_bare_sidecar_has_no_spacing(capsys, film):
    path = film("film.dcm", PixelSpacing=[0.5, 0.5])
    run(capsys, "annotate", path, "--ruler", *RULER)
    sidecar = path.with_name(path.name + ".hoview.json")
    summary = json.loads(run(capsys, "annotations", sidecar, "--json")[1])
    assert summary["annotations"][0]["source"] == "pixels"
    assert summary["annotations"][0]["unit"] == "px"


def test_the_export_says_at_detector_too(capsys, film, tmp_path):
    """``render`` paints through the same painter: only the unit's words differ."""
    pictures = []
    for name, spacing in (("ips.dcm", "ImagerPixelSpacing"), ("ps.dcm", "PixelSpacing")):
        path = film(name, **{spacing: [0.2, 0.2]})
        run(capsys, "annotate", path, "--ruler", "100", "1000", "1900", "1000")
        assert run(capsys, "render", path, "-o", tmp_path / f"{name}.png")[0] == 0
        pictures.append(np.asarray(Image.open(tmp_path / f"{name}.png").convert("L")).astype(int))
    at_detector, in_patient = pictures
    assert at_detector.shape == in_patient.shape
    differs = np.nonzero((at_detector != in_patient).any(axis=0))[0]
    assert differs.size > 0  # the label differs, and nothing far from the ruler's middle
    assert differs.min() > 500 and differs.max() < 1500
