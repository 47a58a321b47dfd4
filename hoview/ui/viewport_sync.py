"""Linked viewports: window, zoom and pan, and slice follow from one viewport to the others.

The link observes every viewport's :class:`~hoview.display.view_state.ViewState` and,
when one changes by a person's hand, writes the same change into the other shown
viewports' states (through their canvases, which keep each frame's window right):

- the **window** (a person's choice, not a frame's own from the file) goes to viewports
  showing the same modality: a CT window means nothing on a radiograph;
- **zoom and pan** relative to each image (:func:`~hoview.display.slice_sync.linked_geometry`);
  a fitted view fits the others;
- the **slice**, by position along the normal when both series share a Frame of Reference,
  else by index (:func:`~hoview.display.slice_sync.matching_index`).

Writing to the others emits their events too; the link ignores events while it writes,
so a change never comes back to where it started.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from hoview.display.slice_sync import Stack, linked_geometry, matching_index
from hoview.display.view_geometry import ViewGeometry
from hoview.display.view_state import ViewEvent
from hoview.sources.base import Series
from hoview.sources.dicom import DicomImage
from hoview.ui.canvas import ViewerCanvas

__all__ = ["ViewportLink", "series_stack"]


def series_stack(series: Series) -> Stack:
    """Return where each frame of ``series`` lies (positions, orientation, frame of reference).

    An enhanced multi-frame file gives each frame's Plane Position and Orientation from
    its functional groups; single-frame files their Image Position and Orientation
    (Patient). Raster images and films without them give a stack matched by index.
    """
    positions: list[list[float] | None] = []
    orientations: list[list[float] | None] = []
    frame_of_reference = ""
    for frame in series.frames:
        source = frame.source
        position = orientation = None
        if isinstance(source, DicomImage):
            frame_of_reference = frame_of_reference or str(
                source.dataset.get("FrameOfReferenceUID", "") or ""
            )
            groups = source.functional_groups
            if groups is not None:
                found_p = groups.position(frame.number - 1)
                found_o = groups.orientation(frame.number - 1)
                position = list(found_p) if found_p is not None else None
                orientation = list(found_o) if found_o is not None else None
        if position is None:
            metadata = source.metadata
            position = metadata.get("image_position")
            orientation = orientation or metadata.get("image_orientation")
        positions.append(_numbers(position, 3))
        orientations.append(_numbers(orientation, 6))
    return Stack.build(frame_of_reference, positions, orientations)


def _numbers(value: object, count: int) -> list[float] | None:
    if not isinstance(value, (list, tuple)) or len(value) != count:
        return None
    try:
        return [float(v) for v in value]
    except (TypeError, ValueError):
        return None


class ViewportLink:
    """Keeps linked viewports in step, as observers of their view states.

    Parameters
    ----------
    canvases : list of ViewerCanvas
        Every viewport that may be linked (each with its own view state).
    shown : callable
        Returns the viewports shown now (the layout's); only those follow.
    """

    def __init__(
        self, canvases: list[ViewerCanvas], shown: Callable[[], list[ViewerCanvas]]
    ) -> None:
        self._canvases = list(canvases)
        self._shown = shown
        self._linked = False
        self._writing = False
        self._stacks: dict[int, tuple[Series, Stack]] = {}
        for canvas in self._canvases:
            canvas.state.events.connect(lambda event, c=canvas: self._on_state_changed(c, event))

    @property
    def linked(self) -> bool:
        """True while the viewports follow each other."""
        return self._linked

    def set_linked(self, on: bool, leader: ViewerCanvas | None = None) -> None:
        """Link or unlink; linking brings the others to ``leader``'s slice, window and view."""
        self._linked = bool(on)
        if self._linked and leader is not None:
            self.follow(leader)

    @contextmanager
    def paused(self) -> Iterator[None]:
        """Let viewports change without the others following (a new series coming in)."""
        writing, self._writing = self._writing, True
        try:
            yield
        finally:
            self._writing = writing

    def follow(self, leader: ViewerCanvas) -> None:
        """Bring every other shown viewport to ``leader``'s slice, window, zoom and pan."""
        if not self._linked or leader.series is None:
            return
        self._apply(leader, "frame_changed")
        if leader.voi is not None and not leader.state.window_from_file:
            self._apply(leader, "window_changed")
        self._apply(leader, "geometry_changed")

    # --- internals ----------------------------------------------------------------

    def _on_state_changed(self, canvas: ViewerCanvas, event: ViewEvent) -> None:
        if not self._linked or self._writing or canvas.series is None:
            return
        if event.type == "window_changed" and (
            event.value is None or canvas.state.window_from_file
        ):
            return  # the file's own window of a new frame, or a colour image
        if event.type == "geometry_changed" and event.value is None:
            return
        if event.type in ("frame_changed", "window_changed", "geometry_changed"):
            self._apply(canvas, event.type)

    def _apply(self, source: ViewerCanvas, kind: str) -> None:
        others = [
            c
            for c in self._shown()
            if c is not source and c.state is not source.state and c.series is not None
        ]
        with self.paused():
            for target in others:
                if kind == "frame_changed":
                    self._follow_slice(source, target)
                elif kind == "window_changed":
                    self._follow_window(source, target)
                else:
                    self._follow_geometry(source, target)

    def _stack(self, series: Series) -> Stack:
        hit = self._stacks.get(id(series))
        if hit is None or hit[0] is not series:
            hit = (series, series_stack(series))
            self._stacks[id(series)] = hit
        return hit[1]

    def _follow_slice(self, source: ViewerCanvas, target: ViewerCanvas) -> None:
        assert source.series is not None and target.series is not None
        if not target.series.frames or not source.series.frames:
            return
        index = matching_index(
            self._stack(source.series), source.frame_index, self._stack(target.series)
        )
        target.set_frame_index(index)

    def _follow_window(self, source: ViewerCanvas, target: ViewerCanvas) -> None:
        voi = source.voi
        if voi is None or target.voi is None or _modality(source) != _modality(target):
            return
        target.set_window(voi)

    def _follow_geometry(self, source: ViewerCanvas, target: ViewerCanvas) -> None:
        geometry, frame, other = source.state.geometry, source.frame, target.frame
        if geometry is None or frame is None or other is None or target.state.geometry is None:
            return
        if source.state.fitted:
            target.fit()
            return
        target_now = target.state.geometry
        source_fit = ViewGeometry.fit(
            frame.columns,
            frame.rows,
            max(source.width(), 1),
            max(source.height(), 1),
            geometry.rotation,
        )
        target_fit = ViewGeometry.fit(
            other.columns,
            other.rows,
            max(target.width(), 1),
            max(target.height(), 1),
            target_now.rotation,
        )
        linked = linked_geometry(
            geometry,
            source_fit,
            (frame.columns, frame.rows),
            target_now,
            target_fit,
            (other.columns, other.rows),
        )
        target.set_geometry(linked, fitted=False)


def _modality(canvas: ViewerCanvas) -> str:
    frame = canvas.frame
    return str(frame.source.metadata.get("modality", "")) if frame is not None else ""
