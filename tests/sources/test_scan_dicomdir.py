"""read_dicomdir and open_path: DICOMDIR records, refused paths, single files, folders."""

from __future__ import annotations

import shutil
import warnings

import pydicom
import pytest

from hoview.errors import UnreadableImageError
from hoview.sources import FrameCache, open_path, read_dicomdir
from hoview.sources.dicomdir import MISSING, OUTSIDE, is_dicomdir
from hoview.sources.scan import DICOMDIR_IN_FOLDER

# What pydicom's dicomdirtests/DICOMDIR lists (2 patients): 6 studies, 13 series, 31 images.
STUDIES, SERIES, IMAGES = 6, 13, 31
VARIANTS = [
    "DICOMDIR",
    "DICOMDIR-bigEnd",
    "DICOMDIR-implicit",
    "DICOMDIR-nooffset",
    "DICOMDIR-nopatient",
    "DICOMDIR-reordered",
]


def _layout(result):
    """Studies -> series -> file names, to compare two results."""
    return [
        (study.uid, [(s.uid, [f.source.path.name for f in s.frames]) for s in study.series])
        for study in result.studies
    ]


def _copy_file_set(source, target):
    shutil.copytree(source, target, ignore=shutil.ignore_patterns("DICOMDIR-*", "TINY_ALPHA"))
    return target / "DICOMDIR"


