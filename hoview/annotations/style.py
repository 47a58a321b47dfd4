"""How an annotation is drawn: colour, outline, line width, head and text size.

Sizes are fractions of the image diagonal ``sqrt(columns**2 + rows**2)``, so an arrow
looks the same on a 3000-pixel film and on its 300-pixel thumbnail; :meth:`Style.resolve`
turns them into image pixels for the painter. The default arrow is white with a thin
black outline, so it reads on bone and on the black background alike.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

from hoview.annotations import _checks as c

#: Default annotation colour: white reads on a radiograph's dark background.
DEFAULT_COLOUR = "#ffffff"
#: Default outline: a thin dark edge so a white arrow also reads on white bone.
DEFAULT_OUTLINE = "#000000"
#: Default line width, as a fraction of the image diagonal (about 11 px on a 3000 px film).
DEFAULT_LINE_WIDTH = 0.003
#: Default arrow head length, as a fraction of the image diagonal.
DEFAULT_HEAD_SIZE = 0.025
#: Default text height, as a fraction of the image diagonal.
DEFAULT_FONT_SIZE = 0.02
#: Allowed range of ``line_width``, ``head_size`` and ``font_size`` (fractions of the diagonal).
SIZE_RANGE = (0.0001, 0.25)
#: ``Style.outline`` value that draws no outline.
NO_OUTLINE = "none"


@dataclass(frozen=True)
class ResolvedStyle:
    """A style in image pixels, ready to draw (see :meth:`Style.resolve`).

    Attributes
    ----------
    colour, outline : str
        ``#rrggbb`` colours; ``outline`` is ``None`` when no outline is drawn.
    line_width : float
        Stroke width in image pixels (at least 1).
    outline_width : float
        Width of the dark edge on each side of a stroke, in image pixels.
    head_length, head_width : float
        Arrow head length along the shaft and full width across it, in image pixels.
        The head is never shorter than 4 line widths, so it stays well formed at any
        line width; a painter should also cap it at half the arrow's length.
    font_size : float
        Text height in image pixels.
    """

    colour: str
    outline: str | None
    line_width: float
    outline_width: float
    head_length: float
    head_width: float
    font_size: float


@dataclass(frozen=True, slots=True)
class Style:
    """How one annotation is drawn; ``None`` fields take the default.

    Parameters
    ----------
    colour : str or None
        ``#rrggbb``; ``None`` uses the layer's colour.
    outline : str or None
        ``#rrggbb`` colour of the thin edge around strokes, ``"none"`` for no edge,
        ``None`` for :data:`DEFAULT_OUTLINE`.
    line_width, head_size, font_size : float or None
        Fractions of the image diagonal ``sqrt(columns**2 + rows**2)``, within
        :data:`SIZE_RANGE`: stroke width, arrow head length, text height.
    extra : mapping
        Unknown keys from a sidecar, kept on a round trip.
    """

    colour: str | None = None
    outline: str | None = None
    line_width: float | None = None
    head_size: float | None = None
    font_size: float | None = None
    extra: Mapping[str, Any] = field(default_factory=c.empty, hash=False, repr=False)

    FIELDS: ClassVar[frozenset[str]] = frozenset(
        {"colour", "outline", "line_width", "head_size", "font_size"}
    )

    def __post_init__(self) -> None:
        if self.colour is not None:
            c.set_field(self, "colour", c.check_colour("colour", self.colour))
        if self.outline is not None and self.outline != NO_OUTLINE:
            c.set_field(self, "outline", c.check_colour("outline", self.outline))
        for name in ("line_width", "head_size", "font_size"):
            value = getattr(self, name)
            if value is not None:
                c.set_field(self, name, c.check_number(name, value, *SIZE_RANGE))
        c.set_field(self, "extra", c.frozen_extra("extra", self.extra, self.FIELDS))

    def resolve(self, columns: int, rows: int, layer_colour: str | None = None) -> ResolvedStyle:
        """Return this style in image pixels for an image of ``columns`` x ``rows``.

        Parameters
        ----------
        columns, rows : int
            The image size in pixels.
        layer_colour : str or None
            The colour of the annotation's layer, used when :attr:`colour` is ``None``.

        Returns
        -------
        ResolvedStyle
        """
        diagonal = math.hypot(columns, rows)
        line = max((self.line_width or DEFAULT_LINE_WIDTH) * diagonal, 1.0)
        head = max((self.head_size or DEFAULT_HEAD_SIZE) * diagonal, 4.0 * line)
        outline = DEFAULT_OUTLINE if self.outline is None else self.outline
        return ResolvedStyle(
            colour=self.colour or layer_colour or DEFAULT_COLOUR,
            outline=None if outline == NO_OUTLINE else outline,
            line_width=line,
            outline_width=max(0.25 * line, 0.5),
            head_length=head,
            head_width=0.7 * head,
            font_size=max((self.font_size or DEFAULT_FONT_SIZE) * diagonal, 6.0),
        )


#: The style every annotation has unless told otherwise.
DEFAULT_STYLE = Style()
