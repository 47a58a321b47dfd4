"""The case package for teaching-file sites: files, sizes, case.json, README.txt."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pydicom
import pytest
from PIL import Image

from hoview.errors import HoviewError
from hoview.render.case_package import MAX_SIDE, build_case_package, squared
from hoview.render.film import FilmRequest

SIDECAR = ".hoview.json"


@pytest.fixture
def study(tmp_path, sample_data_dir):
    folder = tmp_path / "in"
    folder.mkdir()
    for name in ("pelvis_ap.dcm", "pelvis_ap.dcm" + SIDECAR):
        shutil.copy(sample_data_dir / name, folder / name)
    return [
        FilmRequest(folder / "pelvis_ap.dcm", caption="AP pelvis"),
        FilmRequest(sample_data_dir / "ct_hips", 19),
        FilmRequest(sample_data_dir / "ct_hips", 20),
    ]


def test_every_image_twice_in_reading_order_with_case_json_and_readme(tmp_path, study):
    out = tmp_path / "case"
    result = build_case_package(study, out, title="HO after hip replacement")
    names = sorted(p.name for p in out.iterdir())
    pairs = [f"{n:02d}-{w}.png" for n in (1, 2, 3) for w in ("with", "without")]
    assert names == sorted([*pairs, "case.json", "README.txt"])
    assert result.images == 3 and result.files[-2:] == ["case.json", "README.txt"]
    described = json.loads((out / "case.json").read_text(encoding="utf-8"))
    images = described["images"]
    assert [i["caption"] for i in images] == ["AP pelvis", "Case 2, slice 19", "Case 2, slice 20"]
    assert [(i["without"], i["with"]) for i in images][0] == ("01-without.png", "01-with.png")
    pelvis = images[0]
    assert (pelvis["modality"], pelvis["body_part"], pelvis["view"]) == ("DX", "PELVIS", "AP")
    graded = {(f["laterality"], f["grade"]) for f in pelvis["findings"]}
    assert graded == {("R", "Brooker III"), ("L", "Brooker II")}
    assert pelvis["labels"] == ["HO", "HO"]
    assert images[2]["findings"] == [] and images[2]["labels"] == []
    readme = (out / "README.txt").read_text(encoding="utf-8")
    assert "HO after hip replacement" in readme
    assert "02-without.png, 02-with.png: Case 2, slice 19" in readme


def test_images_keep_their_pixels_and_are_never_enlarged(tmp_path, study):
    out = tmp_path / "case"
    build_case_package(study, out)
    source = pydicom.dcmread(study[0].path, stop_before_pixels=True)
    with Image.open(out / "01-without.png") as film:
        assert film.size == (source.Columns, source.Rows)  # 2000 x 1700: kept
        assert max(film.size) >= 1600 and film.mode == "L"
        assert not film.info, "no PNG text chunks"
    with Image.open(out / "02-with.png") as ct:
        assert ct.size == (256, 256), "a small CT slice is not enlarged"
    with_arrows = np.asarray(Image.open(out / "01-with.png").convert("L"), int)
    without = np.asarray(Image.open(out / "01-without.png"), int)
    assert 0 < (with_arrows != without).mean() < 0.05


def test_large_films_are_capped(tmp_path, sample_data_dir):
    big = tmp_path / "big.dcm"
    ds = pydicom.dcmread(sample_data_dir / "ct_hips" / "ct_020.dcm")
    ds.decompress()
    ds.PixelData = np.tile(ds.pixel_array, (12, 11)).astype(ds.pixel_array.dtype).tobytes()
    ds.Rows, ds.Columns = ds.Rows * 12, ds.Columns * 11
    ds.save_as(big)
    build_case_package([big], tmp_path / "case")
    with Image.open(tmp_path / "case" / "01-without.png") as image:
        assert max(image.size) == MAX_SIDE


def test_square_and_jpeg(tmp_path, study):
    out = tmp_path / "case"
    build_case_package(study[:1], out, square=True, jpeg=True)
    assert sorted(p.name for p in out.iterdir()) == [
        "01-with.jpg", "01-without.jpg", "README.txt", "case.json"
    ]  # fmt: skip
    with Image.open(out / "01-without.jpg") as image:
        assert image.format == "JPEG" and image.size == (2000, 2000)
        grey = np.asarray(image.convert("L"))
    assert grey[:100].max() < 8 and grey[-100:].max() < 8, "the padding is black"
    assert json.loads((out / "case.json").read_text())["images"][0]["width"] == 2000


def test_squared_centres_the_image():
    image = np.full((2, 4, 3), 200, np.uint8)
    out = squared(image)
    assert out.shape == (4, 4, 3)
    assert out[1:3].min() == 200 and out[0].max() == 0 and out[3].max() == 0


def test_a_second_shorter_package_removes_the_first_ones_extra_images(tmp_path, study):
    out = tmp_path / "case"
    build_case_package(study, out)
    (out / "notes-of-mine.txt").write_text("mine")
    build_case_package(study[:1], out)
    assert sorted(p.name for p in out.iterdir()) == [
        "01-with.png", "01-without.png", "README.txt", "case.json", "notes-of-mine.txt"
    ]  # fmt: skip


def test_strip_labels_leaves_the_labels_out_of_case_json(tmp_path, study):
    out = tmp_path / "case"
    build_case_package(study[:1], out, strip_labels=True)
    image = json.loads((out / "case.json").read_text())["images"][0]
    assert image["labels"] == [] and all(f["label"] is None for f in image["findings"])


def test_the_burned_in_warning_comes_before_anything_is_written(tmp_path, study):
    ds = pydicom.dcmread(study[0].path)
    ds.BurnedInAnnotation = "YES"
    ds.save_as(study[0].path)
    out = tmp_path / "case"
    seen = []
    build_case_package(study[:1], out, warn=lambda text: seen.append(out.exists()))
    assert seen == [False]


def test_bad_requests_name_the_folder(tmp_path, study):
    target = tmp_path / "a-file"
    target.write_text("x")
    with pytest.raises(HoviewError, match="exists and is not a folder"):
        build_case_package(study, target)
    with pytest.raises(HoviewError, match="at least one image"):
        build_case_package([], tmp_path / "case")
    with pytest.raises(HoviewError, match="2 discussions for 1 images"):
        build_case_package(study[:1], tmp_path / "case", discussions=["a", "b"])
    assert not (tmp_path / "case").exists()
