"""How a measurement's unit is written for people, given where its spacing came from.

Imager Pixel Spacing (0018,1164) without a magnification correction is the size at the
detector, not the patient's (PS3.3 C.8.11.7), so such a length says "mm at detector".
The painter (screen and exports) and ``hoview annotations`` both write units through
:func:`unit_text`, so they never disagree.
"""

from __future__ import annotations

#: Where a spacing came from: Pixel Spacing (0028,0030), Imager Pixel Spacing
#: (0018,1164) as it is, Imager Pixel Spacing divided by Estimated Radiographic
#: Magnification Factor (0018,1114), or no spacing at all.
#: Or a user calibration (:mod:`hoview.annotations.calibration`).
SPACING_SOURCES = ("pixel-spacing", "imager-pixel-spacing", "ermf", "user-calibration", "pixels")


def unit_text(unit: str, source: str | None) -> str:
    """Return ``unit`` as a ruler shows it.

    Parameters
    ----------
    unit : str
        ``"mm"`` or ``"px"``, as :meth:`~hoview.annotations.shapes.Ruler.length` gives it.
    source : str or None
        One of :data:`SPACING_SOURCES`; ``None`` counts as ``"pixel-spacing"``.

    Returns
    -------
    str
        ``"mm at detector"`` for millimetres from Imager Pixel Spacing as it is,
        ``"mm calibrated"`` from a user calibration, else ``unit`` unchanged.
    """
    if unit == "mm" and source == "imager-pixel-spacing":
        return "mm at detector"
    if unit == "mm" and source == "user-calibration":
        return "mm calibrated"
    return unit
