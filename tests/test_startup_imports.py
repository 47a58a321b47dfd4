"""The command line starts like a small tool: it imports only what the command needs.

Each check runs ``hoview.cli.main`` in a fresh interpreter and looks at ``sys.modules``
afterwards (this test process has Qt and pydicom loaded already, so it cannot tell).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

REPO = Path(__file__).resolve().parent.parent

QT = ("PySide6", "shiboken6")
#: Packages a plain render or ``info`` never uses: the network stack, DICOMweb, GDCM
#: (run in a child process when needed), the annotation model.
UNUSED = ("requests", "urllib3", "dicomweb_client", "gdcm", "_gdcm", "jsonschema")


def _run_main(args: list[str], tmp_path: Path) -> tuple[int, set[str]]:
    """Run ``main(args)`` in a new interpreter; return its status and top-level modules."""
    code = (
        "import json, sys\n"
        "from hoview.cli import main\n"
        "try:\n"
        f"    status = main({args!r})\n"
        "except SystemExit as exc:\n"
        "    status = exc.code\n"
        "sys.stdout.flush()\n"
        "print('\\nMODULES ' + json.dumps(sorted(sys.modules)))\n"
        "print('STATUS ' + json.dumps(status))\n"
    )
    env = {"HOVIEW_DATA_DIR": str(tmp_path / "data"), "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=REPO,
        env={**_base_env(), **env},
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    modules = json.loads(next(ln for ln in lines if ln.startswith("MODULES "))[8:])
    status = json.loads(next(ln for ln in lines if ln.startswith("STATUS "))[7:])
    return status, set(modules)


def _base_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k != "QT_QPA_PLATFORM"}


def _top(modules: set[str]) -> set[str]:
    return {name.split(".")[0] for name in modules}


@pytest.mark.parametrize(
    "args", [["--help"], ["render", "--help"], ["info", "--help"], ["--version"]]
)
def test_help_imports_no_numpy_pydicom_or_qt(args, tmp_path):
    status, modules = _run_main(args, tmp_path)
    assert status == 0
    assert not _top(modules) & {"numpy", "pydicom", "PIL", *QT, *UNUSED}


def _ct(path: Path) -> Path:
    """A small signed CT slice (rescale -1024, two windows), as a scanner writes it."""
    from pydicom.dataset import Dataset, FileMetaDataset
    from pydicom.uid import CTImageStorage, ExplicitVRLittleEndian

    rng = np.random.default_rng(3)
    ds = Dataset()
    ds.file_meta = FileMetaDataset()
    ds.file_meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds.file_meta.MediaStorageSOPClassUID = CTImageStorage
    ds.file_meta.MediaStorageSOPInstanceUID = "2.25.1515"
    ds.SOPClassUID, ds.SOPInstanceUID = CTImageStorage, "2.25.1515"
    ds.Modality = "CT"
    ds.Rows = ds.Columns = 96
    ds.SamplesPerPixel = 1
    ds.PhotometricInterpretation = "MONOCHROME2"
    ds.BitsAllocated = ds.BitsStored = 16
    ds.HighBit = 15
    ds.PixelRepresentation = 1
    ds.RescaleIntercept, ds.RescaleSlope = "-1024", "1"
    ds.WindowCenter, ds.WindowWidth = ["40", "400"], ["400", "1800"]
    ds.PixelData = rng.integers(-200, 3000, (96, 96)).astype("<i2").tobytes()
    ds.save_as(path, enforce_file_format=True)
    return path


def test_plain_render_loads_no_qt_no_network_no_gdcm(tmp_path):
    ct = _ct(tmp_path / "ct.dcm")
    out = tmp_path / "ct.png"
    args = ["render", str(ct), "-o", str(out), "--no-annotations", "--window", "40", "400"]
    status, modules = _run_main(args, tmp_path)
    assert status == 0
    assert Image.open(out).size == (96, 96)
    assert "pydicom" in _top(modules)  # the check can fail: this one did load pydicom
    assert not _top(modules) & {*QT, *UNUSED}
    assert "hoview.annotations.model" not in modules


def test_render_of_an_image_without_a_sidecar_loads_no_qt(tmp_path):
    ct = _ct(tmp_path / "ct.dcm")
    status, modules = _run_main(["render", str(ct), "-o", str(tmp_path / "ct.png")], tmp_path)
    assert status == 0
    assert not _top(modules) & {*QT, *UNUSED}


def test_render_with_arrows_still_paints_them_with_qt(tmp_path, sample_data_dir):
    film, out, plain = sample_data_dir / "pelvis_ap.dcm", tmp_path / "film.png", tmp_path / "p.png"
    status, modules = _run_main(["render", str(film), "-o", str(out)], tmp_path)
    assert status == 0
    assert "PySide6" in _top(modules)  # the sample's sidecar holds arrows: Qt draws them
    status, modules = _run_main(
        ["render", str(film), "-o", str(plain), "--no-annotations"], tmp_path
    )
    assert status == 0
    assert "PySide6" not in _top(modules)
    with_arrows, without = np.asarray(Image.open(out)), np.asarray(Image.open(plain))
    assert with_arrows.shape[:2] == without.shape[:2]
    assert not np.array_equal(with_arrows, without)


def test_info_loads_no_qt_no_network_no_gdcm(tmp_path):
    ct = _ct(tmp_path / "ct.dcm")
    status, modules = _run_main(["info", str(ct), "--json"], tmp_path)
    assert status == 0
    assert "pydicom" in _top(modules)
    assert not _top(modules) & {*QT, *UNUSED} - {"jsonschema"}


def test_a_file_only_gdcm_reads_still_renders_from_the_command_line(tmp_path, pydicom_files):
    """GDCM is hidden from pydicom's import only; the fallback's child still runs it."""
    out = tmp_path / "lossy.png"
    path = pydicom_files / "JPEG-lossy.dcm"  # 12-bit lossy JPEG: libjpeg refuses it
    args = ["render", str(path), "-o", str(out), "--no-annotations"]
    status, modules = _run_main(args, tmp_path)
    assert status == 0
    from hoview.render.commands import render_to_file

    here = tmp_path / "here.png"  # this process imported pydicom with GDCM available
    render_to_file(path, here, annotations=False)
    np.testing.assert_array_equal(np.asarray(Image.open(out)), np.asarray(Image.open(here)))


def test_hidden_packages_import_normally_afterwards(tmp_path):
    code = (
        "import sys\n"
        "from hoview.lean_pydicom import import_pydicom\n"
        "import_pydicom()\n"
        "assert 'pydicom' in sys.modules\n"
        "assert 'requests' not in sys.modules and 'gdcm' not in sys.modules\n"
        "import requests, gdcm\n"
        "print(requests.Session.__name__, gdcm.Version.GetVersion())\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("Session 3.")
