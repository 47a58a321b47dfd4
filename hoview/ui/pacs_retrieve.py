"""Retrieve a study from a DICOMweb server for the window, showing its first image early.

:class:`StudyRetriever` runs :func:`hoview.pacs.retrieve.retrieve_study` in a worker
thread. The first instance that opens as an image is sent to the window as soon as it
is cached (``first_image``), while the rest of the study keeps arriving; progress is
reported at most every :data:`PROGRESS_INTERVAL` seconds; a cancel stops it between
instances. When it ends, ``finished`` gives the cached study folder to open as a folder
(series grouped, presentation states and reports found as for any folder).
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QObject, QThread, Signal

from hoview.ui.pacs_worker import error_line

if TYPE_CHECKING:
    from hoview.pacs.servers import Server

__all__ = ["PROGRESS_INTERVAL", "RetrieveOutcome", "StudyRetriever"]

#: Seconds between two progress reports.
PROGRESS_INTERVAL = 0.05


@dataclass(frozen=True)
class RetrieveOutcome:
    """How a retrieve ended.

    Attributes
    ----------
    server : Server
        Where the study came from.
    study : str
        Its Study Instance UID.
    folder : pathlib.Path or None
        What to open: the cached study (or series) folder, or the instance file;
        ``None`` when nothing was cached.
    error : str
        Why it stopped early, in one line ("" when it finished).
    cancelled : bool
        Whether the user cancelled it.
    first_shown : bool
        Whether an image was sent through ``first_image``.
    """

    server: Server
    study: str
    folder: Path | None
    error: str = ""
    cancelled: bool = False
    first_shown: bool = False


class StudyRetriever(QObject):
    """Retrieves one study at a time in a worker thread.

    Signals
    -------
    first_image(ImageSource)
        The first image cached, before the study is complete.
    progress(int, int)
        Instances cached so far and in all.
    finished(RetrieveOutcome)
        The retrieve ended (done, failed or cancelled).
    """

    first_image = Signal(object)
    progress = Signal(int, int)
    finished = Signal(object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._cancel = threading.Event()
        self._delivered = True
        self.finished.connect(self._on_finished)

    @property
    def busy(self) -> bool:
        """True until the running retrieve's outcome has been delivered."""
        return not self._delivered

    def start(
        self,
        server: Server,
        study: str,
        series: str | None = None,
        instance: str | None = None,
    ) -> None:
        """Start retrieving ``study`` (or one of its series or instances) from ``server``."""
        self.cancel()
        self.wait()
        self._cancel = threading.Event()
        self._delivered = False
        thread = threading.Thread(
            target=self._run,
            args=(server, study, series, instance, self._cancel),
            daemon=True,
            name="hoview-retrieve",
        )
        thread.start()

    def cancel(self) -> None:
        """Stop the running retrieve after the instances already requested."""
        self._cancel.set()

    def _on_finished(self, _outcome: object) -> None:
        self._delivered = True

    def _run(
        self,
        server: Server,
        study: str,
        series: str | None,
        instance: str | None,
        cancel: threading.Event,
    ) -> None:
        from hoview.pacs.retrieve import RetrieveCancelled, retrieve_study

        shown = False
        last = 0.0
        cached: list[Path] = []

        def on_instance(path: Path) -> None:
            nonlocal shown
            cached.append(path)
            if not shown:
                shown = self._offer_first(path)

        def progress(done: int, total: int) -> None:
            nonlocal last
            now = time.monotonic()
            if done in (0, total) or now - last >= PROGRESS_INTERVAL:
                last = now
                self.progress.emit(done, total)

        error, cancelled, paths = "", False, []
        try:
            paths = retrieve_study(
                server,
                study,
                series_uid=series,
                instance_uid=instance,
                progress=progress,
                on_instance=on_instance,
                cancel=cancel.is_set,
            )
        except RetrieveCancelled as exc:
            error, cancelled = str(exc), True
        except (KeyboardInterrupt, SystemExit):
            raise
        except BaseException as exc:  # noqa: B036 - every failure ends in one line
            error = error_line(exc)
        folder = _what_to_open(paths or cached, series, instance)
        self.finished.emit(RetrieveOutcome(server, study, folder, error, cancelled, shown))

    def _offer_first(self, path: Path) -> bool:
        """Send ``path``'s image to the window if it is one; return whether it was."""
        from hoview.sources.opening import open_image

        try:
            image = open_image(path)
            if image.frame_count < 1:
                return False
        except (KeyboardInterrupt, SystemExit):
            raise
        except BaseException:  # noqa: B036 - a report or presentation state: not an image
            return False
        self.first_image.emit(image)
        return True

    def wait(self) -> None:
        """Block (handling events) until the running retrieve's outcome is delivered."""
        while not self._delivered:
            QCoreApplication.processEvents()
            QThread.msleep(5)
        QCoreApplication.processEvents()  # the window's own slot for the same signal


def _what_to_open(paths: list[Path], series: str | None, instance: str | None) -> Path | None:
    """Return the study folder, series folder or instance file the paths are in."""
    whole = [p for p in paths if p.is_file()]
    if not whole:
        return None
    if instance is not None:
        return whole[0]
    if series is not None:
        return whole[0].parent
    return whole[0].parent.parent
