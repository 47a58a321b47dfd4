"""Shared by the GSPS tests: an uncompressed copy of the sample film, tools, parsers."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pydicom

SAMPLE = Path(__file__).resolve().parents[2] / "sample_data" / "pelvis_ap.dcm"


def plain_copy(base: Path, folder: Path, name: str = "pelvis.dcm", sidecar: bool = True) -> Path:
    """Copy the uncompressed film in ``base`` to ``folder`` (DCMTK reads no JPEG-LS)."""
    folder.mkdir(parents=True, exist_ok=True)
    image = folder / name
    shutil.copyfile(base / "plain.dcm", image)
    if sidecar:
        text = (base / "plain.dcm.hoview.json").read_text(encoding="utf-8")
        (folder / f"{name}.hoview.json").write_text(text.replace("pelvis_ap.dcm", name), "utf-8")
    return image


def make_base(folder: Path) -> Path:
    """Write ``plain.dcm`` (the sample film decompressed, same SOP Instance UID) and sidecar."""
    ds = pydicom.dcmread(SAMPLE)
    ds.decompress(generate_instance_uid=False)
    ds.save_as(folder / "plain.dcm")
    shutil.copyfile(
        SAMPLE.with_name(SAMPLE.name + ".hoview.json"), folder / "plain.dcm.hoview.json"
    )
    return folder


def run(*args: str | Path) -> subprocess.CompletedProcess[str]:
    """Run a tool we did not write, capturing its output."""
    return subprocess.run([str(a) for a in args], capture_output=True, text=True, timeout=120)


def dciodvfy_errors(path: Path, warnings: bool = False) -> list[str]:
    """The ``Error`` (and with ``warnings``, ``Warning``) lines dciodvfy reports."""
    result = run("dciodvfy", path)
    words = ("Error", "Warning") if warnings else ("Error",)
    lines = (result.stdout + result.stderr).splitlines()
    return [line for line in lines if any(word in line for word in words)]


def dcmp2pgm_graphics(
    pstate: Path, image: Path, out: Path
) -> tuple[list[list[tuple[float, float]]], list[str]]:
    """The graphic objects' coordinates and the anchor lines ``dcmp2pgm -v`` prints."""
    result = run("dcmp2pgm", "-v", "--pstate", pstate, image, out)
    text = result.stdout + result.stderr
    assert result.returncode == 0, text
    graphics = []
    for line in re.findall(r"coordinates: (.*)", text):
        pairs = [p.strip() for p in line.split(",") if p.strip()]
        graphics.append([tuple(float(v) for v in p.split("\\")) for p in pairs])
    anchors = re.findall(r"anchor point: (.*)", text)
    return graphics, anchors
