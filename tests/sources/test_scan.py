"""scan_folder: grouping into studies and series, slice order, skipped files, laziness."""

from __future__ import annotations

import math
import os
import random
import shutil

import numpy as np
import pydicom
import pydicom.filereader
import pytest

from hoview.errors import UnreadableImageError
from hoview.sources import DicomImage, FrameCache, scan_folder
from hoview.sources.base import ImageSource
from hoview.sources.scan import group_images

PIXEL_DATA = 0x7FE00010
AXIAL = (1.0, 0.0, 0.0, 0.0, 1.0, 0.0)


def _paths(series):
    return [frame.source.path.name for frame in series.frames]


def _z(series):
    return [float(f.source.metadata["image_position"][2]) for f in series.frames]


def test_shuffled_file_names_come_back_sorted_by_position(tmp_path, make_dicom):
    rng = random.Random(7)
    names = [f"IM{n:04d}.dcm" for n in rng.sample(range(100), 12)]
    numbers = rng.sample(range(1, 13), 12)
    for k in range(12):
        make_dicom(
            tmp_path / names[k],
            position=(0, 0, 5.0 * k - 30),
            orientation=AXIAL,
            instance=numbers[k],
            value=k,
        )
    assert sorted(names) != names and sorted(numbers) != numbers

    result = scan_folder(tmp_path, cache=FrameCache())

    (series,) = result.series
    assert len(series) == 12
    assert _z(series) == [5.0 * k - 30 for k in range(12)]
    assert [f.number for f in series.frames] == [1] * 12
    assert result.skipped == []


def test_oblique_series_sorts_by_projection_on_the_normal(tmp_path, make_dicom):
    tilt = math.radians(30)
    row = np.array([1.0, 0.0, 0.0])
    col = np.array([0.0, math.cos(tilt), math.sin(tilt)])
    normal = np.cross(row, col)
    rng = random.Random(3)
    shifts = [rng.uniform(-80, 80) for _ in range(8)]
    order = rng.sample(range(8), 8)
    for name, k in enumerate(order):
        position = 4.0 * k * normal + shifts[k] * col
        make_dicom(
            tmp_path / f"{name}.dcm",
            position=position,
            orientation=[*row, *col],
            instance=100 - k * (-1) ** k,
            value=k,
        )

    (series,) = scan_folder(tmp_path, cache=FrameCache()).series

    assert [f.source.pixels(1)[0, 0] for f in series.frames] == list(range(8))
    z_order = np.argsort(_z(series))
    assert list(z_order) != list(range(8)), "z alone must not give the order"


def _axial_series(folder, make_dicom, numbers):
    """Write slices at z = 0, 5, 10, ... with the given Instance Numbers, names shuffled."""
    rng = random.Random(11)
    names = rng.sample(range(100), len(numbers))
    for k, number in enumerate(numbers):
        make_dicom(
            folder / f"IM{names[k]:03d}.dcm",
            position=(0, 0, 5.0 * k),
            orientation=AXIAL,
            instance=number,
        )
    (series,) = scan_folder(folder, cache=FrameCache()).series
    return series


def _numbers(series):
    return [f.source.metadata["instance_number"] for f in series.frames]


def test_numbers_falling_with_position_put_instance_number_one_first(tmp_path, make_dicom):
    # As ct_hips: Instance Number 1 is the highest slice (head first, numbered from the top).
    series = _axial_series(tmp_path, make_dicom, [40 - k for k in range(40)])
    assert _numbers(series) == list(range(1, 41))
    assert _z(series) == [5.0 * k for k in range(39, -1, -1)]  # still in position order


def test_numbers_rising_with_position_keep_ascending_position(tmp_path, make_dicom):
    series = _axial_series(tmp_path, make_dicom, [3 + 2 * k for k in range(10)])
    assert _numbers(series) == [3 + 2 * k for k in range(10)]
    assert _z(series) == [5.0 * k for k in range(10)]


@pytest.mark.parametrize(
    "numbers",
    [
        [1, 2, 4, 3, 5, 6],  # numbers and positions disagree
        [6, 5, 4, 4, 2, 1],  # a number repeated
    ],
)
def test_numbers_that_disagree_leave_position_order(tmp_path, make_dicom, numbers):
    series = _axial_series(tmp_path, make_dicom, numbers)
    assert _z(series) == [5.0 * k for k in range(6)]


def test_a_missing_number_leaves_position_order(tmp_path, make_dicom):
    for k, number in enumerate([3, None, 1]):
        make_dicom(tmp_path / f"{k}.dcm", position=(0, 0, k), orientation=AXIAL, instance=number)
    (series,) = scan_folder(tmp_path, cache=FrameCache()).series
    assert _z(series) == [0, 1, 2]


