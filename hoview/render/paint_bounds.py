"""Cheap, conservative device bounds of annotations: what culling and the viewer's layer use.

:func:`hoview.render.paint.paint_annotations` skips an annotation whose bounds miss the
region being painted, and the viewer's cached layer (:mod:`hoview.ui.annotation_layer`)
finds which labels a pan moves. Bounds are computed for every annotation at once with
numpy: an arrow's shape lies within a margin (half the head's width, the outline, the
selection halo, two pixels of antialiasing) of its shaft's segment; a label's box is
laid out as :mod:`hoview.render.paint_text` lays it out (the text path's box, kept per
text and font size) and grown by the outline or halo. They may be too large, never too
small.

Only arrows and text annotations are culled; every other kind (measurements, imported
graphics) is always drawn: its glyphs are not bounded by its points alone.

The per-document part (points, styles, label sizes) is kept per document revision, so a
repaint after a pan or a window change costs one vectorised transform.
"""

from __future__ import annotations

import dataclasses
import weakref
from collections.abc import Collection
from typing import Any

import numpy as np
from PySide6.QtCore import QPointF, QRectF
from PySide6.QtGui import QTransform

from hoview.annotations import AnnotationDocument, Arrow, Text
from hoview.annotations.shapes import Annotation
from hoview.annotations.style import ResolvedStyle
from hoview.render.paint_text import text_path

#: Antialiasing and rounding room around every box, in device pixels.
ROOM_PX = 2.0


@dataclasses.dataclass(frozen=True)
class AnnotationIndex:
    """What one document shows on one frame, in paint order, with arrays for bounds.

    Attributes
    ----------
    annotations : list of Annotation
        The visible annotations of the frame, bottom layer first (as they are drawn).
    boxes : numpy.ndarray
        ``(n, 4)`` image-space box of each annotation's points: x0, y0, x1, y1.
    anchors : numpy.ndarray
        ``(n, 2)`` image-space anchor of each label (an arrow's tail, a text's anchor).
    arrows : numpy.ndarray
        ``(n, 2)`` image-space vector from an arrow's tail to its head; zeros otherwise.
    cullable : numpy.ndarray
        ``(n,)`` bool: whether the bounds hold everything the annotation draws.
    style_index : numpy.ndarray
        ``(n,)`` index into ``styles``.
    styles : list of ResolvedStyle
        The distinct resolved styles (their sizes; colours do not matter here).
    texts : list of str or None
        Each annotation's label (an arrow's) or text (a text annotation's).
    arrow : numpy.ndarray
        ``(n,)`` bool: an arrow.
    kept : dict
        Results computed from the index (device bounds per transform, text boxes per
        font size), so the tiles of one repaint share them.
    """

    annotations: list[Annotation]
    boxes: np.ndarray
    anchors: np.ndarray
    arrows: np.ndarray
    cullable: np.ndarray
    style_index: np.ndarray
    styles: list[ResolvedStyle]
    texts: list[str | None]
    arrow: np.ndarray
    kept: dict[Any, Any] = dataclasses.field(default_factory=dict, compare=False, repr=False)


_INDEXES: weakref.WeakKeyDictionary[AnnotationDocument, tuple[Any, AnnotationIndex]] = (
    weakref.WeakKeyDictionary()
)


def annotation_index(
    document: AnnotationDocument, frame: int, layers: Collection[str] | None = None
) -> AnnotationIndex:
    """Return the index of what ``document`` shows on ``frame`` (kept per revision).

    Parameters
    ----------
    document : AnnotationDocument
        The annotations.
    frame : int
        The frame, from 1.
    layers : collection of str, optional
        Only annotations on these layer ids (still only visible ones).
    """
    key = (document.revision, frame, None if layers is None else frozenset(layers))
    kept = _INDEXES.get(document)
    if kept is not None and kept[0] == key:
        return kept[1]
    index = _build(document, frame, layers)
    _INDEXES[document] = (key, index)
    return index


