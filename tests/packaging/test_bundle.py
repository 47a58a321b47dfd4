"""The bundle runs hoview with no Python: info, render, the GDCM child and the window.

Run by ``packaging/check-bundle`` (``pytest --bundle DIR tests/packaging``), never in
the ordinary test run: building the bundle takes minutes. Every command runs with a
``PATH`` that holds no Python (only the few programs the launcher and the screenshot
need), on a bare copy of the sample study.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "ui"))
from xvfb_desktop import (  # noqa: E402, F401 - xvfb_display is a fixture
    Desktop,
    canvases,
    spawn,
    stop,
    xvfb_display_fixture,
)

pytestmark = pytest.mark.bundle
SAMPLE = Path(__file__).resolve().parents[2] / "sample_data"
#: Programs the launcher (``/bin/sh`` with readlink and dirname) needs on PATH.
SHELL_TOOLS = ("readlink", "dirname")


@pytest.fixture
def bare(tmp_path, bundle) -> dict:
    """A PATH without Python, a copy of the sample, and the environment to run in."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in SHELL_TOOLS:
        (bin_dir / tool).symlink_to(shutil.which(tool))
    env = {
        "PATH": str(bin_dir),
        "HOME": str(tmp_path / "home"),
        "LANG": "C.UTF-8",
    }
    assert shutil.which("python3", path=env["PATH"]) is None
    assert shutil.which("python", path=env["PATH"]) is None
    study = tmp_path / "study"
    shutil.copytree(SAMPLE, study, ignore=shutil.ignore_patterns("*.py", "*.md", "__pycache__"))
    return {"env": env, "study": study, "tmp": tmp_path}


def run(bundle: Path, bare: dict, *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(bundle / "hoview"), *args],
        env=bare["env"],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=bare["tmp"],
    )


def test_info_reads_the_jpeg_ls_film_and_the_rle_ct(bundle, bare):
    done = run(bundle, bare, "info", str(bare["study"] / "pelvis_ap.dcm"), "--json")
    assert done.returncode == 0, done.stderr
    assert "2000" in done.stdout and "JPEG-LS" in done.stdout
    done = run(bundle, bare, "info", str(bare["study"] / "ct_hips"))
    assert done.returncode == 0 and "40" in done.stdout, done.stderr


def test_render_decodes_and_draws_the_arrows(bundle, bare):
    out = bare["tmp"] / "pelvis.png"
    done = run(bundle, bare, "render", str(bare["study"] / "pelvis_ap.dcm"), "-o", str(out))
    assert done.returncode == 0, done.stderr
    plain = bare["tmp"] / "plain.png"
    args = ("render", str(bare["study"] / "pelvis_ap.dcm"), "-o", str(plain), "--no-annotations")
    assert run(bundle, bare, *args).returncode == 0
    with Image.open(out) as image, Image.open(plain) as without:
        assert image.size == without.size == (2000, 1700)
        film, bare_film = np.asarray(image.convert("L"), int), np.asarray(without, int)
    assert bare_film.mean() > 40, "the JPEG-LS film is decoded"
    assert 0 < (film != bare_film).mean() < 0.01, "the two white arrows are drawn (Qt works)"
    ct = bare["tmp"] / "ct.png"
    done = run(
        bundle, bare, "render", str(bare["study"] / "ct_hips"), "--frame", "19", "-o", str(ct)
    )
    assert done.returncode == 0, done.stderr
    with Image.open(ct) as image:
        assert image.size == (256, 256)


def test_the_gdcm_child_runs_inside_the_bundle(bundle, bare):
    done = run(
        bundle, bare, "-c", "import gdcm, sys; print(gdcm.Version.GetVersion(), sys.argv[1:])", "x"
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().endswith("['x']")


def test_doctor_lists_the_decoders_and_qt(bundle, bare):
    done = run(bundle, bare, "doctor", "--json")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    chosen = {row["keyword"]: row["chosen"] for row in data["decoders"]}
    assert chosen["JPEGLSLossless"] == "pyjpegls" and chosen["RLELossless"] is not None
    assert chosen["JPEG2000Lossless"] is not None and chosen["JPEGBaseline8Bit"] is not None
    assert data["qt"]["plugin"] is not None


def test_the_window_opens_under_xvfb(bundle, bare, xvfb_display):
    env = {**bare["env"], "DISPLAY": xvfb_display, "QT_QPA_PLATFORM": "xcb"}
    log = bare["tmp"] / "window.log"
    process = spawn([str(bundle / "hoview"), str(bare["study"] / "pelvis_ap.dcm")], env, log)
    desktop = Desktop(xvfb_display, bare["tmp"])
    try:
        desktop.wait_window("hoview", timeout=60)
        time.sleep(1.0)
        shot = desktop.settled("bundle-window", timeout=10)
    finally:
        stop(process)
    found = canvases(shot)
    assert found, f"no canvas on screen; log: {log.read_text()[-800:]}"
    canvas = max(found, key=lambda c: c.width * c.height)
    film = shot[canvas.y0 : canvas.y1, canvas.x0 : canvas.x1].max(axis=2)
    assert (film > 120).mean() > 0.15, "the film is drawn"
    keep = os.environ.get("HOVIEW_BUNDLE_SCREENSHOT")
    if keep:
        Image.fromarray(shot).save(keep)


def test_report_the_bundles_size(bundle, capsys):
    total = sum(f.stat().st_size for f in bundle.rglob("*") if f.is_file() and not f.is_symlink())
    with capsys.disabled():
        print(f"\nbundle {bundle}: {total / 1e6:.0f} MB")
    assert total < 900e6


def test_the_desktop_entry_names_the_bundles_launcher(bundle, bare):
    data = bare["tmp"] / "xdg-data"
    env = {**bare["env"], "XDG_DATA_HOME": str(data), "XDG_CONFIG_HOME": str(bare["tmp"] / "cfg")}
    done = subprocess.run(
        [str(bundle / "hoview"), "--install-desktop-entry"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    entry = (data / "applications" / "hoview.desktop").read_text()
    assert f"Exec={bundle / 'hoview'} %F" in entry
