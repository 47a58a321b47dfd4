"""The small event emitter every model uses (napari-style, no Qt).

The annotation document (:mod:`hoview.annotations.model`) and the view state
(:mod:`hoview.display.view_state`) emit their events through it; widgets connect
callbacks and write back through the model, never around it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

_log = logging.getLogger(__name__)


class EventEmitter:
    """A list of callbacks, each called with every event emitted.

    A callback that raises is logged and does not stop the others: the change that
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
                _log.exception("error in an event callback %r", callback)
