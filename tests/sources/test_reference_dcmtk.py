"""hoview's default picture against DCMTK's (and GDCM's where DCMTK cannot decode).

Every file in pydicom's test data, plus a big endian PALETTE COLOR file made by DCMTK's
``dcmconv +tb`` and a file whose native pixel data is short, is rendered the way
``hoview render F -o out.png --no-annotations`` renders it (the same in-process
function; a few go through the real command line too) and by ``dcmj2pnm`` (``dcml2pnm``
for JPEG-LS) with the same default: the file's first VOI LUT (``+Wl 1``), else its
first window (``+Wi 1``), else min-max (``+Wm``); no overlays (``-O``: ``render`` does
not burn overlays in). The pictures may differ by 1 grey level, except for the
documented differences below. JPEG 2000 (which the free DCMTK does not decode) and the
files DCMTK cannot read are checked against GDCM's decoded stored values, exactly.
Files hoview refuses must be refused by DCMTK too. Missing DCMTK is a failure.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import numpy as np
import pydicom
import pytest
from PIL import Image
from pydicom.data import get_testdata_files

from hoview.errors import HoviewError
from hoview.render.export import pick_frame, render_frame
from hoview.sources.gdcm_fallback import decode_in_child
from hoview.sources.opening import open_image

TEST_FILES = {Path(f).name: Path(f) for f in get_testdata_files() if Path(f).is_file()}

#: Files whose picture differs from DCMTK's by more than 1 grey level, and why.
DOCUMENTED_DIFFERENCES = {
    # 32-bit pixels in an Explicit VR Big Endian file with VR OW. pydicom reads them
    # as big endian 32-bit values (the file was made for pydicom PR #714 so that its
    # values equal rtdose.dcm's); DCMTK swaps OW as 16-bit words, so each value's two
    # halves change places. hoview shows exactly what it shows for rtdose.dcm (checked
    # below), which matches DCMTK.
    "rtdose_expb.dcm": (255, "32-bit OW big endian: DCMTK swaps 16-bit words"),
    "rtdose_expb_1frame.dcm": (255, "32-bit OW big endian: DCMTK swaps 16-bit words"),
    # 12-bit lossy JPEG: libjpeg (pylibjpeg) and DCMTK's IJG 12-bit codec round the
    # inverse DCT differently (stored values 1 apart, 0.5% of pixels 2 grey levels).
    "JPGExtended.dcm": (2, "12-bit lossy JPEG: libjpeg vs IJG rounding"),
}
#: Files DCMTK cannot read or decode although they are valid enough for GDCM.
DCMTK_CANNOT = {
    "SC_rgb_jpeg.dcm": "DCMTK's parser stops at a bogus element (4544,4952)",
}
#: Files hoview refuses although DCMTK draws them, and why. Any other file hoview
#: refuses must be refused by DCMTK too.
HOVIEW_REFUSES = {
    # Number of Frames (0028,0008) is "1A", not an IS; DCMTK reads the leading "1".
    "badVR.dcm": "Number of Frames is not a number",
}
J2K = set(pydicom.uid.JPEG2000TransferSyntaxes)
JPEG_LS = set(pydicom.uid.JPEGLSTransferSyntaxes)


@pytest.fixture(scope="module")
def dcmtk() -> dict[str, str]:
    tools = {name: shutil.which(name) for name in ("dcmj2pnm", "dcml2pnm", "dcmconv")}
    missing = [name for name, where in tools.items() if where is None]
    if missing:
        pytest.fail(f"DCMTK is needed for this test (apt-get install dcmtk): no {missing}")
    return tools


@pytest.fixture(scope="module")
def made_files(tmp_path_factory, dcmtk) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("made")
    big_palette = folder / "palette_big_endian.dcm"
    subprocess.run(
        [dcmtk["dcmconv"], "+tb", str(TEST_FILES["examples_palette.dcm"]), str(big_palette)],
        check=True,
    )
    short = folder / "short_frames.dcm"
    ds = pydicom.dcmread(TEST_FILES["MR_small.dcm"])
    frame = ds.pixel_array
    ds.NumberOfFrames = 3
    ds.PixelData = np.stack([frame, frame[::-1], frame.T]).tobytes()[:-3000]
    ds.save_as(short)
    return {big_palette.name: big_palette, short.name: short}


def _dcmtk_options(attrs) -> list[str]:
    if attrs.is_colour:
        return []
    if attrs.voi_luts:
        return ["+Wl", "1"]
    if attrs.windows:
        return ["+Wi", "1"]
    return ["+Wm"]


def _dcmtk_picture(tool: str, path: Path, options: list[str], out: Path) -> np.ndarray | None:
    done = subprocess.run(
        [tool, "-q", "-O", "+on", *options, str(path), str(out)], capture_output=True
    )
    if done.returncode != 0 or not out.exists():
        return None
    return np.asarray(Image.open(out))


def _compare(path: Path, tools: dict[str, str], tmp_path: Path) -> str:
    """Compare one file; return what was compared with, for the summary."""
    name = path.name
    try:
        source = open_image(path)
        ours = render_frame(pick_frame(path, 1))
    except HoviewError as exc:
        refused = _dcmtk_picture(tools["dcmj2pnm"], path, [], tmp_path / "x.png") is None
        assert refused or name in HOVIEW_REFUSES, f"{name}: hoview refuses ({exc})"
        return "both refuse" if refused else "hoview refuses"
    ts = str(source.transfer_syntax)
    if ts in J2K or name in DCMTK_CANNOT:
        index = 0 if source.frame_count > 1 else None
        theirs = decode_in_child(path, index, source.rows, source.columns)
        np.testing.assert_array_equal(source.pixels(1), theirs, err_msg=name)
        return "gdcm"
    tool = tools["dcml2pnm"] if ts in JPEG_LS else tools["dcmj2pnm"]
    options = _dcmtk_options(source.attributes)
    theirs = _dcmtk_picture(tool, path, options, tmp_path / f"{name}.png")
    assert theirs is not None, f"{name}: DCMTK cannot draw it; say why in DCMTK_CANNOT"
    if theirs.ndim == 3 and ours.ndim == 2:
        theirs = theirs[..., 0]
    assert ours.shape == theirs.shape, name
    worst = int(np.abs(ours.astype(int) - theirs.astype(int)).max())
    allowed = DOCUMENTED_DIFFERENCES.get(name, (1, ""))[0]
    assert worst <= allowed, f"{name}: {worst} grey levels from DCMTK ({options})"
    if name in DOCUMENTED_DIFFERENCES:
        assert worst > 1, f"{name} now matches DCMTK: drop it from DOCUMENTED_DIFFERENCES"
    return Path(tool).name


def test_every_pydicom_test_image_looks_as_dcmtk_draws_it(dcmtk, made_files, tmp_path):
    used: dict[str, int] = {}
    for path in [*TEST_FILES.values(), *made_files.values()]:
        with_what = _compare(path, dcmtk, tmp_path)
        used[with_what] = used.get(with_what, 0) + 1
    print("compared:", used)
    assert used.get("dcmj2pnm", 0) >= 60
    assert used.get("dcml2pnm", 0) >= 5
    assert used.get("gdcm", 0) >= 8


def test_big_endian_32_bit_dose_shows_as_its_little_endian_original():
    ours = render_frame(pick_frame(TEST_FILES["rtdose_expb.dcm"], 1))
    original = render_frame(pick_frame(TEST_FILES["rtdose.dcm"], 1))
    np.testing.assert_array_equal(ours, original)


@pytest.mark.parametrize(
    "name", ["SC_rgb_dcmtk_+eb+cy+np.dcm", "MR_small_jpeg_ls_lossless.dcm", "CT_small.dcm"]
)
def test_command_line_render_matches_dcmtk(name, dcmtk, tmp_path):
    path = TEST_FILES[name]
    out = tmp_path / "out.png"
    done = subprocess.run(
        ["hoview", "render", str(path), "-o", str(out), "--no-annotations"],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    source = open_image(path)
    tool = dcmtk["dcml2pnm"] if "jpeg_ls" in name else dcmtk["dcmj2pnm"]
    theirs = _dcmtk_picture(tool, path, _dcmtk_options(source.attributes), tmp_path / "d.png")
    ours = np.asarray(Image.open(out))
    assert np.abs(ours.astype(int) - theirs.astype(int)).max() <= 1
