"""What the display pipeline needs to know about stored pixel values.

These are plain, immutable records. A source (DICOM or raster) fills them in from its
header; the pipeline reads them. Nothing here touches pixels.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

MONOCHROME = ("MONOCHROME1", "MONOCHROME2")
VOI_FUNCTIONS = ("LINEAR", "LINEAR_EXACT", "SIGMOID")


@dataclass(frozen=True)
class Window:
    """A VOI window: Window Center (0028,1050) and Window Width (0028,1051).

    Parameters
    ----------
    center : float
        Window centre, in modality units (after the Modality LUT).
    width : float
        Window width, in modality units. Must be >= 1 for ``LINEAR`` and > 0 otherwise.
    function : str
        VOI LUT Function (0028,1056): ``"LINEAR"``, ``"LINEAR_EXACT"`` or ``"SIGMOID"``.
    name : str
        A name for menus: the file's Window Center & Width Explanation (0028,1055),
        or the preset's name.

    Raises
    ------
    ValueError
        If the function is unknown or the width is not allowed for it (PS3.3 C.11.2.1.2).

    """

    center: float
    width: float
    function: str = "LINEAR"
    name: str = ""

    def __post_init__(self) -> None:
        function = str(self.function).strip().upper() or "LINEAR"
        object.__setattr__(self, "function", function)
        object.__setattr__(self, "center", float(self.center))
        object.__setattr__(self, "width", float(self.width))
        if function not in VOI_FUNCTIONS:
            raise ValueError(f"function: unknown VOI LUT Function {self.function!r}")
        if not (np.isfinite(self.center) and np.isfinite(self.width)):
            raise ValueError("center/width: window values must be finite")
        if function == "LINEAR" and self.width < 1:
            raise ValueError("width: a LINEAR window needs a width of at least 1")
        if function != "LINEAR" and self.width <= 0:
            raise ValueError(f"width: a {function} window needs a width greater than 0")

    @property
    def low(self) -> float:
        """The lowest modality value shown above black."""
        return self.center - self.width / 2

    @property
    def high(self) -> float:
        """The highest modality value shown below white."""
        return self.center + self.width / 2


@dataclass(frozen=True)
class LookupTable:
    """A DICOM LUT (Modality LUT or VOI LUT Sequence item), already decoded.

    Parameters
    ----------
    first_mapped : int
        The first input value mapped (second value of LUT Descriptor (0028,3002)).
    data : numpy.ndarray
        The table entries, one per input value from ``first_mapped`` on.
    bits : int
        Bits per entry (third value of LUT Descriptor); the output range is
        ``0 .. 2**bits - 1``.
    name : str
        LUT Explanation (0028,3003), if any.

    """

    first_mapped: int
    data: np.ndarray
    bits: int
    name: str = ""

    def __post_init__(self) -> None:
        data = np.asarray(self.data)
        if data.ndim != 1 or data.size == 0:
            raise ValueError("data: a LUT must be a non-empty 1-D array")
        if not 1 <= int(self.bits) <= 16:
            raise ValueError(f"bits: LUT entries of {self.bits} bits are not supported")
        object.__setattr__(self, "data", data)

    def apply(self, values: np.ndarray) -> np.ndarray:
        """Map input values through the table (PS3.3 C.11.1.1 / C.11.2.1.1).

        Values below the first mapped value take the first entry; values past the end
        take the last entry.
        """
        index = np.asarray(values, dtype=np.float64) - self.first_mapped
        index = np.clip(index, 0, self.data.size - 1).astype(np.intp)
        return self.data[index]


@dataclass(frozen=True)
class PixelAttributes:
    """How stored pixel values become display values.

    Parameters
    ----------
    photometric : str
        Photometric Interpretation (0028,0004) of the decoded pixels. Colour sources are
        decoded to ``"RGB"``; ``"PALETTE COLOR"`` keeps indices and a ``palette``.
    samples_per_pixel : int
        1 for grey, 3 for colour.
    bits_stored : int
        Bits Stored (0028,0101).
    signed : bool
        Pixel Representation (0028,0103) is 1.
    rescale_slope, rescale_intercept : float
        Rescale Slope (0028,1053) / Intercept (0028,1052); 1 and 0 when absent.
    modality_lut : LookupTable or None
        Modality LUT Sequence (0028,3000) item; used instead of the rescale when present.
    windows : tuple of Window
        The file's windows in order; the first is the default.
    voi_luts : tuple of LookupTable
        VOI LUT Sequence (0028,3010) items.
    presentation_inverse : bool
        Presentation LUT Shape (2050,0020) is INVERSE, or the image is MONOCHROME1
        without a Presentation LUT Shape: low values are shown white.
    padding : tuple of float or None
        Pixel Padding Value (0028,0120) and, if given, Pixel Padding Range Limit
        (0028,0121), as stored values; these pixels are left out of automatic windows.
    palette : numpy.ndarray or None
        For PALETTE COLOR, an ``(N, 3)`` uint8 table indexed by ``stored - palette_first``.
    palette_first : int
        The first stored value the palette maps.
    units : str
        Units of the modality values, e.g. ``"HU"`` for CT, ``""`` otherwise.

    """

    photometric: str = "MONOCHROME2"
    samples_per_pixel: int = 1
    bits_stored: int = 16
    signed: bool = False
    rescale_slope: float = 1.0
    rescale_intercept: float = 0.0
    modality_lut: LookupTable | None = None
    windows: tuple[Window, ...] = ()
    voi_luts: tuple[LookupTable, ...] = ()
    presentation_inverse: bool = False
    padding: tuple[float, ...] | None = None
    palette: np.ndarray | None = field(default=None, compare=False)
    palette_first: int = 0
    units: str = ""

    def __post_init__(self) -> None:
        if self.samples_per_pixel not in (1, 3):
            raise ValueError(
                f"samples_per_pixel: {self.samples_per_pixel} samples per pixel "
                "is not supported (1 or 3)"
            )
        if not 1 <= self.bits_stored <= 64:
            raise ValueError(f"bits_stored: {self.bits_stored} is out of range")
        if not np.isfinite(self.rescale_slope) or self.rescale_slope == 0:
            raise ValueError("rescale_slope: must be a finite, non-zero number")
        object.__setattr__(self, "windows", tuple(self.windows))
        object.__setattr__(self, "voi_luts", tuple(self.voi_luts))

    @property
    def is_colour(self) -> bool:
        """True for RGB and palette colour images."""
        return self.samples_per_pixel == 3 or self.palette is not None

    @property
    def stored_range(self) -> tuple[int, int]:
        """The smallest and largest value Bits Stored and Pixel Representation allow."""
        if self.signed:
            return -(2 ** (self.bits_stored - 1)), 2 ** (self.bits_stored - 1) - 1
        return 0, 2**self.bits_stored - 1

    @property
    def modality_range(self) -> tuple[float, float]:
        """The range of modality values (after the Modality LUT or rescale)."""
        if self.modality_lut is not None:
            return 0.0, float(2**self.modality_lut.bits - 1)
        lo, hi = self.stored_range
        ends = (
            lo * self.rescale_slope + self.rescale_intercept,
            hi * self.rescale_slope + self.rescale_intercept,
        )
        return float(min(ends)), float(max(ends))
