"""What a new user reads: the cine button, the Open dialog, the recent files."""

from __future__ import annotations

import shutil

import pytest
from PySide6.QtCore import Qt

from hoview.ui import main_window
from hoview.ui.main_window import MainWindow


@pytest.fixture
def messages(monkeypatch):
    """Collect the warning boxes instead of showing them."""
    shown: list[str] = []
    monkeypatch.setattr(
        main_window.QMessageBox, "warning", lambda parent, title, text: shown.append(text)
    )
    return shown


def test_the_cine_button_keeps_its_name_after_use(window, qtbot, pydicom_files):
    window.open_paths([pydicom_files / "rtdose.dcm"], wait=True)
    button = window.frame_bar.play_button
    assert button.text() == "Play"
    window.frame_bar.play_action.setChecked(True)
    qtbot.waitUntil(lambda: window.canvas.frame.number != 1, timeout=2000)
    window.frame_bar.play_action.setChecked(False)
    assert button.text() == "Play"
    assert window.frame_bar.play_action.text() == "Play / pause cine"  # the menu item
    assert "(P)" in button.toolTip()


def test_the_open_dialog_offers_images_and_all_files(window, monkeypatch, pydicom_files):
    asked: list[str] = []

    def dialog(parent, title, folder, filters):
        asked.append(filters)
        return str(pydicom_files / "CT_small.dcm"), filters.split(";;")[0]

    monkeypatch.setattr(main_window.QFileDialog, "getOpenFileName", dialog)
    window.start_screen.open_file_button.click()
    window.loader.wait()
    (filters,) = asked
    assert filters.split(";;") == [
        "Images (*.dcm *.dicom *.png *.jpg *.jpeg *.tif *.tiff *.bmp DICOMDIR)",
        "All files (*)",  # DICOM files often have no ending
    ]
    assert window.canvas.frame is not None


def test_a_file_that_fails_to_open_is_not_a_recent_file(
    window, preferences, messages, tmp_path, pydicom_files
):
    bad = tmp_path / "not_an_image.dcm"
    bad.write_bytes(b"this is not a DICOM file")
    empty = tmp_path / "empty folder"
    empty.mkdir()
    good = pydicom_files / "CT_small.dcm"
    window.open_paths([bad], wait=True)
    window.open_paths([empty], wait=True)
    window.open_paths([good, bad], wait=True)
    assert preferences.recent_files == [good.resolve()]
    assert messages  # the failures were reported


def test_a_recent_file_that_fails_is_pruned_from_the_start_screen(
    window, qtbot, preferences, messages, tmp_path, pydicom_files
):
    film = tmp_path / "ct.dcm"
    shutil.copy(pydicom_files / "CT_small.dcm", film)
    window.open_paths([film], wait=True)
    window.open_paths([pydicom_files / "MR_small.dcm"], wait=True)
    assert preferences.recent_files[1] == film.resolve()
    film.write_bytes(b"overwritten: no longer an image")  # still there, no longer opens
    later = MainWindow(preferences)  # the next run: its start screen lists the film
    qtbot.addWidget(later)
    listed = later.start_screen.recent_list
    (item,) = listed.findItems(str(film.resolve()), Qt.MatchFlag.MatchExactly)
    listed.itemActivated.emit(item)
    later.loader.wait()
    assert film.resolve() not in preferences.recent_files
    assert not listed.findItems(str(film.resolve()), Qt.MatchFlag.MatchExactly)
    assert listed.count() == 1  # MR_small stays
    assert len(messages) == 1 and str(film) in messages[0]
