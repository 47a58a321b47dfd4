"""A user calibration: a line of known length that sets an image's spacing.

For films whose spacing cannot be trusted (a scanned film, a raster export, a projection
radiograph with only the detector's spacing), the reader draws a line along something of
known size (a calibration ball, a prosthesis head) and types its length. The spacing is
then ``length_mm / the line's length in pixels``, the same along rows and columns; it
overrides every spacing in the file, and every measurement says "calibrated".

Stored as the sidecar's top-level ``calibration`` (format version 2)::

    {"points": [[x1, y1], [x2, y2]], "length_mm": 28.0, "frame": 1,
     "author": "...", "date": "2026-12-02T10:00:00.000Z"}
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from hoview.annotations import _checks as c

#: The spacing source a user calibration gives measurements.
USER_CALIBRATION = "user-calibration"
#: The longest line of known length accepted, in mm (a whole-spine film is under 1 m).
MAX_LENGTH_MM = 100_000.0
#: The shortest line accepted, in image pixels: shorter lines make a wild spacing.
MIN_LINE_PX = 2.0


@dataclass(frozen=True, slots=True)
class Calibration:
    """A line of known length on the image.

    Parameters
    ----------
    start, end : (float, float)
        Image pixel coordinates of the line's ends.
    length_mm : float
        Its real length in millimetres.
    frame : int
        The frame it was drawn on (it holds for every frame).
    author : str
        Who calibrated.
    date : str
        When (ISO 8601, UTC); now by default.
    extra : mapping
        Unknown keys from a sidecar, kept on a round trip.

    Raises
    ------
    TypeError, ValueError
        A field of the wrong type or value, named ``calibration.<field>``; a line shorter
        than :data:`MIN_LINE_PX` pixels.
    """

    start: tuple[float, float]
    end: tuple[float, float]
    length_mm: float
    frame: int = 1
    author: str = ""
    date: str = field(default_factory=c.now_utc)
    extra: Mapping[str, Any] = field(default_factory=c.empty, hash=False, repr=False)

    def __post_init__(self) -> None:
        set_ = object.__setattr__
        try:
            set_(self, "start", c.check_point("points[0]", self.start))
            set_(self, "end", c.check_point("points[1]", self.end))
            set_(self, "length_mm", c.check_number("length_mm", self.length_mm, 0, MAX_LENGTH_MM))
            if self.length_mm <= 0:
                raise ValueError("length_mm: must be more than 0")
            set_(self, "frame", c.check_int("frame", self.frame, 1, c.MAX_FRAME))
            c.check_str("author", self.author, max_len=c.MAX_SHORT_TEXT)
            c.check_timestamp("date", self.date)
        except (TypeError, ValueError) as exc:
            raise type(exc)(f"calibration.{exc}") from None
        if self.pixels < MIN_LINE_PX:
            raise ValueError(
                f"calibration.points: the line is {self.pixels:.1f} pixels long; "
                f"draw at least {MIN_LINE_PX:g} pixels"
            )

    @property
    def pixels(self) -> float:
        """The line's length in image pixels."""
        return math.hypot(self.end[0] - self.start[0], self.end[1] - self.start[1])

    @property
    def mm_per_pixel(self) -> float:
        """The spacing it sets, in mm per pixel along rows and columns."""
        return self.length_mm / self.pixels

    @property
    def spacing(self) -> tuple[float, float]:
        """``(row, column)`` spacing in mm, as ``ImageSource.pixel_spacing`` gives one."""
        return self.mm_per_pixel, self.mm_per_pixel

    def to_json(self) -> dict[str, Any]:
        """Return it as the sidecar's ``calibration`` object."""
        return {
            "points": [list(self.start), list(self.end)],
            "length_mm": self.length_mm,
            "frame": self.frame,
            "author": self.author,
            "date": self.date,
            **self.extra,
        }

    @classmethod
    def from_json(cls, value: Any) -> Calibration:
        """Build one from the sidecar's ``calibration`` object.

        Raises
        ------
        TypeError, ValueError
            Not an object, or a field missing or wrong (named ``calibration.<field>``).
        """
        if not isinstance(value, Mapping):
            raise TypeError(f"calibration: expected an object, got {c.type_name(value)}")
        points = value.get("points")
        if not isinstance(points, list) or len(points) != 2:
            raise ValueError("calibration.points: expected two points")
        if "length_mm" not in value:
            raise ValueError("calibration.length_mm: missing")
        known = {"points", "length_mm", "frame", "author", "date"}
        return cls(
            start=points[0],
            end=points[1],
            length_mm=value["length_mm"],
            frame=value.get("frame", 1),
            author=value.get("author", ""),
            date=value.get("date") or c.now_utc(),
            extra={k: v for k, v in value.items() if k not in known},
        )
