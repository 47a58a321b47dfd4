"""A folder read-only for a while, then writable again: nothing saved meanwhile is lost."""

from __future__ import annotations

import errno
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
    SidecarWriteError,
    fallback_path,
    load,
    load_sidecar,
    open_annotations,
    save,
    sidecar_path,
)
from hoview.annotations import sidecar as sidecar_module
from hoview.annotations import sidecar_places as places
from hoview.annotations.commands import add_annotation
from hoview.sources.opening import open_image

IDENTITY = {"sop_instance_uid": "1.2.3.99", "columns": 100, "rows": 80, "frames": 1}
T1 = "2024-05-01T11:00:00.000Z"
T2 = "2024-05-01T12:00:00.000Z"


@pytest.fixture
def image(tmp_path):
    path = tmp_path / "films" / "hip.dcm"
    path.parent.mkdir()
    path.write_bytes(b"not read")
    return path


def arrow(i: str, label: str = "", modified: str = T1) -> Arrow:
    return Arrow((1, 1), (9, 9), id=i, label=label, created=T1, modified=modified)


def labels(path: Path) -> dict[str, str]:
    return {a.id: a.label for a in load_sidecar(path).annotations}


def read_only_for_a_while(image: Path, monkeypatch, *arrows: Arrow) -> Path:
    """Save ``arrows`` while the folder cannot be written; return the fallback file."""
    with monkeypatch.context() as patch:
        patch.setattr(places, "folder_writable", lambda folder: folder != image.parent)
        for a in arrows:
            add_annotation(image, IDENTITY, a)
    fallback = fallback_path(IDENTITY)
    assert fallback.is_file()
    return fallback


def test_command_line_merges_both_tells_once_and_removes_the_fallback(image, monkeypatch):
    beside = sidecar_path(image)
    add_annotation(image, IDENTITY, arrow("before", "beside"))
    fallback = read_only_for_a_while(image, monkeypatch, arrow("during", "from the CD day"))
    assert labels(beside) == {"before": "beside"}
    assert load(image, IDENTITY).get("during").label == "from the CD day"  # merged in memory
    assert fallback.exists(), "load() writes nothing"

    notices: list[str] = []
    add_annotation(image, IDENTITY, arrow("after", "writable again"), notify=notices.append)
    assert labels(beside) == {
        "before": "beside",
        "during": "from the CD day",
        "after": "writable again",
    }
    assert not fallback.exists()
    assert len(notices) == 1 and "\n" not in notices[0]
    assert str(fallback) in notices[0] and "merged into hip.dcm.hoview.json" in notices[0]
    assert "removed" in notices[0]
    add_annotation(image, IDENTITY, arrow("later"), notify=notices.append)
    assert len(notices) == 1, "told once"


def test_the_later_modified_wins_for_an_arrow_in_both(image, monkeypatch):
    beside = sidecar_path(image)
    document = AnnotationDocument(IDENTITY)
    document.add_many([arrow("a", "beside, newer", T2), arrow("b", "beside, older", T1)])
    save(document, image)
    fallback = fallback_path(IDENTITY)
    fallback.parent.mkdir(parents=True)
    other = AnnotationDocument(IDENTITY)
    other.add_many([arrow("a", "fallback, older", T1), arrow("b", "fallback, newer", T2)])
    fallback.write_bytes(sidecar_module.dumps(other, image.name))
    result = open_annotations(image, IDENTITY)
    assert result.error is None and result.path == beside
    assert labels(beside) == {"a": "beside, newer", "b": "fallback, newer"}
    assert "1 annotation(s)" in result.notice and "removed" in result.notice
    assert not fallback.exists()
    assert open_annotations(image, IDENTITY).notice == ""


def test_only_a_fallback_is_moved_beside_the_image(image, monkeypatch):
    fallback = read_only_for_a_while(image, monkeypatch, arrow("during"))
    result = open_annotations(image, IDENTITY)
    assert result.path == sidecar_path(image) and "moved to hip.dcm.hoview.json" in result.notice
    assert set(labels(sidecar_path(image))) == {"during"} and not fallback.exists()


