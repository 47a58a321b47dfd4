"""Run one DICOMweb call off the GUI thread and hand its answer back to the window.

A search, a push or a check of what is stored waits on a server; the window must not.
:class:`Background` runs a function in a Python thread and delivers its result, or its
one-line error, through queued signals, so the slots run in the GUI thread.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, QThread, Signal

from hoview.errors import HoviewError
from hoview.sources.dicom_header import one_line

log = logging.getLogger(__name__)

__all__ = ["Background", "error_line"]


def error_line(exc: BaseException) -> str:
    """Return what went wrong in one line, without a traceback.

    A :class:`~hoview.errors.HoviewError` already is that line (a PACS error names the
    server and never a password); anything else names its type.
    """
    if isinstance(exc, HoviewError):
        return str(exc)
    return f"unexpected error ({type(exc).__name__}: {one_line(exc)})"


class Background(QObject):
    """One function run in a worker thread.

    Signals
    -------
    done(object)
        The function's return value.
    failed(str)
        Its error in one line (:func:`error_line`).
    """

    done = Signal(object)
    failed = Signal(str)

    def __init__(self, what: Callable[[], Any], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._what = what
        self._thread = threading.Thread(target=self._run, daemon=True, name="hoview-pacs")
        self._delivered = False
        # Connected first, so it runs before the slots connected later to the same answer.
        self.done.connect(self._on_delivered)
        self.failed.connect(self._on_delivered)

    def start(self) -> Background:
        """Start the thread; return ``self``."""
        self._thread.start()
        return self

    @property
    def running(self) -> bool:
        """True until the answer has been delivered to the window."""
        return not self._delivered

    def _on_delivered(self, _answer: object) -> None:
        self._delivered = True

    def _run(self) -> None:
        try:
            result = self._what()
        except (KeyboardInterrupt, SystemExit):
            raise
        except BaseException as exc:  # noqa: B036 - every failure ends in one line
            if not isinstance(exc, HoviewError):
                log.exception("DICOMweb call failed")
            self.failed.emit(error_line(exc))
            return
        self.done.emit(result)  # queued: the window's slots run in the GUI thread

    def wait(self) -> None:
        """Block (handling events) until the answer has been delivered (tests, closing)."""
        while self.running:
            QCoreApplication.processEvents()
            QThread.msleep(5)
        QCoreApplication.processEvents()  # the other slots of the same answer
