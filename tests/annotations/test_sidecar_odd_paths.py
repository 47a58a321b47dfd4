"""Sidecar paths that are not plain files: FIFOs, devices, symbolic links, linked backups."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

from hoview.annotations import (
    AnnotationDocument,
    Arrow,
    load,
    load_sidecar,
    open_annotations,
    save,
    sidecar_path,
)
from hoview.annotations.errors import SidecarPathError

pytestmark = pytest.mark.skipif(os.name != "posix", reason="FIFOs and symbolic links")
IDENTITY = {"sop_instance_uid": "1.2.3.4", "columns": 100, "rows": 80, "frames": 1}


@pytest.fixture
def image(tmp_path):
    folder = tmp_path / "films"
    folder.mkdir()
    path = folder / "hip.dcm"
    path.write_bytes(b"not read")
    return path


def _document(*ids: str) -> AnnotationDocument:
    document = AnnotationDocument(IDENTITY)
    for i in ids:
        document.add(Arrow((1, 1), (9, 9), id=i, label=i))
    return document


def _hoview() -> str:
    return shutil.which("hoview", path=str(Path(sys.executable).parent)) or "hoview"


def test_fifo_sidecar_is_refused_at_once_by_hoview_annotate(tmp_path):
    film = tmp_path / "film.png"
    Image.new("L", (40, 30), 0).save(film)
    fifo = sidecar_path(film)
    os.mkfifo(fifo)
    done = subprocess.run(
        [_hoview(), "annotate", str(film), "--arrow", "1", "1", "9", "9"],
        capture_output=True,
        text=True,
        timeout=30,  # used to hang for ever, waiting for a writer
    )
    assert done.returncode == 1
    assert done.stdout == ""
    assert (
        done.stderr
        == f"hoview: error: {fifo}: is a FIFO (named pipe), not a regular file: refused\n"
    )
    assert fifo.is_fifo()


def test_fifo_sidecar_in_the_library(image):
    os.mkfifo(sidecar_path(image))
    with pytest.raises(SidecarPathError, match="is a FIFO"):
        load(image, IDENTITY)
    result = open_annotations(image, IDENTITY)
    assert isinstance(result.error, SidecarPathError) and len(result.document) == 0
    with pytest.raises(SidecarPathError, match="is a FIFO"):
        save(_document("a"), image, force=True)
    assert sidecar_path(image).is_fifo()


def test_symlink_to_dev_zero_is_refused(image):
    sidecar_path(image).symlink_to("/dev/zero")
    with pytest.raises(SidecarPathError) as caught:
        load(image, IDENTITY)
    assert "symbolic link to /dev/zero, which is a character device" in str(caught.value)
    with pytest.raises(SidecarPathError):
        save(_document("a"), image, force=True)
    assert os.readlink(sidecar_path(image)) == "/dev/zero"


def test_symlink_to_a_folder_or_to_nothing_is_refused(image, tmp_path):
    link = sidecar_path(image)
    link.symlink_to(tmp_path)
    with pytest.raises(SidecarPathError, match="which is a folder"):
        load_sidecar(link)
    link.unlink()
    link.symlink_to(tmp_path / "missing.json")
    with pytest.raises(SidecarPathError, match="which does not exist"):
        load(image, IDENTITY)
    with pytest.raises(SidecarPathError, match="which does not exist"):
        save(_document("a"), image)
    assert not (tmp_path / "missing.json").exists()


def test_symlinked_sidecar_stays_a_link_and_its_target_is_written_atomically(image, tmp_path):
    shared = tmp_path / "shared"
    shared.mkdir()
    real = shared / "hip-annotations.json"
    save(_document("a"), shared / "hip.dcm")  # a valid sidecar, then moved to its name
    (shared / "hip.dcm.hoview.json").rename(real)
    link = sidecar_path(image)
    link.symlink_to(real)

    document = load(image, IDENTITY)
    assert [a.id for a in document.annotations] == ["a"]
    document.add(Arrow((2, 2), (8, 8), id="b"))
    assert save(document, image) == link

    assert link.is_symlink() and os.readlink(link) == str(real)
    assert [a.id for a in load_sidecar(real).annotations] == ["a", "b"]
    # The temporary file and the backup were made beside the target, not the link.
    assert sorted(p.name for p in image.parent.iterdir()) == ["hip.dcm", link.name]
    assert (shared / "hip-annotations.json.bak").is_file()
    assert [a.id for a in load_sidecar(shared / "hip-annotations.json.bak").annotations] == ["a"]
    # The conflict check follows the link too.
    again = load(image, IDENTITY)
    again.add(Arrow((3, 3), (7, 7), id="c"))
    save(again, image)
    assert [a.id for a in load(image, IDENTITY).annotations] == ["a", "b", "c"]


def test_backup_that_is_a_symlink_is_replaced_never_followed(image, tmp_path):
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    save(_document("a"), image)
    backup = sidecar_path(image).with_name(sidecar_path(image).name + ".bak")
    backup.symlink_to(victim)
    document = load(image, IDENTITY)
    document.add(Arrow((2, 2), (8, 8), id="b"))
    save(document, image)
    assert victim.read_text() == "precious"
    assert not backup.is_symlink() and backup.is_file()
    assert [a.id for a in load_sidecar(backup).annotations] == ["a"]


def test_backup_symlink_to_the_sidecar_itself_is_replaced(image):
    save(_document("a"), image)
    target = sidecar_path(image)
    backup = target.with_name(target.name + ".bak")
    backup.symlink_to(target.name)
    document = load(image, IDENTITY)
    document.add(Arrow((2, 2), (8, 8), id="b"))
    save(document, image)
    assert not backup.is_symlink()
    assert [a.id for a in load_sidecar(backup).annotations] == ["a"]
    assert [a.id for a in load_sidecar(target).annotations] == ["a", "b"]
