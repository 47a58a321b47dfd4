"""The frame slider under the canvas, with cine play for multi-frame images."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSlider, QToolButton, QWidget

from hoview.ui.canvas import ViewerCanvas

#: Cine speed, frames per second.
CINE_FPS = 10


class FrameBar(QWidget):
    """A slider over the frames of the series on the canvas, and a play button.

    Hidden for single-frame series. ``P`` plays and pauses.
    """

    def __init__(self, canvas: ViewerCanvas, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.canvas = canvas
        self.slider = QSlider(Qt.Orientation.Horizontal, self)
        self.slider.setMinimum(0)
        self.label = QLabel(self)
        self.play_action = QAction("Play / pause cine", self)
        # The button shows the icon text; a text set on the button itself would be
        # replaced by the action's text the first time the action changes (toggles).
        self.play_action.setIconText("Play")
        self.play_action.setToolTip("Play / pause cine (P)")
        self.play_action.setCheckable(True)
        self.play_action.setShortcut(QKeySequence("P"))
        self.play_action.toggled.connect(self._on_play_toggled)
        self.play_button = QToolButton(self)
        self.play_button.setDefaultAction(self.play_action)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 0, 4, 0)
        layout.addWidget(self.play_button)
        layout.addWidget(self.slider, 1)
        layout.addWidget(self.label)
        self.timer = QTimer(self)
        self.timer.setInterval(1000 // CINE_FPS)
        self.timer.timeout.connect(self._on_tick)
        self.slider.valueChanged.connect(self._on_slider_changed)
        canvas.frame_changed.connect(self._on_frame_changed)
        self.hide()

    def _on_frame_changed(self, index: int, count: int) -> None:
        self.setVisible(count > 1)
        self.slider.blockSignals(True)
        self.slider.setMaximum(max(count - 1, 0))
        self.slider.setValue(index)
        self.slider.blockSignals(False)
        self.label.setText(f"{index + 1} / {count}")
        if count <= 1 and self.play_action.isChecked():
            self.play_action.setChecked(False)

    def _on_slider_changed(self, value: int) -> None:
        self.canvas.set_frame_index(value)

    def _on_play_toggled(self, playing: bool) -> None:
        if playing:
            self.timer.start()
        else:
            self.timer.stop()

    def _on_tick(self) -> None:
        series = self.canvas.series
        if series is None or len(series.frames) <= 1:
            self.play_action.setChecked(False)
            return
        self.canvas.set_frame_index((self.canvas.frame_index + 1) % len(series.frames))
