"""The series panel: one thumbnail per series, click to show it."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QIcon, QPixmap
from PySide6.QtWidgets import QListView, QListWidget, QListWidgetItem, QWidget

from hoview.display.pipeline import default_voi
from hoview.display.viewport import render_full
from hoview.errors import HoviewError
from hoview.render.qimage import array_to_qimage
from hoview.sources.base import Series

THUMBNAIL = 96


def thumbnail(series: Series, size: int = THUMBNAIL) -> QPixmap:
    """Render the middle frame of ``series`` to fit a ``size`` square (black if unreadable)."""
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.black)
    if not series.frames:
        return pixmap
    frame = series.frames[len(series.frames) // 2]
    try:
        stored = frame.pixels()
    except HoviewError:
        return pixmap
    scale = size / max(frame.columns, frame.rows)
    array = render_full(stored, frame.attributes, default_voi(stored, frame.attributes), scale)
    image = array_to_qimage(array)
    from PySide6.QtGui import QPainter

    painter = QPainter(pixmap)
    painter.drawImage((size - image.width()) // 2, (size - image.height()) // 2, image)
    painter.end()
    return pixmap


def series_label(series: Series) -> str:
    """Return a series' caption: modality, description, number of frames."""
    frames = len(series.frames)
    what = series.description or series.uid
    return f"{series.modality or 'Image'} {what}\n{frames} frame{'s' if frames != 1 else ''}"


class SeriesPanel(QListWidget):
    """Thumbnails of the open series; the chosen one is shown on the canvas."""

    #: Emitted with the index of the series the user chose.
    series_chosen = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setViewMode(QListView.ViewMode.IconMode)
        self.setFlow(QListView.Flow.TopToBottom)
        self.setWrapping(False)
        self.setMovement(QListView.Movement.Static)
        self.setIconSize(QSize(THUMBNAIL, THUMBNAIL))
        self.setSpacing(4)
        self.setWordWrap(True)
        self.setMinimumWidth(THUMBNAIL + 40)
        self.currentRowChanged.connect(self._on_row_changed)
        self._series: list[Series] = []

    def set_series(self, series: list[Series]) -> None:
        """Show one thumbnail per series (rendered now, from small pyramid levels)."""
        self.blockSignals(True)
        self.clear()
        self._series = list(series)
        for s in self._series:
            item = QListWidgetItem(QIcon(thumbnail(s)), series_label(s))
            item.setTextAlignment(Qt.AlignmentFlag.AlignHCenter)
            item.setToolTip(series_label(s).replace("\n", " - "))
            self.addItem(item)
        self.blockSignals(False)

    def _on_row_changed(self, row: int) -> None:
        if 0 <= row < len(self._series):
            self.series_chosen.emit(row)