def _build(
    document: AnnotationDocument, frame: int, layers: Collection[str] | None
) -> AnnotationIndex:
    shown = [a for a in document.visible_annotations(frame) if layers is None or a.layer in layers]
    n = len(shown)
    boxes = np.zeros((n, 4))
    anchors = np.zeros((n, 2))
    arrows = np.zeros((n, 2))
    cullable = np.zeros(n, dtype=bool)
    style_index = np.zeros(n, dtype=np.intp)
    texts: list[str | None] = [None] * n
    arrow = np.zeros(n, dtype=bool)
    styles: list[ResolvedStyle] = []
    seen: dict[Any, int] = {}
    columns, rows = int(document.identity["columns"]), int(document.identity["rows"])
    for i, annotation in enumerate(shown):
        key: Any = annotation.style
        try:
            k = seen.get(key)
        except TypeError:  # an unhashable style: its own entry
            k, key = None, id(key)
        if k is None:
            k = seen[key] = len(styles)
            styles.append(annotation.style.resolve(columns, rows))
        style_index[i] = k
        points = annotation.points
        xs = [p[0] for p in points]
        ys = [p[1] for p in points]
        boxes[i] = (min(xs), min(ys), max(xs), max(ys))
        text = None
        if isinstance(annotation, Arrow):
            cullable[i] = True
            anchors[i] = annotation.tail
            arrows[i] = (
                annotation.head[0] - annotation.tail[0],
                annotation.head[1] - annotation.tail[1],
            )
            text = annotation.label
            arrow[i] = True
        elif isinstance(annotation, Text):
            cullable[i] = True
            anchors[i] = annotation.anchor
            text = annotation.text
        texts[i] = text or None
    return AnnotationIndex(
        shown, boxes, anchors, arrows, cullable, style_index, styles, texts, arrow
    )


