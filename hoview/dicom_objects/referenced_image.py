"""Find the image a presentation state or a report references, for ``hoview import``.

The rule for every imported object: the image named with ``--into``; else the DICOM
file whose SOP Instance UID (0008,0018) is the one referenced, among the files in the
object's folder, then its parent folder, then the parent's other sub-folders (one
level: the series folders of a study, as the PACS cache and many CDs lay them out), at
most :data:`MAX_FILES` files in all.
"""

from __future__ import annotations

from pathlib import Path

import pydicom
from pydicom.errors import InvalidDicomError

from hoview.errors import HoviewError

__all__ = ["find_referenced_image"]

#: Most files whose headers one search reads (a parent folder may be a home folder).
MAX_FILES = 5000

#: Files never worth opening as images: sidecars and their backups, lock files.
_SKIPPED_SUFFIXES = (".json", ".bak", ".lock", ".tmp")


def _sop_instance_uid(path: Path) -> str | None:
    """Return the SOP Instance UID of the DICOM file ``path``; ``None`` if it is not one."""
    try:
        ds = pydicom.dcmread(path, stop_before_pixels=True, specific_tags=["SOPInstanceUID"])
    except (InvalidDicomError, OSError, ValueError, EOFError, TypeError, AttributeError):
        return None
    return str(ds.get("SOPInstanceUID", "") or "").strip() or None


def _candidates(folder: Path, skip: Path) -> list[Path]:
    try:
        entries = sorted(folder.iterdir())
    except OSError:
        return []
    return [
        p
        for p in entries
        if p.is_file()
        and p.resolve() != skip
        and not p.name.lower().endswith(_SKIPPED_SUFFIXES)
        and not p.name.startswith(".")
    ]


def find_referenced_image(file: Path, sop_instance_uid: str, into: Path | None = None) -> Path:
    """Return the image ``file`` references.

    Parameters
    ----------
    file : pathlib.Path
        The presentation state or report being imported.
    sop_instance_uid : str
        The SOP Instance UID it references.
    into : pathlib.Path, optional
        The image the user named (``--into``); returned as it is when it exists.

    Returns
    -------
    pathlib.Path
        The image file.

    Raises
    ------
    HoviewError
        If ``into`` does not exist, or no file in ``file``'s folder or its parent has
        ``sop_instance_uid``.
    """
    file = Path(file)
    if into is not None:
        into = Path(into)
        if not into.is_file():
            raise HoviewError(into, "no such image file (--into)")
        return into
    wanted = sop_instance_uid.strip()
    skip = file.resolve()
    folder = skip.parent
    read = 0
    for place in _places(folder):
        for candidate in _candidates(place, skip):
            if read >= MAX_FILES:
                break
            read += 1
            if _sop_instance_uid(candidate) == wanted:
                return candidate
    raise HoviewError(
        file,
        f"the image it references (SOP Instance UID {wanted}) is not in {folder}, its "
        "parent folder or the parent's other folders; name it with --into IMAGE",
    )


def _places(folder: Path) -> list[Path]:
    """Return the object's folder, its parent, then the parent's other sub-folders."""
    parent = folder.parent
    try:
        siblings = sorted(p for p in parent.iterdir() if p.is_dir() and p != folder)
    except OSError:
        siblings = []
    return list(dict.fromkeys([folder, parent, *siblings]))
