"""The command line: info and render, exit codes, one-line errors."""

from __future__ import annotations

import json
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pydicom
import pytest
from PIL import Image

from hoview.cli import main
from hoview.display.pipeline import to_display
from hoview.sources.opening import open_image

ALL_DICOM = sorted(
    p.name for p in (Path(pydicom.__file__).parent / "data" / "test_files").glob("*.dcm")
)


def run(capsys, *args):
    status = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return status, out, err


def assert_one_line_error(err: str, path) -> None:
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith(f"hoview: error: {path}: "), lines[0]
    assert "Traceback" not in err


def test_info_json_describes_a_ct(capsys, pydicom_files):
    status, out, _ = run(capsys, "info", pydicom_files / "CT_small.dcm", "--json")
    assert status == 0
    info = json.loads(out)
    (study,) = info["studies"]
    (series,) = study["series"]
    (image,) = series["images"]
    assert series["modality"] == "CT" and series["frames"] == 1
    assert (image["columns"], image["rows"]) == (128, 128)
    assert image["rescale"]["units"] == "HU"
    assert image["transfer_syntax"]["name"] == "Explicit VR Little Endian"
    assert "patient_name" not in image["metadata"]  # identifiers hidden unless asked


def test_info_hides_identifiers_unless_asked(capsys, pydicom_files):
    name = str(pydicom.dcmread(pydicom_files / "CT_small.dcm").PatientName)
    _, hidden, _ = run(capsys, "info", pydicom_files / "CT_small.dcm", "--json")
    _, shown, _ = run(
        capsys, "info", pydicom_files / "CT_small.dcm", "--json", "--show-identifiers"
    )
    assert name not in hidden and name in shown


def test_info_text(capsys, pydicom_files):
    status, out, _ = run(capsys, "info", pydicom_files / "examples_overlay.dcm")
    assert status == 0
    assert "484 x 300" in out and "windows (centre/width)" in out and "overlays: 1" in out


def test_render_native_size_is_the_default_pipeline(capsys, pydicom_files, tmp_path):
    out = tmp_path / "ct.png"
    status, _, err = run(capsys, "render", pydicom_files / "CT_small.dcm", "-o", out)
    assert status == 0, err
    png = np.asarray(Image.open(out))
    image = open_image(pydicom_files / "CT_small.dcm")
    np.testing.assert_array_equal(png, to_display(image.pixels(1), image.attributes))
    assert Image.open(out).mode == "L"


def test_render_window_scale_and_frame(capsys, pydicom_files, tmp_path):
    out = tmp_path / "dose.png"
    status, _, err = run(capsys, "render", pydicom_files / "rtdose.dcm", "-o", out, "--frame", "15")
    assert status == 0, err
    out2 = tmp_path / "ct.tif"
    status, _, _ = run(
        capsys,
        "render",
        pydicom_files / "CT_small.dcm",
        "-o",
        out2,
        "--window",
        "40",
        "400",
        "--scale",
        "0.5",
    )
    assert status == 0
    assert Image.open(out2).size == (64, 64)
    narrow = np.asarray(Image.open(out2))
    assert narrow.min() == 0 and narrow.max() == 255  # a soft-tissue window clips both ends


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("MR_truncated.dcm", "pixel data is truncated"),
        ("rtplan.dcm", "DICOM file has no pixel data"),
        ("no_meta.dcm", "not a DICOM file"),
    ],
)
def test_render_bad_input_exits_1_with_one_line(capsys, pydicom_files, tmp_path, name, message):
    status, _, err = run(capsys, "render", pydicom_files / name, "-o", tmp_path / "x.png")
    assert status == 1
    assert_one_line_error(err, pydicom_files / name)
    assert message in err
    assert not (tmp_path / "x.png").exists()


def test_frame_out_of_range(capsys, pydicom_files, tmp_path):
    status, _, err = run(
        capsys, "render", pydicom_files / "CT_small.dcm", "-o", tmp_path / "x.png", "--frame", "3"
    )
    assert status == 1
    assert_one_line_error(err, pydicom_files / "CT_small.dcm")
    assert "frame 3 is out of range" in err


