"""``hoview import FILE.dcm``: read a presentation state or a report into a sidecar."""

from __future__ import annotations

from pathlib import Path

import pydicom
from pydicom.errors import InvalidDicomError

from hoview.errors import HoviewError

#: Grayscale Softcopy Presentation State Storage.
GSPS_CLASS = "1.2.840.10008.5.1.4.1.1.11.1"
#: The SR storage classes a TID 1500 report may use.
SR_CLASSES = frozenset(
    {
        "1.2.840.10008.5.1.4.1.1.88.11",  # Basic Text SR
        "1.2.840.10008.5.1.4.1.1.88.22",  # Enhanced SR
        "1.2.840.10008.5.1.4.1.1.88.33",  # Comprehensive SR
        "1.2.840.10008.5.1.4.1.1.88.34",  # Comprehensive 3D SR
    }
)


def sop_class_of(file: Path) -> str:
    """Return the SOP Class UID of the DICOM file ``file``.

    Raises
    ------
    HoviewError
        If ``file`` cannot be read or is not DICOM.
    """
    try:
        ds = pydicom.dcmread(file, stop_before_pixels=True, specific_tags=["SOPClassUID"])
    except (InvalidDicomError, OSError, ValueError, EOFError) as exc:
        raise HoviewError(file, f"not a DICOM file ({type(exc).__name__})") from None
    uid = str(ds.get("SOPClassUID", "") or "").strip()
    if not uid:
        raise HoviewError(file, "no SOP Class UID")
    return uid


def import_object(file: Path, into: Path | None = None) -> str:
    """Add the annotations held by ``file`` to an image's sidecar.

    Parameters
    ----------
    file : Path
        A Grayscale Softcopy Presentation State, or a report ``hoview sr`` wrote.
    into : Path, optional
        The image to add them to; by default the image the object references, looked
        for among the image files in ``file``'s folder and its parent.

    Returns
    -------
    str
        One line saying what was added, for the terminal.

    Raises
    ------
    HoviewError
        If ``file`` is neither, or its image is not found.
    """
    uid = sop_class_of(file)
    if uid == GSPS_CLASS:
        from hoview.dicom_objects.gsps_import import import_gsps

        return import_gsps(file, into)
    if uid in SR_CLASSES:
        from hoview.dicom_objects.sr_import import import_sr

        return import_sr(file, into)
    raise HoviewError(file, f"not a presentation state or a structured report (SOP Class {uid})")
