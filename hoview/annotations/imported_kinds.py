"""Read-only kinds: graphics imported from DICOM presentation states.

PS3.3 C.10.5.1.2 Graphic Type (0070,0023): POINT, POLYLINE, INTERPOLATED, CIRCLE and
ELLIPSE, in PIXEL units (ours). hoview draws them, and they can be selected, hidden and
deleted, but not moved, reshaped or edited.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from hoview.annotations import _checks as c
from hoview.annotations.shapes import Annotation


@dataclass(frozen=True, slots=True)
class Polyline(Annotation):
    """A read-only line through 2 to 10,000 points (DICOM POLYLINE or INTERPOLATED).

    Parameters
    ----------
    vertices : sequence of (float, float)
        Image pixel coordinates ``(x, y)`` of the points, in order (the sidecar's
        ``points``).
    closed : bool
        Join the last point to the first.
    interpolated : bool
        Draw a smooth curve through the points (DICOM INTERPOLATED) instead of straight
        segments.
    **kwargs
        The fields every :class:`Annotation` has.
    """

    kind: ClassVar[str] = "polyline"
    editable: ClassVar[bool] = False
    FIELDS: ClassVar[frozenset[str]] = Annotation.FIELDS | {"closed", "interpolated"}
    OWN_FIELDS: ClassVar[tuple[str, ...]] = ("closed", "interpolated")

    vertices: tuple[tuple[float, float], ...]
    closed: bool = False
    interpolated: bool = False

    def __post_init__(self) -> None:
        c.set_field(self, "vertices", c.check_vertices("vertices", self.vertices))
        Annotation.__post_init__(self)

    def _check_fields(self) -> None:
        Annotation._check_fields(self)
        c.check_bool("closed", self.closed)
        c.check_bool("interpolated", self.interpolated)

    @property
    def points(self) -> tuple[tuple[float, float], ...]:
        """The vertices."""
        return self.vertices

    def replace(self, **changes: Any) -> Annotation:
        """Return a copy with ``changes`` applied (``points=[...]`` sets the vertices)."""
        if "points" in changes:
            changes["vertices"] = changes.pop("points")
        return Annotation.replace(self, **changes)

    @classmethod
    def point_values(cls, points: Any) -> dict[str, Any]:
        """Return the keyword arguments that build a polyline through ``points``."""
        return {"vertices": cls.check_points(points)}

    @classmethod
    def check_points(cls, points: Any) -> list[Any]:
        """Return ``points`` as a list if it holds 2 to 10,000 items."""
        if isinstance(points, (str, bytes, Mapping)) or not hasattr(points, "__len__"):
            raise TypeError(f"points: expected a list of points, got {c.type_name(points)}")
        if not c.MIN_VERTICES <= len(points) <= c.MAX_VERTICES:
            raise ValueError(
                f"points: a polyline has {c.MIN_VERTICES} to {c.MAX_VERTICES} points, "
                f"got {len(points)}"
            )
        return list(points)


@dataclass(frozen=True, slots=True)
class Circle(Annotation):
    """A read-only circle (DICOM CIRCLE: the centre, then a point on the circumference).

    Parameters
    ----------
    centre, edge : (float, float)
        Image pixel coordinates ``(x, y)`` of the centre and of a point on the circle.
    **kwargs
        The fields every :class:`Annotation` has.
    """

    kind: ClassVar[str] = "circle"
    editable: ClassVar[bool] = False
    POINT_FIELDS: ClassVar[tuple[str, ...]] = ("centre", "edge")

    centre: tuple[float, float]
    edge: tuple[float, float]

    @property
    def radius(self) -> float:
        """The radius in image pixels."""
        return math.hypot(self.edge[0] - self.centre[0], self.edge[1] - self.centre[1])


@dataclass(frozen=True, slots=True)
class Ellipse(Annotation):
    """A read-only ellipse (DICOM ELLIPSE: the major axis' ends, then the minor axis').

    Parameters
    ----------
    major_start, major_end : (float, float)
        Image pixel coordinates ``(x, y)`` of the ends of the major axis.
    minor_start, minor_end : (float, float)
        Image pixel coordinates ``(x, y)`` of the ends of the minor axis.
    **kwargs
        The fields every :class:`Annotation` has.
    """

    kind: ClassVar[str] = "ellipse"
    editable: ClassVar[bool] = False
    POINT_FIELDS: ClassVar[tuple[str, ...]] = (
        "major_start",
        "major_end",
        "minor_start",
        "minor_end",
    )

    major_start: tuple[float, float]
    major_end: tuple[float, float]
    minor_start: tuple[float, float]
    minor_end: tuple[float, float]


@dataclass(frozen=True, slots=True)
class Point(Annotation):
    """A read-only marked point (DICOM POINT), drawn as a small cross.

    Parameters
    ----------
    at : (float, float)
        Image pixel coordinates ``(x, y)`` of the point.
    **kwargs
        The fields every :class:`Annotation` has.
    """

    kind: ClassVar[str] = "point"
    editable: ClassVar[bool] = False
    POINT_FIELDS: ClassVar[tuple[str, ...]] = ("at",)

    at: tuple[float, float]