def _rewrite_records(dicomdir, changes):
    """Point the IMAGE records at new Referenced File IDs (index -> list of parts)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ds = pydicom.dcmread(dicomdir)
        images = [r for r in ds.DirectoryRecordSequence if "ReferencedFileID" in r]
        for index, parts in changes.items():
            images[index].ReferencedFileID = parts
        ds.save_as(dicomdir)


@pytest.mark.parametrize("name", VARIANTS)
def test_dicomdir_is_read_and_grouped(dicomdir_tests, name):
    result = read_dicomdir(dicomdir_tests / name, cache=FrameCache())

    assert result.skipped == []
    assert len(result.studies) == STUDIES
    assert len(result.series) == SERIES
    assert sum(len(s.sources) for s in result.series) == IMAGES
    assert sum(len(s) for s in result.series) == IMAGES
    by_description = {s.description: s for s in result.series}
    smartscore = by_description["SmartScore - Gated 0.5 sec"]
    z = [float(f.source.metadata["image_position"][2]) for f in smartscore.frames]
    assert len(z) == 5 and z in (sorted(z), sorted(z, reverse=True))  # along the normal
    numbers = [int(f.source.dataset.InstanceNumber) for f in smartscore.frames]
    assert numbers == sorted(numbers)  # and image 1 is Instance Number 1, as in PACS
    assert len(by_description["ANGIO Projected from   C"]) == 7
    ct = next(s for s in result.studies if s.description == "CT, HEAD/BRAIN WO CONTRAST")
    assert [(s.number, s.modality, len(s)) for s in ct.series] == [(2, "CT", 4)]


def test_dicomdir_and_a_folder_scan_agree(dicomdir_tests, tmp_path):
    dicomdir = _copy_file_set(dicomdir_tests, tmp_path / "cd")

    from_index = read_dicomdir(dicomdir, cache=FrameCache())
    from_scan = open_path(tmp_path / "cd", cache=FrameCache())

    assert _layout(from_scan) == _layout(from_index)
    assert from_scan.skipped_reasons() == {DICOMDIR_IN_FOLDER: 1, "not a DICOM file or an image": 1}


def test_dicomdir_records_without_images_are_skipped(dicomdir_tests):
    result = read_dicomdir(dicomdir_tests / "TINY_ALPHA" / "DICOMDIR", cache=FrameCache())

    assert result.studies == []
    assert result.skipped_reasons() == {"DICOM file has no pixel data (it is CT Image Storage)": 50}


def test_an_empty_dicomdir_gives_an_empty_result(dicomdir_tests):
    result = read_dicomdir(dicomdir_tests / "DICOMDIR-empty.dcm")
    assert result.studies == [] and result.skipped == []


def test_a_missing_file_is_skipped(dicomdir_tests, tmp_path):
    dicomdir = _copy_file_set(dicomdir_tests, tmp_path / "cd")
    (tmp_path / "cd" / "77654033" / "CR2" / "6247").unlink()

    result = read_dicomdir(dicomdir, cache=FrameCache())

    assert [(i.path.relative_to(tmp_path / "cd").as_posix(), i.reason) for i in result.skipped] == [
        ("77654033/CR2/6247", MISSING)
    ]
    assert sum(len(s) for s in result.series) == IMAGES - 1
    assert len(result.series) == SERIES - 1


def test_file_ids_are_matched_without_regard_to_case(dicomdir_tests, tmp_path):
    dicomdir = _copy_file_set(dicomdir_tests, tmp_path / "cd")
    for name in ("MR700", "MR2"):  # as a CD mounted with lower-case names shows them
        (tmp_path / "cd" / "98892003" / name).rename(tmp_path / "cd" / "98892003" / name.lower())

    result = read_dicomdir(dicomdir, cache=FrameCache())

    assert result.skipped == []
    assert sum(len(s) for s in result.series) == IMAGES


def test_records_pointing_outside_the_folder_are_refused(dicomdir_tests, make_dicom, tmp_path):
    dicomdir = _copy_file_set(dicomdir_tests, tmp_path / "cd")
    outside = make_dicom(tmp_path / "outside.dcm", series_description="OUTSIDE")
    (tmp_path / "cd" / "link.dcm").symlink_to(outside)
    _rewrite_records(dicomdir, {0: ["..", "outside.dcm"], 1: [str(outside)], 2: ["link.dcm"]})

    result = read_dicomdir(dicomdir, cache=FrameCache())

    assert result.skipped_reasons() == {OUTSIDE: 3}
    assert "OUTSIDE" not in {s.description for s in result.series}
    assert sum(len(s) for s in result.series) == IMAGES - 3


def test_progress_follows_the_records(dicomdir_tests):
    calls = []
    read_dicomdir(dicomdir_tests / "DICOMDIR", progress=lambda *a: calls.append(a))
    assert calls == [(n, IMAGES) for n in range(IMAGES + 1)]


def test_a_file_that_is_not_a_dicomdir_is_refused(make_dicom, tmp_path):
    (tmp_path / "DICOMDIR").write_text("not really")
    with pytest.raises(UnreadableImageError, match="not a DICOMDIR"):
        read_dicomdir(tmp_path / "DICOMDIR")
    image = make_dicom(tmp_path / "image.dcm")
    with pytest.raises(UnreadableImageError, match="Directory Record Sequence"):
        read_dicomdir(image)
    with pytest.raises(UnreadableImageError, match="no such file"):
        read_dicomdir(tmp_path / "nothing")


def test_open_path_reads_a_dicomdir_by_name_or_by_sop_class(dicomdir_tests, tmp_path):
    by_name = open_path(dicomdir_tests / "DICOMDIR", cache=FrameCache())
    renamed = shutil.copy(dicomdir_tests / "DICOMDIR", tmp_path / "INDEX")
    for folder in ("77654033", "98892001", "98892003"):
        shutil.copytree(dicomdir_tests / folder, tmp_path / folder)

    by_class = open_path(renamed, cache=FrameCache())

    assert is_dicomdir(renamed) and not is_dicomdir(dicomdir_tests / "README.txt")
    assert _layout(by_class) == _layout(by_name)
    assert sum(len(s) for s in by_class.series) == IMAGES


def test_open_path_wraps_a_single_dicom_file(make_dicom, make_uid, tmp_path):
    study, series = make_uid(), make_uid()
    path = make_dicom(
        tmp_path / "one.dcm",
        study=study,
        series=series,
        frames=2,
        series_description="PELVIS AP",
        study_description="PELVIS",
    )

    result = open_path(path, cache=FrameCache())

    (only,) = result.studies
    assert (only.uid, only.description) == (study, "PELVIS")
    assert [(s.uid, s.description, len(s)) for s in only.series] == [(series, "PELVIS AP", 2)]


def test_open_path_wraps_a_single_png(make_png, tmp_path):
    result = open_path(make_png(tmp_path / "films" / "hip.png"))
    assert [(s.description, [x.description for x in s.series]) for s in result.studies] == [
        ("films", ["hip.png"])
    ]


def test_open_path_raises_for_a_bad_single_file_or_a_missing_path(tmp_path, pydicom_files):
    notes = tmp_path / "notes.txt"
    notes.write_text("no image here")
    with pytest.raises(UnreadableImageError) as caught:
        open_path(notes)
    assert caught.value.path == notes and "not a DICOM file" in caught.value.message
    with pytest.raises(UnreadableImageError, match="no pixel data"):
        open_path(pydicom_files / "rtplan.dcm")
    with pytest.raises(UnreadableImageError) as caught:
        open_path(tmp_path / "missing.dcm")
    assert caught.value.message == "no such file or folder"
