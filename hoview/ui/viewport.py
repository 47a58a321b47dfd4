"""One viewport of a layout: a canvas with a note for its corner text, in a bordered cell.

A :class:`ViewportCanvas` is a :class:`~hoview.ui.canvas.ViewerCanvas` that may carry a
one-line note in its top-right corner text, under the study date: a prior shown beside
the current study says ``"prior, 3 months earlier"`` there. The note says how two
studies relate, not who the patient is, so anonymous mode keeps it.

A :class:`ViewportCell` holds a viewport's widgets in the layout grid: it draws a thin
border (highlighted for the active viewport) when the layout has several viewports,
makes its viewport active when clicked, and takes series dropped from the series panel.
"""

from __future__ import annotations

import re

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QColor, QDragEnterEvent, QDropEvent, QPainter, QPaintEvent
from PySide6.QtWidgets import QFrame, QVBoxLayout, QWidget

from hoview.display.view_state import ViewState
from hoview.ui.annotation_session import SessionStore
from hoview.ui.canvas import ViewerCanvas
from hoview.ui.series_panel import SERIES_MIME

#: Border of the active viewport, and of the others, when a layout has several.
ACTIVE_BORDER, INACTIVE_BORDER = QColor(61, 174, 233), QColor(60, 60, 60)
#: Border width in layouts of several viewports (none in a single viewport).
BORDER_PX = 2

_DATE_LINE = re.compile(r"^\d{4}-\d{2}-\d{2}")


class ViewportCanvas(ViewerCanvas):
    """A canvas whose corner text may carry one note (a prior's interval).

    Parameters
    ----------
    sessions : SessionStore
        The window's annotation sessions (shared by every viewport).
    parent : QWidget, optional
        Qt parent.
    state : ViewState, optional
        Its view state (its own by default).
    """

    def __init__(
        self,
        sessions: SessionStore,
        parent: QWidget | None = None,
        state: ViewState | None = None,
    ) -> None:
        super().__init__(sessions, parent, state)
        self._note = ""

    @property
    def corner_note(self) -> str:
        """The note under the study date in the top-right corner (``""``: none)."""
        return self._note

    def set_corner_note(self, note: str) -> None:
        """Show ``note`` in the corner text (``""`` removes it)."""
        if note != self._note:
            self._note = note
            self.update()

    def corner_text_lines(self) -> dict[str, list[str]]:
        """Return the corner text, with the note under the study date (top right)."""
        lines = super().corner_text_lines()
        if not lines or not self._note:
            return lines
        top_right = list(lines.get("top_right", []))
        dated = [i for i, line in enumerate(top_right) if _DATE_LINE.match(line)]
        top_right.insert(dated[0] + 1 if dated else 0, self._note)
        return {**lines, "top_right": top_right}


class ViewportCell(QFrame):
    """A layout cell: one viewport's widgets, its border, clicks and drops.

    Parameters
    ----------
    canvas : ViewportCanvas
        The viewport's canvas (the one that becomes active when the cell is clicked).
    content : QWidget, optional
        What the cell shows (default: the canvas); the primary cell shows the compare
        splitter holding the canvas and its twin.
    watched : list of QWidget, optional
        Widgets whose clicks activate the cell (default: the canvas).
    """

    #: Emitted when the cell is clicked (its viewport becomes the active one).
    clicked = Signal()
    #: Emitted with the index of a series dropped from the series panel.
    series_dropped = Signal(int)

    def __init__(
        self,
        canvas: ViewportCanvas,
        content: QWidget | None = None,
        watched: list[QWidget] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.canvas = canvas
        self._active = False
        self._bordered = False
        self.setAcceptDrops(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(content if content is not None else canvas)
        for widget in watched or [canvas]:
            widget.installEventFilter(self)

    @property
    def active(self) -> bool:
        """True for the active viewport's cell."""
        return self._active

    def set_active(self, on: bool) -> None:
        """Highlight the border (in layouts of several viewports)."""
        self._active = bool(on)
        self.update()

    def set_bordered(self, on: bool) -> None:
        """Draw a border (several viewports) or none (one: the image fills the area)."""
        self._bordered = bool(on)
        margin = BORDER_PX if on else 0
        self.layout().setContentsMargins(margin, margin, margin, margin)
        self.update()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        """Make the viewport active on a press anywhere in it (the press goes on as usual)."""
        if event.type() == QEvent.Type.MouseButtonPress:
            self.clicked.emit()
        return False

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt API
        """Draw the border around the viewport."""
        if self._bordered:
            painter = QPainter(self)
            painter.fillRect(self.rect(), ACTIVE_BORDER if self._active else INACTIVE_BORDER)
            painter.end()

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802 - Qt API
        """Take series from the series panel; leave files to the window."""
        if event.mimeData().hasFormat(SERIES_MIME):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802 - Qt API
        """Show the dropped series in this viewport."""
        data = event.mimeData()
        if not data.hasFormat(SERIES_MIME):
            event.ignore()
            return
        try:
            index = int(bytes(data.data(SERIES_MIME).data()).decode("ascii"))
        except ValueError:
            event.ignore()
            return
        event.setDropAction(Qt.DropAction.CopyAction)
        event.accept()
        self.clicked.emit()
        self.series_dropped.emit(index)
