"""Where pixels come from: DICOM files, raster images, folders and DICOMDIRs. No Qt.

:func:`open_path` is the front door: give it a file, a folder or a DICOMDIR and it
returns studies, series and lazily decoded frames.
"""

from __future__ import annotations

from pathlib import Path

from hoview.errors import UnreadableImageError
from hoview.sources.base import (
    Frame,
    FrameCache,
    ImageSource,
    OpenResult,
    Series,
    Skipped,
    Study,
)
from hoview.sources.dicom import DicomImage
from hoview.sources.dicomdir import is_dicomdir, read_dicomdir
from hoview.sources.opening import open_image
from hoview.sources.raster import RasterImage
from hoview.sources.scan import Progress, group_images, scan_folder

__all__ = [
    "DicomImage",
    "Frame",
    "FrameCache",
    "ImageSource",
    "OpenResult",
    "RasterImage",
    "Series",
    "Skipped",
    "Study",
    "group_images",
    "open_image",
    "open_path",
    "read_dicomdir",
    "scan_folder",
]


def open_path(
    path: str | Path, progress: Progress | None = None, cache: FrameCache | None = None
) -> OpenResult:
    """Open a file, a folder or a DICOMDIR as studies, series and frames.

    A folder is scanned (:func:`scan_folder`), even when it holds a DICOMDIR: a scan
    also finds files an incomplete DICOMDIR leaves out. A file named ``DICOMDIR``, or
    of SOP Class Media Storage Directory Storage, is read with :func:`read_dicomdir`.
    Any other file is opened with :func:`open_image` and grouped like a scan, so a
    single DICOM file keeps its study and series UIDs.

    Parameters
    ----------
    path : str or pathlib.Path
        A file, a folder or a DICOMDIR.
    progress : callable, optional
        ``progress(done, total)`` for folders and DICOMDIRs.
    cache : FrameCache, optional
        Where the images will keep decoded frames.

    Returns
    -------
    OpenResult
        Studies with their series and frames, and the files left out.

    Raises
    ------
    UnreadableImageError
        If ``path`` does not exist, or is a single file that cannot be opened.

    """
    path = Path(path)
    if not path.exists():
        raise UnreadableImageError(path, "no such file or folder")
    if path.is_dir():
        return scan_folder(path, progress, cache)
    if is_dicomdir(path):
        return read_dicomdir(path, progress, cache)
    if progress is not None:
        progress(0, 1)
    image = open_image(path, cache)
    if progress is not None:
        progress(1, 1)
    return group_images([image])
