"""``hoview doctor``: what a bug report needs, as a table and as JSON."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import pytest

from hoview.doctor import format_report, report, tidy_path


def doctor(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "hoview", "doctor", *args],
        env=env or dict(os.environ),
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def home(tmp_path) -> dict[str, str]:
    env = dict(os.environ, HOME=str(tmp_path / "alice"), DISPLAY=":31", QT_QPA_PLATFORM="xcb")
    for key in ("HOVIEW_DATA_DIR", "HOVIEW_CACHE_DIR", "HOVIEW_CONFIG_DIR"):
        env.pop(key, None)
    for key in ("XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_CONFIG_HOME"):
        env.pop(key, None)
    return env


def test_json_report_has_versions_decoders_qt_folders_and_programs(home):
    done = doctor("--json", env=home)
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["versions"]["pydicom"] == metadata.version("pydicom")
    assert data["versions"]["PySide6-Essentials"] == metadata.version("PySide6-Essentials")
    by_syntax = {row["keyword"]: row for row in data["decoders"]}
    jls = by_syntax["JPEGLSLossless"]
    assert jls["chosen"] == jls["installed"][0] and "pyjpegls" in jls["installed"]
    assert {"RLELossless", "JPEG2000Lossless", "HTJ2KLossless"} <= set(by_syntax)
    assert data["qt"]["platform"] == "xcb" and data["qt"]["window_can_open"] is True
    assert data["qt"]["missing_libraries"] == []
    assert data["folders"] == {
        "data": "~/.local/share/hoview",
        "cache": "~/.cache/hoview/dicomweb",
        "config": "~/.config/hoview",
    }
    programs = {row["name"]: row for row in data["programs"]}
    assert programs["DCMTK"]["present"] is True  # CI installs it
    assert "alice" not in done.stdout, "the user's name stays out of a bug report"


def test_the_table_says_the_same(home):
    done = doctor(env=home)
    assert done.returncode == 0, done.stderr
    for heading in ("Versions", "Decoders", "Qt platform", "Folders", "Programs"):
        assert f"\n{heading}" in done.stdout
    assert "JPEGLSLossless" in done.stdout and "can open a window" in done.stdout
    assert "alice" not in done.stdout


def test_a_missing_display_shows_in_the_report(monkeypatch):
    monkeypatch.setenv("QT_QPA_PLATFORM", "xcb")
    monkeypatch.delenv("DISPLAY", raising=False)
    data = report()
    assert data["qt"]["window_can_open"] is False
    assert "DISPLAY is not set" in format_report(data)


def test_tidy_path_writes_home_as_tilde(monkeypatch, tmp_path):
    monkeypatch.setenv("HOME", str(tmp_path))
    assert tidy_path(tmp_path / "x" / "y") == str(Path("~") / "x" / "y")
    assert tidy_path("/usr/bin") == "/usr/bin"
