"""The DICOMweb cache: atomic writes, LRU eviction of whole studies, sidecars elsewhere."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pydicom
import pytest

from hoview.annotations import Arrow, save_path
from hoview.annotations.commands import add_annotation
from hoview.pacs.cache import PART_PREFIX, InstanceCache
from hoview.sources.opening import open_image

SAMPLE = Path(__file__).resolve().parents[2] / "sample_data"


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("HOVIEW_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("HOVIEW_DATA_DIR", str(tmp_path / "data"))
    return InstanceCache(limit=10_000)


def _study(cache: InstanceCache, uid: str, size: int, age: int) -> Path:
    path = cache.instance_path(uid, "1.1", "1.1.1")
    path.parent.mkdir(parents=True)
    path.write_bytes(b"x" * size)
    os.utime(cache.study_folder(uid), (age, age))
    return path


def test_evicts_least_recently_used_whole_studies(cache):
    _study(cache, "1.1", 4000, 1000)
    _study(cache, "1.2", 4000, 2000)
    _study(cache, "1.3", 4000, 3000)
    assert cache.evict() == ["1.1"]
    assert not cache.study_folder("1.1").exists()
    assert cache.size() <= cache.limit


def test_studies_in_use_are_kept(cache):
    _study(cache, "1.1", 6000, 1000)
    _study(cache, "1.2", 6000, 2000)
    cache.hold("1.1")
    try:
        assert cache.evict() == ["1.2"]
    finally:
        cache.release("1.1")
    _study(cache, "1.3", 6000, 500)
    assert cache.evict(keep=["1.3"]) == ["1.1"]


def test_write_is_atomic(cache, monkeypatch):
    ds = pydicom.dcmread(SAMPLE / "pelvis_ap.dcm")
    target = cache.instance_path("1.1", "1.1.1", str(ds.SOPInstanceUID))

    def fail(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", fail)
    with pytest.raises(OSError):
        cache.write(ds, target)
    assert not target.exists() and not list(target.parent.glob(f"{PART_PREFIX}*"))
    monkeypatch.undo()
    monkeypatch.setenv("HOVIEW_CACHE_DIR", str(cache.root))
    cache.write(ds, target)
    assert pydicom.dcmread(target).SOPInstanceUID == ds.SOPInstanceUID


def test_sidecars_of_cached_images_go_to_the_data_folder(cache, tmp_path):
    target = cache.instance_path("1.1", "1.1.1", "film")
    target.parent.mkdir(parents=True)
    shutil.copy(SAMPLE / "pelvis_ap.dcm", target)
    identity = open_image(target).identity
    expected = tmp_path / "data" / "sidecars" / f"sop-{identity['sop_instance_uid']}.hoview.json"
    assert save_path(target, identity) == expected
    written, _ = add_annotation(
        target, identity, Arrow(tail=(1, 1), head=(50, 50)), None, lambda message: None
    )
    assert written == expected and expected.is_file()
    assert not list(target.parent.glob("*.hoview.json"))