def test_unknown_output_format(capsys, pydicom_files, tmp_path):
    status, _, err = run(capsys, "render", pydicom_files / "CT_small.dcm", "-o", tmp_path / "x.xyz")
    assert status == 1
    assert_one_line_error(err, tmp_path / "x.xyz")


@pytest.mark.parametrize(
    "args",
    [
        ["render", "x.dcm"],  # no -o
        ["render", "x.dcm", "-o", "y.png", "--frame", "0"],
        ["render", "x.dcm", "-o", "y.png", "--window", "40", "0"],
        ["render", "x.dcm", "-o", "y.png", "--scale", "-1"],
        ["info"],
    ],
)
def test_usage_errors_exit_2(args):
    with pytest.raises(SystemExit) as exc:
        main(args)
    assert exc.value.code == 2


def test_as_a_real_process(pydicom_files, tmp_path):
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "hoview",
            "render",
            str(pydicom_files / "MR_truncated.dcm"),
            "-o",
            str(tmp_path / "x.png"),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1
    assert done.stderr.startswith("hoview: error: ") and done.stderr.count("\n") == 1


@pytest.mark.parametrize("name", ALL_DICOM)
def test_render_every_pydicom_file(capsys, pydicom_files, tmp_path, name):
    """Each file renders to the default pipeline's picture, or fails with one clear line."""
    path = pydicom_files / name
    out = tmp_path / "out.png"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        status, _, err = run(capsys, "render", path, "-o", out)
    if status == 1:
        assert_one_line_error(err, path)
        assert not out.exists()
        return
    assert status == 0, err
    image = open_image(path)
    png = np.asarray(Image.open(out))
    np.testing.assert_array_equal(png, to_display(image.pixels(1), image.attributes))


def test_render_gif_names_every_allowed_format(capsys, pydicom_files, tmp_path):
    status, _, err = run(capsys, "render", pydicom_files / "CT_small.dcm", "-o", tmp_path / "x.gif")
    assert status == 1
    assert_one_line_error(err, tmp_path / "x.gif")
    assert "'.gif'" in err
    for ending in (".png", ".jpg", ".tif", ".bmp", ".dcm"):
        assert ending in err
    assert ".pdf" not in err  # render writes no PDF; montage does


def test_montage_gif_names_pdf(capsys, pydicom_files, tmp_path):
    status, _, err = run(
        capsys, "montage", pydicom_files / "CT_small.dcm", "-o", tmp_path / "x.gif"
    )
    assert status == 1
    assert_one_line_error(err, tmp_path / "x.gif")
    assert ".png" in err and ".pdf" in err and ".dcm" not in err


def test_annotations_text_names_each_annotations_layer(capsys, pydicom_files, tmp_path):
    film = tmp_path / "ct.dcm"
    film.write_bytes((pydicom_files / "CT_small.dcm").read_bytes())
    for layer, label in (("Findings", "first"), ("Teaching", "second")):
        status, _, err = run(
            capsys, "annotate", film, "--arrow", 10, 10, 60, 60, "--label", label, "--layer", layer
        )
        assert status == 0, err
    status, out, err = run(capsys, "annotations", film)
    assert status == 0, err
    lines = {line.split("'")[-2]: line for line in out.splitlines() if line.startswith("  ")}
    assert "layer 'Findings'" in lines["first"]
    assert "layer 'Teaching'" in lines["second"]
    assert "layer 'Teaching'" not in lines["first"]


def test_annotate_says_added_the_same_way_for_every_kind(capsys, pydicom_files, tmp_path):
    film = tmp_path / "ct.dcm"
    film.write_bytes((pydicom_files / "CT_small.dcm").read_bytes())
    said = []
    for option in ("--arrow", "--ruler"):
        status, out, err = run(capsys, "annotate", film, option, 10, 10, 60, 60)
        assert status == 0, err
        said.append(out.split()[:2])
    assert said == [["added", "arrow"], ["added", "ruler"]]
