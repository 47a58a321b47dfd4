"""The graphic and text objects of a GSPS, built from hoview annotations (PS3.3 C.10.5).

Used by :mod:`hoview.dicom_objects.gsps_export`; see there for the three ways an arrow
is written. highdicom builds the graphic and text objects; pydicom the compound
graphics and the Line Style Sequence it lacks. No Qt.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
from pydicom.dataset import Dataset

from hoview.annotations.imported_kinds import Circle, Ellipse, Point, Polyline
from hoview.annotations.measure_kinds import Angle, CobbAngle, Gap
from hoview.annotations.measures import measure_text
from hoview.annotations.model import AnnotationDocument
from hoview.annotations.shapes import Annotation, Arrow, Ruler, Text
from hoview.annotations.style import ResolvedStyle
from hoview.dicom_objects.gsps_common import NO_LABEL, hex_to_rgb

__all__ = ["GraphicsBuilder", "arrow_strokes", "caliper_strokes", "gsps_text"]


def gsps_text(annotation: Annotation) -> str:
    """Return the text of an arrow's or a text's text object: the label, then the finding.

    The structured finding travels as a second line (``finding, laterality, grade``),
    so every GSPS reader shows it; :mod:`~hoview.dicom_objects.sr_export` carries it
    coded.
    """
    if isinstance(annotation, Text):
        first = annotation.text
    else:
        first = annotation.label or ""
    lines = [first] if first.strip() else []
    finding = annotation.finding
    if finding is not None:
        parts = (finding.finding, finding.laterality, finding.grade)
        lines.append(", ".join(p for p in parts if p))
    return "\n".join(lines) or NO_LABEL


def caliper_strokes(
    start: tuple[float, float], end: tuple[float, float], tick: float
) -> list[list[tuple[float, float]]]:
    """Return a gap's line and its two end ticks, ``tick`` each side of the line."""
    (x1, y1), (x2, y2) = start, end
    length = math.hypot(x2 - x1, y2 - y1) or 1.0
    nx, ny = -(y2 - y1) / length * tick, (x2 - x1) / length * tick
    return [
        [start, end],
        [(x1 - nx, y1 - ny), (x1 + nx, y1 + ny)],
        [(x2 - nx, y2 - ny), (x2 + nx, y2 + ny)],
    ]


def arrow_strokes(
    tail: tuple[float, float], head: tuple[float, float], style: ResolvedStyle
) -> list[list[tuple[float, float]]]:
    """Return the shaft and the two head strokes of an arrow, each ending at the tip.

    The head has the painter's proportions (:func:`hoview.render.paint.arrow_path`):
    its length is the style's, at most half the arrow, its width in proportion.
    """
    (tx, ty), (hx, hy) = tail, head
    length = math.hypot(hx - tx, hy - ty)
    if length <= 1e-9:
        return [[tail, head]]
    ux, uy = (hx - tx) / length, (hy - ty) / length
    nx, ny = -uy, ux
    head_length = min(style.head_length, 0.5 * length)
    half = 0.5 * style.head_width * head_length / style.head_length
    bx, by = hx - ux * head_length, hy - uy * head_length
    return [
        [tail, head],
        [(bx + nx * half, by + ny * half), head],
        [(bx - nx * half, by - ny * half), head],
    ]


