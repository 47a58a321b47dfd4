"""Enhanced multi-frame functional groups (PS3.3 C.7.6.16): what each frame carries.

An enhanced CT, MR or XA file keeps the attributes a classic file has at the top level
in two sequences: Shared Functional Groups (5200,9229), one item for every frame, and
Per-frame Functional Groups (5200,9230), one item per frame. hoview reads four macros
from them; a per-frame value overrides a shared one:

- Pixel Value Transformation (0028,9145): Rescale Slope, Intercept and Type;
- Frame VOI LUT (0028,9132): Window Center, Width, Explanation and VOI LUT Function;
- Plane Position (0020,9113) and Plane Orientation (0020,9116): where the frame lies;
- Pixel Measures (0028,9110): Pixel Spacing and Slice Thickness.

Nothing here touches pixels; frames of a 1,000-frame file sharing a rescale and a
window share one :class:`~hoview.display.attributes.PixelAttributes`.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, cast

import numpy as np
from pydicom.dataset import Dataset

from hoview.display.attributes import PixelAttributes, Window
from hoview.errors import UnreadableImageError
from hoview.sources.dicom_attributes import float_values, read_windows

log = logging.getLogger(__name__)

SHARED = "SharedFunctionalGroupsSequence"
PER_FRAME = "PerFrameFunctionalGroupsSequence"
RESCALE_MACRO = "PixelValueTransformationSequence"
VOI_MACRO = "FrameVOILUTSequence"
POSITION_MACRO = "PlanePositionSequence"
ORIENTATION_MACRO = "PlaneOrientationSequence"
MEASURES_MACRO = "PixelMeasuresSequence"


@dataclass(frozen=True)
class Rescale:
    """Pixel Value Transformation (0028,9145) of a frame.

    Parameters
    ----------
    slope, intercept : float
        Rescale Slope (0028,1053) and Rescale Intercept (0028,1052).
    kind : str
        Rescale Type (0028,1054), e.g. ``"HU"``; ``""`` when absent.

    """

    slope: float
    intercept: float
    kind: str = ""


class FunctionalGroups:
    """The functional groups of one enhanced multi-frame header.

    Parameters
    ----------
    ds : pydicom.dataset.Dataset
        The header; use :meth:`from_dataset` to get ``None`` for a classic file.
    frame_count : int
        How many frames the pixel data holds (items past it are not read).
    path : pathlib.Path
        The file, named in errors.

    """

    def __init__(self, ds: Dataset, frame_count: int, path: Path) -> None:
        shared = ds.get(SHARED)
        self._shared: Dataset | None = shared[0] if shared else None
        self._per_frame = list(ds.get(PER_FRAME) or ())[:frame_count]
        self.frame_count = frame_count
        self.path = path
        self._rescales = [self._rescale(i) for i in range(frame_count)]
        self._windows = [self._read_windows(i) for i in range(frame_count)]

    @classmethod
    def from_dataset(cls, ds: Dataset, frame_count: int, path: Path) -> FunctionalGroups | None:
        """Read ``ds``'s functional groups, or return ``None`` when it has none."""
        if not ds.get(SHARED) and not ds.get(PER_FRAME):
            return None
        return cls(ds, frame_count, path)

    def macro(self, index: int, keyword: str) -> Dataset | None:
        """Return the first item of macro ``keyword`` for frame ``index`` (from 0).

        The frame's own item in Per-frame Functional Groups wins over the shared one.
        """
        if index < len(self._per_frame):
            seq = self._per_frame[index].get(keyword)
            if seq:
                return seq[0]
        if self._shared is not None:
            seq = self._shared.get(keyword)
            if seq:
                return seq[0]
        return None

    def where(self, keyword: str) -> str:
        """Say where macro ``keyword`` is: ``"per frame"``, ``"shared"`` or ``""``."""
        if any(item.get(keyword) for item in self._per_frame):
            return "per frame"
        if self._shared is not None and self._shared.get(keyword):
            return "shared"
        return ""

    def rescale(self, index: int) -> Rescale | None:
        """Pixel Value Transformation of frame ``index`` (from 0), if any."""
        return self._rescales[index]

    def windows(self, index: int) -> tuple[Window, ...]:
        """Frame VOI LUT windows of frame ``index`` (from 0), in order."""
        return self._windows[index]

    def position(self, index: int) -> tuple[float, float, float] | None:
        """Image Position (Patient) (0020,0032) of frame ``index`` from Plane Position."""
        item = self.macro(index, POSITION_MACRO)
        values = _finite(item.get("ImagePositionPatient") if item else None)
        return (values[0], values[1], values[2]) if len(values) == 3 else None

    def orientation(self, index: int) -> tuple[float, ...] | None:
        """Image Orientation (Patient) (0020,0037) of frame ``index`` from Plane Orientation."""
        item = self.macro(index, ORIENTATION_MACRO)
        values = _finite(item.get("ImageOrientationPatient") if item else None)
        return tuple(values) if len(values) == 6 else None

    def pixel_spacing(self, index: int) -> tuple[float, float] | None:
        """Pixel Spacing (0028,0030) of frame ``index`` from Pixel Measures, in mm."""
        item = self.macro(index, MEASURES_MACRO)
        values = _finite(item.get("PixelSpacing") if item else None)
        if len(values) == 2 and all(v > 0 for v in values):
            return values[0], values[1]
        return None

    def slice_thickness(self, index: int) -> float | None:
        """Slice Thickness (0018,0050) of frame ``index`` from Pixel Measures, in mm."""
        item = self.macro(index, MEASURES_MACRO)
        values = _finite(item.get("SliceThickness") if item else None)
        return values[0] if len(values) == 1 else None

    def frame_metadata(self, index: int) -> dict[str, Any]:
        """Return frame ``index``'s position, orientation and slice thickness.

        Keyed like :func:`~hoview.sources.dicom_header.dicom_metadata`; missing ones
        are left out.
        """
        values = {
            "image_position": self.position(index),
            "image_orientation": self.orientation(index),
            "slice_thickness": self.slice_thickness(index),
        }
        return {
            key: list(value) if isinstance(value, tuple) else value
            for key, value in values.items()
            if value is not None
        }

    def slice_order(self) -> list[int] | None:
        """Frame indices (from 0) sorted along the slice normal, or ``None`` to keep file order.

        Frames are sorted like the slices of a folder (by Image Position projected on
        the cross product of the Image Orientation cosines, ascending) only when every
        frame has a position, all share one orientation, and no two lie at the same
        place: several stacks or time points in one file keep the file's order.
        """
        if not hasattr(self, "_order"):
            self._order = self._slice_order()
        return self._order

    def _slice_order(self) -> list[int] | None:
        if self.frame_count < 2:
            return None
        positions = [self.position(i) for i in range(self.frame_count)]
        orientations = [self.orientation(i) for i in range(self.frame_count)]
        if any(p is None for p in positions) or any(o is None for o in orientations):
            return None
        first = np.asarray(orientations[0])
        every = cast("list[tuple[float, ...]]", orientations)  # no None: returned above
        if not all(np.allclose(o, first, atol=1e-4) for o in every):
            return None
        normal = np.cross(first[:3], first[3:])
        along = np.round(np.asarray(positions, dtype=float) @ normal, 4)
        if len(np.unique(along)) != len(along):
            return None
        order = [int(i) for i in np.argsort(along, kind="stable")]
        return None if order == list(range(self.frame_count)) else order

    def summary(self) -> dict[str, Any]:
        """Describe the groups for ``hoview info``: what is shared, what varies per frame.

        Returns
        -------
        dict
            ``rescale`` and ``windows`` (``"per frame"``, ``"shared"`` or ``""``) with
            ``distinct_rescales`` / ``distinct_windows``, ``positions`` (one per frame in
            file order, ``None`` where unknown), ``first_position`` and ``last_position``
            (in display order),
            ``orientation``, ``pixel_spacing_mm``, ``slice_thickness_mm`` and
            ``slice_order`` (``"by position"`` or ``"file"``).

        """
        positions = [self.position(i) for i in range(self.frame_count)]
        order = self.slice_order() or range(self.frame_count)
        known = [p for i in order if (p := positions[i]) is not None]
        first_rescale = self._rescales[0] if self._rescales else None
        return {
            "rescale": self.where(RESCALE_MACRO),
            "distinct_rescales": len({r for r in self._rescales if r is not None}),
            "first_rescale": None
            if first_rescale is None
            else {
                "slope": first_rescale.slope,
                "intercept": first_rescale.intercept,
                "type": first_rescale.kind,
            },
            "windows": self.where(VOI_MACRO),
            "distinct_windows": len({w for ws in self._windows for w in ws}),
            "positions": [list(p) if p is not None else None for p in positions],
            "first_position": list(known[0]) if known else None,
            "last_position": list(known[-1]) if known else None,
            "orientation": list(self.orientation(0) or ()) or None,
            "pixel_spacing_mm": list(self.pixel_spacing(0) or ()) or None,
            "slice_thickness_mm": self.slice_thickness(0),
            "slice_order": "by position" if self.slice_order() else "file",
        }

    def _rescale(self, index: int) -> Rescale | None:
        item = self.macro(index, RESCALE_MACRO)
        if item is None:
            return None
        try:
            slope = float_values(item.get("RescaleSlope"))
            intercept = float_values(item.get("RescaleIntercept"))
        except (TypeError, ValueError) as exc:
            raise self._error(index, f"Rescale Slope/Intercept is not a number ({exc})") from exc
        if not slope and not intercept:
            return None  # an empty macro: real files do this
        rescale = Rescale(
            slope[0] if slope else 1.0,
            intercept[0] if intercept else 0.0,
            str(item.get("RescaleType", "") or "").strip(),
        )
        if not (np.isfinite(rescale.slope) and np.isfinite(rescale.intercept)):
            raise self._error(index, "Rescale Slope/Intercept is not finite")
        if rescale.slope == 0:
            raise self._error(index, "Rescale Slope (0028,1053) is 0")
        return rescale

    def _read_windows(self, index: int) -> tuple[Window, ...]:
        item = self.macro(index, VOI_MACRO)
        if item is None:
            return ()
        return read_windows(item, f"{self.path}: frame {index + 1}")

    def _error(self, index: int, what: str) -> UnreadableImageError:
        return UnreadableImageError(
            self.path, f"frame {index + 1}: Pixel Value Transformation (0028,9145): {what}"
        )


