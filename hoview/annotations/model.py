"""The annotation document: layers and annotations of one image, and their events.

Every edit goes through a method of :class:`AnnotationDocument`, which checks it,
applies it as a :class:`Delta` (what each touched object was before and after), tells
the history (:mod:`hoview.annotations.history`) and then the subscribers of
``document.events``. The objects themselves are immutable (:mod:`.shapes`).

Points must lie within the image or at most :data:`POINT_MARGIN` of its width (for x)
or height (for y) outside it, so an arrow dragged a little past the edge still saves.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from types import MappingProxyType
from typing import Any

from hoview.annotations import _checks as c
from hoview.annotations._checks import check_identity
from hoview.annotations.calibration import Calibration
from hoview.annotations.delta import Delta, Entry, apply_entries
from hoview.annotations.events import DocumentEvent, EventEmitter
from hoview.annotations.kinds import KINDS
from hoview.annotations.layers import LayerEdits
from hoview.annotations.shapes import (
    DEFAULT_LAYER,
    DEFAULT_LAYER_ID,
    Annotation,
    Arrow,
    Finding,
    Layer,
    Ruler,
    Text,
)
from hoview.annotations.style import ResolvedStyle, Style

__all__ = [
    "DEFAULT_LAYER_ID",
    "KINDS",
    "POINT_MARGIN",
    "Annotation",
    "AnnotationDocument",
    "Arrow",
    "Delta",
    "DocumentEvent",
    "EventEmitter",
    "Finding",
    "Layer",
    "Ruler",
    "Style",
    "Text",
    "check_identity",
]

#: How far outside the image a point may lie, as a fraction of its width or height.
POINT_MARGIN = 0.05


def _where(where: str | int) -> str:
    return f"annotations[{where}]." if type(where) is int else where  # type: ignore[return-value]


def _ids(ids: str | Iterable[str]) -> list[str]:
    return [ids] if isinstance(ids, str) else list(dict.fromkeys(ids))


def _entries(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[Entry]:
    """Delta entries that turn ``old`` (id -> object) into ``new``."""
    entries: list[Entry] = [(k, v, None, None) for k, v in old.items() if k not in new]
    for key, value in new.items():
        before = old.get(key)
        if before != value:
            entries.append((key, before, value, None))
    return entries


#: Direction letters and their opposites (Patient Orientation, PS3.3 C.7.6.1.1.1).
_AXES = {"L": "LR", "R": "LR", "A": "AP", "P": "AP", "H": "HF", "F": "HF"}


def check_orientation(value: Any, name: str = "orientation") -> tuple[str, str]:
    """Return two valid patient directions (row, column), upper-cased, or raise.

    Each is one to three of the letters ``L R A P H F`` with no axis twice, and the two
    do not start on the same axis (PS3.3 C.7.6.1.1.1).

    Raises
    ------
    TypeError
        If ``value`` is not a sequence of two strings.
    ValueError
        If a direction is empty, has another letter or names an axis twice.
    """
    if isinstance(value, str) or not isinstance(value, Sequence) or len(value) != 2:
        raise TypeError(f"{name}: expected two directions such as ['L', 'F'], got {value!r}")
    out = []
    for i, direction in enumerate(value):
        if not isinstance(direction, str):
            raise TypeError(f"{name}[{i}]: expected a string, got {c.type_name(direction)}")
        letters = direction.strip().upper()
        axes = [_AXES.get(ch) for ch in letters]
        if not 1 <= len(letters) <= 3 or None in axes or len(set(axes)) != len(axes):
            raise ValueError(
                f"{name}[{i}]: {direction!r} is not one to three of the letters "
                "L R A P H F with no axis twice"
            )
        out.append(letters)
    if _AXES[out[0][0]] == _AXES[out[1][0]]:
        raise ValueError(f"{name}: rows and columns cannot both run along {out[0][0]}/{out[1][0]}")
    return out[0], out[1]


class AnnotationDocument(LayerEdits):
    """The annotations of one image, in layers.

    Parameters
    ----------
    identity : mapping
        The image: see :func:`check_identity`.
    layers : iterable of Layer, optional
        Default: one layer, ``"Findings"`` (id ``"findings"``), white.
    annotations : iterable of Annotation
        Each on an existing layer and frame, its points within the image.
    view : mapping, optional
        Viewer state kept in the sidecar; ``annotations_visible`` (bool, default
        ``True``) is the document-wide show/hide switch; other keys are kept.
    extra : mapping, optional
        Unknown top-level sidecar keys, kept on a round trip.

    Attributes
    ----------
    events : EventEmitter
        Emits a :class:`DocumentEvent` after every change.
    edits : EventEmitter
        Emits ``(delta, inverse)`` for every undoable edit (the history listens here).
    disk_state : object or None
        Set by :mod:`hoview.annotations.sidecar`: the file this was loaded from or saved
        to, and its content hash.
    revision : int
        Goes up by one with every change, undo and redo included.
    """

    def __init__(
        self,
        identity: Mapping[str, Any],
        layers: Iterable[Layer] | None = None,
        annotations: Iterable[Annotation] = (),
        view: Mapping[str, Any] | None = None,
        extra: Mapping[str, Any] | None = None,
    ) -> None:
        self._identity = check_identity(identity)
        columns, rows = self._identity["columns"], self._identity["rows"]
        mx, my = columns * POINT_MARGIN, rows * POINT_MARGIN
        self._area = (-mx, columns + mx, -my, rows + my)  # where points may lie
        self._layers: dict[str, Layer] = {}
        for i, layer in enumerate((DEFAULT_LAYER,) if layers is None else layers):
            if not isinstance(layer, Layer):
                raise TypeError(f"layers[{i}]: expected a Layer, got {c.type_name(layer)}")
            if layer.id in self._layers:
                raise ValueError(f"layers[{i}].id: {layer.id!r} is used twice")
            self._layers[layer.id] = layer
        self._annotations: dict[str, Annotation] = {}
        check, known = self._check, self._annotations
        for i, annotation in enumerate(annotations):
            check(annotation, i)
            if annotation.id in known:
                raise ValueError(f"annotations[{i}].id: {annotation.id!r} is used twice")
            known[annotation.id] = annotation
        if view is not None and not isinstance(view, Mapping):
            raise TypeError(f"view: expected a mapping, got {c.type_name(view)}")
        self._view = {"annotations_visible": True, **c.check_json("view", dict(view or {}))}
        c.check_bool("view.annotations_visible", self._view["annotations_visible"])
        if extra is not None and not isinstance(extra, Mapping):
            raise TypeError(f"extra: expected a mapping, got {c.type_name(extra)}")
        self.extra: dict[str, Any] = dict(extra or {})
        if self.extra.get("orientation") is not None:
            self.extra["orientation"] = list(check_orientation(self.extra["orientation"]))
        if "calibration" in self.extra:
            self.extra["calibration"] = self._checked_calibration(
                Calibration.from_json(self.extra["calibration"])
            ).to_json()
        self.events = EventEmitter()
        self.edits = EventEmitter()
        self.disk_state: Any = None
        self.revision = 0

    # -- reading -------------------------------------------------------------------

    @property
    def identity(self) -> Mapping[str, Any]:
        """The image this document belongs to (read-only)."""
        return MappingProxyType(self._identity)

    @property
    def layers(self) -> tuple[Layer, ...]:
        """The layers, bottom first (by ``order``, then in the order they were added)."""
        return tuple(sorted(self._layers.values(), key=lambda layer: layer.order))

    @property
    def annotations(self) -> tuple[Annotation, ...]:
        """Every annotation, in the order they were added."""
        return tuple(self._annotations.values())

    @property
    def view(self) -> Mapping[str, Any]:
        """Viewer state saved in the sidecar (read-only; see :meth:`update_view`)."""
        return MappingProxyType(self._view)

    @property
    def annotations_visible(self) -> bool:
        """The document-wide show/hide switch (the viewer's H key)."""
        return bool(self._view["annotations_visible"])

    @property
    def orientation(self) -> tuple[str, str] | None:
        """Where the image's rows and columns point in the patient, or ``None``.

        The two values of Patient Orientation (0020,0020), e.g. ``("L", "F")`` for an AP
        pelvis; set for images whose file does not say (raster films), see
        :meth:`set_orientation`. Saved as the sidecar's top-level ``orientation``.
        """
        value = self.extra.get("orientation")
        return None if value is None else (str(value[0]), str(value[1]))

    @property
    def calibration(self) -> Calibration | None:
        """The user calibration (a line of known length), or ``None``.

        When set it overrides every spacing the image file gives; see
        :mod:`hoview.annotations.calibration` and :meth:`set_calibration`. Saved as the
        sidecar's top-level ``calibration``.
        """
        value = self.extra.get("calibration")
        return None if value is None else Calibration.from_json(value)

    def __len__(self) -> int:
        return len(self._annotations)

    def __contains__(self, annotation_id: object) -> bool:
        return annotation_id in self._annotations

    def get(self, annotation_id: str) -> Annotation:
        """Return the annotation ``annotation_id``; ``KeyError`` if there is none."""
        try:
            return self._annotations[annotation_id]
        except KeyError:
            raise KeyError(f"no annotation with id {annotation_id!r}") from None

    def layer(self, layer_id: str) -> Layer:
        """Return the layer ``layer_id``; ``KeyError`` if there is none."""
        try:
            return self._layers[layer_id]
        except KeyError:
            raise KeyError(f"no layer with id {layer_id!r}") from None

    def layer_by_name(self, name: str) -> Layer | None:
        """Return the first layer called ``name`` (case-insensitive), or ``None``."""
        folded = name.casefold()
        return next((la for la in self.layers if la.name.casefold() == folded), None)

    def visible_annotations(self, frame: int | None = None) -> list[Annotation]:
        """Return the annotations to draw, bottom layer first.

        Parameters
        ----------
        frame : int or None
            Only those on this frame (from 1); ``None`` for every frame.

        Returns
        -------
        list of Annotation
            Empty while :attr:`annotations_visible` is off; otherwise those on visible
            layers, ordered by layer order, then in the order they were added.
        """
        if frame is not None:
            c.check_int("frame", frame, 1, self._identity["frames"])
        if not self.annotations_visible:
            return []
        rank = {layer.id: i for i, layer in enumerate(self.layers) if layer.visible}
        shown = [
            a
            for a in self._annotations.values()
            if a.layer in rank and (frame is None or a.frame == frame)
        ]
        shown.sort(key=lambda a: rank[a.layer])
        return shown

    def resolved_style(self, annotation: Annotation) -> ResolvedStyle:
        """How ``annotation`` is drawn, in image pixels (layer colour as the fallback)."""
        layer = self._layers.get(annotation.layer)
        return annotation.style.resolve(
            self._identity["columns"],
            self._identity["rows"],
            layer.colour if layer is not None else None,
        )

    # -- annotation edits -----------------------------------------------------------

    def add(self, annotation: Annotation) -> Annotation:
        """Add ``annotation`` (undoable); returns it.

        Raises
        ------
        TypeError, ValueError
            If it is not an annotation, its id is taken, its layer does not exist or is
            locked, its frame does not exist or a point lies outside the image.
        """
        self.add_many([annotation])
        return annotation

    def add_many(self, annotations: Iterable[Annotation]) -> None:
        """Add several annotations as one undoable edit (see :meth:`add`)."""
        items = list(annotations)
        if not items:
            return
        seen: set[str] = set()
        for i, annotation in enumerate(items):
            where = f"annotations[{i}]." if len(items) > 1 else ""
            self._check(annotation, where)
            if annotation.id in self._annotations or annotation.id in seen:
                raise ValueError(f"{where}id: {annotation.id!r} is already used")
            seen.add(annotation.id)
            self._check_unlocked(annotation.layer, where)
        what = items[0].kind if len(items) == 1 else f"{len(items)} annotations"
        self._commit(f"Add {what}", [(a.id, None, a, None) for a in items])

    def update(self, annotation_id: str, **changes: Any) -> Annotation:
        """Change fields of an annotation (undoable); returns the new object.

        ``modified`` is set to now unless given; ``points=[...]`` moves every point.

        Raises
        ------
        KeyError
            If there is no such annotation.
        TypeError, ValueError
            If a change is invalid, or the annotation's layer (old or new) is locked.
        """
        old = self.get(annotation_id)
        if "id" in changes and changes["id"] != annotation_id:
            raise ValueError("id: an annotation's id cannot change")
        explicit = "modified" in changes
        new = old.replace(**changes, **({} if explicit else {"modified": c.now_utc()}))
        if (new if explicit else new.replace(modified=old.modified)) == old:
            return old
        self._check(new, "")
        self._check_unlocked(old.layer, "")
        self._check_unlocked(new.layer, "")
        self._commit(f"Edit {old.kind}", [(annotation_id, old, new, None)])
        return new

    def remove(self, ids: str | Iterable[str]) -> None:
        """Remove one annotation (an id) or several (ids) as one undoable edit.

        Raises
        ------
        KeyError
            If an id does not exist (nothing is removed).
        ValueError
            If an annotation is on a locked layer (nothing is removed).
        """
        olds = [self.get(i) for i in _ids(ids)]
        if not olds:
            return
        for old in olds:
            self._check_unlocked(old.layer, "")
        what = olds[0].kind if len(olds) == 1 else f"{len(olds)} annotations"
        self._commit(f"Remove {what}", [(a.id, a, None, None) for a in olds])

    def move_to_layer(self, ids: str | Iterable[str], layer_id: str) -> None:
        """Move annotations to layer ``layer_id`` as one undoable edit."""
        target = self.layer(layer_id)
        self._check_unlocked(layer_id, "")
        olds = [a for a in (self.get(i) for i in _ids(ids)) if a.layer != layer_id]
        for old in olds:
            self._check_unlocked(old.layer, "")
        now = c.now_utc()
        entries = [(a.id, a, a.replace(layer=layer_id, modified=now), None) for a in olds]
        self._commit(f"Move {len(entries)} annotations to {target.name!r}", entries)

    def replace_contents(
        self,
        layers: Iterable[Layer],
        annotations: Iterable[Annotation],
        description: str = "Merge",
    ) -> None:
        """Make the layers and annotations these, as one undoable edit (a merge).

        Only what differs is touched. Locks are not checked: this brings in content
        already saved elsewhere (:mod:`hoview.annotations.merge`), not a user's edit.

        Raises
        ------
        TypeError, ValueError
            If an object is of the wrong type, an id is used twice, or an annotation
            is on a layer not among ``layers`` or does not fit the image.
        """
        new_layers = {}
        for i, layer in enumerate(layers):
            if not isinstance(layer, Layer):
                raise TypeError(f"layers[{i}]: expected a Layer, got {c.type_name(layer)}")
            if layer.id in new_layers:
                raise ValueError(f"layers[{i}].id: {layer.id!r} is used twice")
            new_layers[layer.id] = layer
        new_annotations: dict[str, Annotation] = {}
        saved, self._layers = self._layers, new_layers
        try:
            for i, annotation in enumerate(annotations):
                self._check(annotation, i)
                if annotation.id in new_annotations:
                    raise ValueError(f"annotations[{i}].id: {annotation.id!r} is used twice")
                new_annotations[annotation.id] = annotation
        finally:
            self._layers = saved
        self._commit(
            description,
            _entries(self._annotations, new_annotations),
            _entries(self._layers, new_layers),
        )

    # -- view state (saved, not undoable) ------------------------------------------

    def set_all_visible(self, visible: bool) -> None:
        """Show or hide every annotation at once, keeping each layer's own switch.

        This is view state (the viewer's H key): it is saved in the sidecar but is not
        an undoable edit.
        """
        c.check_bool("visible", visible)
        if self._view["annotations_visible"] != visible:
            self._view["annotations_visible"] = visible
            self.revision += 1
            self.events.emit(DocumentEvent("visibility_changed"))

    def set_orientation(self, orientation: Sequence[str] | None) -> None:
        """Say where the image's rows and columns point in the patient (not undoable).

        Parameters
        ----------
        orientation : sequence of two str, or None
            Row and column directions as in Patient Orientation (0020,0020), e.g.
            ``("L", "F")``; ``None`` removes it. Emits ``"orientation_changed"``.

        Raises
        ------
        TypeError, ValueError
            If it is not two valid directions (see :func:`check_orientation`).
        """
        value = None if orientation is None else list(check_orientation(orientation))
        if self.extra.get("orientation") == value:
            return
        if value is None:
            self.extra.pop("orientation", None)
        else:
            self.extra["orientation"] = value
        self.revision += 1
        self.events.emit(DocumentEvent("orientation_changed"))

    def set_calibration(self, calibration: Calibration | None) -> None:
        """Set or remove the user calibration (an undoable edit).

        Parameters
        ----------
        calibration : Calibration or None
            The line of known length; its points must lie on the image (within the
            margin annotations have) and its frame exist. ``None`` removes it. Emits
            ``"calibration_changed"``.

        Raises
        ------
        TypeError, ValueError
            Not a :class:`Calibration`, a point off the image or a frame it lacks.
        """
        if calibration is not None and not isinstance(calibration, Calibration):
            raise TypeError(f"calibration: expected a Calibration, got {c.type_name(calibration)}")
        value = None if calibration is None else self._checked_calibration(calibration).to_json()
        before = self.extra.get("calibration")
        if before == value:
            return
        what = "Remove calibration" if value is None else "Calibrate"
        self._commit(what, settings=[("calibration", before, value, None)])

    def _checked_calibration(self, calibration: Calibration) -> Calibration:
        low_x, high_x, low_y, high_y = self._area
        for name, (x, y) in (("points[0]", calibration.start), ("points[1]", calibration.end)):
            if not (low_x <= x <= high_x and low_y <= y <= high_y):
                raise ValueError(f"calibration.{name}: ({x:g}, {y:g}) is outside the image")
        if calibration.frame > self._identity["frames"]:
            raise ValueError(
                f"calibration.frame: {calibration.frame} is past the image's "
                f"{self._identity['frames']} frame(s)"
            )
        return calibration

    def update_view(self, **values: Any) -> None:
        """Set other viewer state kept in the sidecar (JSON values; not undoable)."""
        c.check_json("view", values)
        if "annotations_visible" in values:
            self.set_all_visible(values.pop("annotations_visible"))
        if values:
            self._view.update(values)
            self.revision += 1
            self.events.emit(DocumentEvent("view_changed"))

    # -- the machinery --------------------------------------------------------------

    def apply_delta(self, delta: Delta) -> Delta:
        """Apply ``delta`` without checks or history and return its inverse.

        This is how :class:`~hoview.annotations.history.History` undoes and redoes;
        other code edits through the methods above.
        """
        inverse = self._apply(delta)
        for event in delta.events():
            self.events.emit(event)
        return inverse

    def _apply(self, delta: Delta) -> Delta:
        self.revision += 1
        return Delta(
            delta.description,
            apply_entries(self._annotations, delta.annotations),
            apply_entries(self._layers, delta.layers),
            apply_entries(self.extra, delta.settings),
        )

    def _commit(
        self,
        description: str,
        annotations: Sequence[Entry] = (),
        layers: Sequence[Entry] = (),
        settings: Sequence[Entry] = (),
    ) -> None:
        """Apply one checked edit, tell the history, then the subscribers."""
        if not annotations and not layers and not settings:
            return
        delta = Delta(description, tuple(annotations), tuple(layers), tuple(settings))
        self.edits.emit((delta, self._apply(delta)))
        for event in delta.events():
            self.events.emit(event)

    def _check(self, annotation: Annotation, where: str | int) -> None:
        """Check what depends on the document: layer, frame, points within the image.

        ``where`` starts the messages: a string, or ``i`` for ``"annotations[i]."``.
        """
        if not isinstance(annotation, Annotation) or not annotation.kind:
            where = _where(where)
            raise TypeError(
                f"{where.rstrip('.') or 'annotation'}: expected an annotation (one of "
                f"{', '.join(KINDS)}), "
                f"got {c.type_name(annotation)}"
            )
        if annotation.layer not in self._layers:
            raise ValueError(f"{_where(where)}layer: there is no layer {annotation.layer!r}")
        frames = self._identity["frames"]
        if annotation.frame > frames:
            raise ValueError(
                f"{_where(where)}frame: frame {annotation.frame} does not exist: the image "
                f"has {frames} frame{'s' if frames != 1 else ''} (numbered from 1)"
            )
        x0, x1, y0, y1 = self._area
        names = annotation.POINT_FIELDS
        for name in names:
            x, y = getattr(annotation, name)
            if not (x0 <= x <= x1 and y0 <= y <= y1):
                self._outside(annotation, where)
        if not names:  # a polyline: any number of points
            for x, y in annotation.points:
                if not (x0 <= x <= x1 and y0 <= y <= y1):
                    self._outside(annotation, where)

    def _outside(self, annotation: Annotation, where: str | int) -> None:
        """Raise the error for the first point of ``annotation`` outside the image."""
        x0, x1, y0, y1 = self._area
        columns, rows = self._identity["columns"], self._identity["rows"]
        for j, (x, y) in enumerate(annotation.points):
            if not (x0 <= x <= x1 and y0 <= y <= y1):
                raise ValueError(
                    f"{_where(where)}points[{j}]: ({x:g}, {y:g}) lies outside the {columns} x "
                    f"{rows} image (points may be at most {POINT_MARGIN:.0%} of its size "
                    "outside it)"
                )

    def _check_unlocked(self, layer_id: str, where: str) -> None:
        layer = self._layers.get(layer_id)
        if layer is not None and layer.locked:
            raise ValueError(f"{where}layer: layer {layer.name!r} is locked")
