"""The series panel: one thumbnail per series, click to show it.

A click shows the series in the active viewport, a double click too (even when the
series is already the current row); a thumbnail dragged onto a viewport shows it there
(the drag carries the series index as :data:`SERIES_MIME`).

Under a series, one compact text row per presentation state drawing on its images
("Presentation state: <name>"); choosing one asks to show it over its image.
"""

from __future__ import annotations

from PySide6.QtCore import QMimeData, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QFont, QIcon, QMouseEvent, QPixmap
from PySide6.QtWidgets import QListView, QListWidget, QListWidgetItem, QWidget

from hoview.display.pipeline import default_voi
from hoview.display.viewport import render_full
from hoview.errors import HoviewError
from hoview.render.qimage import array_to_qimage
from hoview.sources.base import Series
from hoview.ui.presentation_states import PresentationEntry

THUMBNAIL = 96
#: Drag and drop format of a series thumbnail: the series index, as ASCII digits.
SERIES_MIME = "application/x-hoview-series-index"
#: Longest wait for the canvas's first paint before deferred thumbnails are drawn (ms).
THUMBNAILS_AT_THE_LATEST_MS = 250


def thumbnail(series: Series, size: int = THUMBNAIL) -> QPixmap:
    """Render the middle frame of ``series`` to fit a ``size`` square (black if unreadable)."""
    pixmap = _black(size)
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
    """Return a series' caption: modality, description, number of frames.

    Without a Series Description (0008,103E) the caption is the Series Number
    (0020,0011) and Body Part Examined (0018,0015); never the UID, which would widen
    the panel past its thumbnails.
    """
    frames = len(series.frames)
    what = series.description
    if not what:
        body = series.frames[0].source.metadata.get("body_part") if series.frames else None
        parts = [f"#{series.number}" if series.number is not None else "", str(body or "")]
        what = " ".join(p for p in parts if p)
    head = f"{series.modality or 'Image'} {what}".strip()
    return f"{head}\n{frames} frame{'s' if frames != 1 else ''}"