class GraphicsBuilder:
    """Graphic and text objects of one document, grouped by (layer, frame).

    Parameters
    ----------
    image : pydicom.dataset.Dataset
        The image header (Columns, Rows: coordinates are clipped to the image).
    document : AnnotationDocument
        The annotations' document (their resolved styles).
    pixel_spacing : (float, float) or None
        The measuring spacing (a user calibration first), for values in mm.

    Attributes
    ----------
    groups : dict
        ``(layer id, frame) -> {"graphics": [...], "texts": [...], "compounds": [...]}``.
    counts : dict
        How many annotations of each kind were added.
    """

    def __init__(self, image: Dataset, document: AnnotationDocument, pixel_spacing: Any) -> None:
        self.image = image
        self.document = document
        self.pixel_spacing = pixel_spacing
        self.columns = float(image.Columns)
        self.rows = float(image.Rows)
        self.groups: dict[tuple[str, int], dict[str, list[Any]]] = {}
        self.next_id = 1
        self.counts: dict[str, int] = {}

    def _clip(self, point: Sequence[float]) -> tuple[float, float]:
        return (
            min(max(float(point[0]), 0.0), self.columns),
            min(max(float(point[1]), 0.0), self.rows),
        )

    def _group(self, annotation: Annotation) -> dict[str, list[Any]]:
        key = (annotation.layer, annotation.frame)
        return self.groups.setdefault(key, {"graphics": [], "texts": [], "compounds": []})

    def _graphic(self, kind: str, points: Iterable[Sequence[float]], cid: int | None) -> Dataset:
        from highdicom.pr import GraphicObject

        data = np.array([self._clip(p) for p in points], dtype=np.float64)
        item = GraphicObject(graphic_type=kind, graphic_data=data, units="PIXEL")
        if cid is not None:
            item.CompoundGraphicInstanceID = cid
        return item

    def _text_box(
        self, text: str, centre: tuple[float, float], font: float
    ) -> tuple[float, float, float, float]:
        """Return a box around ``text`` centred on ``centre``, kept within the image."""
        lines = text.splitlines() or [text]
        width = max(0.62 * font * max(len(line) for line in lines), 2.0)
        height = max(1.2 * font * len(lines), 2.0)
        width, height = min(width, 0.4 * self.columns), min(height, self.rows)
        left = min(max(centre[0] - width / 2, 0.0), self.columns - width)
        top = min(max(centre[1] - height / 2, 0.0), self.rows - height)
        return left, top, left + width, top + height

    def _text_object(
        self,
        text: str,
        box: tuple[float, float, float, float],
        anchor: tuple[float, float] | None,
        cid: int | None,
    ) -> Dataset:
        from highdicom.pr import TextObject

        item = TextObject(
            text_value=text,
            units="PIXEL",
            bounding_box=box,
            anchor_point=None if anchor is None else self._clip(anchor),
            anchor_point_visible=anchor is not None,
            text_justification="LEFT",
        )
        if cid is not None:
            item.CompoundGraphicInstanceID = cid
        return item

    def _compound(self, kind: str, points: Sequence[Sequence[float]], cid: int) -> Dataset:
        """Return a Compound Graphic Sequence item (C.10.5, Table C.10-5; not in highdicom)."""
        item = Dataset()
        item.CompoundGraphicInstanceID = cid
        item.CompoundGraphicUnits = "PIXEL"
        item.GraphicDimensions = 2
        item.NumberOfGraphicPoints = len(points)
        item.GraphicData = [float(v) for p in points for v in self._clip(p)]
        item.CompoundGraphicType = kind
        if kind == "RULER":  # Type 1C for RULER, AXIS and CROSSHAIR
            item.TickAlignment = "CENTER"
            item.TickLabelAlignment = "BOTTOM"
            item.ShowTickLabel = "N"
        return item

    def add(self, annotation: Annotation) -> None:
        """Add the objects of ``annotation`` (kinds this module does not know: none)."""
        group = self._group(annotation)
        style = self.document.resolved_style(annotation)
        self.counts[annotation.kind] = self.counts.get(annotation.kind, 0) + 1
        before = {key: len(items) for key, items in group.items()}
        self._add(annotation, group, style)
        for key in ("graphics", "compounds"):
            for item in group[key][before[key] :]:
                _add_style(item, style)

    def _add(
        self, annotation: Annotation, group: dict[str, list[Any]], style: ResolvedStyle
    ) -> None:
        if isinstance(annotation, Arrow):
            cid = self._take_id()
            tail, head = annotation.tail, annotation.head
            text = gsps_text(annotation)
            box = self._text_box(
                text, self._beyond(tail, head, text, style.font_size), style.font_size
            )
            group["texts"].append(self._text_object(text, box, head, cid))
            for stroke in arrow_strokes(tail, head, style):
                group["graphics"].append(self._graphic("POLYLINE", stroke, cid))
            group["compounds"].append(self._compound("ARROW", [head, tail], cid))
        elif isinstance(annotation, Ruler):
            cid = self._take_id()
            text = measure_text(annotation, self.pixel_spacing)
            mid = (
                (annotation.start[0] + annotation.end[0]) / 2,
                (annotation.start[1] + annotation.end[1]) / 2 + style.font_size,
            )
            group["graphics"].append(
                self._graphic("POLYLINE", [annotation.start, annotation.end], cid)
            )
            group["texts"].append(
                self._text_object(text, self._text_box(text, mid, style.font_size), None, cid)
            )
            group["compounds"].append(
                self._compound("RULER", [annotation.start, annotation.end], cid)
            )
        elif isinstance(annotation, (Angle, CobbAngle, Gap)):
            self._add_measure(annotation, group, style)
        elif isinstance(annotation, Text):
            text = gsps_text(annotation)
            lines = text.splitlines()
            width = 0.62 * style.font_size * max(len(line) for line in lines)
            height = 1.2 * style.font_size * len(lines)
            left, top = self._clip(annotation.anchor)
            right = min(left + max(width, 2.0), self.columns)
            bottom = min(top + max(height, 2.0), self.rows)
            if right <= left:
                left = max(right - 2.0, 0.0)
            if bottom <= top:
                top = max(bottom - 2.0, 0.0)
            group["texts"].append(self._text_object(text, (left, top, right, bottom), None, None))
        elif isinstance(annotation, Polyline):
            points = list(annotation.vertices)
            if annotation.closed and points[0] != points[-1]:
                points.append(points[0])
            kind = "INTERPOLATED" if annotation.interpolated else "POLYLINE"
            group["graphics"].append(self._graphic(kind, points, None))
        elif isinstance(annotation, Circle):
            group["graphics"].append(self._graphic("CIRCLE", annotation.points, None))
        elif isinstance(annotation, Ellipse):
            group["graphics"].append(self._graphic("ELLIPSE", annotation.points, None))
        elif isinstance(annotation, Point):
            group["graphics"].append(self._graphic("POINT", annotation.points, None))
        else:  # a kind this module does not know yet
            self.counts[annotation.kind] -= 1

    def _add_measure(
        self, annotation: Angle | CobbAngle | Gap, group: dict[str, list[Any]], style: ResolvedStyle
    ) -> None:
        """Add an angle, a Cobb angle or a gap: POLYLINEs and a text object with the value.

        DICOM has no compound graphic for an angle or a gap (C.10.5.1.3), so they are
        plain graphic objects that every reader draws: an angle's two arms as one
        polyline through the vertex, a Cobb angle's two lines, a gap's line and its two
        end ticks (a caliper); the text is :func:`measure_text`'s (``"37.5°"``,
        ``"gap 4.0 mm"``, ``"bridging"``).
        """
        text = measure_text(annotation, self.pixel_spacing)
        font = style.font_size
        if isinstance(annotation, Angle):
            strokes = [[annotation.start, annotation.vertex, annotation.end]]
            centre = self._outside_vertex(annotation, text, font)
        elif isinstance(annotation, CobbAngle):
            strokes = [
                [annotation.first_start, annotation.first_end],
                [annotation.second_start, annotation.second_end],
            ]
            ends = (*strokes[0], *strokes[1])
            centre = (sum(p[0] for p in ends) / 4, sum(p[1] for p in ends) / 4)
        else:
            strokes = caliper_strokes(annotation.start, annotation.end, 0.5 * style.head_width)
            (x1, y1), (x2, y2) = annotation.start, annotation.end
            length = math.hypot(x2 - x1, y2 - y1) or 1.0
            reach = 0.5 * style.head_width + font
            centre = (
                (x1 + x2) / 2 - (y2 - y1) / length * reach,
                (y1 + y2) / 2 + (x2 - x1) / length * reach,
            )
        for points in strokes:
            group["graphics"].append(self._graphic("POLYLINE", points, None))
        group["texts"].append(
            self._text_object(text, self._text_box(text, centre, font), None, None)
        )

    @staticmethod
    def _outside_vertex(angle: Angle, text: str, font: float) -> tuple[float, float]:
        """Where an angle's value is centred: beyond the vertex, away from both arms."""
        vx, vy = angle.vertex
        bx, by = 0.0, 0.0
        for x, y in (angle.start, angle.end):
            norm = math.hypot(x - vx, y - vy) or 1.0
            bx, by = bx + (x - vx) / norm, by + (y - vy) / norm
        norm = math.hypot(bx, by)
        if norm < 1e-6:  # a straight angle: beside the vertex
            bx, by = 0.0, 1.0
        else:
            bx, by = bx / norm, by / norm
        lines = text.splitlines() or [text]
        half_w = 0.31 * font * max(len(line) for line in lines)
        half_h = 0.6 * font * len(lines)
        reach = 0.4 * font + abs(bx) * half_w + abs(by) * half_h
        return vx - bx * reach, vy - by * reach

    def _take_id(self) -> int:
        cid, self.next_id = self.next_id, self.next_id + 1
        return cid

    @staticmethod
    def _beyond(
        tail: tuple[float, float], head: tuple[float, float], text: str, font: float
    ) -> tuple[float, float]:
        """Where the label's box is centred: just beyond the tail, away from the head."""
        dx, dy = tail[0] - head[0], tail[1] - head[1]
        norm = math.hypot(dx, dy) or 1.0
        lines = text.splitlines() or [text]
        half_w = 0.31 * font * max(len(line) for line in lines)
        half_h = 0.6 * font * len(lines)
        reach = 0.4 * font + abs(dx / norm) * half_w + abs(dy / norm) * half_h
        return tail[0] + dx / norm * reach, tail[1] + dy / norm * reach


