"""The Window menu names its presets; the corner text names the window and the instance."""

from __future__ import annotations

import shutil

import pytest
from PySide6.QtWidgets import QMenu

from hoview.display.corner_text import corner_text
from hoview.ui.canvas_overlay import view_description

EM_DASH = "\N{EM DASH}"


@pytest.fixture
def film(tmp_path, sample_data_dir):
    shutil.copy(sample_data_dir / "pelvis_ap.dcm", tmp_path / "pelvis_ap.dcm")
    return tmp_path / "pelvis_ap.dcm"


@pytest.fixture
def ct_hips(tmp_path, sample_data_dir):
    return shutil.copytree(sample_data_dir / "ct_hips", tmp_path / "ct_hips")


def window_menu(window) -> QMenu:
    (menu,) = [a.menu() for a in window.menuBar().actions() if a.text() == "&Window"]
    return menu


def shown_presets(window) -> list[str]:
    menu = window_menu(window)
    menu.aboutToShow.emit()
    return [a.text() for a in menu.actions() if a.isVisible()]


def corners(window) -> dict[str, list[str]]:
    canvas = window.canvas
    return corner_text(canvas.frame.source.metadata, view_description(canvas), False)


def test_window_menu_names_the_presets_of_the_sample_film(window, film):
    window.open_paths([film], wait=True)
    names = shown_presets(window)
    # The file's STANDARD and BONE, then hoview's soft tissue window; hoview's Auto
    # looks like STANDARD and its Bone is named like the file's BONE: both left out.
    assert names[:2] == ["STANDARD (W 3400 L 2000)", "BONE (W 1800 L 2600)"]
    assert len(names) == 3 and names[2].startswith("Soft tissue (W ")
    assert window.actions_by_text["Preset 3"].shortcut().toString() == "3"
    window.actions_by_text["Preset 3"].trigger()
    assert window.canvas.voi.name == "Soft tissue"
    assert corners(window)["bottom_right"][0].endswith(f"{EM_DASH} Soft tissue")


def test_the_file_window_is_named_in_the_corner_text(window, film):
    window.open_paths([film], wait=True)
    first = corners(window)["bottom_right"][0]
    assert first == f"W: 3400 L: 2000 {EM_DASH} STANDARD"


def test_keys_past_a_films_presets_work_again_on_a_ct(window, film, ct_hips):
    window.open_paths([film], wait=True)
    shown_presets(window)
    assert not window.actions_by_text["Preset 5"].isVisible()
    window.open_paths([ct_hips], wait=True)
    # The frame changed: every key is live again, before the menu is opened.
    assert window.actions_by_text["Preset 5"].isVisible()
    names = shown_presets(window)
    # The file's BONE and SOFT TISSUE replace hoview's namesakes; then Lung...
    assert names[:3] == ["BONE (W 1800 L 400)", "SOFT TISSUE (W 400 L 40)", "Lung (W 1500 L -600)"]
    assert len(names) == 6
    window.actions_by_text["Preset 3"].trigger()
    assert window.canvas.voi.name == "Lung"


def test_ct_hips_opens_at_instance_number_one(window, ct_hips):
    window.open_paths([ct_hips], wait=True)
    assert window.canvas.frame.source.metadata["instance_number"] == 1
    assert "Im: 1 / 40 (#1)" in corners(window)["bottom_left"]
    window.canvas.set_frame_index(39)
    assert "Im: 40 / 40 (#40)" in corners(window)["bottom_left"]
