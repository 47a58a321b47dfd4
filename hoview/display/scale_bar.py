"""A scale bar for the viewer: a round length in millimetres and its size on screen.

Lengths are 1, 2 or 5 times a power of ten millimetres. Labels follow what
radiologists read on film: millimetres below 10 cm ("5 mm", "50 mm"), centimetres
from 10 cm up ("10 cm", "20 cm"); a bar shorter than 1 mm (a micro-CT at high zoom)
keeps millimetres with decimals ("0.5 mm").
"""

from __future__ import annotations

import math
from dataclasses import dataclass

__all__ = ["ScaleBar", "scale_bar"]

#: From this length up, the label is in centimetres.
_CM_FROM_MM = 100


@dataclass(frozen=True)
class ScaleBar:
    """A horizontal scale bar.

    Parameters
    ----------
    length_mm : float
        The length the bar stands for, in millimetres of the patient (or detector).
    length_px : float
        The bar's length on screen, in screen pixels.
    label : str
        What to write beside it, e.g. ``"50 mm"`` or ``"10 cm"``.

    """

    length_mm: float
    length_px: float
    label: str


def scale_bar(
    pixel_spacing: tuple[float, float] | None,
    zoom: float,
    max_length_px: float,
    *,
    rotation: int = 0,
) -> ScaleBar | None:
    """Choose the longest round length whose bar fits in ``max_length_px``.

    Lengths are 1, 2 or 5 x 10^n mm, so the chosen bar is always longer than
    ``max_length_px / 2.5`` (well above the ``max_length_px / 5`` a readable bar
    needs).

    Parameters
    ----------
    pixel_spacing : tuple of float or None
        ``(row, column)`` spacing in mm, as Pixel Spacing (0028,0030) or Imager Pixel
        Spacing (0018,1164) give it; ``None`` when unknown.
    zoom : float
        Screen pixels per image pixel.
    max_length_px : float
        The longest bar there is room for, in screen pixels.
    rotation : int
        The view's rotation in degrees clockwise. The bar is horizontal on screen, so
        it measures along image rows (the column spacing) at 0 and 180 and along image
        columns (the row spacing) at 90 and 270.

    Returns
    -------
    ScaleBar or None
        ``None`` when the spacing is unknown, or either value is not positive and
        finite: a bar without a true spacing would mislead.

    Raises
    ------
    ValueError
        If ``zoom`` or ``max_length_px`` is not a positive finite number, or
        ``rotation`` is not a multiple of 90.

    """
    if not (math.isfinite(zoom) and zoom > 0):
        raise ValueError(f"zoom: must be a positive number, got {zoom!r}")
    if not (math.isfinite(max_length_px) and max_length_px > 0):
        raise ValueError(f"max_length_px: must be a positive number, got {max_length_px!r}")
    if rotation % 90:
        raise ValueError(f"rotation: must be a multiple of 90 degrees, got {rotation!r}")
    if pixel_spacing is None:
        return None
    try:
        row_mm, column_mm = (float(v) for v in pixel_spacing)
    except (TypeError, ValueError):
        return None
    if not all(math.isfinite(v) and v > 0 for v in (row_mm, column_mm)):
        return None
    spacing = row_mm if rotation % 180 else column_mm
    px_per_mm = zoom / spacing
    longest_mm = max_length_px / px_per_mm
    exponent = math.floor(math.log10(longest_mm))
    # log10 may land a hair off at exact powers of ten: try the decade above too.
    for power in (exponent + 1, exponent, exponent - 1):
        for mantissa in (5, 2, 1):
            length_mm = float(f"{mantissa}e{power}")
            length_px = length_mm * px_per_mm
            if length_px <= max_length_px * (1 + 1e-12):
                return ScaleBar(length_mm, length_px, _label(length_mm, power))
    raise AssertionError("unreachable: 1e(exponent - 1) always fits")  # pragma: no cover


def _label(length_mm: float, power: int) -> str:
    """Return ``"50 mm"``, ``"10 cm"`` or ``"0.5 mm"`` for a 1-2-5 length."""
    if length_mm >= _CM_FROM_MM:
        return f"{length_mm / 10:.0f} cm"
    return f"{length_mm:.{max(0, -power)}f} mm"
