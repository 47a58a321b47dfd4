"""Which pixel spacing a measurement uses, and where it came from (PS3.3 C.8.11.7, 10.7.1.3).

The rules, in order:

1. Pixel Spacing (0028,0030): the spacing in the patient (``"pixel-spacing"``), with
   Pixel Spacing Calibration Type (0028,0A02) and its Description (0028,0A04) kept for
   display when the file gives them;
2. else Imager Pixel Spacing (0018,1164) divided by Estimated Radiographic Magnification
   Factor (0018,1114) when that is a positive number (``"ermf"``);
3. else Imager Pixel Spacing as it is (``"imager-pixel-spacing"``): the size at the
   detector, not the patient's (PS3.3 C.8.11.7; IHE Mammography Image profile), so a
   ruler says "mm at detector";
4. else nothing: lengths are in pixels (``"pixels"``), as for every raster image.

A user calibration (a line of known length kept in the sidecar,
:mod:`hoview.annotations.calibration`) overrides all of these (``"user-calibration"``):
see :func:`calibrated`.

A malformed value (zero, negative, not a number, not two numbers) counts as absent.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:  # pydicom is loaded by whoever has a data set; raster images never need it
    from pydicom.dataset import Dataset

PIXEL_SPACING = "pixel-spacing"
IMAGER_PIXEL_SPACING = "imager-pixel-spacing"
ERMF = "ermf"
USER_CALIBRATION = "user-calibration"
PIXELS = "pixels"
SOURCES = (PIXEL_SPACING, IMAGER_PIXEL_SPACING, ERMF, USER_CALIBRATION, PIXELS)


class Spacing(tuple):  # noqa: SLOT001 - carries the source beside the (row, column) pair
    """A ``(row mm, column mm)`` pair that also says where it came from.

    It is the plain pair :attr:`ImageSource.pixel_spacing` has always returned (equal
    to it, unpacked like it), so every caller keeps working; :attr:`source` and the
    calibration fields are extra.

    Parameters
    ----------
    row, column : float
        Spacing between rows and between columns, in mm; positive and finite.
    source : str
        ``"pixel-spacing"``, ``"imager-pixel-spacing"`` or ``"ermf"``.
    calibration_type : str, optional
        Pixel Spacing Calibration Type (0028,0A02), e.g. ``"GEOMETRY"``, ``"FIDUCIAL"``.
    calibration_description : str, optional
        Pixel Spacing Calibration Description (0028,0A04).

    Raises
    ------
    ValueError
        A spacing that is not positive and finite, or an unknown source.
    """

    source: str
    calibration_type: str
    calibration_description: str

    def __new__(
        cls,
        row: float,
        column: float,
        source: str,
        calibration_type: str = "",
        calibration_description: str = "",
    ) -> Spacing:
        """Build a spacing, checking it (see the class)."""
        pair = (float(row), float(column))
        if not all(math.isfinite(v) and v > 0 for v in pair):
            raise ValueError(f"spacing must be two positive numbers, not {pair}")
        if source not in SOURCES or source == PIXELS:
            raise ValueError(f"source must be one of {SOURCES[:-1]}, not {source!r}")
        spacing = super().__new__(cls, pair)
        spacing.source = source
        spacing.calibration_type = calibration_type
        spacing.calibration_description = calibration_description
        return spacing

    @property
    def row(self) -> float:
        """Spacing between rows (adjacent row centres), in mm."""
        return self[0]

    @property
    def column(self) -> float:
        """Spacing between columns (adjacent column centres), in mm."""
        return self[1]

    def __repr__(self) -> str:
        return f"Spacing({self[0]!r}, {self[1]!r}, {self.source!r})"

    def __reduce__(self) -> tuple[Any, ...]:
        args = (self[0], self[1], self.source, self.calibration_type)
        return (Spacing, (*args, self.calibration_description))


def spacing_source(spacing: tuple[float, float] | None) -> str:
    """Return where ``spacing`` came from: one of :data:`SOURCES`.

    A plain pair (no source attached) counts as Pixel Spacing; ``None`` as pixels.
    """
    if spacing is None:
        return PIXELS
    return getattr(spacing, "source", PIXEL_SPACING)


class _Calibration(Protocol):
    """A user calibration: :class:`hoview.annotations.calibration.Calibration`."""

    @property
    def mm_per_pixel(self) -> float: ...


def calibrated(spacing: Spacing | None, calibration: _Calibration | float | None) -> Spacing | None:
    """Return the spacing measurements use: a user calibration's, else ``spacing``.

    Parameters
    ----------
    spacing : Spacing or None
        What the image file gives (:func:`read_spacing`), ``None`` for none.
    calibration : Calibration or float or None
        The document's user calibration
        (:attr:`hoview.annotations.model.AnnotationDocument.calibration`), or its
        spacing in mm per pixel, or ``None``.
    """
    if calibration is None:
        return spacing
    mm = calibration if isinstance(calibration, (int, float)) else calibration.mm_per_pixel
    return Spacing(mm, mm, USER_CALIBRATION)


def read_spacing(ds: Dataset) -> Spacing | None:
    """Return the spacing a measurement on ``ds`` uses, by the rules of this module.

    Parameters
    ----------
    ds : pydicom.dataset.Dataset
        The image's top-level data set (not a functional group item).

    Returns
    -------
    Spacing or None
        ``None`` when the data set has no usable spacing: lengths are in pixels.
    """
    pair = _pair(ds, "PixelSpacing")
    if pair is not None:
        kind = _text(ds, "PixelSpacingCalibrationType")
        description = _text(ds, "PixelSpacingCalibrationDescription")
        return Spacing(*pair, PIXEL_SPACING, kind, description)
    pair = _pair(ds, "ImagerPixelSpacing")
    if pair is None:
        return None
    factor = _number(ds, "EstimatedRadiographicMagnificationFactor")
    if factor is not None and factor > 0:
        return Spacing(pair[0] / factor, pair[1] / factor, ERMF)
    return Spacing(*pair, IMAGER_PIXEL_SPACING)


def _values(ds: Dataset, keyword: str) -> list[Any]:
    from pydicom.multival import MultiValue

    try:
        value = ds.get(keyword)
    except Exception:  # noqa: BLE001 - a value pydicom cannot parse counts as absent
        return []
    if value is None or isinstance(value, (bytes, bytearray)):
        return []
    if isinstance(value, (list, tuple, MultiValue)):
        return list(value)
    return [value]


def _finite(item: Any) -> float | None:
    if isinstance(item, str) and not item.strip():
        return None
    try:
        number = float(item)
    except (TypeError, ValueError, OverflowError):
        return None
    return number if math.isfinite(number) else None


def _pair(ds: Dataset, keyword: str) -> tuple[float, float] | None:
    """Two positive finite numbers, else ``None`` (a malformed value is absent)."""
    numbers = [_finite(item) for item in _values(ds, keyword)]
    if len(numbers) != 2 or not all(n is not None and n > 0 for n in numbers):
        return None
    return numbers[0], numbers[1]  # type: ignore[return-value]


def _number(ds: Dataset, keyword: str) -> float | None:
    values = _values(ds, keyword)
    return _finite(values[0]) if len(values) == 1 else None


def _text(ds: Dataset, keyword: str) -> str:
    values = _values(ds, keyword)
    return " ".join(str(v).strip() for v in values if str(v).strip())