@dataclasses.dataclass(frozen=True)
class DeviceBounds:
    """Where an index's annotations draw under one transform (device pixels).

    Attributes
    ----------
    boxes : numpy.ndarray
        ``(n, 4)`` x0, y0, x1, y1 holding everything each annotation may draw (its
        label where it is laid out, before :func:`~hoview.render.paint_text.keep_inside`).
    segments : numpy.ndarray
        ``(n, 4)`` an arrow's tail and head on the device; what it draws lies within
        ``margin`` of that segment (besides its label).
    margin : numpy.ndarray
        ``(n,)`` see ``segments``.
    labels : numpy.ndarray
        ``(n, 4)`` box of each label with its outline or halo; x0 > x1 where none.
    arrow : numpy.ndarray
        ``(n,)`` bool: an arrow (its shape is tested against its segment).
    cullable : numpy.ndarray
        ``(n,)`` bool, as in :class:`AnnotationIndex`.
    kept : dict
        Labels moved inside a view, per view (the tiles of one repaint share them).
    """

    boxes: np.ndarray
    segments: np.ndarray
    margin: np.ndarray
    labels: np.ndarray
    arrow: np.ndarray
    cullable: np.ndarray
    kept: dict[Any, Any] = dataclasses.field(default_factory=dict, compare=False, repr=False)

    def hits(self, rects: list[QRectF], window: QRectF | None = None) -> np.ndarray:
        """Return which annotations may draw inside any of ``rects`` (bool array)."""
        shape, label = self.parts(rects, window)
        return shape | label

    def parts(
        self, rects: list[QRectF], window: QRectF | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """Return which shapes and which labels may draw inside any of ``rects``.

        ``window``: the view labels are kept inside; a label crossing its edge is
        tested where it is moved (:meth:`moved_labels`). An annotation that cannot be
        culled counts as both.
        """
        labels, boxes = self._placed(window)
        shape = ~self.cullable
        label = shape.copy()
        for r in rects:
            near = np.flatnonzero(_touch(boxes, r))
            if not near.size:
                continue
            label[near] |= _touch(labels[near], r)
            shape[near] |= self.arrow[near] & _segment_touches(
                self.segments[near], self.margin[near], r
            )
        return shape, label

    def _placed(self, window: QRectF | None) -> tuple[np.ndarray, np.ndarray]:
        """Return the labels and the whole boxes with labels moved inside ``window``."""
        if window is None:
            return self.labels, self.boxes
        key = (window.x(), window.y(), window.width(), window.height())
        placed = self.kept.get(key)
        if placed is None:
            labels = self.moved_labels(window)
            boxes = self.boxes.copy()
            boxes[:, :2] = np.minimum(boxes[:, :2], labels[:, :2])
            boxes[:, 2:] = np.maximum(boxes[:, 2:], labels[:, 2:])
            if len(self.kept) >= 4:
                self.kept.clear()
            placed = self.kept[key] = (labels, boxes)
        return placed

    def moved_labels(self, window: QRectF) -> np.ndarray:
        """Return the label boxes, those crossing ``window``'s edge moved inside it.

        :func:`~hoview.render.paint_text.keep_inside` moves such a label just inside
        the edge it crosses; its box moved the same way holds it wherever it lands.
        """
        lab = self.labels.copy()
        cross = self.straddling(window)
        if cross.any():
            left, top, right, bottom = window.left(), window.top(), window.right(), window.bottom()
            box = lab[cross]
            w, h = box[:, 2] - box[:, 0], box[:, 3] - box[:, 1]
            x0 = np.where(box[:, 0] < left, left, np.where(box[:, 2] > right, right - w, box[:, 0]))
            y0 = np.where(box[:, 1] < top, top, np.where(box[:, 3] > bottom, bottom - h, box[:, 1]))
            lab[cross] = np.stack([x0, y0, x0 + w, y0 + h], axis=1)
        return lab

    def straddling(self, window: QRectF) -> np.ndarray:
        """Return which labels cross the edge of ``window`` (they may be moved inside)."""
        lab = self.labels
        inside = (
            (lab[:, 0] >= window.left())
            & (lab[:, 2] <= window.right())
            & (lab[:, 1] >= window.top())
            & (lab[:, 3] <= window.bottom())
        )
        return _touch(lab, window) & ~inside

    def moved_label_rects(
        self, window: QRectF, across: bool = True, down: bool = True
    ) -> list[QRectF]:
        """Return where labels crossing ``window``'s edge may be drawn once moved inside.

        :func:`~hoview.render.paint_text.keep_inside` moves a label just inside the
        edge it crosses; its box, moved the same way, holds the label wherever it lands.
        ``across`` / ``down``: only labels crossing the left or right / the top or
        bottom edge (a pan along x does not change how a label crossing only the top
        or bottom edge is moved: it moves with the pan).
        """
        rects = []
        left, top, right, bottom = window.left(), window.top(), window.right(), window.bottom()
        lab = self.labels
        crossing = np.zeros(len(lab), dtype=bool)
        if across:
            crossing |= (lab[:, 0] < left) | (lab[:, 2] > right)
        if down:
            crossing |= (lab[:, 1] < top) | (lab[:, 3] > bottom)
        for x0, y0, x1, y1 in lab[self.straddling(window) & crossing]:
            w, h = x1 - x0, y1 - y0
            x0 = left if x0 < left else right - w if x1 > right else x0
            y0 = top if y0 < top else bottom - h if y1 > bottom else y0
            rect = QRectF(x0, y0, w, h).intersected(window)
            if not rect.isEmpty():
                rects.append(rect)
        return rects


def _touch(boxes: np.ndarray, r: QRectF) -> np.ndarray:
    return (
        (boxes[:, 0] <= r.right())
        & (boxes[:, 2] >= r.left())
        & (boxes[:, 1] <= r.bottom())
        & (boxes[:, 3] >= r.top())
    )


def _segment_touches(segments: np.ndarray, margin: np.ndarray, r: QRectF) -> np.ndarray:
    """Whether each segment comes within ``margin`` of ``r`` (Liang-Barsky clipping)."""
    x0, y0 = segments[:, 0], segments[:, 1]
    dx, dy = segments[:, 2] - x0, segments[:, 3] - y0
    t0 = np.zeros(len(segments))
    t1 = np.ones(len(segments))
    ok = np.ones(len(segments), dtype=bool)
    with np.errstate(divide="ignore", invalid="ignore"):
        for p, q in (
            (-dx, x0 - (r.left() - margin)),
            (dx, r.right() + margin - x0),
            (-dy, y0 - (r.top() - margin)),
            (dy, r.bottom() + margin - y0),
        ):
            flat = p == 0
            ok &= ~(flat & (q < 0))
            ratio = q / np.where(flat, 1.0, p)
            t0 = np.where(~flat & (p < 0), np.maximum(t0, ratio), t0)
            t1 = np.where(~flat & (p > 0), np.minimum(t1, ratio), t1)
    return ok & (t0 <= t1)


#: Boxes of text paths, by (text, font pixels): what a label's layout starts from.
_TEXT_BOXES: dict[tuple[str, float], tuple[float, float, float, float]] = {}
_TEXT_BOXES_KEPT = 50_000


def text_box(text: str, font_px: float) -> tuple[float, float, float, float]:
    """Return the box (x0, y0, x1, y1) of ``text_path(text, (0, 0), font_px)``, kept."""
    key = (text, font_px)
    box = _TEXT_BOXES.get(key)
    if box is None:
        if len(_TEXT_BOXES) >= _TEXT_BOXES_KEPT:
            _TEXT_BOXES.clear()
        r = text_path(text, QPointF(0, 0), font_px).boundingRect()
        box = _TEXT_BOXES[key] = (r.left(), r.top(), r.right(), r.bottom())
    return box


def kept_device_bounds(
    index: AnnotationIndex, transform: QTransform, key: Any, glyph_style: Any
) -> DeviceBounds:
    """Return :func:`device_bounds`, kept on ``index`` for this transform and ``key``.

    ``key`` stands for ``glyph_style`` (the screen sizes and the default style): the
    tiles of one repaint share one computation.
    """
    full = (
        transform.m11(),
        transform.m12(),
        transform.m21(),
        transform.m22(),
        transform.dx(),
        transform.dy(),
        key,
    )
    kept = index.kept.setdefault("bounds", {})
    found = kept.get(full)
    if found is None:
        if len(kept) >= 4:
            kept.clear()
        found = kept[full] = device_bounds(index, transform, glyph_style)
    return found


def device_bounds(
    index: AnnotationIndex,
    transform: QTransform,
    glyph_style: Any,
) -> DeviceBounds:
    """Return where ``index``'s annotations draw under ``transform``.

    Parameters
    ----------
    index : AnnotationIndex
        What is drawn.
    transform : QTransform
        Image to device coordinates.
    glyph_style : callable
        ``ResolvedStyle -> ResolvedStyle``: the style drawn at this transform, in image
        pixels (:func:`hoview.render.paint.glyph_style` with its other arguments set).
    """
    n = len(index.annotations)
    scale = max(abs(transform.determinant()), 0.0) ** 0.5 or 1.0
    count = len(index.styles)
    margin, halo, font = np.zeros(count), np.zeros(count), np.zeros(count)
    for k, style in enumerate(index.styles):
        drawn = glyph_style(style)
        edge = max(drawn.outline_width, 1.25 * drawn.line_width)
        halo[k] = edge * scale + ROOM_PX
        margin[k] = (0.5 * max(drawn.head_width, drawn.line_width) + edge) * scale + ROOM_PX
        font[k] = drawn.font_size * scale
    m11, m12, m21, m22 = transform.m11(), transform.m12(), transform.m21(), transform.m22()
    dx, dy = transform.dx(), transform.dy()
    linear = np.array(((m11, m12), (m21, m22)))
    b = index.boxes
    corners_x = np.stack([m11 * b[:, x] + m21 * b[:, y] + dx for x, y in _CORNERS], axis=1)
    corners_y = np.stack([m12 * b[:, x] + m22 * b[:, y] + dy for x, y in _CORNERS], axis=1)
    g = margin[index.style_index]
    boxes = np.stack(
        [
            corners_x.min(axis=1) - g,
            corners_y.min(axis=1) - g,
            corners_x.max(axis=1) + g,
            corners_y.max(axis=1) + g,
        ],
        axis=1,
    ).reshape(n, 4)
    anchors = index.anchors @ linear + (dx, dy)
    heads = (index.anchors + index.arrows) @ linear + (dx, dy)
    segments = np.concatenate([anchors, heads], axis=1).reshape(n, 4)
    labels = _label_boxes(index, anchors, heads, font)
    has = labels[:, 0] <= labels[:, 2]
    labels[has] += halo[index.style_index[has], None] * (-1, -1, 1, 1)
    boxes[:, :2] = np.minimum(boxes[:, :2], labels[:, :2])
    boxes[:, 2:] = np.maximum(boxes[:, 2:], labels[:, 2:])
    return DeviceBounds(boxes, segments, g, labels, index.arrow, index.cullable)


def _text_boxes(index: AnnotationIndex, font: np.ndarray) -> np.ndarray:
    """Return each text's path box at its font size, ``(n, 4)``; NaN where none (kept)."""
    kept = index.kept.setdefault("texts", {})
    key = tuple(font)
    boxes = kept.get(key)
    if boxes is None:
        if len(kept) >= 4:
            kept.clear()
        boxes = np.full((len(index.texts), 4), np.nan)
        for i, text in enumerate(index.texts):
            if text:
                boxes[i] = text_box(text, float(font[index.style_index[i]]))
        kept[key] = boxes
    return boxes


def _label_boxes(
    index: AnnotationIndex, anchors: np.ndarray, heads: np.ndarray, font: np.ndarray
) -> np.ndarray:
    """Return where labels are laid out, as :mod:`hoview.render.paint_text` does it.

    An arrow's label (:func:`~hoview.render.paint_text.label_path`) is centred beyond
    the tail, away from the head, by a gap plus half its size; a text annotation's
    text starts at its anchor. Empty boxes (x0 > x1) where there is no text.
    """
    n = len(index.texts)
    labels = np.full((n, 4), (np.inf, np.inf, -np.inf, -np.inf))
    boxes = _text_boxes(index, font)
    has = ~np.isnan(boxes[:, 0])
    if not has.any():
        return labels
    box = boxes[has]
    anchor, head = anchors[has], heads[has]
    arrow = index.arrow[has]
    w, h = box[:, 2] - box[:, 0], box[:, 3] - box[:, 1]
    u = anchor - head
    norm = np.hypot(u[:, 0], u[:, 1])
    norm[norm == 0] = 1.0
    gap = 0.4 * font[index.style_index[has]]
    cx = anchor[:, 0] + u[:, 0] / norm * (gap + w / 2)
    cy = anchor[:, 1] + u[:, 1] / norm * (gap + h / 2)
    laid = np.stack([cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2], axis=1)
    placed = np.concatenate([anchor, anchor], axis=1) + box
    labels[has] = np.where(arrow[:, None], laid, placed)
    return labels


_CORNERS = ((0, 1), (2, 1), (0, 3), (2, 3))
