"""DICOMDIR (PS3.10 8.6, PS3.3 F.3): which files a DICOM file-set's index lists.

Only the list of files is taken from the DICOMDIR. Studies and series are rebuilt from
the files' own headers by :func:`hoview.sources.scan.group_images`, so a DICOMDIR whose
record tree is reordered, has no offsets or has odd record types still opens.
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Callable
from pathlib import Path

import pydicom
from pydicom.errors import InvalidDicomError
from pydicom.filereader import read_file_meta_info
from pydicom.uid import MediaStorageDirectoryStorage

from hoview.errors import UnreadableImageError
from hoview.sources.base import FrameCache, OpenResult, Skipped
from hoview.sources.dicom import has_dicom_preamble
from hoview.sources.scan import open_files

log = logging.getLogger(__name__)

#: Reason given for a record whose file does not exist.
MISSING = "listed in DICOMDIR but missing"

#: Reason given for a Referenced File ID (0004,1500) that is no file name (a NUL byte).
BAD_FILE_ID = "DICOMDIR record has a Referenced File ID (0004,1500) with a NUL byte"

#: Reason given for a record whose path leaves the DICOMDIR's folder.
OUTSIDE = "DICOMDIR record points outside the DICOMDIR's folder"


def is_dicomdir(path: str | Path) -> bool:
    """Say whether a file is a DICOMDIR: named so, or of SOP Class 1.2.840.10008.1.3.10.

    Parameters
    ----------
    path : str or pathlib.Path
        A file.

    Returns
    -------
    bool
        ``True`` if the file is called ``DICOMDIR`` (any case) or its Media Storage
        SOP Class UID (0002,0002) is Media Storage Directory Storage.

    """
    path = Path(path)
    if path.name.upper() == "DICOMDIR":
        return True
    if not has_dicom_preamble(path):
        return False
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            meta = read_file_meta_info(path)
            return meta.get("MediaStorageSOPClassUID") == MediaStorageDirectoryStorage
    except Exception:  # noqa: BLE001 - any unreadable meta means "not a DICOMDIR"
        return False


def dicomdir_files(path: str | Path) -> tuple[list[Path], list[Skipped]]:
    """List the files a DICOMDIR's records refer to, in record order.

    Every record in use (Record In-use Flag (0004,1410) not 0) with a Referenced File
    ID (0004,1500) counts, whatever its type (IMAGE, RT DOSE, PRESENTATION...). The ID
    is relative to the DICOMDIR's folder; a file not found under its exact name is
    looked up case-insensitively (CDs are often mounted with lower-case names).

    Parameters
    ----------
    path : str or pathlib.Path
        The DICOMDIR file.

    Returns
    -------
    files : list of pathlib.Path
        Existing files inside the DICOMDIR's folder, each listed once.
    skipped : list of Skipped
        Records that point outside the folder or at a missing file.

    Raises
    ------
    UnreadableImageError
        If the file cannot be read or has no Directory Record Sequence (0004,1220).

    """
    path = Path(path)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ds = pydicom.dcmread(path)
            records = ds.get("DirectoryRecordSequence")
    except InvalidDicomError as exc:
        raise UnreadableImageError(path, "not a DICOMDIR (not a DICOM file)") from exc
    except Exception as exc:  # noqa: BLE001 - pydicom raises many kinds on bad input
        raise UnreadableImageError(path, f"cannot read the DICOMDIR ({exc})") from exc
    if not isinstance(records, pydicom.sequence.Sequence):
        raise UnreadableImageError(
            path, "not a DICOMDIR: it has no Directory Record Sequence (0004,1220)"
        )
    root = path.parent
    files: list[Path] = []
    skipped: list[Skipped] = []
    seen: set[Path] = set()
    for record in records:
        try:
            if record.get("RecordInUseFlag", 0xFFFF) == 0:
                continue
            value = record.get("ReferencedFileID")
        except (ValueError, TypeError, AttributeError, KeyError) as exc:
            log.info("%s: a directory record is malformed: %s", path, exc)
            continue
        if not value:
            continue
        parts = [str(value)] if isinstance(value, str) else [str(v) for v in value]
        if any("\x00" in part for part in parts):
            shown = "\\".join(parts).replace("\x00", "\\0")
            skipped.append(Skipped(root / "DICOMDIR", f"{BAD_FILE_ID}: {shown[:80]!r}"))
            continue
        named = root.joinpath(*parts)
        try:
            target = _locate(root, parts)
            is_file = target is not None and target.is_file()
        except (OSError, ValueError) as exc:  # e.g. a name too long for the file system
            skipped.append(Skipped(named, f"cannot look up the file ({exc})"[:200]))
            continue
        if target is None:
            skipped.append(Skipped(named, OUTSIDE))
        elif not is_file:
            skipped.append(Skipped(named, MISSING))
        elif target not in seen:
            seen.add(target)
            files.append(target)
    return files, skipped


def _locate(root: Path, parts: list[str]) -> Path | None:
    """Return the file ``parts`` names under ``root``; ``None`` if it leaves ``root``."""
    if any(part in ("", ".", "..") or Path(part).is_absolute() for part in parts):
        return None
    target = root.joinpath(*parts)
    if not target.exists():
        target = _case_insensitive(root, parts) or target
    try:
        inside = target.resolve().is_relative_to(root.resolve())
    except (OSError, RuntimeError):  # a symlink loop
        inside = False
    return target if inside else None


def _case_insensitive(root: Path, parts: list[str]) -> Path | None:
    """Find ``root/parts...`` ignoring case, or ``None``."""
    current = root
    for part in parts:
        exact = current / part
        if exact.exists():
            current = exact
            continue
        try:
            matches = [p for p in current.iterdir() if p.name.upper() == part.upper()]
        except OSError:
            return None
        if len(matches) != 1:
            return None
        current = matches[0]
    return current


def read_dicomdir(
    path: str | Path,
    progress: Callable[[int, int], None] | None = None,
    cache: FrameCache | None = None,
) -> OpenResult:
    """Open the images a DICOMDIR lists and group them as a folder scan does.

    Parameters
    ----------
    path : str or pathlib.Path
        The DICOMDIR file.
    progress : callable, optional
        ``progress(done, total)``, as for :func:`hoview.sources.scan.scan_folder`.
    cache : FrameCache, optional
        Where the images will keep decoded frames.

    Returns
    -------
    OpenResult
        Studies, series and frames; skipped files include records whose file is
        missing (``"listed in DICOMDIR but missing"``) or outside the DICOMDIR's folder.

    Raises
    ------
    UnreadableImageError
        If ``path`` does not exist or is not a DICOMDIR.

    """
    path = Path(path)
    if not path.is_file():
        raise UnreadableImageError(path, "no such file" if not path.exists() else "not a file")
    files, skipped = dicomdir_files(path)
    result = open_files(files, progress, cache, root=path.parent)
    result.skipped[:0] = skipped
    return result
