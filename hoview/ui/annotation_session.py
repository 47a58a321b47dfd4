"""One image's annotations while it is open: the document, its undo history, autosave.

Every edit goes through the :class:`AnnotationDocument` (so the canvas, the layers panel
and the sidecar agree); this session saves the sidecar a moment after the last change,
and tells the window whether the sidecar is saved. A save that fails keeps the edits in
memory and says why; the user can retry or save elsewhere. An image whose sidecar could
not be read is read-only here and its sidecar is never written.

Someone else saving the same sidecar meanwhile (``hoview annotate``, another viewer) is
merged by annotation id against the version this session loaded or last saved
(:func:`hoview.annotations.merge.three_way`). An autosave that finds such a change
merges it by itself when no annotation or layer was changed on both sides, and the
merge is one undo step. When the same annotation was edited on both sides the session
goes to :attr:`SaveState.CONFLICT`; the save banner then offers Merge (the user picks
mine or theirs for each conflict), Reload and Overwrite.
"""

from __future__ import annotations

import enum
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal

from hoview.annotations import (
    AnnotationDocument,
    History,
    SidecarConflictError,
    SidecarError,
    load_sidecar,
    open_annotations,
    save,
    save_path,
)
from hoview.annotations.codec import dumps
from hoview.annotations.merge import MergeResult, Side, Snapshot, apply_snapshot, three_way
from hoview.dicom_objects.gsps_import import ImageGraphics
from hoview.paths import is_sample
from hoview.sources.base import ImageSource

#: How long after the last edit the sidecar is written.
AUTOSAVE_DELAY_MS = 600
#: Image objects whose session :meth:`SessionStore.session` remembers.
_BY_SOURCE_KEPT = 8
#: How often an autosave merges and tries again when the file keeps changing.
_MERGE_TRIES = 3
#: What the Edit menu calls a merge with the version on disk.
MERGE_DESCRIPTION = "Merge changes saved elsewhere"


class SaveState(enum.Enum):
    """Where the sidecar stands compared with the document in memory."""

    SAVED = "saved"
    UNSAVED = "unsaved"
    FAILED = "failed"
    CONFLICT = "conflict"
    READ_ONLY = "read-only"


