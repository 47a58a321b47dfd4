"""Real Qt widgets for the benchmarks: an offscreen QApplication, the main window, paints.

The canvas rows measure what a user waits for, so they drive hoview's own widgets
through Qt's event loop. :class:`PaintWatch` wraps ``ViewerCanvas.paintEvent`` (the
benchmark's instrumentation; hoview is not changed) to note when a canvas finished
painting a frame.
"""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

VIEWPORT = (1280, 1024)


def application():  # noqa: ANN201 - a QApplication
    """The process's QApplication (offscreen unless QT_QPA_PLATFORM says otherwise)."""
    from PySide6.QtWidgets import QApplication

    _guard_none_refcount()
    return QApplication.instance() or QApplication(["hoview-benchmarks"])


def _guard_none_refcount() -> None:
    """Work around PySide6 6.12 on Python < 3.12 dropping a reference to None per call.

    Every call of a Qt method that returns nothing (``QPainterPath.lineTo``...) takes
    one reference from ``None``; a repaint of 10,000 arrows makes enough such calls to
    free ``None`` and abort the process ("none_dealloc"). Python 3.12 made ``None``
    immortal. The benchmarks give ``None`` a billion spare references so they can run;
    this changes no timing. (hoview itself is exposed: see the performance notes.)
    """
    import ctypes
    import sys

    if sys.version_info < (3, 12) and sys.getrefcount(None) < 10**8:
        ctypes.c_ssize_t.from_address(id(None)).value += 10**9


class PaintWatch:
    """Notes the end of every ViewerCanvas paint that drew a frame; can stop an event loop."""

    def __init__(self) -> None:
        from PySide6.QtCore import QEventLoop

        from hoview.ui.canvas import ViewerCanvas

        self.painted = 0
        self.last_end = 0.0
        self._loop = QEventLoop()
        self._stop_when = None
        original = ViewerCanvas.paintEvent
        watch = self

        def paint_event(canvas, event) -> None:  # noqa: ANN001
            original(canvas, event)
            if canvas.frame is not None:
                watch.painted += 1
                watch.last_end = time.perf_counter()
                if watch._stop_when is not None and watch._stop_when(canvas):
                    watch._stop_when = None
                    watch._loop.quit()

        ViewerCanvas.paintEvent = paint_event

    def run_until_painted(self, start, condition=lambda canvas: True, timeout: float = 120):  # noqa: ANN001
        """Call ``start()``, run Qt's event loop until a canvas paint meets ``condition``.

        Returns the seconds from just before ``start()`` to the end of that paint.
        """
        from PySide6.QtCore import QTimer

        self._stop_when = condition
        guard = QTimer()
        guard.setSingleShot(True)
        guard.timeout.connect(self._loop.quit)
        guard.start(int(timeout * 1000))
        t0 = time.perf_counter()
        start()
        if self._stop_when is not None:
            self._loop.exec()
        guard.stop()
        if self._stop_when is not None:
            self._stop_when = None
            raise TimeoutError("the canvas did not paint in time")
        return self.last_end - t0


def main_window(settings_dir: Path | None = None):  # noqa: ANN201 - a MainWindow
    """hoview's main window, shown, with its canvas sized to :data:`VIEWPORT`.

    Preferences go to an INI file in a temporary folder, never the user's settings.
    """
    from PySide6.QtCore import QSettings

    from hoview.ui.main_window import MainWindow
    from hoview.ui.settings import Preferences

    app = application()
    folder = settings_dir or Path(tempfile.mkdtemp(prefix="hoview-bench-settings-"))
    settings = QSettings(str(folder / "preferences.ini"), QSettings.Format.IniFormat)
    window = MainWindow(Preferences(settings))
    window.show()
    app.processEvents()
    window.stack.setCurrentWidget(window.viewer)
    fit_canvas(window, window.canvas)
    return window


def fit_canvas(top, canvas) -> None:  # noqa: ANN001
    """Resize the top-level widget until ``canvas`` is :data:`VIEWPORT` big."""
    app = application()
    for _ in range(4):
        app.processEvents()
        dw, dh = VIEWPORT[0] - canvas.width(), VIEWPORT[1] - canvas.height()
        if not dw and not dh:
            return
        top.resize(top.width() + dw, top.height() + dh)
    app.processEvents()


def canvas_alone():  # noqa: ANN201 - a ViewerCanvas
    """A ViewerCanvas of :data:`VIEWPORT` size, shown on its own."""
    from hoview.ui.canvas import ViewerCanvas

    app = application()
    canvas = ViewerCanvas()
    canvas.resize(*VIEWPORT)
    canvas.show()
    app.processEvents()
    return canvas
