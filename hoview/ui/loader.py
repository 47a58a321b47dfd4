"""Open files and folders in the background, showing the first image early."""

from __future__ import annotations

import logging
import threading
import time
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QThread, QTimer, Signal

from hoview.errors import HoviewError
from hoview.sources import open_path
from hoview.sources.base import OpenResult
from hoview.sources.dicom_header import one_line
from hoview.sources.opening import open_image
from hoview.sources.scan import join_results, list_files

log = logging.getLogger(__name__)

#: Seconds between two progress reports of a running load.
PROGRESS_INTERVAL = 0.05
#: Longest pause of a folder scan while the window shows the folder's first image (s).
FIRST_IMAGE_WAIT = 0.25


def unexpected_error(path: Path, exc: BaseException) -> str:
    """Say in one line, naming the file, that opening it failed in an unexpected way."""
    return f"{path}: cannot be opened ({type(exc).__name__}: {one_line(exc)})"


class _OpenWorker(QObject):
    """Runs in a worker thread: reads headers, reports progress, never touches widgets."""

    first_image = Signal(object)  # an ImageSource, as soon as one file opens
    progress = Signal(int, int)
    finished = Signal(object, list)  # OpenResult, problems (one line each)

    def __init__(self, paths: list[Path]) -> None:
        super().__init__()
        self.paths = paths
        self._last_report = 0.0
        #: Set by the Loader once the window has handled the first image.
        self.shown = threading.Event()
        #: The paths that gave at least one image, filled by :meth:`run`.
        self.opened: list[Path] = []

    def _report(self, done: int, total: int) -> None:
        """Emit progress at the start, the end, and at most every PROGRESS_INTERVAL s.

        One queued signal per file would flood the window's event loop (a thousand
        slices, a thousand progress bar repaints) and hold back the first image.
        """
        now = time.monotonic()
        if done in (0, total) or now - self._last_report >= PROGRESS_INTERVAL:
            self._last_report = now
            self.progress.emit(done, total)

    def run(self) -> None:
        """Open every path; always end with ``finished``, whatever a file holds.

        A file hoview refuses gives its one-line message (``<file>: <what is wrong>``,
        as the command line prints it). Anything else -- a bug a malformed file found
        -- is reported the same way, so the window never waits for a thread that died.
        """
        combined = OpenResult()
        problems: list[str] = []
        files: list[OpenResult] = []  # files given one by one: grouped together at the end
        try:
            shown_first = False
            for path in self.paths:
                try:
                    if path.is_dir() and not shown_first:
                        shown_first = self._show_first(path)
                    result = open_path(path, progress=self._report)
                except HoviewError as exc:
                    problems.append(str(exc))
                    continue
                except (KeyboardInterrupt, SystemExit):
                    raise
                except BaseException as exc:  # noqa: B036 - a Rust panic is a BaseException
                    log.exception("%s: cannot be opened", path)
                    problems.append(unexpected_error(path, exc))
                    continue
                if result.series:
                    self.opened.append(path)
                if path.is_file() and path.name.upper() != "DICOMDIR":
                    files.append(result)
                    continue
                combined.studies.extend(result.studies)
                combined.skipped.extend(result.skipped)
                combined.objects.extend(result.objects)
            if files:
                joined = join_results(files) if len(files) > 1 else files[0]
                combined.studies.extend(joined.studies)
                combined.skipped.extend(joined.skipped)
                combined.objects.extend(joined.objects)
        finally:
            self.finished.emit(combined, problems)

    def _show_first(self, folder: Path) -> bool:
        """Open the first readable image of a folder so the user sees something now."""
        files, _ = list_files(folder)
        for file in files[:50]:
            try:
                image = open_image(file)
            except (KeyboardInterrupt, SystemExit):
                raise
            except BaseException:  # noqa: B036 - the scan that follows says what is wrong
                continue
            self.first_image.emit(image)
            # Let the window paint it before the header scan competes for the CPU (and
            # the interpreter lock); never wait long if the window is busy elsewhere.
            self.shown.wait(FIRST_IMAGE_WAIT)
            return True
        return False


class _AfterRepaint(QObject):
    """Sets ``done`` once the next window repaint has been handled (or never, if none).

    Watches the application's events for the next UpdateRequest (Qt paints dirty
    widgets while handling it); a zero timer started then fires after the paint.
    """

    def __init__(self, done: threading.Event, parent: QObject) -> None:
        super().__init__(parent)
        self.done = done
        QCoreApplication.instance().installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        if event.type() == QEvent.Type.UpdateRequest:
            self.stop()
            QTimer.singleShot(0, self.done.set)
        return False

    def stop(self) -> None:
        app = QCoreApplication.instance()
        if app is not None:
            app.removeEventFilter(self)


class Loader(QObject):
    """Opens paths in a background thread; one load at a time.

    Signals
    -------
    first_image(ImageSource)
        The first readable image of a folder, before the whole folder is read.
    progress(int, int)
        Files read so far and in all.
    finished(OpenResult, list of str)
        Everything found, and the problems (one line each).
    """

    first_image = Signal(object)
    progress = Signal(int, int)
    finished = Signal(object, list)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._thread: QThread | None = None
        self._worker: _OpenWorker | None = None
        self._pending = False
        self._after_repaint: _AfterRepaint | None = None
        self._opened: list[Path] = []

    @property
    def busy(self) -> bool:
        """True until the running load's results have been delivered."""
        return self._pending

    @property
    def opened(self) -> list[Path]:
        """The paths of the last finished load that gave at least one image.

        A file that was refused, or a folder in which no image was found, is not among
        them (so it does not go into the recent files).
        """
        return list(self._opened)

    def open(self, paths: list[Path]) -> None:
        """Start opening ``paths``; results arrive through the signals."""
        self.wait()
        thread = QThread()
        worker = _OpenWorker(list(paths))
        worker.moveToThread(thread)
        thread.started.connect(worker.run)
        worker.first_image.connect(self._on_first_image)
        worker.progress.connect(self.progress)
        worker.finished.connect(self._on_finished)
        self._thread, self._worker, self._pending = thread, worker, True
        thread.start()

    def _on_first_image(self, image: object) -> None:
        self.first_image.emit(image)
        if self._worker is not None:
            self._after_repaint = _AfterRepaint(self._worker.shown, self)

    def _on_finished(self, result: OpenResult, problems: list[str]) -> None:
        thread = self._thread
        self._stop_watching()
        if thread is not None:
            thread.quit()  # it ends while the window takes in the results; joined after
        self._pending = False
        self._opened = list(self._worker.opened) if self._worker is not None else []
        self._worker = None
        self.finished.emit(result, problems)
        if thread is not None and thread is self._thread:
            self._join()

    def _stop_watching(self) -> None:
        if self._after_repaint is not None:
            self._after_repaint.stop()
            self._after_repaint = None

    def _join(self) -> None:
        self._stop_watching()
        if self._thread is not None:
            self._thread.quit()
            self._thread.wait()
            self._thread = None

    def wait(self) -> None:
        """Block (handling events) until the running load's results are delivered."""
        while self._pending:
            QCoreApplication.processEvents()
            QThread.msleep(5)
        self._join()
