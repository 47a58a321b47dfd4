"""Fixtures for viewer tests: private settings, a shown main window, a stand-in save dialog."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings

from hoview.ui import export_prompts
from hoview.ui.main_window import MainWindow
from hoview.ui.settings import Preferences


@pytest.fixture
def preferences(tmp_path):
    """Preferences in a settings file of the test's own."""
    return Preferences(QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))


@pytest.fixture
def window(qtbot, preferences):
    """The main window, shown (offscreen) at 1200 x 850."""
    win = MainWindow(preferences)
    qtbot.addWidget(win)
    win.resize(1200, 850)
    win.show()
    qtbot.waitExposed(win)
    yield win
    win.sessions.flush()


class SaveDialog:
    """Stands in for the file dialog: records what it was offered, answers ``answer``."""

    def __init__(self, answer: Path | None) -> None:
        self.answer = answer
        self.offered: list[Path] = []
        self.filters: list[str] = []

    def __call__(self, parent, title, default, filters):
        self.offered.append(default)
        self.filters.append(filters)
        return self.answer


@pytest.fixture
def save_as(monkeypatch, tmp_path):
    """Make the export file dialog answer ``tmp_path/out/<name>``; returns the setter."""
    out = tmp_path / "out"
    out.mkdir()

    def answer(name: str | Path | None) -> SaveDialog:
        """Answer ``out/name``, or ``name`` itself when it is a Path; ``None`` cancels."""
        dialog = SaveDialog(name if name is None or isinstance(name, Path) else out / name)
        monkeypatch.setattr(export_prompts, "ask_save_path", dialog)
        return dialog

    return answer