class AnnotationSession(QObject):
    """The annotations of one open image, saved automatically.

    Parameters
    ----------
    source : ImageSource
        The image; its identity ties the sidecar to it.
    parent : QObject, optional
        Qt parent.

    Attributes
    ----------
    document : AnnotationDocument
        The annotations (empty and read-only when the sidecar could not be read).
    history : History
        Undo and redo of the document's edits.
    load_error : SidecarError or None
        Why the sidecar could not be read.
    save_error : str
        Why the last save failed ("" when it did not).
    notice : str
        Something to tell the user once about loading (e.g. annotations from the user
        data folder merged back beside the image); see :meth:`take_notice`.
    """

    #: Emitted after any change to the document (repaint).
    changed = Signal()
    #: Emitted with the new :class:`SaveState`.
    state_changed = Signal(object)

    def __init__(self, source: ImageSource, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.source = source
        result = open_annotations(source.path, source.identity)
        self.document: AnnotationDocument = result.document
        self.load_error: SidecarError | None = result.error
        self.history = History(self.document)
        self.save_error = ""
        self.saved_to: Path | None = result.path
        self.notice = result.notice
        self._base = Snapshot.of(self.document)
        self._conflict_path: Path | None = None
        self._state = SaveState.READ_ONLY if self.read_only else SaveState.SAVED
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(AUTOSAVE_DELAY_MS)
        self._timer.timeout.connect(self.save_now)
        self.document.events.connect(self._on_document_changed)

    @property
    def read_only(self) -> bool:
        """True when the sidecar could not be read: nothing is saved over it."""
        return self.load_error is not None

    @property
    def state(self) -> SaveState:
        """Saved, unsaved, failed, in conflict, or read-only."""
        return self._state

    def _set_state(self, state: SaveState) -> None:
        if state != self._state:
            self._state = state
            self.state_changed.emit(state)

    def _on_document_changed(self, event: object) -> None:
        self.changed.emit()
        if self.read_only:
            return
        if self._state not in (SaveState.FAILED, SaveState.CONFLICT):
            self._set_state(SaveState.UNSAVED)
        self._timer.start()

    def save_now(self, force: bool = False) -> bool:
        """Write the sidecar now; return whether it worked.

        Parameters
        ----------
        force : bool
            Overwrite a sidecar changed on disk since it was read (after the user chose
            to keep their version).
        """
        self._timer.stop()
        if self.read_only:
            return False
        if not force and self._nothing_to_write():
            self._set_state(SaveState.SAVED)
            return True
        for _ in range(_MERGE_TRIES):
            try:
                self.saved_to = save(self.document, self.source.path, force=force)
            except SidecarConflictError as exc:
                self._conflict_path = exc.path
                if not force and self._merge_quietly():
                    continue
                self.save_error = str(exc)
                self._set_state(SaveState.CONFLICT)
                return False
            except SidecarError as exc:
                self.save_error = str(exc)
                self._set_state(SaveState.FAILED)
                return False
            self._saved()
            return True
        self._set_state(SaveState.CONFLICT)
        return False

    def _nothing_to_write(self) -> bool:
        """Whether a save would only churn the file (and its ``.bak``), so is skipped.

        Nothing changed since the sidecar was read or written (H pressed twice); or
        only the viewer state did (H) and the sidecar it came from cannot be written
        where it is: a read-only share or the shipped sample study. There H holds for
        this session only, and no copy is made in the user data folder for it.
        """
        now, base = Snapshot.of(self.document), self._base
        if now == base:
            return True
        if (now.layers, now.annotations, now.extra) != (base.layers, base.annotations, base.extra):
            return False
        return not self._view_writable()

    def _view_writable(self) -> bool:
        """Whether a change of viewer state alone may be written to the sidecar."""
        path = self.source.path
        if is_sample(path):
            return False
        target = save_path(path, self.source.identity)
        if self.saved_to is not None and not _same_file(target, self.saved_to):
            return False  # it would leave the file it came from for the user data folder
        return not target.exists() or os.access(target, os.W_OK)

    def _saved(self) -> None:
        self._base = Snapshot.of(self.document)
        self._conflict_path = None
        self.save_error = ""
        self._set_state(SaveState.SAVED)

    def _merge_quietly(self) -> bool:
        """Merge a change on disk that touches nothing changed here; return if done."""
        try:
            result, theirs = self._three_way()
        except SidecarError:
            return False
        if result.conflicts:
            return False
        self._apply(result.snapshot, theirs)
        return True

    def _three_way(self) -> tuple[MergeResult, AnnotationDocument]:
        path = self._conflict_path or save_path(self.source.path, self.source.identity)
        theirs = load_sidecar(path, self.source.identity)
        result = three_way(self._base, Snapshot.of(self.document), Snapshot.of(theirs))
        return result, theirs

    def _apply(self, snapshot: Snapshot, theirs: AnnotationDocument) -> None:
        """Make the document the merge (one undo step); the disk version is the new base."""
        with self.history.group(MERGE_DESCRIPTION):
            apply_snapshot(self.document, snapshot, MERGE_DESCRIPTION)
        self.document.disk_state = theirs.disk_state
        self._base = Snapshot.of(theirs)

    def merge_preview(self) -> MergeResult:
        """Three-way merge of the edits here with the sidecar on disk, not yet applied.

        Returns
        -------
        MergeResult
            The merge and its conflicts (an annotation or layer changed on both sides).

        Raises
        ------
        SidecarError
            If the sidecar on disk cannot be read.
        """
        return self._three_way()[0]

    def merge(self, choices: dict[tuple[str, str], Side] | None = None) -> bool:
        """Merge with the sidecar on disk, settle conflicts as chosen, and save.

        The merge is one undo step. Returns whether the result was saved.

        Parameters
        ----------
        choices : dict, optional
            ``Conflict.key`` -> ``"mine"`` or ``"theirs"``; unnamed conflicts keep mine.

        Raises
        ------
        SidecarError
            If the sidecar on disk cannot be read (nothing is changed).
        """
        self._timer.stop()
        result, theirs = self._three_way()
        known = {conflict.key for conflict in result.conflicts}
        chosen = {key: side for key, side in (choices or {}).items() if key in known}
        self._apply(result.resolve(chosen), theirs)
        self._set_state(SaveState.UNSAVED)
        return self.save_now()

    def take_notice(self) -> str:
        """Return the load notice once (then ``""``), for the status bar."""
        notice, self.notice = self.notice, ""
        return notice

    def save_copy(self, path: Path) -> None:
        """Write the annotations to another file the user chose (e.g. off a full disk).

        Raises
        ------
        OSError
            If that file cannot be written either.
        """
        path.write_bytes(dumps(self.document, self.source.path.name))

    def reload(self) -> None:
        """Drop the edits in memory and read the sidecar again (after a conflict)."""
        self._timer.stop()
        result = open_annotations(self.source.path, self.source.identity)
        self.document.events.disconnect(self._on_document_changed)
        self.document = result.document
        self.load_error = result.error
        self.history = History(self.document)
        self.document.events.connect(self._on_document_changed)
        self.save_error = ""
        self.notice = result.notice
        self._base = Snapshot.of(self.document)
        self._conflict_path = None
        self._set_state(SaveState.READ_ONLY if self.read_only else SaveState.SAVED)
        self.changed.emit()

    def flush(self) -> bool:
        """Save pending edits now (on close); return whether nothing is left unsaved."""
        if self._state == SaveState.UNSAVED or self._timer.isActive():
            return self.save_now()
        return self._state in (SaveState.SAVED, SaveState.READ_ONLY)


def _same_file(a: Path, b: Path) -> bool:
    return os.path.abspath(a) == os.path.abspath(b)


@dataclass(frozen=True)
class Presentation:
    """A presentation state's graphics shown over an image, read-only, never saved.

    Attributes
    ----------
    name : str
        What the viewer calls it (its Content Label or Content Description).
    path : pathlib.Path
        The presentation state file.
    document : AnnotationDocument
        Its graphics on the image: the image's identity, locked layers. Only layer
        visibility changes, in memory.
    graphics : ImageGraphics
        The graphics as read (unlocked layers), for "Import into my annotations".
    kind : str
        "Presentation state", or "Report" (a structured report's findings).
    """

    name: str
    path: Path
    document: AnnotationDocument
    graphics: ImageGraphics
    kind: str = "Presentation state"


class SessionStore(QObject):
    """The annotation sessions of every image opened in this window, by file.

    It also keeps, by image, the presentation state shown over it (at most one per
    image, see :meth:`present`), so every canvas over the store paints it.
    """

    #: Emitted with the session whose save state changed.
    state_changed = Signal(object)
    #: Emitted with the session whose document changed (or whose presentation state
    #: was shown, closed or had a layer toggled: a repaint).
    changed = Signal(object)
    #: Emitted with the session whose presentation state was shown or closed.
    presentation_changed = Signal(object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._sessions: dict[Path, AnnotationSession] = {}
        self._presented: dict[AnnotationSession, tuple[Presentation, Callable[..., None]]] = {}
        #: Sessions by the image objects last asked about (the canvas asks on every
        #: repaint; resolving the path each time costs a system call or more).
        self._by_source: dict[int, tuple[ImageSource, AnnotationSession]] = {}

    def session(self, source: ImageSource) -> AnnotationSession:
        """Return the session of ``source``'s file, opening its sidecar the first time."""
        hit = self._by_source.get(id(source))
        if hit is not None and hit[0] is source:
            return hit[1]
        key = source.path.resolve()
        if key not in self._sessions:
            session = AnnotationSession(source, self)
            session.state_changed.connect(lambda _s, s=session: self.state_changed.emit(s))
            session.changed.connect(lambda s=session: self.changed.emit(s))
            self._sessions[key] = session
        if len(self._by_source) >= _BY_SOURCE_KEPT:
            self._by_source.clear()
        self._by_source[id(source)] = (source, self._sessions[key])
        return self._sessions[key]

    def sessions(self) -> list[AnnotationSession]:
        """Every open session."""
        return list(self._sessions.values())

    def flush(self) -> list[AnnotationSession]:
        """Save everything pending; return the sessions that could not be saved."""
        return [s for s in self._sessions.values() if not s.flush()]

    def presentation(self, source: ImageSource) -> Presentation | None:
        """Return the presentation state shown over ``source``'s image, if any."""
        if not self._presented:  # the canvas asks on every repaint
            return None
        hit = self._presented.get(self.session(source))
        return hit[0] if hit is not None else None

    def present(self, source: ImageSource, presentation: Presentation | None) -> None:
        """Show ``presentation`` over ``source``'s image (``None``: close the one shown).

        Nothing of it reaches the image's document or its sidecar.
        """
        session = self.session(source)
        old = self._presented.pop(session, None)
        if old is not None:
            old[0].document.events.disconnect(old[1])
        if presentation is not None:

            def repaint(_event: object, s: AnnotationSession = session) -> None:
                self.changed.emit(s)

            presentation.document.events.connect(repaint)
            self._presented[session] = (presentation, repaint)
        if old is not None or presentation is not None:
            self.presentation_changed.emit(session)
            self.changed.emit(session)
