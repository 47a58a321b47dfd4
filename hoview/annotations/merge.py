"""Merging two versions of one image's annotations, by id. No Qt, no files.

Two merges:

- :func:`three_way` (the viewer, against what someone else saved meanwhile): ``base`` is
  the version loaded, ``mine`` the one in memory, ``theirs`` the one on disk now. For
  every annotation id and every layer id: what only one side changed (added, edited,
  removed) is taken from that side; the same change on both sides is taken once; the
  same object changed differently on both sides (or edited on one side and removed on
  the other) is a :class:`Conflict`, for the user to settle as ``"mine"`` or
  ``"theirs"`` (:meth:`MergeResult.resolve`). Until settled a conflict keeps mine.
- :func:`union` (a sidecar saved in the user data folder while the image's folder was
  read-only, and the one beside the image): every id of either, and for an id in both
  the annotation with the later ``modified`` time.

Results are :class:`Snapshot` objects (immutable); :func:`apply_snapshot` makes a
document equal to one as a single undoable edit. A kept annotation whose layer the
other side removed brings its layer back, so a merge never leaves an annotation on a
layer that does not exist.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from hoview.annotations.model import AnnotationDocument
from hoview.annotations.shapes import Annotation, Layer

__all__ = [
    "Conflict",
    "MergeResult",
    "Snapshot",
    "apply_snapshot",
    "three_way",
    "union",
]

Side = Literal["mine", "theirs"]
_MISSING = object()


@dataclass(frozen=True)
class Snapshot:
    """The content of a document at one moment: what a merge compares.

    Attributes
    ----------
    layers : tuple of Layer
    annotations : tuple of Annotation
        In document order.
    view, extra : mapping
        Saved viewer state and unknown top-level keys.
    """

    layers: tuple[Layer, ...] = ()
    annotations: tuple[Annotation, ...] = ()
    view: Mapping[str, Any] = field(default_factory=dict)
    extra: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def of(cls, document: AnnotationDocument) -> Snapshot:
        """Take the snapshot of ``document`` now (cheap: its objects are immutable)."""
        return cls(document.layers, document.annotations, dict(document.view), dict(document.extra))


@dataclass(frozen=True)
class Conflict:
    """One object changed differently on both sides.

    Attributes
    ----------
    what : {"annotation", "layer"}
    id : str
    base, mine, theirs : Annotation, Layer or None
        The object in each version; ``None`` where it does not exist (removed, or not
        yet added).
    """

    what: Literal["annotation", "layer"]
    id: str
    base: Any
    mine: Any
    theirs: Any

    @property
    def key(self) -> tuple[str, str]:
        """``(what, id)``: how :meth:`MergeResult.resolve` names this conflict."""
        return (self.what, self.id)


@dataclass(frozen=True)
class MergeResult:
    """What :func:`three_way` made: the merge (mine where in conflict) and the conflicts.

    Attributes
    ----------
    snapshot : Snapshot
        The merged content, conflicts settled as ``"mine"``.
    conflicts : tuple of Conflict
    """

    snapshot: Snapshot
    conflicts: tuple[Conflict, ...]
    _theirs_order: tuple[tuple[str, ...], tuple[str, ...]] = ((), ())

    def resolve(self, choices: Mapping[tuple[str, str], Side]) -> Snapshot:
        """Return the merge with each conflict settled as chosen.

        Parameters
        ----------
        choices : mapping
            ``Conflict.key`` -> ``"mine"`` or ``"theirs"``; a conflict not named keeps
            mine.

        Raises
        ------
        ValueError
            If a choice is neither ``"mine"`` nor ``"theirs"`` or names no conflict.
        """
        known = {c.key: c for c in self.conflicts}
        layers = {la.id: la for la in self.snapshot.layers}
        annotations = {a.id: a for a in self.snapshot.annotations}
        for key, side in choices.items():
            if key not in known:
                raise ValueError(f"choices: {key!r} is not a conflict of this merge")
            if side not in ("mine", "theirs"):
                raise ValueError(f"choices[{key!r}]: expected 'mine' or 'theirs', got {side!r}")
            conflict = known[key]
            store = layers if conflict.what == "layer" else annotations
            chosen = conflict.mine if side == "mine" else conflict.theirs
            store.pop(conflict.id, None)
            if chosen is not None:
                store[conflict.id] = chosen
        order_layers, order_annotations = self._theirs_order
        return _consistent(
            _ordered(layers, order_layers),
            _ordered(annotations, order_annotations),
            self.snapshot.view,
            self.snapshot.extra,
            (),
        )


def _ordered(store: dict[str, Any], first: Iterable[str]) -> list[Any]:
    """Objects of ``store``: those in ``first`` in that order, then the rest."""
    head = [store[i] for i in dict.fromkeys(first) if i in store]
    seen = {o.id for o in head}
    return head + [o for i, o in store.items() if i not in seen]


def _pick(base: Any, mine: Any, theirs: Any) -> tuple[Any, bool]:
    """Three-way choice for one id: ``(result, conflicting)``; missing is ``None``."""
    if mine == theirs:
        return mine, False
    if mine == base:
        return theirs, False
    if theirs == base:
        return mine, False
    return mine, True


def _merge_ids(
    what: Literal["annotation", "layer"],
    base: Iterable[Any],
    mine: Iterable[Any],
    theirs: Iterable[Any],
) -> tuple[list[Any], list[Conflict], tuple[str, ...]]:
    b = {o.id: o for o in base}
    m = {o.id: o for o in mine}
    t = {o.id: o for o in theirs}
    merged: dict[str, Any] = {}
    conflicts = []
    for key in dict.fromkeys([*t, *m, *b]):
        result, conflicting = _pick(b.get(key), m.get(key), t.get(key))
        if conflicting:
            conflicts.append(Conflict(what, key, b.get(key), m.get(key), t.get(key)))
        if result is not None:
            merged[key] = result
    return _ordered(merged, [*t, *m]), conflicts, tuple(t)


def _merge_mapping(
    base: Mapping[str, Any], mine: Mapping[str, Any], theirs: Mapping[str, Any]
) -> dict[str, Any]:
    merged = {}
    for key in dict.fromkeys([*theirs, *mine, *base]):
        value, _ = _pick(
            base.get(key, _MISSING), mine.get(key, _MISSING), theirs.get(key, _MISSING)
        )
        if value is not _MISSING:
            merged[key] = value
    return merged


def _consistent(
    layers: list[Layer],
    annotations: list[Annotation],
    view: Mapping[str, Any],
    extra: Mapping[str, Any],
    sources: Iterable[Iterable[Layer]],
) -> Snapshot:
    """Bring back a removed layer that a kept annotation still needs."""
    have = {la.id for la in layers}
    wanted = dict.fromkeys(a.layer for a in annotations if a.layer not in have)
    if wanted:
        spare: dict[str, Layer] = {}
        for group in sources:
            for layer in group:
                spare.setdefault(layer.id, layer)
        top = max((la.order for la in layers), default=-1)
        for i, layer_id in enumerate(wanted):
            layer = spare.get(layer_id) or Layer(layer_id, id=layer_id, order=top + 1 + i)
            layers.append(layer)
    return Snapshot(tuple(layers), tuple(annotations), dict(view), dict(extra))


def three_way(base: Snapshot, mine: Snapshot, theirs: Snapshot) -> MergeResult:
    """Merge what was done here (``mine``) and elsewhere (``theirs``) since ``base``.

    Parameters
    ----------
    base : Snapshot
        The version both started from (what the viewer loaded or last saved).
    mine : Snapshot
        The version in memory.
    theirs : Snapshot
        The version on disk now.

    Returns
    -------
    MergeResult
        The merged snapshot (conflicts kept as mine) and the conflicts.
    """
    layers, layer_conflicts, t_layers = _merge_ids("layer", base.layers, mine.layers, theirs.layers)
    annotations, conflicts, t_annotations = _merge_ids(
        "annotation", base.annotations, mine.annotations, theirs.annotations
    )
    snapshot = _consistent(
        layers,
        annotations,
        _merge_mapping(base.view, mine.view, theirs.view),
        _merge_mapping(base.extra, mine.extra, theirs.extra),
        (mine.layers, theirs.layers, base.layers),
    )
    return MergeResult(snapshot, tuple(layer_conflicts + conflicts), (t_layers, t_annotations))


def _when(stamp: str | None) -> datetime | None:
    try:
        return datetime.fromisoformat(str(stamp).replace("Z", "+00:00"))
    except ValueError:
        return None


def _later(a: Annotation, b: Annotation) -> Annotation:
    """Return the annotation modified later (``b`` when equal or not comparable)."""
    ta, tb = _when(a.modified), _when(b.modified)
    if ta is not None and tb is not None:
        try:
            return a if ta > tb else b
        except TypeError:  # one naive, one aware
            pass
    return a if str(a.modified) > str(b.modified) else b


def union(older: Snapshot, newer: Snapshot) -> Snapshot:
    """Every annotation and layer of both; for an id in both, the later ``modified``.

    Parameters
    ----------
    older, newer : Snapshot
        The two versions; ``newer`` is the file written last. Its layer settings
        (name, colour, visibility), view state and unknown keys win for ids in both.
    """
    annotations = {a.id: a for a in older.annotations}
    for a in newer.annotations:
        annotations[a.id] = _later(annotations[a.id], a) if a.id in annotations else a
    layers = {la.id: la for la in older.layers}
    layers.update((la.id, la) for la in newer.layers)
    return _consistent(
        list(layers.values()),
        list(annotations.values()),
        {**older.view, **newer.view},
        {**older.extra, **newer.extra},
        (),
    )


def apply_snapshot(
    document: AnnotationDocument, snapshot: Snapshot, description: str = "Merge"
) -> None:
    """Make ``document`` hold ``snapshot``'s layers and annotations as one undoable edit.

    The view state and unknown keys are set too (not undoable, like any view change).
    Layer locks do not stop a merge: it brings in what is already saved, not an edit.
    """
    document.replace_contents(snapshot.layers, snapshot.annotations, description)
    view = dict(snapshot.view)
    if dict(document.view) != view:
        document.update_view(**view)
    document.extra = dict(snapshot.extra)
