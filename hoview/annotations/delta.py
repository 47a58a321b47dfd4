"""Deltas: one document edit as what each touched object was before and after.

A delta holds entries ``(id, before, after, index)``: ``before`` is ``None`` for an
object that is inserted, ``after`` is ``None`` for one that is removed. ``index`` says
where an inserted object goes in the document's order (``None``: at the end). Applying
a delta returns its inverse, whose re-inserted objects carry the index they had, so an
undo restores the order exactly. Objects are immutable, so a delta costs a few
pointers per touched object, never a copy of the document.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from hoview.annotations.events import DocumentEvent

#: ``(id, before, after, index)``.
Entry = tuple[str, Any, Any, "int | None"]


@dataclass(frozen=True)
class Delta:
    """One undoable edit of a document.

    Attributes
    ----------
    description : str
        For people: ``"Add arrow"``, ``"Remove 3 annotations"`` (the Edit menu shows it).
    annotations, layers : tuple of Entry
        ``(id, before, after, index)`` for every annotation and layer touched.
    settings : tuple of Entry
        ``(key, before, after, index)`` for top-level sidecar values that are undoable
        edits (the user ``calibration``): JSON values, ``None`` for absent; each causes
        a ``"<key>_changed"`` event.
    """

    description: str
    annotations: tuple[Entry, ...] = ()
    layers: tuple[Entry, ...] = ()
    settings: tuple[Entry, ...] = ()

    def events(self) -> Iterator[DocumentEvent]:
        """Yield the :class:`DocumentEvent` objects this delta causes."""

        def pick(entries: tuple[Entry, ...], test: Any) -> tuple[str, ...]:
            return tuple(e[0] for e in entries if test(e[1], e[2]))

        layer_added = pick(self.layers, lambda b, a: b is None)
        layer_removed = pick(self.layers, lambda b, a: a is None)
        both = [(b, a) for _, b, a, _ in self.layers if b is not None and a is not None]
        layer_changed = tuple(a.id for b, a in both if b.replace(visible=a.visible) != a)
        shown = tuple(a.id for b, a in both if b.visible != a.visible)
        for kind, ids in (
            ("layer_added", layer_added),
            ("added", pick(self.annotations, lambda b, a: b is None)),
            ("changed", pick(self.annotations, lambda b, a: b is not None and a is not None)),
            ("removed", pick(self.annotations, lambda b, a: a is None)),
            ("layer_changed", layer_changed),
            ("visibility_changed", shown),
            ("layer_removed", layer_removed),
        ):
            if ids:
                if kind.startswith("layer") or kind == "visibility_changed":
                    yield DocumentEvent(kind, layers=ids)
                else:
                    yield DocumentEvent(kind, ids=ids)
        for key, _, _, _ in self.settings:
            yield DocumentEvent(f"{key}_changed")


def apply_entries(store: dict[str, Any], entries: tuple[Entry, ...]) -> tuple[Entry, ...]:
    """Apply ``entries`` to ``store`` (id -> object, in order) and return the inverse.

    Removals happen first (the inverse remembers each removed object's position),
    then replacements in place, then insertions at their index or at the end.
    """
    inverse: list[Entry] = []
    removed = {e[0] for e in entries if e[2] is None}
    if removed:
        positions = {key: i for i, key in enumerate(store) if key in removed}
        for key, before, after, _ in entries:
            if after is None:
                del store[key]
                inverse.append((key, None, before, positions[key]))
    placed: list[tuple[int, str, Any]] = []
    appended: list[tuple[str, Any]] = []
    for key, before, after, index in entries:
        if after is None:
            continue
        if before is None:
            inverse.append((key, after, None, None))
            if index is None:
                appended.append((key, after))
            else:
                placed.append((index, key, after))
        else:
            store[key] = after
            inverse.append((key, after, before, None))
    if placed:
        _insert(store, sorted(placed, key=lambda p: p[0]))
    for key, after in appended:
        store[key] = after
    return tuple(inverse)


def _insert(store: dict[str, Any], placed: list[tuple[int, str, Any]]) -> None:
    """Insert ``(index, id, object)`` items (sorted by index) so each ends at its index."""
    old = list(store.items())
    store.clear()
    source = iter(old)
    pending = iter(placed)
    nxt = next(pending, None)
    for position in range(len(old) + len(placed)):
        if nxt is not None and nxt[0] <= position:
            store[nxt[1]] = nxt[2]
            nxt = next(pending, None)
        else:
            item = next(source, None)
            if item is None:
                break
            store[item[0]] = item[1]
    while nxt is not None:
        store[nxt[1]] = nxt[2]
        nxt = next(pending, None)
    for key, value in source:
        store[key] = value
