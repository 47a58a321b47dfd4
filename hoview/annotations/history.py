"""Undo and redo of document edits, in pure Python (the viewer binds Ctrl+Z to it).

:class:`History` listens to a document's ``edits``: every edit made through an
:class:`~hoview.annotations.model.AnnotationDocument` method arrives as a pair of
:class:`~hoview.annotations.delta.Delta` objects (the edit and its inverse). An undo
applies the inverse; a redo applies the edit again. Deltas hold only the objects an
edit touched, so the history of a document with 10,000 arrows stays small.

The document-wide show/hide switch and other ``view`` state are not edits: they are
saved, but Ctrl+Z does not bring hidden annotations back.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from hoview.annotations.delta import Delta
from hoview.annotations.model import AnnotationDocument


class History:
    """The undo and redo stacks of one document.

    Parameters
    ----------
    document : AnnotationDocument
        The document whose edits are recorded from now on.
    limit : int
        Keep at most this many undo steps; the oldest are forgotten.
    """

    def __init__(self, document: AnnotationDocument, limit: int = 1000) -> None:
        if not isinstance(document, AnnotationDocument):
            raise TypeError(f"document: expected an AnnotationDocument, got {type(document)}")
        if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
            raise ValueError(f"limit: must be a positive integer, got {limit!r}")
        self.document = document
        self.limit = limit
        # Each step is (description, list of deltas that undo it, applied last to first).
        self._undo: list[tuple[str, list[Delta]]] = []
        self._redo: list[tuple[str, list[Delta]]] = []
        self._group: list[Delta] | None = None
        self._group_name = ""
        self._depth = 0
        self._busy = False
        document.edits.connect(self._record)

    @property
    def can_undo(self) -> bool:
        """Whether there is an edit to undo."""
        return bool(self._undo) and self._group is None

    @property
    def can_redo(self) -> bool:
        """Whether there is an undone edit to redo."""
        return bool(self._redo) and self._group is None

    @property
    def undo_text(self) -> str | None:
        """What :meth:`undo` would undo (``"Add arrow"``), or ``None``."""
        return self._undo[-1][0] if self._undo else None

    @property
    def redo_text(self) -> str | None:
        """What :meth:`redo` would redo, or ``None``."""
        return self._redo[-1][0] if self._redo else None

    def undo(self) -> bool:
        """Undo the last edit (or group); returns ``False`` when there is none."""
        return self._move(self._undo, self._redo)

    def redo(self) -> bool:
        """Redo the last undone edit (or group); returns ``False`` when there is none."""
        return self._move(self._redo, self._undo)

    def clear(self) -> None:
        """Forget every step, e.g. after the document was reloaded from disk."""
        self._undo.clear()
        self._redo.clear()

    def close(self) -> None:
        """Stop recording the document's edits."""
        self.document.edits.disconnect(self._record)

    @contextmanager
    def group(self, description: str | None = None) -> Iterator[None]:
        """Record every edit made inside the ``with`` block as one undo step.

        Groups nest (the outermost one counts). If the block raises, the edits it made
        stay applied and are still one undo step.

        Parameters
        ----------
        description : str or None
            What the Edit menu shows; by default the first edit's description.
        """
        if self._depth == 0:
            self._group = []
            self._group_name = description or ""
        self._depth += 1
        try:
            yield
        finally:
            self._depth -= 1
            if self._depth == 0:
                deltas, self._group = self._group or [], None
                if deltas:
                    self._push(self._group_name or deltas[0].description, deltas)

    def _record(self, edit: tuple[Delta, Delta]) -> None:
        if self._busy:
            return
        _, inverse = edit
        if self._group is not None:
            self._group.append(inverse)
        else:
            self._push(inverse.description, [inverse])

    def _push(self, description: str, inverses: list[Delta]) -> None:
        self._undo.append((description, inverses))
        self._redo.clear()
        if len(self._undo) > self.limit:
            del self._undo[: len(self._undo) - self.limit]

    def _move(
        self, source: list[tuple[str, list[Delta]]], target: list[tuple[str, list[Delta]]]
    ) -> bool:
        if self._group is not None:
            raise RuntimeError("cannot undo or redo inside a history group")
        if not source:
            return False
        description, deltas = source.pop()
        self._busy = True
        try:
            opposite = [self.document.apply_delta(d) for d in reversed(deltas)]
        finally:
            self._busy = False
        target.append((description, opposite))
        return True