def _finite(value: Any) -> list[float]:
    try:
        values = float_values(value)
    except (TypeError, ValueError):
        return []
    return values if all(np.isfinite(v) for v in values) else []


class FrameAttributes:
    """Each frame's :class:`PixelAttributes`: the image's, with its own rescale and windows.

    Built lazily and shared: frames with the same rescale and windows get the same
    object, so a 1,000-frame file with one shared transformation builds one.

    Parameters
    ----------
    base : PixelAttributes
        What the top-level header says (palette, bits, Presentation LUT...).
    groups : FunctionalGroups
        The file's functional groups.
    modality : str
        Modality (0008,0060): a CT rescale without Rescale Type is in HU.

    """

    def __init__(self, base: PixelAttributes, groups: FunctionalGroups, modality: str) -> None:
        self.base = base
        self.groups = groups
        self.modality = modality
        self._built: dict[tuple[Rescale | None, tuple[Window, ...]], PixelAttributes] = {}

    def __call__(self, number: int) -> PixelAttributes:
        """Return the attributes of frame ``number`` (from 1)."""
        index = number - 1
        rescale = self.groups.rescale(index)
        grey = self.base.samples_per_pixel == 1 and self.base.palette is None
        windows = self.groups.windows(index) if grey else ()
        key = (rescale, windows)
        attrs = self._built.get(key)
        if attrs is None:
            attrs = self._built[key] = self._build(rescale, windows)
        return attrs

    def __len__(self) -> int:
        return len(self._built)

    def _build(self, rescale: Rescale | None, windows: tuple[Window, ...]) -> PixelAttributes:
        changes: dict[str, Any] = {}
        if rescale is not None and self.base.modality_lut is None:
            kind = rescale.kind.upper()
            units = kind if kind and kind != "US" else ("HU" if self.modality == "CT" else "")
            changes.update(
                rescale_slope=rescale.slope, rescale_intercept=rescale.intercept, units=units
            )
        if windows:
            changes["windows"] = windows
        return replace(self.base, **changes) if changes else self.base
