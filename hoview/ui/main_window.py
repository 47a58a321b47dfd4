"""The main window: wires the canvas, the series list and the status bar together."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QDockWidget,
    QFileDialog,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
)

from hoview.errors import HoviewError
from hoview.sources import open_path
from hoview.sources.base import OpenResult, Series
from hoview.ui.canvas import ViewerCanvas


class MainWindow(QMainWindow):
    """hoview's window: a canvas, a series panel and a status bar.

    It holds no feature logic: opening goes to :mod:`hoview.sources`, drawing to
    :class:`ViewerCanvas`.
    """

    def __init__(self) -> None:
        super().__init__()
        self.setWindowTitle("hoview")
        self.resize(1280, 900)
        self.canvas = ViewerCanvas(self)
        self.setCentralWidget(self.canvas)
        self.series_list = QListWidget(self)
        dock = QDockWidget("Series", self)
        dock.setObjectName("SeriesPanel")
        dock.setWidget(self.series_list)
        self.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, dock)
        self.status_label = QLabel(self)
        self.statusBar().addWidget(self.status_label, 1)
        self.warning_label = QLabel(self)
        self.warning_label.setStyleSheet("color: #b00020; font-weight: bold")
        self.statusBar().addPermanentWidget(self.warning_label)
        self.canvas.status_changed.connect(self.status_label.setText)
        self.series_list.currentRowChanged.connect(self._on_series_changed)
        self._series: list[Series] = []
        self._build_menus()

    def _build_menus(self) -> None:
        menu = self.menuBar().addMenu("&File")
        open_file = QAction("&Open file...", self, shortcut=QKeySequence.StandardKey.Open)
        open_file.triggered.connect(self._on_open_file)
        open_folder = QAction("Open &folder...", self)
        open_folder.triggered.connect(self._on_open_folder)
        quit_action = QAction("&Quit", self, shortcut=QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        menu.addActions([open_file, open_folder])
        menu.addSeparator()
        menu.addAction(quit_action)

    def open_paths(self, paths: list[Path]) -> None:
        """Open files and folders; tell the user about any that cannot be read."""
        series: list[Series] = []
        problems: list[str] = []
        for path in paths:
            try:
                result: OpenResult = open_path(path)
            except HoviewError as exc:
                problems.append(str(exc))
                continue
            series.extend(result.series)
        self._series = series
        self.series_list.clear()
        for s in series:
            label = f"{s.modality or 'Image'}  {s.description or s.uid}  ({len(s.frames)})"
            self.series_list.addItem(QListWidgetItem(label))
        if series:
            self.series_list.setCurrentRow(0)
            self.setWindowTitle(f"hoview - {paths[0].name}")
        if problems:
            QMessageBox.warning(self, "hoview", "\n".join(problems))

    def _on_series_changed(self, row: int) -> None:
        if 0 <= row < len(self._series):
            self.canvas.set_series(self._series[row])
            self.canvas.repaint()
            if self.canvas.warning:
                self.warning_label.setText(
                    f"Annotations not shown (read-only): {self.canvas.warning}"
                )

    def _on_open_file(self) -> None:
        name, _ = QFileDialog.getOpenFileName(self, "Open image")
        if name:
            self.open_paths([Path(name)])

    def _on_open_folder(self) -> None:
        name = QFileDialog.getExistingDirectory(self, "Open folder")
        if name:
            self.open_paths([Path(name)])