def test_missing_position_falls_back_to_instance_number(tmp_path, make_dicom):
    for name, number in zip("edcba", [3, 1, 5, 2, 4], strict=True):
        position = None if name == "c" else (0, 0, -number)
        make_dicom(tmp_path / f"{name}.dcm", position=position, orientation=AXIAL, instance=number)

    (series,) = scan_folder(tmp_path, cache=FrameCache()).series

    assert [f.source.metadata["instance_number"] for f in series.frames] == [1, 2, 3, 4, 5]


def test_different_orientations_fall_back_to_instance_number(tmp_path, make_dicom):
    sagittal = (0, 1, 0, 0, 0, -1)
    for name, (number, orientation) in enumerate([(2, AXIAL), (1, sagittal), (3, AXIAL)]):
        make_dicom(
            tmp_path / f"{name}.dcm",
            position=(0, 0, -number),
            orientation=orientation,
            instance=number,
        )

    (series,) = scan_folder(tmp_path, cache=FrameCache()).series

    assert [f.source.metadata["instance_number"] for f in series.frames] == [1, 2, 3]


def test_without_position_or_number_files_sort_by_natural_name(tmp_path, make_dicom):
    for name in ("img10", "img2", "img1", "img11", "img3"):
        make_dicom(tmp_path / f"{name}.dcm")
    make_dicom(tmp_path / "img0.dcm", instance=9)  # numbered instances come first

    (series,) = scan_folder(tmp_path, cache=FrameCache()).series

    assert _paths(series) == [f"img{n}.dcm" for n in (0, 1, 2, 3, 10, 11)]


def test_two_studies_and_their_series_group_and_sort(tmp_path, make_dicom, make_uid):
    hips, knees = make_uid(), make_uid()
    ap, lat, knee_ap = make_uid(), make_uid(), make_uid()
    make_dicom(
        tmp_path / "1.dcm",
        study=hips,
        series=ap,
        series_number=2,
        series_description="AP",
        study_description="HIPS",
        study_date="20240102",
        modality="CR",
    )
    make_dicom(
        tmp_path / "2.dcm",
        study=hips,
        series=lat,
        series_number=1,
        series_description="LAT",
        study_description="HIPS",
        study_date="20240102",
        modality="DX",
    )
    make_dicom(
        tmp_path / "3.dcm",
        study=hips,
        series=ap,
        series_number=2,
        series_description="AP",
        study_description="HIPS",
        study_date="20240102",
        modality="CR",
    )
    make_dicom(
        tmp_path / "4.dcm",
        study=knees,
        series=knee_ap,
        series_number=7,
        series_description="KNEE AP",
        study_description="KNEES",
        study_date="20230101",
    )

    result = scan_folder(tmp_path, cache=FrameCache())

    assert [s.uid for s in result.studies] == [knees, hips]  # older study first
    assert [s.description for s in result.studies] == ["KNEES", "HIPS"]
    series = result.studies[1].series
    assert [(s.uid, s.number, s.description, s.modality, len(s)) for s in series] == [
        (lat, 1, "LAT", "DX", 1),
        (ap, 2, "AP", "CR", 2),
    ]


def test_multi_frame_file_is_a_series_of_its_own(tmp_path, make_dicom, make_uid):
    shared = make_uid()
    make_dicom(tmp_path / "a.dcm", series=shared, instance=1)
    make_dicom(tmp_path / "b.dcm", series=shared, instance=2)
    make_dicom(tmp_path / "cine.dcm", series=shared, instance=3, frames=3, value=10)

    series = scan_folder(tmp_path, cache=FrameCache()).series

    assert sorted(len(s) for s in series) == [2, 3]
    cine = next(s for s in series if len(s) == 3)
    assert [(f.source.path.name, f.number) for f in cine.frames] == [
        ("cine.dcm", 1),
        ("cine.dcm", 2),
        ("cine.dcm", 3),
    ]
    assert [int(f.pixels()[0, 0]) for f in cine.frames] == [10, 11, 12]
    assert all(s.uid == shared for s in series)


