"""Copies of a document with the users' words taken out, for a blind quiz."""

from __future__ import annotations

from hoview.annotations.model import AnnotationDocument
from hoview.annotations.shapes import Text


def without_labels(document: AnnotationDocument) -> AnnotationDocument:
    """Return a copy of ``document`` with every typed word removed.

    Arrows and rulers keep their geometry and style but lose their labels (a ruler
    still shows its length); text annotations, which are nothing but words, are left
    out. Layers, their visibility and the view switch are kept, so the copy draws the
    same arrows as the original. The original is not changed.

    Parameters
    ----------
    document : AnnotationDocument
        The image's annotations.

    Returns
    -------
    AnnotationDocument
        A new document, not tied to any sidecar file.
    """
    kept = [
        item.replace(label=None) if item.label else item
        for item in document.annotations
        if not isinstance(item, Text)
    ]
    return AnnotationDocument(
        document.identity, document.layers, kept, document.view, document.extra
    )
