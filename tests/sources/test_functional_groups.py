"""Enhanced multi-frame files: each frame's own rescale and windows, slice order, spacing."""

from __future__ import annotations

import json
import time

import numpy as np
import pydicom
import pytest
from enhanced_dicom import write_enhanced
from PIL import Image

from hoview.cli import main
from hoview.display.pipeline import default_voi, to_display
from hoview.errors import UnreadableImageError
from hoview.sources import FrameCache, open_path
from hoview.sources.dicom import DicomImage

PER_FRAME_RESCALES = [(1.0, -1024.0), (2.0, -2048.0), (1.0, -1024.0), (0.5, 0.0)]
PER_FRAME_WINDOWS = [
    [(40.0, 400.0, "SOFT")],
    [(50.0, 500.0, "B"), (300.0, 1500.0, "C")],
    [(40.0, 400.0, "SOFT")],
    [(60.0, 600.0, "D")],
]


def _open(path) -> DicomImage:
    return DicomImage(path, cache=FrameCache(2**20))


def test_each_frame_has_its_own_rescale_and_windows(tmp_path):
    path = write_enhanced(
        tmp_path / "ct.dcm", rescales=PER_FRAME_RESCALES, windows=PER_FRAME_WINDOWS
    )
    image = _open(path)
    for number, ((slope, intercept), windows) in enumerate(
        zip(PER_FRAME_RESCALES, PER_FRAME_WINDOWS, strict=True), start=1
    ):
        attrs = image.frame(number).attributes
        assert (attrs.rescale_slope, attrs.rescale_intercept) == (slope, intercept)
        assert [(w.center, w.width, w.name) for w in attrs.windows] == windows
        assert attrs.units == "HU"
        # the first frame window is the default, as for a classic file's first window
        assert default_voi(image.pixels(number), attrs) == attrs.windows[0]
    # frames 1 and 3 carry the same values: one attributes object serves both
    assert image.frame(1).attributes is image.frame(3).attributes
    assert image.attributes is image.frame(1).attributes


def test_shared_groups_give_every_frame_the_same_attributes(tmp_path):
    image = _open(write_enhanced(tmp_path / "ct.dcm", frames=5))
    first = image.frame(1).attributes
    assert (first.rescale_slope, first.rescale_intercept) == (1.0, -1024.0)
    assert [w.name for w in first.windows] == ["SOFT"]
    assert all(image.frame(n).attributes is first for n in range(1, 6))


def test_a_per_frame_value_overrides_the_shared_one(tmp_path):
    path = write_enhanced(tmp_path / "mr.dcm", modality="MR", rescale_type="US")
    ds = pydicom.dcmread(path)
    item = pydicom.Dataset()
    item.RescaleSlope, item.RescaleIntercept, item.RescaleType = 3, 7, "US"
    ds.PerFrameFunctionalGroupsSequence[1].PixelValueTransformationSequence = [item]
    ds.save_as(path)
    image = _open(path)
    assert image.frame(1).attributes.rescale_slope == 1.0
    assert (
        image.frame(2).attributes.rescale_slope,
        image.frame(2).attributes.rescale_intercept,
    ) == (
        3.0,
        7.0,
    )
    assert image.frame(2).attributes.units == ""  # MR, Rescale Type US: no unit


def test_render_window_on_enhanced_ct_is_in_hounsfield_units(tmp_path, capsys):
    path = write_enhanced(
        tmp_path / "ct.dcm", rescales=PER_FRAME_RESCALES, windows=PER_FRAME_WINDOWS
    )
    stored = pydicom.dcmread(path).pixel_array
    for number in (1, 2, 4):
        out = tmp_path / f"f{number}.png"
        args = ["render", str(path), "-o", str(out), "--frame", str(number)]
        status = main([*args, "--window", "40", "400", "--no-annotations"])
        assert status == 0, capsys.readouterr().err
        slope, intercept = PER_FRAME_RESCALES[number - 1]
        hu = stored[number - 1].astype(np.float64) * slope + intercept
        # PS3.3 C.11.2.1.2.1, LINEAR: centre 40, width 400
        expected = np.clip(((hu - 39.5) / 399 + 0.5) * 255, 0, 255)
        shown = np.asarray(Image.open(out), dtype=np.float64)
        assert np.abs(shown - np.rint(expected)).max() <= 1, f"frame {number}"
        if number == 1:  # -1024..3071 HU crosses the window: black and white both shown
            assert shown.min() == 0 and shown.max() == 255


def test_frames_of_a_volume_are_sorted_by_plane_position(tmp_path, capsys):
    zs = [15.0, 0.0, 10.0, 5.0]
    path = write_enhanced(tmp_path / "ct.dcm", positions=[(0, 0, z) for z in zs])
    (series,) = open_path(path).series
    assert [frame.number for frame in series.frames] == [2, 4, 3, 1]
    # render --frame N still means the file's frame N, as annotations do
    out = tmp_path / "f1.png"
    assert main(["render", str(path), "-o", str(out), "--frame", "1", "--no-annotations"]) == 0
    image = _open(path)
    expected = to_display(image.pixels(1), image.frame(1).attributes)
    np.testing.assert_array_equal(np.asarray(Image.open(out)), expected)