class SeriesPanel(QListWidget):
    """Thumbnails of the open series; the chosen one is shown on the canvas."""

    #: Emitted with the index of the series the user chose.
    series_chosen = Signal(int)
    #: Emitted with the :class:`PresentationEntry` the user chose.
    presentation_chosen = Signal(object)
    #: Emitted with the index of a series double-clicked (into the active viewport).
    series_activated = Signal(int)

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
        self.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.currentRowChanged.connect(self._on_row_changed)
        self.itemDoubleClicked.connect(self._on_double_clicked)
        self.setDragEnabled(True)  # a thumbnail dropped on a viewport shows its series there
        self.setDragDropMode(QListWidget.DragDropMode.DragOnly)
        self.setDefaultDropAction(Qt.DropAction.CopyAction)
        self._series: list[Series] = []
        #: What each row shows: a series index (int) or a presentation state.
        self._rows: list[int | PresentationEntry] = []
        self._pending = False
        #: While the left button is down on a row, the row it made current: chosen on
        #: release, or not at all when the press starts a drag onto a viewport.
        self._pressed_row: int | None = None
        self._pressing = False
        self._thumbnail_timer = QTimer(self)
        self._thumbnail_timer.setSingleShot(True)
        self._thumbnail_timer.timeout.connect(self.render_thumbnails)

    @property
    def thumbnails_pending(self) -> bool:
        """True while deferred thumbnails have not been drawn yet."""
        return self._pending

    def set_series(
        self,
        series: list[Series],
        deferred: bool = False,
        presentations: list[PresentationEntry] | None = None,
    ) -> None:
        """Show one item per series, with its thumbnail (rendered from small pyramid levels).

        Parameters
        ----------
        series : list of Series
            The open series.
        deferred : bool
            Show black placeholders and draw the thumbnails later: once
            :meth:`after_first_paint` is called (the window calls it when the canvas
            has painted the chosen image, so the thumbnails do not hold it back), or
            after :data:`THUMBNAILS_AT_THE_LATEST_MS` at the latest.
        presentations : list of PresentationEntry, optional
            Presentation states, each listed right under its series.
        """
        self.blockSignals(True)
        self.clear()
        self._series = list(series)
        self._rows = []
        placeholder = QIcon(_black(THUMBNAIL)) if deferred else None
        for index, s in enumerate(self._series):
            icon = placeholder if placeholder is not None else QIcon(thumbnail(s))
            item = QListWidgetItem(icon, series_label(s))
            item.setTextAlignment(Qt.AlignmentFlag.AlignHCenter)
            item.setToolTip(series_label(s).replace("\n", " - "))
            self.addItem(item)
            self._rows.append(index)
            for entry in presentations or []:
                if entry.series_index == index:
                    self.addItem(_presentation_item(entry))
                    self._rows.append(entry)
        self.blockSignals(False)
        self._pending = deferred and bool(self._series)
        if self._pending:
            self._thumbnail_timer.start(THUMBNAILS_AT_THE_LATEST_MS)
        else:
            self._thumbnail_timer.stop()

    def after_first_paint(self) -> None:
        """Draw deferred thumbnails as soon as the event loop is idle (after this paint)."""
        if self._pending:
            self._thumbnail_timer.start(0)

    def render_thumbnails(self) -> None:
        """Draw the thumbnails that :meth:`set_series` deferred (nothing if none)."""
        self._thumbnail_timer.stop()
        if not self._pending:
            return
        self._pending = False
        for row, shown in enumerate(self._rows):
            item = self.item(row)
            if item is not None and isinstance(shown, int):
                item.setIcon(QIcon(thumbnail(self._series[shown])))

    def row_of_series(self, index: int) -> int:
        """Return the row of series ``index`` (-1 if none)."""
        return self._rows.index(index) if index in self._rows else -1

    def presentations(self) -> list[PresentationEntry]:
        """Return the presentation states listed, in row order."""
        return [shown for shown in self._rows if isinstance(shown, PresentationEntry)]

    def row_of_presentation(self, entry: PresentationEntry) -> int:
        """Return the row of presentation state ``entry`` (-1 if not listed)."""
        for row, shown in enumerate(self._rows):
            if shown is entry:
                return row
        return -1

    def series_at_row(self, row: int) -> int | None:
        """Return the series index shown at ``row`` (``None``: a presentation state row)."""
        if 0 <= row < len(self._rows) and isinstance(self._rows[row], int):
            return int(self._rows[row])  # type: ignore[arg-type]
        return None

    def mimeData(self, items: list[QListWidgetItem]) -> QMimeData:  # noqa: N802 - Qt API
        """Drag data of a series thumbnail: its index as :data:`SERIES_MIME`."""
        data = QMimeData()
        rows = [self.row(item) for item in items]
        indices = [i for i in (self.series_at_row(r) for r in rows) if i is not None]
        if indices:
            data.setData(SERIES_MIME, str(indices[0]).encode("ascii"))
        return data

    def mimeTypes(self) -> list[str]:  # noqa: N802 - Qt API
        """Return the drag formats: a series index."""
        return [SERIES_MIME]

    def _on_double_clicked(self, item: QListWidgetItem) -> None:
        index = self.series_at_row(self.row(item))
        if index is not None:
            self.series_activated.emit(index)

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt API
        """Hold the choice of a pressed row until the release (a drag chooses nothing)."""
        self._pressing = event.button() == Qt.MouseButton.LeftButton
        self._pressed_row = None
        try:
            super().mousePressEvent(event)
        finally:
            if self._pressed_row is None:
                self._pressing = False

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt API
        """Choose the row the press made current."""
        super().mouseReleaseEvent(event)
        row, self._pressed_row, self._pressing = self._pressed_row, None, False
        if row is not None:
            self._on_row_changed(row)

    def startDrag(self, supported: Qt.DropAction) -> None:  # noqa: N802 - Qt API
        """Drag a thumbnail onto a viewport: the press chose nothing."""
        self._pressed_row, self._pressing = None, False
        super().startDrag(supported)

    def _on_row_changed(self, row: int) -> None:
        if self._pressing:
            self._pressed_row = row
            return
        if not 0 <= row < len(self._rows):
            return
        shown = self._rows[row]
        if isinstance(shown, PresentationEntry):
            self.presentation_chosen.emit(shown)
        else:
            self.series_chosen.emit(shown)


def presentation_label(entry: PresentationEntry) -> str:
    """Return a presentation state's or a report's row text (its name, never a UID)."""
    return f"{entry.kind}: {entry.name}"


def _presentation_item(entry: PresentationEntry) -> QListWidgetItem:
    item = QListWidgetItem(presentation_label(entry))
    item.setTextAlignment(Qt.AlignmentFlag.AlignHCenter)
    font = QFont(item.font())
    font.setItalic(True)
    item.setFont(font)
    item.setToolTip(f"{presentation_label(entry)}: click to show its graphics over its image")
    return item


def _black(size: int) -> QPixmap:
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.black)
    return pixmap
