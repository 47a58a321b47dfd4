"""A first run that explains itself: a missing X library gives one line, not Qt's abort.

The missing library is made real: a copy of Qt's xcb platform plugin whose needed
``libxcb-cursor.so.0`` is renamed ``libxcb-cursor.so.9`` (same length, in its dynamic
string table), so the dynamic loader cannot find it, as on a fresh Debian or Ubuntu
without ``libxcb-cursor0``. Qt itself aborts on that plugin; ``hoview`` says what is
missing and how to install it, in one line, and exits 1.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from hoview.qt_preflight import PACKAGES, check_platform, install_hint, qt_plugin_folder

NEEDED, RENAMED = b"libxcb-cursor.so.0", b"libxcb-cursor.so.9"


@pytest.fixture
def broken_plugins(tmp_path) -> dict[str, str]:
    """An environment whose xcb plugin needs a library that does not exist."""
    real = qt_plugin_folder()
    assert real is not None, "PySide6's platform plugins"
    data = (real / "libqxcb.so").read_bytes()
    assert data.count(NEEDED) >= 1
    folder = tmp_path / "platforms"
    folder.mkdir()
    (folder / "libqxcb.so").write_bytes(data.replace(NEEDED, RENAMED))
    return {
        **os.environ,
        "QT_QPA_PLATFORM_PLUGIN_PATH": str(folder),
        "QT_QPA_PLATFORM": "xcb",
        "LD_LIBRARY_PATH": str(real.parent.parent / "lib"),  # the copy's own Qt libraries
        "DISPLAY": ":99",
    }


def test_qt_itself_aborts_on_that_plugin(broken_plugins):
    """The control: without hoview's check, Qt's answer is many lines and an abort."""
    done = subprocess.run(
        [sys.executable, "-c", "from PySide6.QtWidgets import QApplication; QApplication([])"],
        env=broken_plugins,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode != 0
    assert len(done.stderr.strip().splitlines()) > 1, done.stderr


def test_hoview_names_the_library_and_the_command_in_one_line(broken_plugins, sample_data_dir):
    done = subprocess.run(
        [sys.executable, "-m", "hoview", str(sample_data_dir)],
        env=broken_plugins,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("hoview: error: Qt cannot open a window")
    assert "libxcb-cursor.so.9" in lines[0]
    assert "apt-get install libxcb-cursor0" in lines[0]  # this machine is Debian
    assert done.stdout == ""


def test_the_check_passes_where_everything_is_installed(monkeypatch):
    monkeypatch.setenv("QT_QPA_PLATFORM", "xcb")
    monkeypatch.setenv("DISPLAY", ":42")
    monkeypatch.delenv("QT_QPA_PLATFORM_PLUGIN_PATH", raising=False)
    check = check_platform()
    assert check.ok and check.missing == [] and check.plugin is not None
    assert check.plugin.name == "libqxcb.so" and check.display == ":42"


def test_no_display_is_one_line_too(monkeypatch):
    monkeypatch.setenv("QT_QPA_PLATFORM", "xcb")
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("QT_QPA_PLATFORM_PLUGIN_PATH", raising=False)
    check = check_platform()
    assert not check.ok and "DISPLAY is not set" in check.problem
    monkeypatch.setenv("QT_QPA_PLATFORM", "offscreen")
    assert check_platform().ok


def test_an_unknown_platform_plugin_is_named(monkeypatch):
    monkeypatch.setenv("QT_QPA_PLATFORM", "nosuchplatform")
    monkeypatch.delenv("QT_QPA_PLATFORM_PLUGIN_PATH", raising=False)
    check = check_platform()
    assert not check.ok and "'nosuchplatform' platform plugin is not installed" in check.problem


def test_install_hint_maps_libraries_to_packages():
    hint = install_hint(["libxcb-cursor.so.0", "libxkbcommon-x11.so.0", "libxcb-icccm.so.4"])
    assert "libxcb-cursor0" in hint and "libxkbcommon-x11-0" in hint and "libxcb-icccm4" in hint
    assert "libxkbcommon0 " not in hint + " "  # the longer prefix wins
    assert all(Path(name).suffix == "" or ".so" in name for name in PACKAGES)
