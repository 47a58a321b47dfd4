"""The frame slider under the canvas, with cine play for multi-frame images.

The slider marks the frames that carry visible annotations with small ticks above and
below its groove, so a reader scrolling a multi-frame image sees where the findings are.
The marks follow every edit, layer switch and series change.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QRect, Qt, QTimer
from PySide6.QtGui import QAction, QColor, QKeySequence, QPainter, QPaintEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QSlider,
    QStyle,
    QStyleOptionSlider,
    QToolButton,
    QWidget,
)

from hoview.ui.canvas import ViewerCanvas
from hoview.ui.findings_model import annotated_frames
from hoview.ui.series_annotations import SeriesAnnotations

#: Cine speed, frames per second.
CINE_FPS = 10
#: The colour of a frame's mark (the arrows' default amber, readable on any theme).
MARK_COLOUR = QColor(255, 170, 0)
#: A mark's width and height in device-independent pixels.
MARK_WIDTH, MARK_HEIGHT = 3, 4


class MarkedSlider(QSlider):
    """A horizontal slider that marks some of its values with ticks above and below."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(Qt.Orientation.Horizontal, parent)
        self._marks: tuple[int, ...] = ()
        self.setMinimumHeight(MARK_HEIGHT * 2 + 12)

    @property
    def marks(self) -> tuple[int, ...]:
        """The marked values, in order."""
        return self._marks

    def set_marks(self, values: Sequence[int]) -> None:
        """Mark ``values`` (those outside the slider's range are not drawn)."""
        marks = tuple(sorted(set(values)))
        if marks != self._marks:
            self._marks = marks
            self.update()

    def mark_x(self, value: int) -> int:
        """Return the x (widget pixels) where ``value``'s mark is drawn: the handle's middle."""
        option = QStyleOptionSlider()
        self.initStyleOption(option)
        style = self.style()
        groove = style.subControlRect(
            QStyle.ComplexControl.CC_Slider, option, QStyle.SubControl.SC_SliderGroove, self
        )
        handle = style.subControlRect(
            QStyle.ComplexControl.CC_Slider, option, QStyle.SubControl.SC_SliderHandle, self
        )
        span = max(groove.width() - handle.width(), 0)
        offset = QStyle.sliderPositionFromValue(
            self.minimum(), self.maximum(), value, span, option.upsideDown
        )
        return groove.x() + handle.width() // 2 + offset

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt API
        """Draw the slider, then the marks at the top and bottom edges."""
        super().paintEvent(event)
        if not self._marks:
            return
        painter = QPainter(self)
        try:
            for value in self._marks:
                if self.minimum() <= value <= self.maximum():
                    x = self.mark_x(value) - MARK_WIDTH // 2
                    painter.fillRect(QRect(x, 0, MARK_WIDTH, MARK_HEIGHT), MARK_COLOUR)
                    bottom = self.height() - MARK_HEIGHT
                    painter.fillRect(QRect(x, bottom, MARK_WIDTH, MARK_HEIGHT), MARK_COLOUR)
        finally:
            painter.end()


class FrameBar(QWidget):
    """A slider over the frames of the series on the canvas, and a play button.

    Hidden for single-frame series. ``P`` plays and pauses. Frames that carry visible
    annotations are marked on the slider (:meth:`marked_frames`).
    """

    def __init__(self, canvas: ViewerCanvas, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.canvas = canvas
        self.slider = MarkedSlider(self)
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
        self.annotations = SeriesAnnotations(canvas.sessions, self)
        self.annotations.changed.connect(self._on_annotations_changed)
        self.annotations.set_canvas(canvas)
        self.hide()

    def marked_frames(self) -> list[int]:
        """Return the frames marked on the slider: their places in the series, from 0."""
        return list(self.slider.marks)

    def _on_annotations_changed(self) -> None:
        series = self.canvas.series
        documents = self.annotations.documents()
        self.slider.set_marks(annotated_frames(series, documents) if series is not None else [])

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
