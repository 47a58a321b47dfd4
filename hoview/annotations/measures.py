"""The value of every measuring annotation, its unit and where its scale came from.

One function, :func:`measure`, so the painter (screen and exports), the findings panel,
``hoview annotations`` and the DICOM exports all show the same number with the same
words: ``"42.3 mm"``, ``"42.3 mm at detector"``, ``"42.3 mm calibrated"``, ``"61.5 px"``,
``"37.5°"`` or ``"bridging"``; :func:`measure_text` puts the label in front (and ``"gap"``
before a gap's length), for the painter and the GSPS text objects.
"""

from __future__ import annotations

from dataclasses import dataclass

from hoview.annotations.measure_kinds import Angle, CobbAngle, Gap
from hoview.annotations.shapes import Annotation, Ruler
from hoview.annotations.units import unit_text

#: The unit of angles.
DEGREES = "deg"


@dataclass(frozen=True, slots=True)
class Measurement:
    """One annotation's value.

    Attributes
    ----------
    value : float
        Millimetres, pixels or degrees.
    unit : str
        ``"mm"``, ``"px"`` or ``"deg"``.
    source : str
        Where the scale came from: one of
        :data:`~hoview.annotations.units.SPACING_SOURCES`.
    bridging : bool
        A gap marked as bridging (its value is 0).
    """

    value: float
    unit: str
    source: str
    bridging: bool = False

    @property
    def text(self) -> str:
        """The value as a person reads it, to 0.1 (``"12.3 mm at detector"``, ``"37.5°"``)."""
        if self.bridging:
            return "bridging"
        if self.unit == DEGREES:
            return f"{self.value:.1f}°"
        return f"{self.value:.1f} {unit_text(self.unit, self.source)}"


def measure(
    annotation: Annotation,
    pixel_spacing: tuple[float, float] | None,
    source: str | None = None,
) -> Measurement | None:
    """Return ``annotation``'s measurement, or ``None`` for kinds that measure nothing.

    Parameters
    ----------
    annotation : Annotation
        A ruler, gap, angle or Cobb angle (anything else gives ``None``).
    pixel_spacing : (float, float) or None
        ``(row, column)`` mm the image's measurements use (a user calibration first).
    source : str or None
        Where it came from; by default the pair's own ``source`` attribute (a
        ``hoview.sources.spacing.Spacing``), a plain pair counting as Pixel Spacing.
    """
    if pixel_spacing is None:
        where = "pixels"
    else:
        where = source or getattr(pixel_spacing, "source", None) or "pixel-spacing"
    if isinstance(annotation, (Angle, CobbAngle)):
        return Measurement(annotation.degrees(pixel_spacing), DEGREES, where)
    if isinstance(annotation, Gap):
        value, unit = annotation.length(pixel_spacing)
        return Measurement(value, unit, where, annotation.bridging)
    if isinstance(annotation, Ruler):
        value, unit = annotation.length(pixel_spacing)
        return Measurement(value, unit, where)
    return None


def measure_text(annotation: Annotation, pixel_spacing: tuple[float, float] | None) -> str:
    """Return the words beside a measuring annotation: its label, then its value.

    Parameters
    ----------
    annotation : Annotation
        A ruler, gap, angle or Cobb angle; for another kind, its label (or ``""``).
    pixel_spacing : (float, float) or None
        The measuring spacing (a user calibration first); its ``source`` names the unit.

    Returns
    -------
    str
        ``"12.3 mm"``, ``"12.3 mm at detector"``, ``"12.3 mm calibrated"`` or
        ``"61.5 px"`` for a ruler; ``"gap 4.0 mm"`` or ``"bridging"`` for a gap;
        ``"37.5°"`` for an angle or a Cobb angle; each after the label when there is one.
    """
    measurement = measure(annotation, pixel_spacing)
    if measurement is None:
        return annotation.label or ""
    text = measurement.text
    if isinstance(annotation, Gap) and not measurement.bridging:
        text = f"gap {text}"
    return f"{annotation.label} {text}" if annotation.label else text
