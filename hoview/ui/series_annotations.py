"""The annotation documents of the series a canvas shows, and a signal when they change.

The findings panel lists them and the frame slider marks their frames. Each image's
document is its :class:`~hoview.ui.annotation_session.AnnotationSession`'s (opened from
its sidecar without decoding pixels), so an edit anywhere shows here at once. A very
large series (more images than :data:`MAX_IMAGES`) is followed image by image instead:
only the image on screen is read, so scrolling a 1,000-slice series opens no sidecars
ahead of the user.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer, Signal

from hoview.sources.base import ImageSource, Series
from hoview.ui.annotation_session import AnnotationSession, SessionStore
from hoview.ui.canvas import ViewerCanvas
from hoview.ui.findings_model import ImageDocument

#: Series with more images than this are followed one image (the one on screen) at a time.
MAX_IMAGES = 300


class SeriesAnnotations(QObject):
    """Follows the images of one canvas's series and their annotation sessions.

    Parameters
    ----------
    sessions : SessionStore
        The window's annotation sessions.
    parent : QObject, optional
        Qt parent.
    """

    #: Emitted (once per burst of edits) when the series or any of its documents changed.
    changed = Signal()

    def __init__(self, sessions: SessionStore, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.sessions = sessions
        self._canvas: ViewerCanvas | None = None
        self._series: Series | None = None
        self._sources: list[ImageSource] = []
        self._followed: list[tuple[ImageSource, AnnotationSession]] = []
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self.changed.emit)
        sessions.changed.connect(self._on_session_changed)

    @property
    def canvas(self) -> ViewerCanvas | None:
        """The canvas whose series is followed."""
        return self._canvas

    @property
    def series(self) -> Series | None:
        """The series followed (the canvas's, as of the last :meth:`documents`)."""
        return self._series

    def set_canvas(self, canvas: ViewerCanvas | None) -> None:
        """Follow ``canvas``'s series from now on."""
        if canvas is self._canvas:
            return
        if self._canvas is not None:
            self._canvas.frame_changed.disconnect(self._on_frame_changed)
        self._canvas = canvas
        if canvas is not None:
            canvas.frame_changed.connect(self._on_frame_changed)
        self._timer.start()

    def documents(self) -> list[ImageDocument]:
        """Return ``(source, document)`` for the images of the canvas's series followed."""
        self._update()
        return [(source, session.document) for source, session in self._followed]

    def _wanted(self) -> list[ImageSource]:
        canvas = self._canvas
        series = canvas.series if canvas is not None else None
        if series is None:
            return []
        sources = series.sources
        if len(sources) <= MAX_IMAGES:
            return sources
        frame = canvas.frame if canvas is not None else None
        return [frame.source] if frame is not None else []

    def _update(self) -> bool:
        """Open the sessions of the images now wanted; return whether they changed."""
        canvas = self._canvas
        series = canvas.series if canvas is not None else None
        sources = self._wanted() if series is not self._series or self._large() else None
        if sources is None:
            return False
        self._series = series
        if [id(s) for s in sources] == [id(s) for s in self._sources]:
            return False
        self._sources = sources
        self._followed = [(source, self.sessions.session(source)) for source in sources]
        return True

    def _large(self) -> bool:
        return self._series is not None and len(self._series.sources) > MAX_IMAGES

    def _on_frame_changed(self, _index: int, _count: int) -> None:
        canvas = self._canvas
        if canvas is None:
            return
        if canvas.series is not self._series:
            self._timer.start()  # the sidecars are read when asked, after this event
        elif self._large() and canvas.frame is not None:
            if [id(canvas.frame.source)] != [id(s) for s in self._sources]:
                self._timer.start()

    def _on_session_changed(self, session: AnnotationSession) -> None:
        if any(followed is session for _source, followed in self._followed):
            self._timer.start()
