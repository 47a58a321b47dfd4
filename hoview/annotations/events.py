"""Document events, delivered by :class:`~hoview.events.EventEmitter` (shared with the view)."""

from __future__ import annotations

from dataclasses import dataclass

from hoview.events import EventEmitter

__all__ = ["DocumentEvent", "EventEmitter"]


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
        ``"view_changed"`` (other keys of :attr:`AnnotationDocument.view`);
        ``"orientation_changed"`` (:meth:`AnnotationDocument.set_orientation`);
        ``"calibration_changed"`` (:meth:`AnnotationDocument.set_calibration`).
    ids : tuple of str
        The annotations concerned.
    layers : tuple of str
        The layers concerned.
    """

    type: str
    ids: tuple[str, ...] = ()
    layers: tuple[str, ...] = ()
