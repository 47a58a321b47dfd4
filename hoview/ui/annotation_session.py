"""One image's annotations while it is open: the document, its undo history, autosave.

Every edit goes through the :class:`AnnotationDocument` (so the canvas, the layers panel
and the sidecar agree); this session saves the sidecar a moment after the last change,
and tells the window whether the sidecar is saved. A save that fails keeps the edits in
memory and says why; the user can retry or save elsewhere. An image whose sidecar could
not be read is read-only here and its sidecar is never written.
"""

from __future__ import annotations

import enum
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal

from hoview.annotations import (
    AnnotationDocument,
    History,
    SidecarConflictError,
    SidecarError,
    open_annotations,
    save,
)
from hoview.annotations.codec import dumps
from hoview.sources.base import ImageSource

#: How long after the last edit the sidecar is written.
AUTOSAVE_DELAY_MS = 600
#: Image objects whose session :meth:`SessionStore.session` remembers.
_BY_SOURCE_KEPT = 8


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
        try:
            self.saved_to = save(self.document, self.source.path, force=force)
        except SidecarConflictError as exc:
            self.save_error = str(exc)
            self._set_state(SaveState.CONFLICT)
            return False
        except SidecarError as exc:
            self.save_error = str(exc)
            self._set_state(SaveState.FAILED)
            return False
        self.save_error = ""
        self._set_state(SaveState.SAVED)
        return True

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
        self._set_state(SaveState.READ_ONLY if self.read_only else SaveState.SAVED)
        self.changed.emit()

    def flush(self) -> bool:
        """Save pending edits now (on close); return whether nothing is left unsaved."""
        if self._state == SaveState.UNSAVED or self._timer.isActive():
            return self.save_now()
        return self._state in (SaveState.SAVED, SaveState.READ_ONLY)


class SessionStore(QObject):
    """The annotation sessions of every image opened in this window, by file."""

    #: Emitted with the session whose save state changed.
    state_changed = Signal(object)
    #: Emitted with the session whose document changed.
    changed = Signal(object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._sessions: dict[Path, AnnotationSession] = {}
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
