"""Copy, paste and duplicate annotations, also from one image to another.

The clipboard holds JSON, as MIME type :data:`MIME_TYPE` and as plain text (so a
paste still works where a clipboard keeps only text)::

    {"format": "hoview.clipboard", "version": 1,
     "image": {"columns": 2000, "rows": 1700, "frame": 1, "key": "<SOP Instance UID>"},
     "annotations": [{"kind": "arrow", "points": [[110.0, 560.0], [268.0, 690.0]],
                      "label": "HO", "style": {}, "finding": {...}}, ...]}

Points are in the source image's pixel coordinates, and its size comes with them: a
paste onto an image of another size scales every point by the ratio of the sizes, so
an arrow on the right hip of a 2000 x 1700 film lands on the right hip of its 128 x 128
thumbnail. Sizes of the style are fractions of the image diagonal and need no scaling.
A paste goes onto the frame shown and the layer chosen for new annotations, with new
ids, as one undo step.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from PySide6.QtCore import QMimeData
from PySide6.QtGui import QGuiApplication

from hoview.annotations import Annotation, AnnotationDocument
from hoview.annotations.codec import annotation_to_json
from hoview.annotations.kinds import KINDS
from hoview.annotations.measure_kinds import Gap
from hoview.ui.canvas_tool import ImagePoint, ToolContext
from hoview.ui.tool_support import (
    Reporter,
    clamp_delta,
    clamp_point,
    editable_session,
    is_editable,
    layer_problem,
    new_fields,
    select,
    selected_ids,
    target_layer,
)

#: The clipboard MIME type of copied annotations.
MIME_TYPE = "application/x-hoview-annotations"
#: The ``format`` value of the clipboard JSON, and its version.
FORMAT = "hoview.clipboard"
VERSION = 1
#: At most this many annotations are pasted at once, from at most this many bytes.
MAX_PASTE = 10_000
MAX_BYTES = 16 * 2**20
#: A duplicate is offset by this fraction of the image's width and height.
DUPLICATE_OFFSET = 0.02


class ClipboardError(ValueError):
    """The clipboard does not hold annotations hoview can paste."""


def copy_of(annotation: Annotation, points: Sequence[ImagePoint], **fields: Any) -> Annotation:
    """Return a new annotation (new id, created now) like ``annotation`` at ``points``.

    Label, text, style and finding are kept; ``fields`` (layer, frame, author...)
    override. Unknown sidecar keys are not copied: they describe the original.
    """
    values: dict[str, Any] = {
        "label": annotation.label,
        "style": annotation.style,
        "finding": annotation.finding,
        "layer": annotation.layer,
        "frame": annotation.frame,
        "author": annotation.author,
        **annotation.point_values(points),
    }
    values.update({name: getattr(annotation, name) for name in annotation.OWN_FIELDS})
    values.update(fields)
    return type(annotation)(**values)


def _image_key(document: AnnotationDocument) -> str:
    identity = document.identity
    return str(identity.get("sop_instance_uid") or identity.get("sha256") or "")


def _offset(document: AnnotationDocument, points: Sequence[ImagePoint]) -> tuple[float, float]:
    """Return a small move for copies: down and right, or up and left at the edge."""
    columns, rows = document.identity["columns"], document.identity["rows"]
    offset = (columns * DUPLICATE_OFFSET, rows * DUPLICATE_OFFSET)
    moved = clamp_delta(document, points, *offset)
    return moved if moved == offset else clamp_delta(document, points, -offset[0], -offset[1])


def duplicate(canvas: ToolContext, ids: Iterable[str]) -> list[str]:
    """Copy annotations, offset by 2% of the image, and select the copies; one undo step.

    Copies of annotations on a locked layer go onto the layer chosen for new ones.

    Returns
    -------
    list of str
        The new ids (empty when nothing could be added).
    """
    session = editable_session(canvas)
    if session is None:
        return []
    document = session.document
    originals = [document.get(i) for i in dict.fromkeys(ids) if i in document]
    fallback = target_layer(canvas, document)
    dx, dy = _offset(document, [p for a in originals for p in a.points])
    author = new_fields(canvas, fallback)["author"] if fallback is not None else ""
    copies, copied = [], []
    for a in originals:
        layer = a.layer if is_editable(document, a) else fallback.id if fallback else None
        if layer is not None and not document.layer(layer).locked:
            moved = [(x + dx, y + dy) for x, y in a.points]
            copies.append(copy_of(a, moved, layer=layer, author=author))
            copied.append(a.id)
    if not copies:
        return []
    copies = _relinked(copies, copied, document)
    document.add_many(copies)
    select(canvas, [a.id for a in copies])
    return [a.id for a in copies]


def annotations_to_json(
    annotations: Iterable[Annotation], document: AnnotationDocument
) -> dict[str, Any]:
    """Return annotations of ``document`` as the clipboard's JSON object."""
    items = []
    for annotation in annotations:
        full = annotation_to_json(annotation)
        item = {
            k: full[k] for k in ("id", "kind", "points", "label", "style", "finding") if k in full
        }
        item.update({name: full.get(name) for name in annotation.OWN_FIELDS})
        item["frame"] = annotation.frame
        items.append(item)
    identity = document.identity
    image = {"columns": identity["columns"], "rows": identity["rows"], "key": _image_key(document)}
    return {"format": FORMAT, "version": VERSION, "image": image, "annotations": items}


def _size(image: Any) -> tuple[float, float]:
    if not isinstance(image, Mapping):
        raise ClipboardError("image: missing")
    size = image.get("columns"), image.get("rows")
    if not all(isinstance(v, (int, float)) and not isinstance(v, bool) and v > 0 for v in size):
        raise ClipboardError("image: columns and rows must be positive numbers")
    return float(size[0]), float(size[1])


