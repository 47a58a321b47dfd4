"""Preferences kept between runs (QSettings).

Author, arrow colour, annotation size on screen, recent files, export folder.
"""

from __future__ import annotations

import getpass
from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QColorDialog,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QPushButton,
    QWidget,
)

RECENT_MAX = 10
#: Choices of the annotation size on screen (keys of ``hoview.render.paint.SCREEN_SIZES``).
ANNOTATION_SIZES = ("small", "medium", "large")
DEFAULT_ANNOTATION_SIZE = "medium"


class Preferences:
    """hoview's settings, read from and written to QSettings at once.

    Parameters
    ----------
    settings : QSettings, optional
        Where they live (the application's default place if omitted).
    """

    def __init__(self, settings: QSettings | None = None) -> None:
        self._settings = settings if settings is not None else QSettings("hoview", "hoview")

    @property
    def author(self) -> str:
        """Name written into new annotations (default: the login name)."""
        value = self._settings.value("author", "")
        if value:
            return str(value)
        try:
            return getpass.getuser()
        except (KeyError, OSError):
            return ""

    @author.setter
    def author(self, name: str) -> None:
        self._settings.setValue("author", name.strip())

    @property
    def arrow_colour(self) -> str:
        """Colour of new annotations, ``#rrggbb`` (white by default)."""
        return str(self._settings.value("arrow_colour", "#ffffff"))

    @arrow_colour.setter
    def arrow_colour(self, colour: str) -> None:
        self._settings.setValue("arrow_colour", QColor(colour).name())

    @property
    def annotation_size(self) -> str:
        """How large annotations are drawn on screen: ``"small"``, ``"medium"``, ``"large"``.

        The size is in screen pixels and stays the same at every zoom; exports keep
        sizes relative to the output image.
        """
        value = str(self._settings.value("annotation_size", DEFAULT_ANNOTATION_SIZE))
        return value if value in ANNOTATION_SIZES else DEFAULT_ANNOTATION_SIZE

    @annotation_size.setter
    def annotation_size(self, size: str) -> None:
        if size not in ANNOTATION_SIZES:
            raise ValueError(f"annotation size must be one of {', '.join(ANNOTATION_SIZES)}")
        self._settings.setValue("annotation_size", size)

    @property
    def recent_files(self) -> list[Path]:
        """Recently opened files and folders, newest first, those that still exist."""
        return [p for p in self._stored_recent() if p.exists()]

    def _stored_recent(self) -> list[Path]:
        values = self._settings.value("recent_files", []) or []
        if isinstance(values, str):
            values = [values]
        return [Path(v) for v in values]

    def add_recent(self, path: Path) -> None:
        """Put ``path`` at the top of the recent list."""
        path = path.resolve()
        recent = [p for p in self.recent_files if p != path]
        self._settings.setValue("recent_files", [str(p) for p in [path, *recent][:RECENT_MAX]])

    def remove_recent(self, path: Path) -> bool:
        """Take ``path`` off the recent list, e.g. when it failed to open.

        Parameters
        ----------
        path : pathlib.Path
            The file or folder, as it was opened.

        Returns
        -------
        bool
            Whether it was on the list.
        """
        path = path.resolve()
        stored = self._stored_recent()
        if path not in stored:
            return False
        self._settings.setValue("recent_files", [str(p) for p in stored if p != path])
        return True

    @property
    def export_folder(self) -> Path:
        """Folder of the last export (default: the home folder), if it still exists."""
        value = self._settings.value("export_folder", "")
        folder = Path(str(value)) if value else Path.home()
        return folder if folder.is_dir() else Path.home()

    @export_folder.setter
    def export_folder(self, folder: Path) -> None:
        self._settings.setValue("export_folder", str(Path(folder)))

    def sync(self) -> None:
        """Write pending changes to disk."""
        self._settings.sync()


class PreferencesDialog(QDialog):
    """Edit the author name, the default arrow colour and the annotation size on screen."""

    def __init__(self, preferences: Preferences, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Preferences")
        self.preferences = preferences
        self.author = QLineEdit(preferences.author, self)
        self.colour = preferences.arrow_colour
        self.colour_button = QPushButton(self.colour, self)
        self.colour_button.clicked.connect(self._on_colour_clicked)
        self.size = QComboBox(self)
        for size in ANNOTATION_SIZES:
            self.size.addItem(size.capitalize(), size)
        self.size.setCurrentIndex(ANNOTATION_SIZES.index(preferences.annotation_size))
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow("Author of new annotations", self.author)
        form.addRow("Colour of new arrows", self.colour_button)
        form.addRow("Annotation size on screen", self.size)
        form.addRow(buttons)

    def _on_colour_clicked(self) -> None:
        colour = QColorDialog.getColor(QColor(self.colour), self, "Arrow colour")
        if colour.isValid():
            self.colour = colour.name()
            self.colour_button.setText(self.colour)

    def accept(self) -> None:
        """Store the values and close."""
        self.preferences.author = self.author.text()
        self.preferences.arrow_colour = self.colour
        self.preferences.annotation_size = str(self.size.currentData())
        self.preferences.sync()
        super().accept()
