"""The view state of one viewport: frame, window, geometry, flags and selection, with events.

Like glue's per-viewer ``state.py`` and napari's models, this holds what a person has
chosen about how an image is shown, without a toolkit. Canvases observe it and write
back through it; several canvases over one state (compare mode) therefore show the same
frame, window, zoom and flags by construction, never by copying values between widgets.

Every setter emits one :class:`ViewEvent` through :attr:`ViewState.events` (the
project's :class:`~hoview.events.EventEmitter`), and only when the value really changed:

========================= ================================================================
``frame_changed``         :attr:`~ViewState.frame_index`
``window_changed``        :attr:`~ViewState.window`, :attr:`~ViewState.window_from_file`
``invert_changed``        :attr:`~ViewState.invert`
``geometry_changed``      :attr:`~ViewState.geometry`, :attr:`~ViewState.fitted`
``flags_changed``         :attr:`~ViewState.annotations_shown`, :attr:`~ViewState.overlays`,
                          :attr:`~ViewState.corner_text`, :attr:`~ViewState.anonymous`
``selection_changed``     :attr:`~ViewState.selection`
========================= ================================================================
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from hoview.display.pipeline import VOI
from hoview.display.view_geometry import ViewGeometry
from hoview.events import EventEmitter

__all__ = ["FLAGS", "ViewEvent", "ViewState"]

#: The on/off flags of a view, by name.
FLAGS = ("annotations_shown", "overlays", "corner_text", "anonymous")


@dataclass(frozen=True)
class ViewEvent:
    """What changed in a view state.

    Attributes
    ----------
    type : str
        ``"frame_changed"``, ``"window_changed"``, ``"invert_changed"``,
        ``"geometry_changed"``, ``"flags_changed"`` or ``"selection_changed"``.
    name : str
        The attribute that changed (for ``flags_changed``, which flag).
    value : object
        Its new value.
    """

    type: str
    name: str
    value: Any


class ViewState:
    """How one viewport shows its image; no Qt.

    Parameters
    ----------
    annotations_shown, overlays, corner_text : bool, optional
        Draw annotations, DICOM overlay planes, corner text and scale bar (default on).
    anonymous : bool, optional
        Corner text without anything that identifies the patient (default off).

    Attributes
    ----------
    events : EventEmitter
        Emits a :class:`ViewEvent` after each real change.
    """

    def __init__(
        self,
        *,
        annotations_shown: bool = True,
        overlays: bool = True,
        corner_text: bool = True,
        anonymous: bool = False,
    ) -> None:
        self.events = EventEmitter()
        self._frame_index = 0
        self._window: VOI | None = None
        self._window_from_file = False
        self._invert = False
        self._geometry: ViewGeometry | None = None
        self._fitted = True
        self._flags = {
            "annotations_shown": bool(annotations_shown),
            "overlays": bool(overlays),
            "corner_text": bool(corner_text),
            "anonymous": bool(anonymous),
        }
        self._selection: tuple[str, ...] = ()

    def _emit(self, type_: str, name: str, value: object) -> None:
        self.events.emit(ViewEvent(type_, name, value))

    # --- the frame ---------------------------------------------------------------------

    @property
    def frame_index(self) -> int:
        """Index of the frame shown in its series, from 0."""
        return self._frame_index

    @frame_index.setter
    def frame_index(self, index: int) -> None:
        if isinstance(index, bool) or not isinstance(index, int):
            raise TypeError(f"frame_index: expected an int, got {type(index).__name__}")
        if index < 0:
            raise ValueError(f"frame_index: must be 0 or more, got {index}")
        if index != self._frame_index:
            self._frame_index = index
            self._emit("frame_changed", "frame_index", index)

    # --- the window --------------------------------------------------------------------

    @property
    def window(self) -> VOI | None:
        """The window or VOI LUT in use (``None``: colour, or not chosen yet)."""
        return self._window

    @property
    def window_from_file(self) -> bool:
        """True when :attr:`window` is the frame's own from the file (follow it per frame)."""
        return self._window_from_file

    def set_window(self, window: VOI | None, from_file: bool = False) -> None:
        """Use ``window``; ``from_file`` says it is the file's own, not a person's choice."""
        from_file = bool(from_file)
        if window == self._window and from_file == self._window_from_file:
            return
        self._window, self._window_from_file = window, from_file
        self._emit("window_changed", "window", window)

    @property
    def invert(self) -> bool:
        """Show the image negated."""
        return self._invert

    @invert.setter
    def invert(self, invert: bool) -> None:
        if bool(invert) != self._invert:
            self._invert = bool(invert)
            self._emit("invert_changed", "invert", self._invert)

    # --- the geometry ------------------------------------------------------------------

    @property
    def geometry(self) -> ViewGeometry | None:
        """Zoom, pan, rotation and flips (``None`` until a viewport has fitted the image)."""
        return self._geometry

    @property
    def fitted(self) -> bool:
        """True while the image is fitted to the viewport (a resize refits it)."""
        return self._fitted

    def set_geometry(self, geometry: ViewGeometry | None, fitted: bool = False) -> None:
        """Set zoom, pan, rotation and flips, and whether they are the fitted view."""
        if geometry is not None and not isinstance(geometry, ViewGeometry):
            raise TypeError(f"geometry: expected a ViewGeometry, got {type(geometry).__name__}")
        fitted = bool(fitted)
        if geometry == self._geometry and fitted == self._fitted:
            return
        self._geometry, self._fitted = geometry, fitted
        self._emit("geometry_changed", "geometry", geometry)

    # --- the flags ---------------------------------------------------------------------

    @property
    def annotations_shown(self) -> bool:
        """Draw the annotations."""
        return self._flags["annotations_shown"]

    @annotations_shown.setter
    def annotations_shown(self, on: bool) -> None:
        self.set_flag("annotations_shown", on)

    @property
    def overlays(self) -> bool:
        """Draw the file's DICOM overlay planes."""
        return self._flags["overlays"]

    @overlays.setter
    def overlays(self, on: bool) -> None:
        self.set_flag("overlays", on)

    @property
    def corner_text(self) -> bool:
        """Draw the corner text and the scale bar."""
        return self._flags["corner_text"]

    @corner_text.setter
    def corner_text(self, on: bool) -> None:
        self.set_flag("corner_text", on)

    @property
    def anonymous(self) -> bool:
        """Leave out of the corner text everything that identifies the patient."""
        return self._flags["anonymous"]

    @anonymous.setter
    def anonymous(self, on: bool) -> None:
        self.set_flag("anonymous", on)

    def flag(self, name: str) -> bool:
        """Return flag ``name`` (one of :data:`FLAGS`).

        Raises
        ------
        ValueError
            If ``name`` is not a flag.
        """
        if name not in self._flags:
            raise ValueError(f"name: no flag {name!r}; choose one of {', '.join(FLAGS)}")
        return self._flags[name]

    def set_flag(self, name: str, on: bool) -> None:
        """Turn flag ``name`` (one of :data:`FLAGS`) on or off.

        Raises
        ------
        ValueError
            If ``name`` is not a flag.
        """
        if bool(on) != self.flag(name):
            self._flags[name] = bool(on)
            self._emit("flags_changed", name, bool(on))

    def toggle_flag(self, name: str) -> bool:
        """Flip flag ``name``; return its new value."""
        self.set_flag(name, not self.flag(name))
        return self._flags[name]

    # --- the selection -----------------------------------------------------------------

    @property
    def selection(self) -> tuple[str, ...]:
        """Ids of the selected annotations, in the order they were chosen, no repeats."""
        return self._selection

    @selection.setter
    def selection(self, ids: Iterable[str]) -> None:
        if isinstance(ids, str):
            raise TypeError("selection: expected annotation ids, got one string")
        chosen = tuple(dict.fromkeys(ids))
        if any(not isinstance(i, str) for i in chosen):
            raise TypeError("selection: every annotation id must be a string")
        if set(chosen) != set(self._selection):
            self._selection = chosen
            self._emit("selection_changed", "selection", chosen)

    # --- together ------------------------------------------------------------------------

    def reset(self) -> None:
        """Back to the first frame, no window chosen, not inverted, fitted, nothing selected.

        The flags stay: they are a person's choice for the viewer, not for one image.
        """
        self.selection = ()
        self.frame_index = 0
        self.set_window(None)
        self.invert = False
        self.set_geometry(None, fitted=True)
