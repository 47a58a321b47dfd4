"""Layer edits of :class:`~hoview.annotations.model.AnnotationDocument`.

Bulk visibility actions live on the model (napari-style), so they are tested without Qt.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from hoview.annotations import _checks as c
from hoview.annotations.delta import Entry
from hoview.annotations.shapes import Layer

if TYPE_CHECKING:
    from hoview.annotations.shapes import Annotation


class LayerEdits:
    """The layer methods of a document (a mixin of ``AnnotationDocument``)."""

    if TYPE_CHECKING:  # provided by AnnotationDocument
        _layers: dict[str, Layer]
        _annotations: dict[str, Annotation]

        def layer(self, layer_id: str) -> Layer:  # noqa: D102
            ...

        def _commit(
            self,
            description: str,
            annotations: Sequence[Entry] = ...,
            layers: Sequence[Entry] = ...,
        ) -> None: ...

        def _check_unlocked(self, layer_id: str, where: str) -> None: ...

    def add_layer(self, layer: Layer | str) -> Layer:
        """Add a layer (undoable); a name makes a new layer on top of the others."""
        if isinstance(layer, str):
            top = max((la.order for la in self._layers.values()), default=-1)
            layer = Layer(name=layer, order=top + 1)
        if not isinstance(layer, Layer):
            raise TypeError(f"layer: expected a Layer or a name, got {c.type_name(layer)}")
        if layer.id in self._layers:
            raise ValueError(f"id: layer id {layer.id!r} is already used")
        self._commit(f"Add layer {layer.name!r}", layers=[(layer.id, None, layer, None)])
        return layer

    def update_layer(self, layer_id: str, **changes: Any) -> Layer:
        """Change fields of a layer (undoable); returns the new layer."""
        old = self.layer(layer_id)
        if "id" in changes and changes["id"] != layer_id:
            raise ValueError("id: a layer's id cannot change")
        new = old.replace(**changes)
        if new != old:
            self._commit(f"Edit layer {old.name!r}", layers=[(layer_id, old, new, None)])
        return new

    def remove_layer(self, layer_id: str, move_to: str | None = None) -> None:
        """Remove a layer (undoable).

        A layer that still holds annotations is refused unless ``move_to`` names the
        layer they go to; the move and the removal are one edit.
        """
        old = self.layer(layer_id)
        members = [a for a in self._annotations.values() if a.layer == layer_id]
        entries: list[Entry] = []
        if members:
            if move_to is None:
                raise ValueError(
                    f"layer {old.name!r} holds {len(members)} annotations: "
                    "move them first or give move_to"
                )
            if move_to == layer_id:
                raise ValueError("move_to: cannot move annotations to the layer being removed")
            self.layer(move_to)
            self._check_unlocked(layer_id, "")
            self._check_unlocked(move_to, "")
            now = c.now_utc()
            entries = [(a.id, a, a.replace(layer=move_to, modified=now), None) for a in members]
        self._commit(f"Remove layer {old.name!r}", entries, [(layer_id, old, None, None)])

    def set_layer_visible(self, layer_id: str, visible: bool) -> None:
        """Show or hide one layer (undoable)."""
        c.check_bool("visible", visible)
        self._set_visible({layer_id: visible}, f"{'Show' if visible else 'Hide'} layer")

    def solo_layer(self, layer_id: str) -> None:
        """Show only layer ``layer_id`` and hide every other (undoable)."""
        self.layer(layer_id)
        self._set_visible({i: i == layer_id for i in self._layers}, "Solo layer")

    def show_all_layers(self) -> None:
        """Show every layer (undoable), e.g. to end a solo."""
        self._set_visible(dict.fromkeys(self._layers, True), "Show all layers")

    def _set_visible(self, wanted: dict[str, bool], description: str) -> None:
        entries = []
        for layer_id, visible in wanted.items():
            old = self.layer(layer_id)
            if old.visible != visible:
                entries.append((layer_id, old, old.replace(visible=visible), None))
        self._commit(description, layers=entries)
