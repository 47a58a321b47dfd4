"""A DICOM header's pixel description: windows, LUTs, palette (PS3.3 C.7.6.3, C.11)."""

from __future__ import annotations

import logging
import struct
from pathlib import Path
from typing import Any

import numpy as np
import pydicom
from pydicom.dataset import Dataset
from pydicom.pixels.processing import apply_color_lut, apply_modality_lut, apply_voi

from hoview.display.attributes import LookupTable, PixelAttributes, Window
from hoview.errors import UnreadableImageError
from hoview.sources.dicom_checks import single_number
from hoview.sources.dicom_header import one_line

log = logging.getLogger(__name__)


def float_values(value: Any) -> list[float]:
    """Return a DICOM number or list of numbers (DS, IS, FD...) as a list of floats."""
    if value is None or value == "":
        return []
    if isinstance(value, (list, tuple, pydicom.multival.MultiValue)):
        return [float(v) for v in value if v is not None and v != ""]
    return [float(value)]


def finite_floats(value: Any) -> list[float]:
    """Return the finite numbers of a DICOM value, leaving out what is not a number.

    Unlike :func:`float_values` it never raises: ``"abc"``, ``"nan"`` or an empty
    value give an empty list, so a malformed optional attribute is simply ignored.
    """
    if isinstance(value, (bytes, bytearray)):
        return []
    items = value if isinstance(value, (list, tuple, pydicom.multival.MultiValue)) else [value]
    numbers = []
    for item in items:
        number = single_number(item)
        if number is not None:
            numbers.append(number)
    return numbers


def _strings(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, (list, tuple, pydicom.multival.MultiValue)):
        return [str(v) for v in value]
    return [str(value)]


def read_windows(ds: Dataset, where: object = None) -> tuple[Window, ...]:
    """Read windows, Window Center/Width (0028,1050/1051), in order.

    Parameters
    ----------
    ds : pydicom.dataset.Dataset
        The header, or a Frame VOI LUT (0028,9132) item of a functional group.
    where : object, optional
        What a log line names for a window left out (default the file name).

    Returns
    -------
    tuple of Window
        Named by Window Center & Width Explanation (0028,1055), else "File window N";
        a window that is not valid (width below 1...) is left out and logged.
    """
    where = ds.filename if where is None else where
    centers = finite_floats(ds.get("WindowCenter"))
    widths = finite_floats(ds.get("WindowWidth"))
    names = _strings(ds.get("WindowCenterWidthExplanation"))
    function = str(ds.get("VOILUTFunction", "LINEAR") or "LINEAR")
    windows = []
    for i, (center, width) in enumerate(zip(centers, widths, strict=False)):
        name = names[i] if i < len(names) and names[i] else f"File window {i + 1}"
        try:
            windows.append(Window(center, width, function, name))
        except ValueError as exc:
            log.info("%s: window %d ignored: %s", where, i + 1, exc)
    return tuple(windows)


#: What pydicom's LUT readers raise on malformed descriptors or data.
_LUT_ERRORS = (
    ValueError,
    TypeError,
    KeyError,
    IndexError,
    AttributeError,
    OverflowError,
    NotImplementedError,
    struct.error,
)


def _descriptor(item: Dataset) -> tuple[int, int, int]:
    """LUT Descriptor (0028,3002): entries (0 means 65536), first mapped value, bits.

    Raises
    ------
    ValueError
        If it is not three whole numbers, or the bits are not 1 to 16 (C.11.1.1).
    """
    values = finite_floats(item.get("LUTDescriptor"))
    if len(values) != 3 or not all(v.is_integer() for v in values):
        raise ValueError(f"LUT Descriptor (0028,3002) is {item.get('LUTDescriptor')!r}")
    n, first, bits = (int(v) for v in values)
    if not 0 <= n <= 65535 or not 1 <= bits <= 16:
        raise ValueError(f"LUT Descriptor (0028,3002) is {[n, first, bits]}")
    return n or 2**16, first, bits


def _check_lut_data(item: Dataset, entries: int) -> None:
    """Refuse LUT Data (0028,3006) with fewer entries than the descriptor says."""
    data = item.get("LUTData")
    if data is None:
        raise ValueError("LUT Data (0028,3006) is missing")
    if isinstance(data, (bytes, bytearray)):
        count = len(data) // 2  # OW, 16-bit entries; 8-bit tables are also stored so
    elif isinstance(data, (list, tuple, pydicom.multival.MultiValue)):
        count = len(data)
    else:
        count = 1
    if count < entries and not (isinstance(data, (bytes, bytearray)) and len(data) >= entries):
        raise ValueError(f"LUT Data (0028,3006) has {count} entries where {entries} are needed")


