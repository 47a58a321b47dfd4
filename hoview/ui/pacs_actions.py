"""The window's PACS actions: open a study from a server, store the annotations back.

File -> "Open from PACS..." searches a server (:class:`~hoview.ui.pacs_dialog.PacsDialog`)
and retrieves the chosen study (:class:`~hoview.ui.pacs_retrieve.StudyRetriever`): the
first image shows as soon as it is cached, then the window opens the cached study as a
folder. The server each study came from is remembered, so File -> "Store annotations to
PACS" pushes the image's GSPS and SR back there (:func:`hoview.pacs.push.push`); for a
local file it asks which server.

:class:`PacsActions` also knows whether the annotations of an image that came from a
PACS are stored: after each autosave (debounced) it builds the GSPS and SR in a worker
thread and compares their SOP Instance UIDs with what the last push recorded in the
sidecar (:func:`hoview.pacs.push.stored_record`). The window's title says so.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMessageBox, QToolButton, QWidget

from hoview.errors import HoviewError
from hoview.paths import dicomweb_cache_root, in_dicomweb_cache
from hoview.ui.annotation_session import SaveState
from hoview.ui.pacs_dialog import PacsDialog, ask_server
from hoview.ui.pacs_retrieve import RetrieveOutcome, StudyRetriever
from hoview.ui.pacs_worker import Background

if TYPE_CHECKING:
    from hoview.pacs.servers import Reference, Server
    from hoview.sources.base import ImageSource
    from hoview.ui.canvas import ViewerCanvas

__all__ = ["NOT_STORED", "PacsActions", "not_stored", "split_references"]

#: What the title bar adds while the annotations on screen are not on the PACS.
NOT_STORED = "annotations not stored to PACS"
#: Quiet time after an autosave before the stored check runs (ms).
CHECK_DELAY_MS = 300


def split_references(texts: list[str]) -> tuple[list[Path], list[Reference], list[str]]:
    """Sort what the command line gave into files, study references, and errors.

    Returns
    -------
    (list of Path, list of Reference, list of str)
        Local paths, DICOMweb references (``name:UID`` or a study URL), and a line for
        each reference that cannot be resolved (unknown server, not a UID).
    """
    from hoview.pacs.servers import parse_reference

    paths: list[Path] = []
    references: list[Reference] = []
    problems: list[str] = []
    for text in texts:
        try:
            reference = parse_reference(str(text))
        except HoviewError as exc:
            problems.append(str(exc))
            continue
        if reference is None:
            paths.append(Path(text))
        else:
            references.append(reference)
    return paths, references, problems


def not_stored(path: Path, identity: Any, label: str | None) -> bool:
    """Return whether the annotations of ``path`` differ from what was stored to a PACS.

    Builds the GSPS and SR as a push would and compares their SOP Instance UIDs with
    the sidecar's record of the last push to the server ``label`` (any server when
    ``None``). An image with no annotations that was never stored counts as stored.
    """
    from hoview.annotations.sidecar import load
    from hoview.pacs.push import build_objects, stored_record

    document = load(path, identity)
    if label is not None:
        records = [stored_record(document, label)]
    else:
        pacs = document.extra.get("pacs")
        stored = pacs.get("stored") if isinstance(pacs, dict) else None
        records = list(stored.values()) if isinstance(stored, dict) else []
    if not document.annotations and not any(records):
        return False  # nothing drawn, nothing stored: nothing to say
    try:
        objects, _notes = build_objects(path)
    except HoviewError:
        return False
    wanted = {kind: str(ds.SOPInstanceUID) for kind, ds in objects.items()}
    return not any(
        isinstance(record, dict) and all(record.get(k) == v for k, v in wanted.items())
        for record in records
    )


class PacsActions(QObject):
    """The PACS menu actions, the running retrieve, and the stored state of the image.

    Parameters
    ----------
    canvas : ViewerCanvas
        The main canvas (its image, session and anonymous mode).
    window : QWidget
        The window message boxes belong to.

    Signals
    -------
    first_image(ImageSource)
        Show this image now: the study is still arriving.
    open_requested(pathlib.Path)
        Open this cached study folder (or file) as the window opens a folder.
    progress(int, int)
        Instances retrieved so far, and in all.
    busy_changed(bool)
        A retrieve started or ended.
    message(str)
        A line for the status bar.
    stored_changed()
        Whether the image's annotations are stored changed (update the title).
    """

    first_image = Signal(object)
    open_requested = Signal(object)
    progress = Signal(int, int)
    busy_changed = Signal(bool)
    message = Signal(str)
    stored_changed = Signal()

    def __init__(self, canvas: ViewerCanvas, window: QWidget) -> None:
        super().__init__(window)
        self.canvas = canvas
        self.window = window
        self.retriever = StudyRetriever(self)
        self.retriever.first_image.connect(self.first_image)
        self.retriever.progress.connect(self._on_progress)
        self.retriever.finished.connect(self._on_retrieved)
        #: The server each retrieved study came from, by Study Instance UID.
        self.servers_by_study: dict[str, Server] = {}
        self._pushed_to: dict[Path, Server] = {}
        self._not_stored: dict[Path, bool] = {}
        self._done_total = (0, 0)
        self._check: Background | None = None
        self._push: Background | None = None
        self._check_timer = QTimer(self)
        self._check_timer.setSingleShot(True)
        self._check_timer.setInterval(CHECK_DELAY_MS)
        self._check_timer.timeout.connect(self._run_check)
        self.open_action = QAction("Open from P&ACS...", self)
        self.open_action.triggered.connect(lambda _c=False: self.ask_and_open())
        self.store_action = QAction("S&tore annotations to PACS", self)
        self.store_action.triggered.connect(lambda _c=False: self.store())
        self.cancel_action = QAction("Cancel the retrieve", self)
        self.cancel_action.setEnabled(False)
        self.cancel_action.triggered.connect(lambda _c=False: self.retriever.cancel())
        self.cancel_button = QToolButton(window)
        self.cancel_button.setDefaultAction(self.cancel_action)
        self.cancel_button.setText("Cancel")
        self.cancel_button.hide()

    # --- opening ------------------------------------------------------------------

    def ask_and_open(self) -> PacsDialog:
        """Show the Open from PACS dialog; retrieve the study chosen. Returns the dialog."""
        dialog = PacsDialog(not self.canvas.anonymous, self.window)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self._on_chosen(dialog))
        dialog.open()
        return dialog

    def _on_chosen(self, dialog: PacsDialog) -> None:
        if dialog.choice is not None:
            self.open_study(dialog.choice.server, dialog.choice.study.study_uid)

    def open_references(self, references: list[Reference]) -> None:
        """Retrieve the first reference (one study at a time; the others are named)."""
        if not references:
            return
        first, *rest = references
        self.open_study(first.server, first.study, first.series, first.instance)
        if rest:
            self.message.emit(f"one study at a time: {len(rest)} other reference(s) not opened")

    def open_study(
        self,
        server: Server,
        study: str,
        series: str | None = None,
        instance: str | None = None,
    ) -> None:
        """Retrieve a study into the cache, showing its first image as soon as it comes."""
        self.servers_by_study[study] = server
        self._done_total = (0, 0)
        self.cancel_action.setEnabled(True)
        self.busy_changed.emit(True)
        self.message.emit(f"Retrieving from {server.label}...")
        self.retriever.start(server, study, series, instance)

    def _on_progress(self, done: int, total: int) -> None:
        self._done_total = (done, total)
        self.progress.emit(done, total)

    def _on_retrieved(self, outcome: RetrieveOutcome) -> None:
        self.cancel_action.setEnabled(False)
        self.busy_changed.emit(False)
        done, total = self._done_total
        if outcome.error:
            kept = f" ({done} of {total} instances kept; open the study again to resume)"
            if outcome.cancelled:
                self.message.emit(f"{outcome.server.label}: retrieve cancelled{kept}")
            else:
                QMessageBox.warning(self.window, "hoview", outcome.error + (kept if done else ""))
            if outcome.first_shown and outcome.folder is not None:
                self.open_requested.emit(outcome.folder)  # the panel matches what is shown
            return
        self.message.emit(f"{outcome.server.label}: {total} instance(s) retrieved")
        if outcome.folder is not None:
            self.open_requested.emit(outcome.folder)

    def server_for(self, path: Path) -> Server | None:
        """Return the server the image at ``path`` came from (this session), if known."""
        if path in self._pushed_to:
            return self._pushed_to[path]
        if not in_dicomweb_cache(path):
            return None
        try:
            relative = path.resolve().relative_to(dicomweb_cache_root().resolve())
        except ValueError:
            return None
        return self.servers_by_study.get(relative.parts[0]) if relative.parts else None

    # --- storing ------------------------------------------------------------------

    def _current(self) -> ImageSource | None:
        frame = self.canvas.frame
        return frame.source if frame is not None else None

    def store(self, server: Server | None = None) -> Background | None:
        """Push the image's GSPS and SR to its server in a worker thread.

        Returns the running push (tests wait on it), or ``None`` if nothing was sent.
        """
        from hoview.pacs.push import push

        source = self._current()
        if source is None:
            return None
        if getattr(source, "dataset", None) is None:
            QMessageBox.warning(
                self.window, "hoview", f"{source.path.name}: only DICOM images can be stored"
            )
            return None
        session = self.canvas.session()
        if session is not None and session.state is not SaveState.SAVED and not session.save_now():
            QMessageBox.warning(
                self.window,
                "hoview",
                f"{source.path.name}: the annotations could not be saved, so not stored",
            )
            return None
        server = server or self.server_for(source.path)
        if server is None:
            server = ask_server(self.window, "Store the annotations to which server?")
            if server is None:
                return None
        path = source.path
        self.message.emit(f"Storing annotations to {server.label}...")
        self.store_action.setEnabled(False)
        job = Background(lambda: push(path, server), self)
        job.done.connect(lambda line: self._on_pushed(path, server, line))
        job.failed.connect(self._on_push_failed)
        self._push = job.start()
        return job

    def _on_pushed(self, path: Path, server: Server, line: str) -> None:
        self.store_action.setEnabled(True)
        self._pushed_to[path] = server
        self.message.emit(line)
        # The push recorded what was stored in the sidecar on disk; the session takes it
        # in with its next save (a quiet three-way merge), so the undo history stays.
        self.schedule_check(now=True)

    def _on_push_failed(self, line: str) -> None:
        self.store_action.setEnabled(True)
        QMessageBox.warning(
            self.window,
            "hoview",
            f"{line} - the annotations stay in the sidecar, not stored to the PACS",
        )
        self.schedule_check(now=True)

    # --- stored or not ------------------------------------------------------------

    def schedule_check(self, now: bool = False) -> None:
        """Check again, after a quiet moment, whether the image's annotations are stored."""
        source = self._current()
        if source is None or not in_dicomweb_cache(source.path):
            return
        self._check_timer.start(0 if now else CHECK_DELAY_MS)

    def _run_check(self) -> None:
        source = self._current()
        if source is None:
            return
        if self._check is not None and self._check.running:
            self._check_timer.start()  # one check at a time: again when it has answered
            return
        server = self.server_for(source.path)
        path, identity = source.path, source.identity
        label = server.label if server is not None else None
        job = Background(lambda: not_stored(path, identity, label), self)
        job.done.connect(lambda answer: self._on_checked(path, bool(answer)))
        self._check = job.start()

    def _on_checked(self, path: Path, answer: bool) -> None:
        if self._not_stored.get(path) != answer:
            self._not_stored[path] = answer
            self.stored_changed.emit()

    def title_note(self) -> str:
        """Return what the title adds for the image on screen ("" when nothing)."""
        source = self._current()
        if source is not None and self._not_stored.get(source.path):
            return NOT_STORED
        return ""

    def wait(self) -> None:
        """Block until the running retrieve, push and check have answered (tests, closing)."""
        self.retriever.wait()
        for job in (self._push, self._check):
            if job is not None:
                job.wait()
