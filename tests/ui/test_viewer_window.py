"""The first viewer window under pytest-qt: it shows the film, drags change the view."""

from __future__ import annotations

import shutil

import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt

from hoview.display.attributes import Window
from hoview.sources import open_path
from hoview.ui.main_window import MainWindow


def grab_array(widget) -> np.ndarray:
    image = (
        widget.grab().toImage().convertToFormat(widget.grab().toImage().Format.Format_Grayscale8)
    )
    width, height = image.width(), image.height()
    buffer = np.frombuffer(image.constBits(), np.uint8, count=image.bytesPerLine() * height)
    return buffer.reshape(height, image.bytesPerLine())[:, :width].copy()


@pytest.fixture
def window(qtbot):
    win = MainWindow()
    qtbot.addWidget(win)
    win.resize(900, 700)
    win.show()
    qtbot.waitExposed(win)
    return win


def test_opens_a_dicom_file_and_shows_it(window, pydicom_files):
    window.open_paths([pydicom_files / "CT_small.dcm"])
    canvas = window.canvas
    assert canvas.frame is not None and canvas.frame.rows == 128
    pixels = grab_array(canvas)
    assert pixels.shape[0] == canvas.height()
    assert pixels.std() > 10  # an image, not a blank canvas
    assert "frame 1 / 1" in window.status_label.text()


def test_right_drag_changes_the_window(window, qtbot, pydicom_files):
    window.open_paths([pydicom_files / "CT_small.dcm"])
    canvas = window.canvas
    before = canvas.voi
    assert isinstance(before, Window)
    centre = canvas.rect().center()
    qtbot.mousePress(canvas, Qt.MouseButton.RightButton, pos=centre)
    qtbot.mouseMove(canvas, centre + QPoint(80, 40))
    qtbot.mouseRelease(canvas, Qt.MouseButton.RightButton, pos=centre + QPoint(80, 40))
    after = canvas.voi
    assert after.width > before.width and after.center > before.center


def test_page_down_steps_through_frames(window, qtbot, pydicom_files):
    window.open_paths([pydicom_files / "rtdose.dcm"])
    canvas = window.canvas
    canvas.setFocus()
    qtbot.keyClick(canvas, Qt.Key.Key_PageDown)
    qtbot.keyClick(canvas, Qt.Key.Key_PageDown)
    assert canvas.frame.number == 3
    assert "frame 3 / 15" in window.status_label.text()


def test_wheel_zooms_and_f_fits(window, qtbot, pydicom_files):
    window.open_paths([pydicom_files / "CT_small.dcm"])
    canvas = window.canvas
    fitted = canvas.geometry_state.zoom
    canvas.zoom_by(2.0)
    assert canvas.geometry_state.zoom == pytest.approx(2 * fitted)
    canvas.setFocus()
    qtbot.keyClick(canvas, Qt.Key.Key_F)
    assert canvas.geometry_state.zoom == pytest.approx(fitted)


def test_a_folder_lists_its_series(window, sample_series_folder):
    window.open_paths([sample_series_folder])
    assert window.series_list.count() == len(open_path(sample_series_folder).series)


def test_unreadable_file_is_reported_not_fatal(window, tmp_path, monkeypatch):
    bad = tmp_path / "bad.dcm"
    bad.write_text("not an image")
    messages = []
    monkeypatch.setattr(
        "hoview.ui.main_window.QMessageBox.warning",
        lambda parent, title, text: messages.append(text),
    )
    window.open_paths([bad])
    assert messages and "bad.dcm: not a DICOM file" in messages[0]


def test_status_shows_the_fitted_zoom_after_a_resize(window, qtbot, pydicom_files):
    window.open_paths([pydicom_files / "CT_small.dcm"])
    window.resize(1200, 900)
    qtbot.waitUntil(lambda: window.canvas.width() > 900)
    zoom = window.canvas.geometry_state.zoom
    assert f"zoom {zoom * 100:.0f}%" in window.status_label.text()


def test_sample_film_shows_its_arrows(window, sample_data_dir, qtbot):
    window.open_paths([sample_data_dir / "pelvis_ap.dcm"])
    canvas = window.canvas
    qtbot.waitUntil(lambda: canvas.frame is not None)
    shown = grab_array(canvas)
    document = canvas.annotations_for(canvas.frame.source)
    assert len(document.annotations) == 2
    document.set_all_visible(False)  # the plain film "without arrows"
    plain = grab_array(canvas)
    document.set_all_visible(True)
    changed = np.abs(shown.astype(int) - plain.astype(int)) > 20
    assert changed.sum() > 100
    # Every changed pixel is near one of the arrows (in screen coordinates).
    geometry = canvas.geometry_state
    rows, cols = np.nonzero(changed)
    near = np.zeros(len(rows), bool)
    for arrow in document.annotations:
        xs = [geometry.image_to_screen(*p)[0] for p in arrow.points]
        ys = [geometry.image_to_screen(*p)[1] for p in arrow.points]
        margin = 60
        inside = (
            (cols > min(xs) - margin)
            & (cols < max(xs) + margin)
            & (rows > min(ys) - margin)
            & (rows < max(ys) + margin)
        )
        near |= inside
    assert near.all()


def test_unreadable_sidecar_warns_and_is_not_touched(window, tmp_path, sample_data_dir):
    film = tmp_path / "pelvis_ap.dcm"
    shutil.copy(sample_data_dir / "pelvis_ap.dcm", film)
    sidecar = tmp_path / "pelvis_ap.dcm.hoview.json"
    sidecar.write_text('{"format": "hoview.annotations", "version": 99}')
    before = sidecar.read_bytes()
    window.open_paths([film])
    assert "pelvis_ap.dcm.hoview.json" in window.warning_label.text()
    assert "version" in window.warning_label.text()
    assert window.canvas.frame is not None  # the image still opens
    assert sidecar.read_bytes() == before