def _modality_lut(ds: Dataset, path: Path) -> LookupTable | None:
    """Modality LUT Sequence (0028,3000), decoded by pydicom's own reader.

    Raises
    ------
    UnreadableImageError
        If its descriptor or data are malformed (the modality values would be wrong).
    """
    seq = ds.get("ModalityLUTSequence")
    if not seq:
        return None
    item = seq[0]
    try:
        n, first, bits = _descriptor(item)
        _check_lut_data(item, n)
        first = _signed_first(first, ds)
        table = np.asarray(apply_modality_lut(np.arange(first, first + n), ds)).ravel()
        name = str(item.get("LUTExplanation", "") or "")
        return LookupTable(first, table, bits, name)
    except _LUT_ERRORS as exc:
        raise UnreadableImageError(
            path, f"Modality LUT Sequence (0028,3000) is malformed: {one_line(exc)}"
        ) from exc


def _signed_first(first: int, ds: Dataset) -> int:
    """LUT Descriptor's first mapped value is signed when the pixels are (C.11.1.1)."""
    if ds.get("PixelRepresentation", 0) == 1 and first >= 2**15:
        return first - 2**16
    return first


def _voi_luts(ds: Dataset) -> tuple[LookupTable, ...]:
    """VOI LUT Sequence (0028,3010) items, decoded by pydicom's own reader."""
    seq = ds.get("VOILUTSequence")
    if not seq:
        return ()
    tables = []
    for index, item in enumerate(seq):
        try:
            n, first, bits = _descriptor(item)
            _check_lut_data(item, n)
            domain = np.arange(first, first + n)
            domain = domain.astype(np.int64 if first < 0 else np.uint16)
            table = np.asarray(apply_voi(domain, ds, index)).ravel()
            name = str(item.get("LUTExplanation", "") or "")
            tables.append(LookupTable(first, table, bits, name))
        except _LUT_ERRORS as exc:  # a VOI is a display choice: the windows remain
            log.info("%s: VOI LUT %d ignored: %s", ds.filename, index + 1, one_line(exc))
    return tuple(tables)


def _palette(ds: Dataset) -> tuple[np.ndarray, int] | None:
    """Build an 8-bit RGB table for PALETTE COLOR images with pydicom's palette reader."""
    if "RedPaletteColorLookupTableDescriptor" not in ds:
        return None
    n, first, bits = (int(v) for v in ds.RedPaletteColorLookupTableDescriptor)
    n = n or 2**16
    bits_allocated = int(ds.get("BitsAllocated", 8))
    dtype = np.uint8 if bits_allocated <= 8 else np.uint16
    first = max(first, 0)
    domain = np.arange(first, first + n).astype(dtype)
    rgb = np.asarray(apply_color_lut(domain, ds))
    if rgb.dtype == np.uint16 and _big_endian_palette_data(ds):
        rgb = rgb.byteswap()
    if rgb.dtype != np.uint8:
        if rgb.max(initial=0) <= 255 and bits == 8:
            rgb = rgb.astype(np.uint8)
        else:  # 16-bit entries: the high byte, as DCMTK shows them (exact for x*256, x*257)
            rgb = (rgb >> 8).astype(np.uint8)
    return rgb.reshape(-1, 3), first


def _big_endian_palette_data(ds: Dataset) -> bool:
    """Tell whether pydicom read this big endian file's 16-bit palette entries byte-swapped.

    pydicom 3.0.2's ``apply_color_lut`` reads Red/Green/Blue Palette Color Lookup Table
    Data (0028,1201-1203) with ``np.frombuffer`` in the machine's byte order, whatever
    the transfer syntax (its segmented reader honours it). In an Explicit VR Big Endian
    file the OW data are big endian, so the colours come out near black. No upstream
    issue found (the same class of bug as pydicom#1680, big endian OW RGB pixel data).
    """
    ts = ds.file_meta.get("TransferSyntaxUID") if hasattr(ds, "file_meta") else None
    return (
        ts == pydicom.uid.ExplicitVRBigEndian
        and "RedPaletteColorLookupTableData" in ds
        and "SegmentedRedPaletteColorLookupTableData" not in ds
    )


