"""How a presentation state says to show its image: window, rotation and flip.

The Softcopy VOI LUT Module (PS3.3 C.11.8) and the Spatial Transformation Module
(C.10.6) of a GSPS, turned into what hoview's view state holds. No Qt.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydicom.dataset import Dataset
from pydicom.multival import MultiValue

from hoview.display.attributes import Window

#: The window's name in menus and corner text when a presentation state set it.
WINDOW_NAME = "Presentation state"


@dataclass(frozen=True)
class GspsDisplay:
    """What a presentation state sets for one image.

    Attributes
    ----------
    window : Window or None
        The first window of its Softcopy VOI LUT that applies to the image.
    rotation : int
        hoview's clockwise rotation (0, 90, 180, 270), applied after ``flip_h``.
    flip_h : bool
        Mirror left-right (hoview mirrors first, then rotates).
    """

    window: Window | None = None
    rotation: int = 0
    flip_h: bool = False


def view_transformation(image_rotation: int, horizontal_flip: bool) -> tuple[int, bool]:
    """Return hoview's (rotation, flip_h) for Image Rotation and Image Horizontal Flip.

    DICOM rotates clockwise first, then flips horizontally (C.10.6); hoview flips first,
    then rotates. A flip after a rotation is the same flip before the opposite rotation,
    so this is the inverse of :func:`hoview.dicom_objects.gsps_export.spatial_transformation`.
    """
    rotation = int(image_rotation) % 360
    if rotation % 90:
        raise ValueError(f"Image Rotation: {image_rotation} is not a multiple of 90")
    return ((-rotation) % 360 if horizontal_flip else rotation), bool(horizontal_flip)


def _applies(item: Dataset, sop_instance_uid: str) -> bool:
    """Whether a module item with an optional Referenced Image Sequence covers the image."""
    refs = item.get("ReferencedImageSequence") or []
    uids = {str(ref.get("ReferencedSOPInstanceUID", "") or "").strip() for ref in refs}
    return not refs or sop_instance_uid in uids


def _first(value: Any) -> float | None:
    """Return the first of a DS's values as a float, ``None`` if there is none."""
    if isinstance(value, MultiValue):
        value = value[0] if len(value) else None
    try:
        return None if value is None or value == "" else float(value)
    except (TypeError, ValueError):
        return None


def read_display(ds: Dataset, sop_instance_uid: str) -> GspsDisplay:
    """Return the window, rotation and flip ``ds`` sets for image ``sop_instance_uid``.

    A window that is missing, not a number or narrower than 1 is left out (the view
    keeps its own); so is a rotation that is not a multiple of 90.
    """
    window = None
    for item in ds.get("SoftcopyVOILUTSequence") or []:
        if not _applies(item, sop_instance_uid):
            continue
        center, width = _first(item.get("WindowCenter")), _first(item.get("WindowWidth"))
        if center is not None and width is not None and width >= 1:
            function = str(item.get("VOILUTFunction", "") or "LINEAR").strip().upper()
            if function not in ("LINEAR", "LINEAR_EXACT", "SIGMOID"):
                function = "LINEAR"
            window = Window(center, width, function, WINDOW_NAME)
        break
    flip = str(ds.get("ImageHorizontalFlip", "N") or "N").strip().upper() == "Y"
    try:
        rotation, flip_h = view_transformation(int(ds.get("ImageRotation", 0) or 0), flip)
    except (TypeError, ValueError):
        rotation, flip_h = 0, False
    return GspsDisplay(window, rotation, flip_h)
