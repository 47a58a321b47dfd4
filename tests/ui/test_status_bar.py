"""The status bar: a pixel read-out of the image shown now, and a save banner that fits."""

from __future__ import annotations

import re
import shutil

import numpy as np
import pytest
from PySide6.QtCore import QEvent, QPoint, QPointF
from PySide6.QtWidgets import QApplication

from hoview.annotations import load_sidecar, save, sidecar_path
from hoview.ui.annotation_session import SaveState


@pytest.fixture
def study(tmp_path, sample_data_dir, monkeypatch):
    """The sample film (with its sidecar) and the ct_hips series in one folder."""
    monkeypatch.setenv("HOVIEW_DATA_DIR", str(tmp_path / "user-data"))
    folder = tmp_path / "study"
    folder.mkdir()
    for name in ("pelvis_ap.dcm", "pelvis_ap.dcm.hoview.json"):
        shutil.copy(sample_data_dir / name, folder / name)
    shutil.copytree(sample_data_dir / "ct_hips", folder / "ct_hips")
    return folder


def read_out(window) -> tuple[int, int, int] | None:
    """The (x, y, stored) of the status bar's pixel read-out, None without one."""
    found = re.search(r"x (\d+) y (\d+)  stored (-?\d+)", window.status_label.text())
    return tuple(int(v) for v in found.groups()) if found else None


def move_to(qtbot, canvas, point: QPoint) -> None:
    """Move the mouse to ``point`` (by way of a neighbour: a move in place sends nothing)."""
    qtbot.mouseMove(canvas, point + QPoint(3, 3))
    qtbot.mouseMove(canvas, point)


def series_index(window, modality: str) -> int:
    return next(i for i, s in enumerate(window._series) if s.modality == modality)


def test_read_out_follows_the_series_shown(window, qtbot, study):
    window.open_paths([study], wait=True)
    canvas = window.canvas
    window.series_panel.setCurrentRow(series_index(window, "DX"))
    assert canvas.frame.source.metadata["modality"] == "DX"
    centre = QPoint(canvas.width() // 2, canvas.height() // 2)
    move_to(qtbot, canvas, centre)
    qtbot.waitUntil(lambda: read_out(window) is not None)
    x, y, stored = read_out(window)
    assert stored == canvas.frame.pixels()[y, x]

    window.series_panel.setCurrentRow(series_index(window, "CT"))  # the mouse stays put
    assert canvas.frame.source.metadata["modality"] == "CT"
    x2, y2, stored2 = read_out(window)
    cx, cy = canvas.screen_to_image(QPointF(centre))
    assert (x2, y2) == (int(np.floor(cx)), int(np.floor(cy)))
    assert stored2 == canvas.frame.pixels()[y2, x2]  # the CT's value, not the film's

    canvas.set_frame_index(canvas.frame_index + 5)  # a new slice under the same point
    assert read_out(window)[2] == canvas.frame.pixels()[y2, x2]


def test_read_out_goes_when_the_mouse_leaves(window, qtbot, study):
    window.open_paths([study / "pelvis_ap.dcm"], wait=True)
    canvas = window.canvas
    move_to(qtbot, canvas, QPoint(canvas.width() // 2, canvas.height() // 2))
    qtbot.waitUntil(lambda: read_out(window) is not None)
    QApplication.sendEvent(canvas, QEvent(QEvent.Type.Leave))
    assert read_out(window) is None
    assert "zoom" in window.status_label.text()


def test_conflict_message_fits_and_is_whole_in_the_tooltip(window, qtbot, study):
    film = study / "pelvis_ap.dcm"
    window.resize(900, 700)
    window.open_paths([film], wait=True)
    session = window.canvas.session()
    theirs = load_sidecar(sidecar_path(film))
    theirs.update(theirs.annotations[0].id, label="theirs")
    save(theirs, film)
    session.document.update(session.document.annotations[0].id, label="mine")
    qtbot.waitUntil(lambda: session.state == SaveState.CONFLICT, timeout=5000)
    banner = window.save_banner
    qtbot.waitUntil(banner.isVisible)
    label = banner.message
    whole = label.text()
    assert "pelvis_ap.dcm" in whole and "changed on disk" in whole
    assert whole in label.toolTip()
    QApplication.processEvents()
    # The label lies inside the status bar, and what it draws fits its width.
    bar = window.statusBar()
    left = label.mapTo(bar, QPoint(0, 0)).x()
    assert 0 <= left and left + label.width() <= bar.width()
    assert label.fontMetrics().horizontalAdvance(label.shown_text()) <= label.width()
    # The buttons are whole too.
    for button in (banner.merge, banner.reload, banner.overwrite):
        assert button.isVisible() and button.width() >= button.minimumSizeHint().width()
    # Wide enough, the whole message is drawn; narrow, it is elided, never clipped.
    window.resize(1800, 700)
    qtbot.waitUntil(lambda: label.shown_text() == whole)
    window.resize(700, 700)
    qtbot.waitUntil(lambda: label.shown_text() != whole)
    assert label.shown_text().endswith("\N{HORIZONTAL ELLIPSIS}")
    assert label.fontMetrics().horizontalAdvance(label.shown_text()) <= label.width()
    banner.overwrite.click()  # keep these edits: nothing is left to ask about on closing
    qtbot.waitUntil(lambda: session.state == SaveState.SAVED, timeout=5000)
