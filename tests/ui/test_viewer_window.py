"""The viewer window under pytest-qt, through what a user does and sees."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt

from hoview.annotations import SidecarWriteError
from hoview.display.attributes import Window
from hoview.ui.annotation_session import SaveState
from hoview.ui.main_window import MainWindow


def grab_array(widget) -> np.ndarray:
    image = widget.grab().toImage()
    image = image.convertToFormat(image.Format.Format_Grayscale8)
    width, height = image.width(), image.height()
    buffer = np.frombuffer(image.constBits(), np.uint8, count=image.bytesPerLine() * height)
    return buffer.reshape(height, image.bytesPerLine())[:, :width].copy()


@pytest.fixture
def film(tmp_path, sample_data_dir):
    """A copy of the sample film and its sidecar (two arrows), so saves stay in tmp."""
    for name in ("pelvis_ap.dcm", "pelvis_ap.dcm.hoview.json"):
        shutil.copy(sample_data_dir / name, tmp_path / name)
    return tmp_path / "pelvis_ap.dcm"


def sidecar_json(film):
    return json.loads(film.with_name(film.name + ".hoview.json").read_text())


def trigger(window, text):
    window.actions_by_text[text].trigger()


def test_start_screen_without_paths(window, preferences, film):
    assert window.stack.currentWidget() is window.start_screen
    window.open_paths([film], wait=True)
    assert window.stack.currentWidget() is window.viewer
    assert film.resolve() in preferences.recent_files


def test_opens_a_dicom_file_and_shows_it(window, pydicom_files):
    window.open_paths([pydicom_files / "CT_small.dcm"], wait=True)
    canvas = window.canvas
    assert canvas.frame is not None and canvas.frame.rows == 128
    assert grab_array(canvas).std() > 10
    assert "frame 1 / 1" in window.status_label.text()


def test_a_folder_opens_in_the_background_with_thumbnails(window, sample_data_dir):
    window.open_paths([sample_data_dir], wait=True)
    assert window.series_panel.count() == 3  # DX, CT series, PNG
    assert not window.progress.isVisible()


def test_right_drag_changes_the_window(window, qtbot, pydicom_files):
    window.open_paths([pydicom_files / "CT_small.dcm"], wait=True)
    canvas = window.canvas
    before = canvas.voi
    centre = canvas.rect().center()
    qtbot.mousePress(canvas, Qt.MouseButton.RightButton, pos=centre)
    qtbot.mouseMove(canvas, centre + QPoint(80, 40))
    qtbot.mouseRelease(canvas, Qt.MouseButton.RightButton, pos=centre + QPoint(80, 40))
    assert canvas.voi.width > before.width and canvas.voi.center > before.center


def test_frames_by_key_slider_and_wheel(window, qtbot, pydicom_files):
    window.open_paths([pydicom_files / "rtdose.dcm"], wait=True)
    canvas = window.canvas
    canvas.setFocus()
    qtbot.keyClick(canvas, Qt.Key.Key_PageDown)
    qtbot.keyClick(canvas, Qt.Key.Key_PageDown)
    assert canvas.frame.number == 3
    assert window.frame_bar.isVisible() and window.frame_bar.slider.value() == 2
    window.frame_bar.slider.setValue(9)
    assert canvas.frame.number == 10
    window.frame_bar.play_action.setChecked(True)
    qtbot.waitUntil(lambda: canvas.frame.number != 10, timeout=2000)
    window.frame_bar.play_action.setChecked(False)


def test_zoom_fit_and_actual_size(window, pydicom_files):
    window.open_paths([pydicom_files / "CT_small.dcm"], wait=True)
    canvas = window.canvas
    fitted = canvas.zoom
    trigger(window, "Zoom in")
    assert canvas.zoom == pytest.approx(fitted * 1.25)
    trigger(window, "Actual size (1:1)")
    assert canvas.zoom == 1.0
    trigger(window, "Fit to window")
    assert canvas.zoom == pytest.approx(fitted)


def test_presets_invert_rotate_flip_reset(window, film):
    window.open_paths([film], wait=True)
    canvas = window.canvas
    trigger(window, "Preset 2")
    assert isinstance(canvas.voi, Window) and canvas.voi.name == "BONE"
    plain = grab_array(canvas).astype(int)
    trigger(window, "Invert")
    inverted = grab_array(canvas).astype(int)
    h, w = plain.shape
    centre = (slice(h // 3, 2 * h // 3), slice(w // 3, 2 * w // 3))
    assert np.corrcoef(plain[centre].ravel(), inverted[centre].ravel())[0, 1] < -0.9
    trigger(window, "Rotate clockwise")
    assert canvas.geometry_state.rotation == 90
    rotated = canvas.geometry_state
    trigger(window, "Flip horizontal")  # a mirror on screen, whatever the rotation
    assert canvas.geometry_state != rotated
    assert canvas.geometry_state.flip_h or canvas.geometry_state.flip_v
    trigger(window, "Reset view")
    g = canvas.geometry_state
    assert (g.rotation, g.flip_h, canvas.invert, canvas.voi.name) == (0, False, False, "STANDARD")


def test_h_hides_every_arrow_and_the_sidecar_keeps_it(window, qtbot, film, preferences):
    window.open_paths([film], wait=True)
    canvas = window.canvas
    with_arrows = grab_array(canvas).astype(int)
    trigger(window, "Show / hide annotations")
    plain = grab_array(canvas).astype(int)
    changed = np.abs(with_arrows - plain) > 20
    assert changed.sum() > 200
    session = canvas.session()
    qtbot.waitUntil(lambda: session.state == SaveState.SAVED, timeout=5000)
    assert sidecar_json(film)["view"]["annotations_visible"] is False
    # Closing and reopening shows the same state.
    window.close()
    again = MainWindow(preferences)
    qtbot.addWidget(again)
    again.resize(1200, 850)
    again.show()
    again.open_paths([film], wait=True)
    assert not again.canvas.session().document.annotations_visible
    assert np.abs(grab_array(again.canvas).astype(int) - plain).mean() < 1


def test_compare_mode_shows_the_plain_film_beside_linked(window, film):
    window.open_paths([film], wait=True)
    trigger(window, "Compare with / without annotations")
    viewer = window.viewer
    assert viewer.comparing
    window.canvas.zoom_by(1.5)
    assert viewer.twin.zoom == pytest.approx(window.canvas.zoom)
    assert viewer.twin.geometry_state.center_x == pytest.approx(
        window.canvas.geometry_state.center_x
    )
    document = window.canvas.session().document
    assert document.annotations_visible
    # The twin draws no annotations: it equals the main canvas with them hidden.
    twin = grab_array(viewer.twin).astype(int)
    document.set_all_visible(False)
    main_plain = grab_array(window.canvas).astype(int)
    document.set_all_visible(True)
    assert twin.shape == main_plain.shape
    assert np.abs(twin - main_plain).mean() < 1


def test_failed_save_is_shown_edits_stay_and_retry_works(window, qtbot, film, monkeypatch):
    window.open_paths([film], wait=True)
    session = window.canvas.session()

    def refuse(*args, **kwargs):
        raise SidecarWriteError(film, "disk full")

    monkeypatch.setattr("hoview.ui.annotation_session.save", refuse)
    trigger(window, "Show / hide annotations")
    qtbot.waitUntil(lambda: session.state == SaveState.FAILED, timeout=5000)
    assert window.save_banner.isVisible() and "disk full" in window.save_banner.message.text()
    assert "NOT SAVED" in window.windowTitle()
    assert not session.document.annotations_visible  # the edit is still in memory
    monkeypatch.undo()
    window.save_banner.retry.click()
    assert session.state == SaveState.SAVED and not window.save_banner.isVisible()
    assert sidecar_json(film)["view"]["annotations_visible"] is False


def test_change_on_disk_is_a_conflict_not_an_overwrite(window, qtbot, film):
    window.open_paths([film], wait=True)
    session = window.canvas.session()
    sidecar = film.with_name(film.name + ".hoview.json")
    theirs = sidecar.read_bytes().replace(b'"label": "HO"', b'"label": "HO (theirs)"', 1)
    sidecar.write_bytes(theirs)
    # The same arrow edited here too: a conflict (other changes on disk merge quietly).
    first = session.document.annotations[0].id
    assert json.loads(theirs)["annotations"][0]["id"] == first
    session.document.update(first, label="HO (mine)")
    trigger(window, "Show / hide annotations")
    qtbot.waitUntil(lambda: session.state == SaveState.CONFLICT, timeout=5000)
    assert sidecar.read_bytes() == theirs
    assert window.save_banner.overwrite.isVisible()
    window.save_banner.overwrite.click()
    assert session.state == SaveState.SAVED
    assert sidecar_json(film)["view"]["annotations_visible"] is False


def test_unreadable_sidecar_warns_and_is_not_touched(window, tmp_path, sample_data_dir):
    film = tmp_path / "pelvis_ap.dcm"
    shutil.copy(sample_data_dir / "pelvis_ap.dcm", film)
    sidecar = tmp_path / "pelvis_ap.dcm.hoview.json"
    sidecar.write_text('{"format": "hoview.annotations", "version": 99}')
    before = sidecar.read_bytes()
    window.open_paths([film], wait=True)
    assert "pelvis_ap.dcm.hoview.json" in window.warning_label.text()
    assert "read-only" in window.windowTitle()
    trigger(window, "Show / hide annotations")
    window.sessions.flush()
    assert window.canvas.frame is not None
    assert sidecar.read_bytes() == before


def test_unreadable_image_is_reported_not_fatal(window, tmp_path, monkeypatch):
    bad = tmp_path / "bad.dcm"
    bad.write_text("not an image")
    messages = []
    monkeypatch.setattr(
        "hoview.ui.main_window.QMessageBox.warning",
        lambda parent, title, text: messages.append(text),
    )
    window.open_paths([bad], wait=True)
    assert messages and "bad.dcm: not a DICOM file" in messages[0]


def test_status_shows_the_fitted_zoom_after_a_resize(window, qtbot, pydicom_files):
    window.open_paths([pydicom_files / "CT_small.dcm"], wait=True)
    window.resize(1400, 950)
    qtbot.waitUntil(lambda: f"zoom {window.canvas.zoom * 100:.0f}%" in window.status_label.text())


def test_keyboard_shortcuts_are_listed(window):
    rows = {(action, keys) for _menu, action, keys in window.shortcut_rows()}
    for expected in [
        ("Invert", "I"),
        ("Rotate clockwise", "R"),
        ("Undo", "Ctrl+Z"),
        ("Show / hide annotations", "H"),
        ("Preset 1", "1"),
    ]:
        assert expected in rows


def test_corner_text_and_anonymous_mode(window, film):
    window.open_paths([film], wait=True)
    canvas = window.canvas
    shown = grab_array(canvas).astype(int)
    trigger(window, "Anonymous mode")
    anonymous = grab_array(canvas).astype(int)
    # The patient's name in the top-left corner goes away; the image does not change.
    top_left = (slice(0, 60), slice(0, 260))
    assert np.abs(shown[top_left] - anonymous[top_left]).sum() > 0
    h, w = shown.shape
    middle = (slice(h // 3, 2 * h // 3), slice(w // 3, 2 * w // 3))
    assert np.array_equal(shown[middle], anonymous[middle])


def test_dropping_a_file_opens_it(window, qtbot, film):
    from PySide6.QtCore import QMimeData, QPointF, QUrl
    from PySide6.QtGui import QDropEvent

    data = QMimeData()
    data.setUrls([QUrl.fromLocalFile(str(film))])
    event = QDropEvent(
        QPointF(100, 100),
        Qt.DropAction.CopyAction,
        data,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    window.dropEvent(event)
    qtbot.waitUntil(lambda: window.canvas.frame is not None, timeout=10000)
    assert window.canvas.frame.source.path == film


def test_draw_an_arrow_by_mouse_then_undo_redo_and_it_is_in_the_sidecar(window, qtbot, film):
    window.open_paths([film], wait=True)
    canvas = window.canvas
    window.tools.actions["arrow"].trigger()
    start, end = canvas.rect().center() + QPoint(-120, -80), canvas.rect().center()
    qtbot.mousePress(canvas, Qt.MouseButton.LeftButton, pos=start)
    qtbot.mouseMove(canvas, start + QPoint(60, 40))
    qtbot.mouseMove(canvas, end)
    qtbot.mouseRelease(canvas, Qt.MouseButton.LeftButton, pos=end)
    session = canvas.session()
    assert len(session.document.annotations) == 3
    qtbot.waitUntil(lambda: session.state == SaveState.SAVED, timeout=5000)
    assert len(sidecar_json(film)["annotations"]) == 3
    new = sidecar_json(film)["annotations"][-1]
    head = canvas.screen_to_image(end.toPointF())
    assert new["points"][1] == pytest.approx(list(head), abs=1.0)
    trigger(window, "Undo")
    qtbot.waitUntil(lambda: len(sidecar_json(film)["annotations"]) == 2, timeout=5000)
    trigger(window, "Redo")
    qtbot.waitUntil(lambda: len(sidecar_json(film)["annotations"]) == 3, timeout=5000)


def test_readme_lists_every_shortcut(window):
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    table = readme[readme.index("### Keyboard shortcuts") :]
    for _menu, _action, keys in window.shortcut_rows():
        for key in keys.split(", "):
            assert key in table, f"README does not list {key!r}"
