"""Document events, and the small emitter that delivers them (napari-style, no Qt)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

_log = logging.getLogger(__name__)


@dataclass(frozen=True)
class DocumentEvent:
    """What changed in a document.

    Attributes
    ----------
    type : str
        ``"added"``, ``"changed"``, ``"removed"`` (annotations, see ``ids``);
        ``"layer_added"``, ``"layer_changed"``, ``"layer_removed"`` (see ``layers``);
        ``"visibility_changed"`` (layers shown or hidden, see ``layers``; empty
        ``layers`` means the document-wide switch, :meth:`AnnotationDocument.set_all_visible`);
        ``"view_changed"`` (other keys of :attr:`AnnotationDocument.view`).
    ids : tuple of str
        The annotations concerned.
    layers : tuple of str
        The layers concerned.
    """

    type: str
    ids: tuple[str, ...] = ()
    layers: tuple[str, ...] = ()


class EventEmitter:
    """A list of callbacks, each called with every event emitted.

    A callback that raises is logged and does not stop the others: the edit that
    caused the event has already happened.
    """

    def __init__(self) -> None:
        self._callbacks: list[Callable[[Any], Any]] = []

    def connect(self, callback: Callable[[Any], Any]) -> Callable[[Any], Any]:
        """Call ``callback(event)`` for every event; returns ``callback``."""
        if not callable(callback):
            raise TypeError(f"callback: expected a callable, got {type(callback).__name__}")
        self._callbacks.append(callback)
        return callback

    def disconnect(self, callback: Callable[[Any], Any]) -> None:
        """Stop calling ``callback``; no error if it was not connected."""
        if callback in self._callbacks:
            self._callbacks.remove(callback)

    def emit(self, event: Any) -> None:
        """Call every connected callback with ``event``."""
        for callback in list(self._callbacks):
            try:
                callback(event)
            except Exception:
                _log.exception("error in an annotation event callback %r", callback)