def test_files_that_are_not_images_are_skipped_with_reasons(
    tmp_path, make_dicom, make_png, pydicom_files
):
    make_dicom(tmp_path / "good.dcm")
    make_png(tmp_path / "good.png")
    (tmp_path / "notes.txt").write_text("hip films for Tuesday\n")
    (tmp_path / "meta.json").write_text('{"format": "something"}')
    (tmp_path / "empty.dcm").write_bytes(b"")
    (tmp_path / ".DS_Store").write_bytes(b"\x00\x00\x00\x01Bud1" + bytes(100))
    shutil.copy(pydicom_files / "rtplan.dcm", tmp_path / "plan.dcm")
    whole = make_dicom(tmp_path / "cut_header.dcm").read_bytes()
    (tmp_path / "cut_header.dcm").write_bytes(whole[: whole.index(b"TEST SERIES") + 4])
    (tmp_path / "cut_meta.dcm").write_bytes(whole[:300])
    big = make_dicom(tmp_path / "cut_pixels.dcm", rows=64, columns=64).read_bytes()
    (tmp_path / "cut_pixels.dcm").write_bytes(big[:-100])
    (tmp_path / "good.dcm.hoview.json").write_text("{}")
    (tmp_path / "good.dcm.hoview.json.bak").write_text("{}")
    (tmp_path / ".good.dcm.hoview.json.lock").write_bytes(b"")  # left by a killed writer

    result = scan_folder(tmp_path, cache=FrameCache())

    assert sorted(f.source.path.name for s in result.series for f in s.frames) == [
        "good.dcm",
        "good.png",
    ]
    reasons = {item.path.name: item.reason for item in result.skipped}
    assert set(reasons) == {
        "notes.txt",
        "meta.json",
        "empty.dcm",
        ".DS_Store",
        "cut_header.dcm",
        "cut_meta.dcm",
        "cut_pixels.dcm",
    }
    assert reasons["notes.txt"] == "not a DICOM file or an image"
    assert reasons["meta.json"] == "not a DICOM file or an image"
    assert reasons[".DS_Store"] == "not a DICOM file or an image"
    assert reasons["empty.dcm"] == "empty file"
    # an RT plan holds no image but is no error either: a non-image object
    assert [(o.path.name, o.sop_class_name) for o in result.objects] == [
        ("plan.dcm", "RT Plan Storage")
    ]
    assert reasons["cut_header.dcm"] == (
        "truncated DICOM header: the file ends inside (0008,103E) SeriesDescription"
    )
    assert reasons["cut_meta.dcm"] == "truncated DICOM header: nothing after the file meta"
    assert reasons["cut_pixels.dcm"].startswith("pixel data is truncated")
    assert all("\n" not in reason for reason in reasons.values())
    assert sum(result.skipped_reasons().values()) == 7


def test_nested_folders_are_scanned_in_a_fixed_order(tmp_path, make_dicom):
    for k, sub in enumerate(["b/deeper/still", "a", "b", "c/d"]):
        make_dicom(tmp_path / sub / f"slice{k}.dcm", position=(0, 0, k), orientation=AXIAL)

    first = scan_folder(tmp_path, cache=FrameCache())
    again = scan_folder(tmp_path, cache=FrameCache())

    (series,) = first.series
    assert _z(series) == [0, 1, 2, 3]
    assert [f.source.path for f in series.frames] == [f.source.path for f in again.series[0].frames]


def test_raster_files_are_series_of_their_own_in_a_study_per_folder(tmp_path, make_dicom, make_png):
    make_png(tmp_path / "hips" / "right.png")
    make_png(tmp_path / "hips" / "left.png", size=(20, 30))
    make_png(tmp_path / "knees" / "knee.png")
    make_dicom(tmp_path / "knees" / "knee.dcm")

    result = scan_folder(tmp_path, cache=FrameCache())

    raster = [s for s in result.studies if s.description in ("hips", "knees")]
    assert [s.description for s in raster] == ["hips", "knees"]
    assert [[x.description for x in s.series] for s in raster] == [
        ["left.png", "right.png"],
        ["knee.png"],
    ]
    assert all(len(x) == 1 and x.modality == "" for s in raster for x in s.series)
    assert raster[0].series[0].frames[0].rows == 30
    assert len(result.studies) == 3  # plus the DICOM study


def test_duplicate_sop_instance_keeps_the_first_file(tmp_path, make_dicom):
    original = make_dicom(tmp_path / "a" / "1.dcm", sop="2.25.424242")
    shutil.copy(original, tmp_path / "b.dcm")
    (tmp_path / "c").mkdir()
    shutil.copy(original, tmp_path / "c" / "1.dcm")

    result = scan_folder(tmp_path, cache=FrameCache())

    (series,) = result.series
    assert [f.source.path for f in series.frames] == [tmp_path / "a" / "1.dcm"]
    reasons = {str(i.path.relative_to(tmp_path)): i.reason for i in result.skipped}
    assert reasons == {"b.dcm": "duplicate of a/1.dcm", "c/1.dcm": "duplicate of a/1.dcm"}


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symbolic links")
def test_link_loops_end_and_odd_files_are_skipped(tmp_path, make_dicom):
    make_dicom(tmp_path / "data" / "1.dcm")
    (tmp_path / "data" / "loop").symlink_to(tmp_path)
    (tmp_path / "data" / "gone.dcm").symlink_to(tmp_path / "nowhere.dcm")
    if hasattr(os, "mkfifo"):
        os.mkfifo(tmp_path / "pipe")

    result = scan_folder(tmp_path, cache=FrameCache())

    assert len(result.series) == 1 and len(result.series[0]) == 1
    reasons = {i.path.name: i.reason for i in result.skipped}
    assert reasons["gone.dcm"] == "broken link"
    if hasattr(os, "mkfifo"):
        assert reasons["pipe"] == "not a regular file"