def test_fallback_stays_when_writing_the_merge_fails(image, monkeypatch):
    add_annotation(image, IDENTITY, arrow("before"))
    fallback = read_only_for_a_while(image, monkeypatch, arrow("during"))
    kept = fallback.read_bytes()

    def disk_full(target, data, backup):
        raise OSError(errno.ENOSPC, "No space left on device")

    with monkeypatch.context() as patch:
        patch.setattr(sidecar_module, "write_atomic", disk_full)
        with pytest.raises(SidecarWriteError, match="No space left"):
            add_annotation(image, IDENTITY, arrow("after"))
        result = open_annotations(image, IDENTITY)
        assert "could not be written yet" in result.notice
        assert {"before", "during"} <= {a.id for a in result.document.annotations}
        assert fallback.read_bytes() == kept
    # The viewer's next autosave of that document writes the merge and removes it.
    result.document.add(arrow("after"))
    save(result.document, image)
    assert set(labels(sidecar_path(image))) == {"before", "during", "after"}
    assert not fallback.exists()


def test_a_fallback_changed_meanwhile_is_not_removed(image, monkeypatch):
    add_annotation(image, IDENTITY, arrow("before"))
    fallback = read_only_for_a_while(image, monkeypatch, arrow("during"))
    document = load(image, IDENTITY)
    changed = load_sidecar(fallback, IDENTITY)
    changed.add(arrow("late"))
    fallback.write_bytes(sidecar_module.dumps(changed, image.name))
    save(document, image)
    assert fallback.exists(), "someone changed it since the merge: keep it"
    assert "late" in load(image, IDENTITY), "and the next load merges it again"


def _can_bind_read_only() -> bool:
    if shutil.which("unshare") is None or os.name != "posix":
        return False
    probe = subprocess.run(
        ["unshare", "-m", "sh", "-c", "mount --bind -o ro / /mnt"], capture_output=True
    )
    return probe.returncode == 0


@pytest.mark.skipif(
    not _can_bind_read_only(),
    reason="needs `unshare -m` and mount (CAP_SYS_ADMIN); the stubbed tests above still run",
)
def test_real_read_only_bind_mount_then_writable_again(tmp_path, data_dir):
    """chmod does not stop root: make the folder really read-only with a bind mount."""
    folder = tmp_path / "cd"
    folder.mkdir()
    film = folder / "film.png"
    Image.new("L", (40, 30), 0).save(film)
    hoview = shutil.which("hoview", path=str(Path(sys.executable).parent)) or "hoview"
    env = {**os.environ, "HOVIEW_DATA_DIR": str(data_dir)}
    first = subprocess.run(
        [hoview, "annotate", str(film), "--arrow", "1", "1", "9", "9", "--label", "before"],
        capture_output=True,
        text=True,
        env=env,
    )
    assert first.returncode == 0, first.stderr
    script = (
        f'mount --bind -o ro "{folder}" "{folder}" && '
        f'! touch "{folder}/probe" 2>/dev/null && '
        f'"{hoview}" annotate "{film}" --arrow 2 2 8 8 --label "read-only"'
    )
    during = subprocess.run(
        ["unshare", "-m", "sh", "-c", script], capture_output=True, text=True, env=env
    )
    assert during.returncode == 0, during.stderr
    fallback = fallback_path(open_image(film).identity)
    assert str(fallback) in during.stdout
    after = subprocess.run(
        [hoview, "annotate", str(film), "--arrow", "3", "3", "7", "7", "--label", "after"],
        capture_output=True,
        text=True,
        env=env,
    )
    assert after.returncode == 0, after.stderr
    warning = after.stderr.strip()
    assert warning.startswith(f"hoview: warning: {fallback}: ") and "\n" not in warning
    assert "merged into film.png.hoview.json" in warning
    assert sorted(a.label for a in load_sidecar(sidecar_path(film)).annotations) == [
        "after",
        "before",
        "read-only",
    ]
    assert not fallback.exists()
