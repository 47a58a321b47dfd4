"""retrieve_study: one instance fetched ahead of the listing, large series streamed, faults."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pydicom
import pytest
from orthanc_server import sample_files

from hoview.errors import HoviewError
from hoview.pacs.cache import PART_PREFIX
from hoview.pacs.retrieve import STREAM_MIN_INSTANCES, RetrieveCancelled, retrieve_study
from hoview.pacs.servers import Server


def _retrieve(server: Server, study: str) -> tuple[list[Path], list[Path], list[tuple[int, int]]]:
    seen: list[Path] = []
    progress: list[tuple[int, int]] = []
    paths = retrieve_study(
        server, study, on_instance=seen.append, progress=lambda d, t: progress.append((d, t))
    )
    return paths, seen, progress


def test_every_instance_reported_once_fresh_and_cached(pacs_env, orthanc):
    server = Server(name="local", url=orthanc.url, timeout=20)
    for _ in range(2):  # a fresh cache, then everything already cached
        paths, seen, progress = _retrieve(server, orthanc.study_uid)
        total = len(paths)  # the sample study, and what other tests stored into it
        assert total >= len(sample_files()) and all(p.is_file() for p in paths)
        assert sorted(seen) == sorted(paths)  # the early instance is not reported again
        assert [d for d, _ in progress] == list(range(1, total + 1))
        assert {t for _, t in progress} == {total}
        assert pydicom.dcmread(seen[0]).StudyInstanceUID == orthanc.study_uid


def test_series_only_fetches_that_series_early(pacs_env, orthanc):
    server = Server(name="local", url=orthanc.url, timeout=20)
    ct_hips = sample_files()[1:]
    series = str(pydicom.dcmread(ct_hips[0], stop_before_pixels=True).SeriesInstanceUID)
    seen: list[Path] = []
    paths = retrieve_study(server, orthanc.study_uid, series_uid=series, on_instance=seen.append)
    assert len(paths) == len(ct_hips) and sorted(seen) == sorted(paths)
    assert {p.parent.name for p in (pacs_env / "cache").rglob("*.dcm")} == {series}


def _large_series(folder: Path, count: int = 70, side: int = 512) -> tuple[str, list[Path]]:
    """``count`` synthetic CT slices of one series, more than socket buffers hold in flight."""
    from pydicom.dataset import Dataset, FileMetaDataset
    from pydicom.uid import CTImageStorage, ExplicitVRLittleEndian, generate_uid

    folder.mkdir()
    study, series = generate_uid(), generate_uid()
    pixels = np.arange(side * side, dtype="<u2").reshape(side, side) % 4096
    files = []
    for i in range(count):
        ds = Dataset()
        ds.file_meta = FileMetaDataset()
        ds.file_meta.TransferSyntaxUID = ExplicitVRLittleEndian
        ds.SOPClassUID = ds.file_meta.MediaStorageSOPClassUID = CTImageStorage
        ds.SOPInstanceUID = ds.file_meta.MediaStorageSOPInstanceUID = generate_uid()
        ds.StudyInstanceUID, ds.SeriesInstanceUID = study, series
        ds.PatientID, ds.PatientName, ds.Modality = "SYNTH", "SYNTHETIC^LARGE", "CT"
        ds.InstanceNumber = i + 1
        ds.SamplesPerPixel, ds.PhotometricInterpretation = 1, "MONOCHROME2"
        ds.Rows = ds.Columns = side
        ds.BitsAllocated, ds.BitsStored, ds.HighBit, ds.PixelRepresentation = 16, 12, 11, 0
        ds.PixelData = pixels.tobytes()
        files.append(folder / f"{i:03d}.dcm")
        ds.save_as(files[-1], enforce_file_format=True)
    return str(study), files


def test_large_series_stopped_mid_stream_then_resumed(pacs_env, orthanc_factory, tmp_path):
    server = orthanc_factory()
    study, files = _large_series(tmp_path / "series")
    assert len(files) >= STREAM_MIN_INSTANCES  # the series comes in one streamed request
    server.post_files(files)
    remote = Server(name="mid", url=server.url, timeout=5)
    seen: list[Path] = []

    def on_instance(path: Path) -> None:
        seen.append(path)
        if len(seen) == 3:
            server.stop()

    with pytest.raises(HoviewError) as caught:
        retrieve_study(remote, study, on_instance=on_instance)
    assert str(caught.value) == "mid: server not reachable"
    cached = list((pacs_env / "cache").rglob("*.dcm"))
    assert 3 <= len(cached) < len(files)
    assert not list((pacs_env / "cache").rglob(f"{PART_PREFIX}*"))
    for path in cached:  # every file named .dcm is a whole instance
        assert len(pydicom.dcmread(path).PixelData) == 512 * 512 * 2

    server.start()
    done: list[int] = []
    paths = retrieve_study(remote, study, progress=lambda d, t: done.append(d))
    assert len(paths) == len(files) and all(p.is_file() for p in paths)
    assert done == list(range(1, len(files) + 1))
    assert not list((pacs_env / "cache").rglob(f"{PART_PREFIX}*"))


def test_cancel_stops_a_stream(pacs_env, orthanc_factory, tmp_path):
    server = orthanc_factory()
    study, files = _large_series(tmp_path / "series")
    server.post_files(files)
    remote = Server(name="local", url=server.url, timeout=20)
    seen: list[Path] = []
    with pytest.raises(RetrieveCancelled):
        retrieve_study(remote, study, on_instance=seen.append, cancel=lambda: len(seen) >= 3)
    assert 3 <= len(list((pacs_env / "cache").rglob("*.dcm"))) < len(files)
    assert sorted(seen) == sorted(set(seen))
