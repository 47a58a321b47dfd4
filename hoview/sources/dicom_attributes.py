"""A DICOM header's pixel description: windows, LUTs, palette (PS3.3 C.7.6.3, C.11)."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import numpy as np
import pydicom
from pydicom.dataset import Dataset
from pydicom.pixels.processing import apply_color_lut, apply_modality_lut, apply_voi

from hoview.display.attributes import LookupTable, PixelAttributes, Window
from hoview.errors import UnreadableImageError
from hoview.sources.dicom_header import one_line

log = logging.getLogger(__name__)


def float_values(value: Any) -> list[float]:
    """Return a DICOM number or list of numbers (DS, IS, FD...) as a list of floats."""
    if value is None or value == "":
        return []
    if isinstance(value, (list, tuple, pydicom.multival.MultiValue)):
        return [float(v) for v in value if v is not None and v != ""]
    return [float(value)]


def _strings(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, (list, tuple, pydicom.multival.MultiValue)):
        return [str(v) for v in value]
    return [str(value)]


def _windows(ds: Dataset) -> tuple[Window, ...]:
    """Read the file's windows, Window Center/Width (0028,1050/1051), in order."""
    centers = float_values(ds.get("WindowCenter"))
    widths = float_values(ds.get("WindowWidth"))
    names = _strings(ds.get("WindowCenterWidthExplanation"))
    function = str(ds.get("VOILUTFunction", "LINEAR") or "LINEAR")
    windows = []
    for i, (center, width) in enumerate(zip(centers, widths, strict=False)):
        name = names[i] if i < len(names) and names[i] else f"File window {i + 1}"
        try:
            windows.append(Window(center, width, function, name))
        except ValueError as exc:
            log.info("%s: window %d ignored: %s", ds.filename, i + 1, exc)
    return tuple(windows)


def _lut(ds: Dataset, item: Dataset, table: np.ndarray) -> LookupTable:
    n, first, bits = (int(v) for v in item.LUTDescriptor)
    return LookupTable(first, table, bits, str(item.get("LUTExplanation", "") or ""))


def _modality_lut(ds: Dataset) -> LookupTable | None:
    """Modality LUT Sequence (0028,3000), decoded by pydicom's own reader."""
    seq = ds.get("ModalityLUTSequence")
    if not seq:
        return None
    item = seq[0]
    n, first, _ = (int(v) for v in item.LUTDescriptor)
    n = n or 2**16
    first = _signed_first(first, ds)
    table = apply_modality_lut(np.arange(first, first + n), ds)
    lut = _lut(ds, item, np.asarray(table))
    return LookupTable(first, lut.data, lut.bits, lut.name)


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
        if item.get("LUTDescriptor") is None or item.get("LUTData") is None:
            continue
        n, first, _ = (int(v) for v in item.LUTDescriptor)
        n = n or 2**16
        domain = np.arange(first, first + n)
        domain = domain.astype(np.int64 if first < 0 else np.uint16)
        try:
            table = apply_voi(domain, ds, index)
        except (NotImplementedError, ValueError, AttributeError) as exc:
            log.info("%s: VOI LUT %d ignored: %s", ds.filename, index + 1, exc)
            continue
        tables.append(_lut(ds, item, np.asarray(table)))
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
    if rgb.dtype != np.uint8:
        peak = 255 if rgb.max(initial=0) <= 255 and bits == 8 else 65535
        rgb = (rgb.astype(np.float64) * (255 / peak)).round().astype(np.uint8)
    return rgb.reshape(-1, 3), first


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
    samples = int(ds.get("SamplesPerPixel", 1) or 1)
    palette = _palette(ds) if photometric == "PALETTE COLOR" else None
    shape = str(ds.get("PresentationLUTShape", "") or "").strip().upper()
    inverse = shape == "INVERSE" or (not shape and photometric == "MONOCHROME1")
    padding = None
    if "PixelPaddingValue" in ds and samples == 1:
        values = [float(ds.PixelPaddingValue)]
        if "PixelPaddingRangeLimit" in ds:
            values.append(float(ds.PixelPaddingRangeLimit))
        padding = tuple(values)
    has_rescale = "RescaleSlope" in ds and "RescaleIntercept" in ds
    modality = str(ds.get("Modality", "") or "")
    try:
        return PixelAttributes(
            photometric="RGB" if samples == 3 else photometric,
            samples_per_pixel=samples,
            bits_stored=int(ds.get("BitsStored") or ds.BitsAllocated),
            signed=int(ds.get("PixelRepresentation", 0) or 0) == 1,
            rescale_slope=float(ds.RescaleSlope) if has_rescale else 1.0,
            rescale_intercept=float(ds.RescaleIntercept) if has_rescale else 0.0,
            modality_lut=_modality_lut(ds) if samples == 1 else None,
            windows=_windows(ds) if samples == 1 and palette is None else (),
            voi_luts=_voi_luts(ds) if samples == 1 and palette is None else (),
            presentation_inverse=inverse,
            padding=padding,
            palette=None if palette is None else palette[0],
            palette_first=0 if palette is None else palette[1],
            units="HU" if modality == "CT" and has_rescale else "",
        )
    except (ValueError, TypeError, AttributeError) as exc:
        raise UnreadableImageError(path, f"bad pixel description: {one_line(exc)}") from exc
