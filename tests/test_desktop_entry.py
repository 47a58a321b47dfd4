"""``hoview --install-desktop-entry``: a desktop entry, an icon and DICOM opening with hoview.

Each test uses its own ``XDG_DATA_HOME`` and ``XDG_CONFIG_HOME``; the real xdg-utils
(Debian's ``xdg-utils``, installed by CI) answers which application opens DICOM files.
"""

from __future__ import annotations

import configparser
import os
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from hoview import desktop


@pytest.fixture
def xdg(tmp_path, monkeypatch) -> dict[str, str]:
    env = {
        **os.environ,
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
    }
    env.pop("XDG_CURRENT_DESKTOP", None)
    for key in ("XDG_DATA_HOME", "XDG_CONFIG_HOME"):
        monkeypatch.setenv(key, env[key])
    monkeypatch.delenv("XDG_CURRENT_DESKTOP", raising=False)
    return env


def hoview(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "hoview", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def default_for_dicom(env: dict[str, str]) -> str:
    done = subprocess.run(
        ["xdg-mime", "query", "default", "application/dicom"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    return done.stdout.strip()


def entry(path: Path) -> configparser.SectionProxy:
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str  # keys are case-sensitive
    parser.read(path, encoding="utf-8")
    return parser["Desktop Entry"]


def test_install_makes_hoview_open_dicom_files_and_uninstall_takes_it_away(xdg, tmp_path):
    done = hoview("--install-desktop-entry", env=xdg)
    assert done.returncode == 0, done.stderr
    assert default_for_dicom(xdg) == "hoview.desktop"
    data = Path(xdg["XDG_DATA_HOME"])
    installed = data / "applications" / "hoview.desktop"
    fields = entry(installed)
    assert fields["Type"] == "Application" and fields["Icon"] == "hoview"
    assert "application/dicom" in fields["MimeType"].split(";")
    program, *rest = shlex.split(fields["Exec"])
    assert rest[-1] == "%F" and os.access(program, os.X_OK), fields["Exec"]
    assert (data / "icons" / "hicolor" / "scalable" / "apps" / "hoview.svg").is_file()
    # The user's MIME database knows DICOM by name and by the magic at byte 128.
    assert "*.dcm" in (data / "mime" / "globs2").read_text()
    assert b"DICM" in (data / "mime" / "magic").read_bytes()
    # Only DICOM: PNG and JPEG keep whatever opened them before.
    for lists in desktop.default_lists():
        text = lists.read_text() if lists.exists() else ""
        assert "image/png=hoview" not in text and "image/jpeg=hoview" not in text

    done = hoview("--uninstall-desktop-entry", env=xdg)
    assert done.returncode == 0, done.stderr
    assert not installed.exists()
    assert default_for_dicom(xdg) != "hoview.desktop"


def test_the_installed_command_starts_this_hoview(xdg):
    assert hoview("--install-desktop-entry", env=xdg).returncode == 0
    fields = entry(Path(xdg["XDG_DATA_HOME"]) / "applications" / "hoview.desktop")
    command = [a for a in shlex.split(fields["Exec"]) if a != "%F"]
    done = subprocess.run([*command, "--version"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and done.stdout.startswith("hoview "), done.stderr


def test_without_xdg_utils_the_files_and_mimeapps_list_are_written(xdg):
    mimeapps = Path(xdg["XDG_CONFIG_HOME"]) / "mimeapps.list"
    mimeapps.parent.mkdir(parents=True)
    mimeapps.write_text("[Default Applications]\nimage/png=viewer.desktop;\n")
    files = desktop.install_entry(use_xdg_utils=False)
    assert all(f.is_file() for f in files)
    text = mimeapps.read_text()
    assert "image/png=viewer.desktop;" in text and "application/dicom=hoview.desktop;" in text
    desktop.uninstall_entry(use_xdg_utils=False)
    assert not any(f.exists() for f in files)
    assert mimeapps.read_text() == "[Default Applications]\nimage/png=viewer.desktop;\n"


def test_uninstall_leaves_another_programs_choice_alone(tmp_path):
    mimeapps = tmp_path / "mimeapps.list"
    mimeapps.write_text("[Default Applications]\napplication/dicom=weasis.desktop;\n")
    desktop.set_default(mimeapps, "application/dicom", None, only_if="hoview.desktop")
    assert "weasis.desktop" in mimeapps.read_text()


def test_exec_quoting_follows_the_desktop_entry_spec():
    assert desktop._exec_quote("/opt/hoview/hoview") == "/opt/hoview/hoview"
    assert desktop._exec_quote("/home/a b/bin/hoview") == '"/home/a b/bin/hoview"'
    assert desktop._exec_quote('/x/$y"z') == '"/x/\\$y\\"z"'