def _lab(colour: str) -> list[int]:
    """``#rrggbb`` -> the CIELab PCS value DICOM stores (three US, PS3.3 C.10.7.1.1)."""
    from highdicom.color import CIELabColor

    return list(CIELabColor.from_rgb(*hex_to_rgb(colour)).value)


def _add_style(item: Dataset, style: ResolvedStyle) -> None:
    """Add the Line Style Sequence (PS3.3 Table C.10-5b) of ``style`` to a graphic.

    The colour is the annotation's (its own or its layer's), the thickness its line
    width in image pixels; hoview's dark outline is an OUTLINED shadow whose offset
    is the outline's width. Text objects get no Text Style Sequence: dciodvfy's
    (dicom3tools) module tables do not have it there yet.
    """
    outline = style.outline is not None
    style_item = Dataset()
    style_item.PatternOnColorCIELabValue = _lab(style.colour)
    style_item.PatternOnOpacity = 1.0
    style_item.LineThickness = float(style.line_width)
    style_item.LineDashingStyle = "SOLID"
    style_item.ShadowStyle = "OUTLINED" if outline else "OFF"
    style_item.ShadowOffsetX = float(style.outline_width) if outline else 0.0
    style_item.ShadowOffsetY = 0.0
    style_item.ShadowColorCIELabValue = _lab(style.outline or "#000000")
    style_item.ShadowOpacity = 1.0 if outline else 0.0
    item.LineStyleSequence = [style_item]
