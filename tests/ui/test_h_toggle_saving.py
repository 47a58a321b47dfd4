"""H on a writable, a read-only and the sample's sidecar: saved, kept in memory, no churn."""

from __future__ import annotations

import json
import shutil

from hoview.annotations import sidecar_places as places
from hoview.ui.annotation_session import SaveState


def press_h(window):
    window.actions_by_text["Show / hide annotations"].trigger()


def snapshot(folder):
    return {
        p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in folder.rglob("*") if p.is_file()
    }


def test_h_twice_on_a_writable_sidecar_rewrites_nothing(window, qtbot, tmp_path, sample_data_dir):
    for name in ("pelvis_ap.dcm", "pelvis_ap.dcm.hoview.json"):
        shutil.copy(sample_data_dir / name, tmp_path / name)
    film = tmp_path / "pelvis_ap.dcm"
    window.open_paths([film], wait=True)
    session = window.canvas.session()
    press_h(window)  # once: the choice is kept in the sidecar, with a backup
    session.flush()
    sidecar = json.loads((tmp_path / "pelvis_ap.dcm.hoview.json").read_text())
    assert sidecar["view"]["annotations_visible"] is False
    before = snapshot(tmp_path)
    assert "pelvis_ap.dcm.hoview.json.bak" in before
    press_h(window)
    press_h(window)  # twice: back where it was saved
    assert session.flush()
    assert session.state == SaveState.SAVED
    assert snapshot(tmp_path) == before


def test_h_on_a_read_only_sidecar_is_kept_for_the_session(
    window, qtbot, tmp_path, sample_data_dir, monkeypatch
):
    share = tmp_path / "share"
    share.mkdir()
    for name in ("pelvis_ap.dcm", "pelvis_ap.dcm.hoview.json"):
        shutil.copy(sample_data_dir / name, share / name)
    data = tmp_path / "data"
    monkeypatch.setenv("HOVIEW_DATA_DIR", str(data))
    # Tests run as root, where chmod does not stop writes: the share's probe fails.
    monkeypatch.setattr(places, "folder_writable", lambda folder: folder != share)
    before = snapshot(share)
    window.open_paths([share / "pelvis_ap.dcm"], wait=True)
    session = window.canvas.session()
    press_h(window)
    assert not session.document.annotations_visible
    assert session.flush()
    assert session.state == SaveState.SAVED and session.save_error == ""
    assert not window.save_banner.isVisible()
    assert snapshot(share) == before
    assert not data.exists() or not any(data.rglob("*.json"))
    assert not window.canvas.session().document.annotations_visible  # still hidden


def test_h_on_the_sample_study_leaves_its_files_alone(window, qtbot, tmp_path, monkeypatch):
    from hoview.paths import sample_data_folder

    monkeypatch.setenv("HOVIEW_DATA_DIR", str(tmp_path / "data"))
    folder = sample_data_folder()
    before = snapshot(folder)
    window.open_paths([folder / "pelvis_ap.dcm"], wait=True)
    session = window.canvas.session()
    press_h(window)
    assert session.flush()
    assert session.state == SaveState.SAVED
    assert snapshot(folder) == before
    assert not (tmp_path / "data").exists() or not any((tmp_path / "data").rglob("*.json"))