def annotations_from_json(
    data: Any, document: AnnotationDocument, **fields: Any
) -> list[Annotation]:
    """Build new annotations for ``document`` from the clipboard's JSON object.

    Points are scaled from the source image's size to the document's and kept where
    the document accepts points; ``fields`` (layer, frame, author, ...) are given to
    each one.

    Raises
    ------
    ClipboardError
        If ``data`` is not hoview's clipboard JSON, naming what is wrong.
    """
    if not isinstance(data, Mapping) or data.get("format") != FORMAT:
        raise ClipboardError("the clipboard holds no hoview annotations")
    if data.get("version") != VERSION:
        raise ClipboardError(f"version {data.get('version')!r} of the clipboard is not known")
    columns, rows = _size(data.get("image"))
    items = data.get("annotations")
    if not isinstance(items, list) or len(items) > MAX_PASTE:
        raise ClipboardError(f"annotations: expected a list of at most {MAX_PASTE}")
    sx = document.identity["columns"] / columns
    sy = document.identity["rows"] / rows
    built = []
    for i, item in enumerate(items):
        try:
            cls = KINDS[item["kind"]]
            points = cls.check_points(item["points"])
            scaled = [clamp_point(document, (float(x) * sx, float(y) * sy)) for x, y in points]
            values: dict[str, Any] = cls.point_values(scaled)
            values.update({name: item[name] for name in cls.OWN_FIELDS if name in item})
            values.update(
                label=item.get("label"), style=item.get("style"), finding=item.get("finding")
            )
            built.append(cls(**{**values, **fields}))
        except (KeyError, TypeError, ValueError) as exc:
            raise ClipboardError(f"annotations[{i}]: {exc}") from None
    return _relinked(built, [item.get("id") for item in items], document)


def _relinked(
    built: list[Annotation], old_ids: list[Any], document: AnnotationDocument
) -> list[Annotation]:
    """Point pasted gaps at the pasted copy of their arrow, or at nothing.

    A gap copied with its arrow measures the copy; one copied alone keeps its arrow only
    when that arrow is in the document pasted into.
    """
    new_ids = {old: new.id for old, new in zip(old_ids, built, strict=True) if isinstance(old, str)}
    out = []
    for annotation in built:
        arrow = getattr(annotation, "arrow", None)
        if isinstance(annotation, Gap) and arrow is not None:
            if arrow in new_ids:
                annotation = annotation.replace(arrow=new_ids[arrow])
            elif arrow not in document:
                annotation = annotation.replace(arrow=None)
        out.append(annotation)
    return out


def copy_annotations(canvas: ToolContext, ids: Iterable[str] | None = None) -> int:
    """Put annotations (default: the selection) on the system clipboard.

    Annotations on locked layers and of read-only images may be copied too.

    Returns
    -------
    int
        How many annotations were copied (nothing is put there when none).
    """
    session = canvas.session()
    if session is None:
        return 0
    document = session.document
    chosen = selected_ids(canvas) if ids is None else [i for i in ids if i in document]
    if not chosen:
        return 0
    data = annotations_to_json([document.get(i) for i in chosen], document)
    frame = canvas.frame
    data["image"]["frame"] = frame.number if frame is not None else 1
    text = json.dumps(data, indent=1)
    mime = QMimeData()
    mime.setData(MIME_TYPE, text.encode("utf-8"))
    mime.setText(text)
    QGuiApplication.clipboard().setMimeData(mime)
    return len(chosen)


def clipboard_json() -> Any:
    """Return the JSON on the system clipboard (ours, or plain text), or ``None``."""
    mime = QGuiApplication.clipboard().mimeData()
    if mime is None:
        return None
    if mime.hasFormat(MIME_TYPE):
        raw = bytes(mime.data(MIME_TYPE).data())
    elif mime.hasText():
        raw = mime.text().encode("utf-8")
    else:
        return None
    if len(raw) > MAX_BYTES or not raw.lstrip().startswith(b"{"):
        return None
    try:
        return json.loads(raw)
    except (UnicodeDecodeError, ValueError, RecursionError):
        return None


def paste_annotations(canvas: ToolContext, report: Reporter | None = None) -> list[str]:
    """Add the annotations on the clipboard to the frame shown, and select them.

    They go onto the layer chosen for new annotations (:func:`target_layer`), with new
    ids, as one undo step; pasted back onto the frame they were copied from, they are
    offset a little so they do not hide the originals.

    Parameters
    ----------
    canvas : ToolContext
        The canvas showing the image to paste onto.
    report : callable, optional
        Told why nothing was pasted (read-only, locked layer, not annotations).

    Returns
    -------
    list of str
        The new ids (empty when nothing was pasted).
    """
    say = report or (lambda _message: None)
    data = clipboard_json()
    session = editable_session(canvas)
    if data is None or session is None:
        if data is not None and canvas.session() is not None:
            say("This image's annotation file could not be read: nothing is pasted")
        return []
    document = session.document
    layer = target_layer(canvas, document)
    problem = layer_problem(layer, document)
    if problem:
        say(problem)
        return []
    try:
        fields = new_fields(canvas, layer)
        del fields["style"]  # a pasted annotation keeps its own colour
        pasted = annotations_from_json(data, document, **fields)
    except ClipboardError as exc:
        say(f"Nothing pasted: {exc}")
        return []
    image = data.get("image", {})
    if image.get("key") == _image_key(document) and image.get("frame") == canvas.frame.number:
        dx, dy = _offset(document, [p for a in pasted for p in a.points])
        pasted = [copy_of(a, [(x + dx, y + dy) for x, y in a.points]) for a in pasted]
    if not pasted:
        return []
    document.add_many(pasted)
    select(canvas, [a.id for a in pasted])
    return [a.id for a in pasted]