def test_progress_counts_up_to_the_number_of_files(tmp_path, make_dicom, make_png):
    for k in range(5):
        make_dicom(tmp_path / f"{k}.dcm", instance=k)
    make_png(tmp_path / "x.png")
    (tmp_path / "readme.txt").write_text("not an image")
    (tmp_path / "0.dcm.hoview.json").write_text("{}")
    calls = []

    scan_folder(
        tmp_path, progress=lambda done, total: calls.append((done, total)), cache=FrameCache()
    )

    assert calls == [(n, 7) for n in range(8)]


def test_an_exception_in_progress_cancels_the_scan(tmp_path, make_dicom):
    make_dicom(tmp_path / "1.dcm")

    def cancel(done, total):
        if done:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        scan_folder(tmp_path, progress=cancel, cache=FrameCache())


def test_a_scan_reads_no_pixel_data(tmp_path, make_dicom, monkeypatch):
    for k in range(3):
        make_dicom(tmp_path / f"{k}.dcm", rows=128, columns=128, instance=k, value=100 * k)
    make_dicom(tmp_path / "cine.dcm", rows=128, columns=128, frames=4, value=7)
    cache = FrameCache()

    def forbidden(*args, **kwargs):
        raise AssertionError("pixel data touched during a scan")

    with monkeypatch.context() as patch:
        patch.setattr(DicomImage, "_decode", forbidden)
        patch.setattr(pydicom.filereader, "read_deferred_data_element", forbidden)
        result = scan_folder(tmp_path, cache=cache)

    images = [image for s in result.series for image in s.sources]
    assert len(images) == 4 and len(cache) == 0
    for image in images:
        element = image.dataset.get_item(PIXEL_DATA, keep_deferred=True)
        assert element.value is None, f"{image.path.name}: pixel data were read"
    # ...and the frames decode later, on demand.
    single = next(s for s in result.series if len(s) == 3)
    assert [int(f.pixels()[5, 5]) for f in single.frames] == [0, 100, 200]
    assert len(cache) == 3


def test_scan_folder_refuses_a_file_or_a_missing_folder(tmp_path, make_dicom):
    path = make_dicom(tmp_path / "1.dcm")
    with pytest.raises(UnreadableImageError, match="not a folder"):
        scan_folder(path)
    with pytest.raises(UnreadableImageError, match="no such file or folder"):
        scan_folder(tmp_path / "missing")


def test_an_empty_folder_gives_an_empty_result(tmp_path):
    result = scan_folder(tmp_path)
    assert result.studies == [] and result.skipped == []


def test_group_images_accepts_any_image_sources(tmp_path, make_dicom, make_png):
    images: list[ImageSource] = [
        DicomImage(make_dicom(tmp_path / "b.dcm", instance=2), FrameCache()),
        DicomImage(make_dicom(tmp_path / "a.dcm", instance=1), FrameCache()),
    ]
    result = group_images(images)
    assert _paths(result.series[0]) == ["a.dcm", "b.dcm"]


PARITY_FILES = [
    "CT_small.dcm",  # explicit VR little endian, pixel data deferred
    "MR_small_bigendian.dcm",
    "MR_small_implicit.dcm",
    "image_dfl.dcm",  # deflated
    "JPEG2000.dcm",
    "examples_ybr_color.dcm",  # 30 frames
    "liver_1frame.dcm",
]


@pytest.mark.parametrize("name", PARITY_FILES)
def test_scanned_images_decode_like_directly_opened_ones(tmp_path, pydicom_files, name):
    shutil.copy(pydicom_files / name, tmp_path / name)

    (series,) = scan_folder(tmp_path, cache=FrameCache()).series
    direct = DicomImage(tmp_path / name, FrameCache())

    assert len(series) == direct.frame_count
    for frame in series.frames[:3]:
        np.testing.assert_array_equal(frame.pixels(), direct.pixels(frame.number))


def test_deflated_file_with_large_pixel_data_is_not_called_truncated(tmp_path, make_dicom):
    path = make_dicom(tmp_path / "big.dcm", rows=128, columns=128)
    ds = pydicom.dcmread(path)
    values = np.arange(128 * 128, dtype=np.uint16).reshape(128, 128)
    ds.PixelData = values.tobytes()
    ds.file_meta.TransferSyntaxUID = pydicom.uid.DeflatedExplicitVRLittleEndian
    ds.save_as(path, enforce_file_format=True)

    result = scan_folder(tmp_path, cache=FrameCache())

    assert result.skipped == []
    np.testing.assert_array_equal(result.series[0].frames[0].pixels(), values)
