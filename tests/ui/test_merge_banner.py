"""The viewer and other writers of the same sidecar: quiet merges, the Merge button,
the conflict chooser, and annotations saved while the folder was read-only."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from hoview.annotations import Arrow, fallback_path, load_sidecar, save, sidecar_path
from hoview.sources.opening import open_image
from hoview.ui.annotation_session import MERGE_DESCRIPTION, SaveState

CHILD = Path(__file__).resolve().parents[1] / "annotations" / "annotate_child.py"


@pytest.fixture
def film(tmp_path, sample_data_dir, monkeypatch):
    """A copy of the sample film and its sidecar (two arrows); a private data folder."""
    monkeypatch.setenv("HOVIEW_DATA_DIR", str(tmp_path / "user-data"))
    folder = tmp_path / "films"
    folder.mkdir()
    for name in ("pelvis_ap.dcm", "pelvis_ap.dcm.hoview.json"):
        shutil.copy(sample_data_dir / name, folder / name)
    return folder / "pelvis_ap.dcm"


def on_disk(film: Path) -> dict[str, str]:
    """Annotation id -> label, as saved."""
    return {a.id: a.label for a in load_sidecar(sidecar_path(film)).annotations}


def edit_on_disk(film: Path, first_label: str | None = None, add: str | None = None) -> None:
    """What another program does: load the sidecar, change it, save it."""
    theirs = load_sidecar(sidecar_path(film))
    if first_label is not None:
        theirs.update(theirs.annotations[0].id, label=first_label)
    if add is not None:
        theirs.add(Arrow((300, 300), (400, 400), id=add, label=add))
    save(theirs, film)


def test_autosave_racing_command_line_annotate_keeps_both(window, qtbot, film):
    window.open_paths([film], wait=True)
    session = window.canvas.session()
    original = set(on_disk(film))
    child = subprocess.Popen(
        [sys.executable, str(CHILD), str(film), "cli", "30"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    mine = []
    try:
        for i in range(8):  # the viewer edits and autosaves while the command runs
            arrow = session.document.add(
                Arrow((500 + i * 10, 500), (600, 600), label=f"viewer-{i}")
            )
            mine.append(arrow.id)
            qtbot.waitUntil(lambda: session.state == SaveState.SAVED, timeout=15000)
    finally:
        out, err = child.communicate(timeout=300)
    assert child.returncode == 0, (out + err).decode()
    session.document.add(Arrow((700, 700), (800, 800), label="after"))
    qtbot.waitUntil(lambda: session.state == SaveState.SAVED, timeout=15000)
    saved = on_disk(film)
    assert original | set(mine) <= set(saved)
    assert {f"cli-{i}" for i in range(30)} <= set(saved.values())
    assert len(saved) == len(original) + len(mine) + 30 + 1
    assert set(saved) == {a.id for a in session.document.annotations}
    assert not window.save_banner.isVisible()


def test_quiet_merge_is_one_undo_step(window, qtbot, film):
    window.open_paths([film], wait=True)
    session = window.canvas.session()
    edit_on_disk(film, add="theirs-1")
    session.document.add(Arrow((500, 500), (600, 600), id="mine-1"))
    qtbot.waitUntil(lambda: session.state == SaveState.SAVED, timeout=5000)
    assert {"theirs-1", "mine-1"} <= set(on_disk(film))
    assert session.history.undo_text == MERGE_DESCRIPTION
    assert session.history.undo()
    assert "theirs-1" not in session.document and "mine-1" in session.document


def test_merge_button_asks_about_the_same_arrow_edited_on_both_sides(window, qtbot, film):
    window.open_paths([film], wait=True)
    session = window.canvas.session()
    first, second = (a.id for a in session.document.annotations[:2])
    edit_on_disk(film, first_label="HO (theirs)", add="theirs-1")
    session.document.update(first, label="HO (mine)")
    session.document.update(second, label="HO right (mine)")
    qtbot.waitUntil(lambda: session.state == SaveState.CONFLICT, timeout=5000)
    banner = window.save_banner
    assert banner.isVisible() and banner.merge.isVisible()
    assert banner.reload.isVisible() and banner.overwrite.isVisible()

    banner.merge.click()
    dialog = banner.merge_dialog
    assert dialog is not None
    qtbot.waitExposed(dialog)
    assert list(dialog.rows) == [("annotation", first)]
    mine_button, theirs_button = dialog.rows[("annotation", first)]
    assert mine_button.isChecked() and "HO (mine)" in mine_button.text()
    assert "HO (theirs)" in theirs_button.text()
    theirs_button.click()
    dialog.merge_button.click()

    qtbot.waitUntil(lambda: session.state == SaveState.SAVED, timeout=5000)
    assert not banner.isVisible()
    saved = on_disk(film)
    assert saved[first] == "HO (theirs)"  # chosen
    assert saved[second] == "HO right (mine)"  # only changed here
    assert saved["theirs-1"] == "theirs-1"  # only added there
    assert session.history.undo_text == MERGE_DESCRIPTION
    session.history.undo()
    assert session.document.get(first).label == "HO (mine)"
    assert "theirs-1" not in session.document


def test_merge_dialog_cancelled_changes_nothing(window, qtbot, film):
    window.open_paths([film], wait=True)
    session = window.canvas.session()
    first = session.document.annotations[0].id
    edit_on_disk(film, first_label="HO (theirs)")
    session.document.update(first, label="HO (mine)")
    qtbot.waitUntil(lambda: session.state == SaveState.CONFLICT, timeout=5000)
    before = sidecar_path(film).read_bytes()
    window.save_banner.merge.click()
    window.save_banner.merge_dialog.reject()
    assert session.state == SaveState.CONFLICT
    assert session.document.get(first).label == "HO (mine)"
    assert sidecar_path(film).read_bytes() == before
    window.save_banner.reload.click()  # settle it, so closing the window does not ask
    assert session.state == SaveState.SAVED and session.document.get(first).label == "HO (theirs)"


def test_annotations_saved_while_read_only_come_back_with_a_notice(window, film):
    identity = open_image(film).identity
    beside = json.loads(sidecar_path(film).read_text())
    beside["annotations"].append(
        {**beside["annotations"][0], "id": "while-read-only", "label": "saved on the CD day"}
    )
    fallback = fallback_path(identity)
    fallback.parent.mkdir(parents=True)
    fallback.write_text(json.dumps(beside))
    os.utime(fallback, (2e9, 2e9))  # written after the copy beside the image

    window.open_paths([film], wait=True)
    message = window.statusBar().currentMessage()
    assert "merged into pelvis_ap.dcm.hoview.json" in message and str(fallback) in message
    assert "removed" in message
    assert not fallback.exists()
    assert on_disk(film)["while-read-only"] == "saved on the CD day"
    assert "while-read-only" in window.canvas.session().document