def pixel_attributes(ds: Dataset, path: Path) -> PixelAttributes:
    """Read how stored values are displayed from a DICOM header (PS3.3 C.7.6.3, C.11).

    Parameters
    ----------
    ds : pydicom.dataset.Dataset
        The header.
    path : pathlib.Path
        The file, named in errors.

    Returns
    -------
    PixelAttributes
        Photometric interpretation, bits, Modality LUT or rescale, windows, VOI LUTs,
        Presentation LUT Shape, padding and palette.

    Raises
    ------
    UnreadableImageError
        If the pixel description is malformed.
    """
    photometric = str(ds.PhotometricInterpretation).strip().upper()
    samples = int(single_number(ds.get("SamplesPerPixel")) or 1)
    shape = str(ds.get("PresentationLUTShape", "") or "").strip().upper()
    inverse = shape == "INVERSE" or (not shape and photometric == "MONOCHROME1")
    slope, intercept = _rescale(ds, path)
    has_rescale = slope is not None or intercept is not None
    modality = str(ds.get("Modality", "") or "")
    try:
        palette = _palette(ds) if photometric == "PALETTE COLOR" else None
    except _LUT_ERRORS as exc:
        raise UnreadableImageError(
            path, f"palette (0028,1101-1203) is malformed: {one_line(exc)}"
        ) from exc
    try:
        attributes = PixelAttributes(
            photometric="RGB" if samples == 3 else photometric,
            samples_per_pixel=samples,
            bits_stored=int(ds.get("BitsStored") or ds.BitsAllocated),
            signed=int(ds.get("PixelRepresentation", 0) or 0) == 1,
            rescale_slope=1.0 if slope is None else slope,
            rescale_intercept=0.0 if intercept is None else intercept,
            modality_lut=_modality_lut(ds, path) if samples == 1 else None,
            windows=read_windows(ds) if samples == 1 and palette is None else (),
            voi_luts=_voi_luts(ds) if samples == 1 and palette is None else (),
            presentation_inverse=inverse,
            padding=_padding(ds, path) if samples == 1 else None,
            palette=None if palette is None else palette[0],
            palette_first=0 if palette is None else palette[1],
            units="HU" if modality == "CT" and has_rescale else "",
        )
    except (ValueError, TypeError, AttributeError) as exc:
        raise UnreadableImageError(path, f"bad pixel description: {one_line(exc)}") from exc
    if not all(np.isfinite(attributes.modality_range)):
        raise UnreadableImageError(
            path,
            f"Rescale Slope (0028,1053) {attributes.rescale_slope:g} and Intercept "
            f"(0028,1052) {attributes.rescale_intercept:g} give values too large to show",
        )
    return attributes


def _rescale(ds: Dataset, path: Path) -> tuple[float | None, float | None]:
    """Rescale Slope (0028,1053) and Intercept (0028,1052); ``None`` when absent or empty.

    Real files from a major vendor write them empty; that is read as absent.

    Raises
    ------
    UnreadableImageError
        If one is given but is not one finite number, or the slope is 0: the modality
        values (HU for CT) would be wrong.
    """
    values: list[float | None] = []
    for keyword, name in (
        ("RescaleSlope", "Rescale Slope (0028,1053)"),
        ("RescaleIntercept", "Rescale Intercept (0028,1052)"),
    ):
        value = ds.get(keyword)
        if value is None or (isinstance(value, str) and not value.strip()):
            values.append(None)
            continue
        number = single_number(value)
        if number is None:
            raise UnreadableImageError(
                path, f"{name} is {str(value)[:40]!r}: not one finite number"
            )
        values.append(number)
    if values[0] == 0:
        raise UnreadableImageError(path, "Rescale Slope (0028,1053) is 0")
    return values[0], values[1]


def _padding(ds: Dataset, path: Path) -> tuple[float, ...] | None:
    """Pixel Padding Value (0028,0120) and Range Limit (0028,0121); ``None`` if absent.

    An empty or malformed Pixel Padding Value is ignored (no padding), as is a
    malformed Range Limit (the value alone then).
    """
    value = single_number(ds.get("PixelPaddingValue"))
    if value is None:
        if ds.get("PixelPaddingValue") not in (None, ""):
            log.info("%s: Pixel Padding Value %r ignored", path, ds.get("PixelPaddingValue"))
        return None
    limit = single_number(ds.get("PixelPaddingRangeLimit"))
    return (value,) if limit is None else (value, limit)