@pytest.mark.parametrize(
    "positions",
    [
        [(0, 0, 0), (0, 0, 5), (0, 0, 0), (0, 0, 5)],  # two time points at each place
        [(0, 0, 5), (0, 0, 0), None, (0, 0, 10)],  # one frame without a position
    ],
)
def test_frames_keep_file_order_unless_one_clean_stack(tmp_path, positions):
    path = write_enhanced(tmp_path / "ct.dcm", positions=[p or (0, 0, 99) for p in positions])
    if None in positions:
        ds = pydicom.dcmread(path)
        del ds.PerFrameFunctionalGroupsSequence[positions.index(None)].PlanePositionSequence
        ds.save_as(path)
    assert [f.number for f in _open(path).frames()] == [1, 2, 3, 4]


def test_pixel_measures_give_spacing_and_thickness(tmp_path):
    image = _open(write_enhanced(tmp_path / "ct.dcm", spacing=(0.7, 0.8), thickness=1.25))
    assert image.pixel_spacing == (0.7, 0.8)
    assert image.metadata["slice_thickness"] == 1.25
    assert image.metadata["image_position"] == [0.0, 0.0, 0.0]
    assert image.metadata["image_orientation"] == [1.0, 0.0, 0.0, 0.0, 1.0, 0.0]


def test_info_lists_the_functional_groups(tmp_path, capsys):
    path = write_enhanced(
        tmp_path / "ct.dcm",
        rescales=PER_FRAME_RESCALES,
        windows=PER_FRAME_WINDOWS,
        positions=[(0, 0, z) for z in (15.0, 0.0, 10.0, 5.0)],
    )
    assert main(["info", str(path), "--json"]) == 0
    (image,) = json.loads(capsys.readouterr().out)["studies"][0]["series"][0]["images"]
    groups = image["functional_groups"]
    assert groups["rescale"] == "per frame" and groups["distinct_rescales"] == 3
    assert groups["windows"] == "per frame" and groups["distinct_windows"] == 4
    assert groups["positions"][0] == [0.0, 0.0, 15.0]
    assert (groups["first_position"], groups["last_position"]) == ([0, 0, 0], [0, 0, 15])
    assert groups["pixel_spacing_mm"] == [0.5, 0.5] and groups["slice_thickness_mm"] == 2.0
    assert groups["slice_order"] == "by position"
    assert image["rescale"]["units"] == "HU"  # frame 1's
    assert main(["info", str(path)]) == 0
    text = capsys.readouterr().out
    assert "rescale (functional groups): 3 different, per frame" in text
    assert "frame windows: 4 distinct windows (per frame)" in text
    assert "frame positions (mm): 0, 0, 0 to 0, 0, 15 (sorted by position)" in text


def test_a_thousand_frames_share_their_attributes(tmp_path):
    windows = [[(40.0 + 10 * (i % 3), 400.0, f"W{i % 3}")] for i in range(1000)]
    path = write_enhanced(tmp_path / "big.dcm", frames=1000, rows=4, columns=4, windows=windows)
    start = time.perf_counter()
    image = _open(path)
    built = {id(image.frame(n).attributes) for n in range(1, 1001)}
    elapsed = time.perf_counter() - start
    assert len(built) == 3  # one per distinct window, not one per frame
    assert elapsed < 10  # generous: a few hundred ms on a slow machine


def test_a_zero_per_frame_slope_is_refused_naming_the_frame(tmp_path):
    path = write_enhanced(tmp_path / "ct.dcm", rescales=[(1, 0), (0, 0), (1, 0), (1, 0)])
    with pytest.raises(UnreadableImageError, match=r"frame 2: Pixel Value Transformation"):
        _open(path)


def test_a_malformed_frame_window_is_left_out(tmp_path):
    path = write_enhanced(tmp_path / "ct.dcm", windows=[[(40.0, 0.5, "THIN")]])
    image = _open(path)
    assert image.frame(1).attributes.windows == ()  # a LINEAR width under 1 is not valid
    image.pixels(1)


def test_fewer_per_frame_items_than_frames_fall_back_to_shared(tmp_path):
    path = write_enhanced(tmp_path / "ct.dcm", rescales=PER_FRAME_RESCALES)
    ds = pydicom.dcmread(path)
    del ds.PerFrameFunctionalGroupsSequence[3]
    ds.SharedFunctionalGroupsSequence[0].PixelValueTransformationSequence = [pydicom.Dataset()]
    shared = ds.SharedFunctionalGroupsSequence[0].PixelValueTransformationSequence[0]
    shared.RescaleSlope, shared.RescaleIntercept = 1, -1000
    ds.save_as(path)
    image = _open(path)
    assert image.frame(4).attributes.rescale_intercept == -1000.0
    assert image.frame(2).attributes.rescale_intercept == -2048.0
