"""Measurements drawn on a film: angles, Cobb angles and gaps between bone surfaces.

A :class:`~hoview.annotations.shapes.Ruler` lives with the other basic kinds; these are the
reading tools of issue 14. Every value is computed in the patient's millimetres when the
image has a spacing, so an angle on a film with unequal row and column spacing is the
angle in the patient, not on the screen.

The gap is the measurement behind the Brooker classification of heterotopic ossification
about the hip (Brooker AF, Bowerman JW, Robinson RA, Riley LH Jr. Ectopic ossification
following total hip replacement: incidence and a method of classification. J Bone Joint
Surg Am. 1973;55(8):1629-1632): see :mod:`hoview.annotations.brooker`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import ClassVar

from hoview.annotations import _checks as c
from hoview.annotations.shapes import Annotation

Point = tuple[float, float]


def physical(
    start: Point, end: Point, pixel_spacing: tuple[float, float] | None
) -> tuple[float, float]:
    """Return the vector from ``start`` to ``end`` in mm (or pixels without a spacing).

    Parameters
    ----------
    start, end : (float, float)
        Image pixel coordinates ``(x, y)``.
    pixel_spacing : (float, float) or None
        ``(row spacing, column spacing)`` in mm.
    """
    dx, dy = end[0] - start[0], end[1] - start[1]
    if pixel_spacing is None:
        return dx, dy
    row = c.check_number("pixel_spacing[0]", pixel_spacing[0], 1e-9, 1e6)
    column = c.check_number("pixel_spacing[1]", pixel_spacing[1], 1e-9, 1e6)
    return dx * column, dy * row


def _between(u: tuple[float, float], v: tuple[float, float]) -> float:
    """Return the angle between two vectors in degrees, 0 to 180 (0 if either is null)."""
    if math.hypot(*u) == 0 or math.hypot(*v) == 0:
        return 0.0
    return math.degrees(abs(math.atan2(u[0] * v[1] - u[1] * v[0], u[0] * v[0] + u[1] * v[1])))


@dataclass(frozen=True, slots=True)
class Angle(Annotation):
    """An angle at a vertex between two arms (three points, the vertex second).

    Parameters
    ----------
    start, vertex, end : (float, float)
        Image pixel coordinates ``(x, y)``: the end of the first arm, the vertex and the
        end of the second arm.
    **kwargs
        The fields every :class:`~hoview.annotations.shapes.Annotation` has.
    """

    kind: ClassVar[str] = "angle"
    POINT_FIELDS: ClassVar[tuple[str, ...]] = ("start", "vertex", "end")

    start: Point
    vertex: Point
    end: Point

    def degrees(self, pixel_spacing: tuple[float, float] | None = None) -> float:
        """Return the angle in degrees, 0 to 180, in the patient when spacing is known."""
        return _between(
            physical(self.vertex, self.start, pixel_spacing),
            physical(self.vertex, self.end, pixel_spacing),
        )


@dataclass(frozen=True, slots=True)
class CobbAngle(Annotation):
    """The Cobb angle: the angle between two lines, each drawn along an end plate.

    The value is the acute angle between the lines (0 to 90 degrees), whichever way
    each line was drawn, as the Cobb method measures it.

    Parameters
    ----------
    first_start, first_end : (float, float)
        Image pixel coordinates ``(x, y)`` of the ends of the first line.
    second_start, second_end : (float, float)
        Image pixel coordinates of the ends of the second line.
    **kwargs
        The fields every :class:`~hoview.annotations.shapes.Annotation` has.
    """

    kind: ClassVar[str] = "cobb"
    POINT_FIELDS: ClassVar[tuple[str, ...]] = (
        "first_start",
        "first_end",
        "second_start",
        "second_end",
    )

    first_start: Point
    first_end: Point
    second_start: Point
    second_end: Point

    def degrees(self, pixel_spacing: tuple[float, float] | None = None) -> float:
        """Return the acute angle between the two lines in degrees, 0 to 90."""
        angle = _between(
            physical(self.first_start, self.first_end, pixel_spacing),
            physical(self.second_start, self.second_end, pixel_spacing),
        )
        return 180.0 - angle if angle > 90.0 else angle


@dataclass(frozen=True, slots=True)
class Gap(Annotation):
    """The distance between two opposing bone surfaces (Brooker et al. 1973).

    Parameters
    ----------
    start, end : (float, float)
        Image pixel coordinates ``(x, y)`` of the two surfaces.
    bridging : bool
        The ossification bridges the joint: the gap is 0 whatever the points say
        (Brooker IV).
    arrow : str or None
        The id of the arrow whose finding (heterotopic ossification) this gap measures;
        that finding gets the suggested Brooker grade.
    **kwargs
        The fields every :class:`~hoview.annotations.shapes.Annotation` has.
    """

    kind: ClassVar[str] = "gap"
    POINT_FIELDS: ClassVar[tuple[str, ...]] = ("start", "end")
    OWN_FIELDS: ClassVar[tuple[str, ...]] = ("bridging", "arrow")
    FIELDS: ClassVar[frozenset[str]] = Annotation.FIELDS | {"bridging", "arrow"}

    start: Point
    end: Point
    bridging: bool = False
    arrow: str | None = None

    def _check_fields(self) -> None:
        Annotation._check_fields(self)
        c.check_bool("bridging", self.bridging)
        if self.arrow is not None:
            c.check_id("arrow", self.arrow)

    def length(self, pixel_spacing: tuple[float, float] | None = None) -> tuple[float, str]:
        """Return the gap and its unit: ``(mm, "mm")`` with a spacing, else pixels.

        A bridging gap is 0.
        """
        dx, dy = physical(self.start, self.end, pixel_spacing)
        value = 0.0 if self.bridging else math.hypot(dx, dy)
        return value, "px" if pixel_spacing is None else "mm"


#: The measurement kinds, for the registry in :mod:`hoview.annotations.kinds`.
MEASURE_KINDS: tuple[type[Annotation], ...] = (Angle, CobbAngle, Gap)
