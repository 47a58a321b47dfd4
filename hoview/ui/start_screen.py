"""What ``hoview`` shows with nothing open: open a file or folder, recent, the sample."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLabel, QListWidget, QPushButton, QVBoxLayout, QWidget


class StartScreen(QWidget):
    """Buttons to open a file, a folder or the sample study, and the recent files.

    Signals
    -------
    open_file_requested, open_folder_requested, open_sample_requested()
        The user pressed one of the buttons.
    open_path_requested(Path)
        The user chose a recent file or folder.
    """

    open_file_requested = Signal()
    open_folder_requested = Signal()
    open_sample_requested = Signal()
    open_path_requested = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setAlignment(Qt.AlignmentFlag.AlignCenter)
        title = QLabel("<h1>hoview</h1><p>Look at radiographs; mark findings with arrows.</p>")
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(title)
        self.open_file_button = QPushButton("Open file...", self)
        self.open_folder_button = QPushButton("Open folder...", self)
        self.sample_button = QPushButton("Open the sample study", self)
        for button, signal in (
            (self.open_file_button, self.open_file_requested),
            (self.open_folder_button, self.open_folder_requested),
            (self.sample_button, self.open_sample_requested),
        ):
            button.setMinimumWidth(260)
            button.clicked.connect(signal)
            layout.addWidget(button, alignment=Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(
            QLabel("Recent files and folders:"), alignment=Qt.AlignmentFlag.AlignCenter
        )
        self.recent_list = QListWidget(self)
        self.recent_list.setMaximumWidth(520)
        self.recent_list.itemActivated.connect(
            lambda item: self.open_path_requested.emit(Path(item.text()))
        )
        layout.addWidget(self.recent_list, alignment=Qt.AlignmentFlag.AlignCenter)
        self._recent: list[Path] = []

    def set_recent(self, paths: list[Path]) -> None:
        """List ``paths``, newest first."""
        self.recent_list.clear()
        self.recent_list.addItems([str(p) for p in paths])

    def set_sample_available(self, available: bool) -> None:
        """Enable the sample button when the sample study is on this machine."""
        self.sample_button.setEnabled(available)
