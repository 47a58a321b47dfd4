"""The sample study ships with hoview: found from any install, opened from the menu."""

from __future__ import annotations

import fnmatch
from pathlib import Path

import tomllib
from PySide6.QtCore import Qt

import hoview.paths as paths

REPO = Path(__file__).resolve().parents[2]


def test_sample_folder_is_found(sample_data_dir):
    folder = paths.sample_data_folder()
    assert folder is not None
    assert (folder / "pelvis_ap.dcm").is_file()
    assert len(list((folder / "ct_hips").glob("ct_*.dcm"))) == 40


def test_the_packaged_copy_is_found_through_importlib_resources(tmp_path, monkeypatch):
    packaged = tmp_path / "site-packages" / "hoview" / "sample_data"
    packaged.mkdir(parents=True)
    (packaged / "pelvis_ap.dcm").write_bytes(b"stand-in")

    def files(name):
        assert name == "hoview.sample_data"
        return packaged

    monkeypatch.setattr(paths.resources, "files", files)
    monkeypatch.setattr(paths, "__file__", str(tmp_path / "elsewhere" / "hoview" / "paths.py"))
    assert paths.sample_data_folder() == packaged
    assert paths.is_sample(packaged / "pelvis_ap.dcm")
    assert not paths.is_sample(tmp_path / "pelvis_ap.dcm")


def test_no_sample_anywhere_is_none(tmp_path, monkeypatch):
    def files(name):
        raise ModuleNotFoundError(name)

    monkeypatch.setattr(paths.resources, "files", files)
    monkeypatch.setattr(paths, "__file__", str(tmp_path / "hoview" / "paths.py"))
    assert paths.sample_data_folder() is None
    assert not paths.is_sample(tmp_path / "x.dcm")


def test_the_wheel_ships_every_sample_file():
    """pyproject maps sample_data/ to hoview.sample_data and its patterns match each file."""
    config = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["setuptools"]
    assert "hoview.sample_data" in config["packages"]
    folder = REPO / config["package-dir"]["hoview.sample_data"]
    patterns = config["package-data"]["hoview.sample_data"]
    files = [
        p.relative_to(folder).as_posix()
        for p in folder.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".py"
    ]
    assert "pelvis_ap.dcm" in files and "ct_hips/ct_040.dcm" in files
    missing = [f for f in files if not any(fnmatch.fnmatch(f, pat) for pat in patterns)]
    assert missing == []


def file_menu_action(window, text):
    for menu in window.menuBar().actions():
        if menu.text() == "&File":
            return next(a for a in menu.menu().actions() if a.text() == text)
    raise AssertionError("no File menu")


def test_file_menu_opens_the_sample_study(window, qtbot):
    file_menu_action(window, "Open the &sample study").trigger()
    qtbot.waitUntil(lambda: window.series_panel.count() == 3, timeout=20000)
    assert window.stack.currentWidget() is window.viewer
    assert window.canvas.frame is not None


def test_start_screen_button_is_enabled_and_opens_the_sample(window, qtbot):
    assert window.stack.currentWidget() is window.start_screen
    button = window.start_screen.sample_button
    assert button.isEnabled()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.series_panel.count() == 3, timeout=20000)
    assert window.canvas.frame is not None
