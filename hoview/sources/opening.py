"""Open one image file, whatever its kind, by looking at its content."""

from __future__ import annotations

from pathlib import Path

from hoview.errors import UnreadableImageError
from hoview.sources.base import FrameCache, ImageSource
from hoview.sources.dicom import DicomImage, has_dicom_preamble, looks_like_dicom
from hoview.sources.raster import RasterImage

_RASTER_MAGIC = (
    b"\x89PNG\r\n\x1a\n",
    b"\xff\xd8\xff",
    b"II*\x00",
    b"MM\x00*",
    b"BM",
)


def looks_like_raster(path: str | Path) -> bool:
    """Say whether a file starts like a PNG, JPEG, TIFF or BMP."""
    try:
        with open(path, "rb") as f:
            head = f.read(8)
    except OSError:
        return False
    return any(head.startswith(magic) for magic in _RASTER_MAGIC)


def open_image(path: str | Path, cache: FrameCache | None = None) -> ImageSource:
    """Open one image file: DICOM, or a PNG / JPEG / TIFF / BMP radiograph.

    The kind is decided by the file's content, not its name.

    Parameters
    ----------
    path : str or pathlib.Path
        The file.
    cache : FrameCache, optional
        Where decoded frames are kept.

    Returns
    -------
    ImageSource
        A :class:`DicomImage` or a :class:`RasterImage`; no pixels decoded yet.

    Raises
    ------
    UnreadableImageError
        If the file does not exist, is empty, or is neither DICOM nor a raster image.

    """
    path = Path(path)
    if not path.exists():
        raise UnreadableImageError(path, "no such file")
    if path.is_dir():
        raise UnreadableImageError(path, "is a folder, not an image file")
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise UnreadableImageError(path, f"cannot read the file ({exc.strerror})") from exc
    if size == 0:
        raise UnreadableImageError(path, "the file is empty")
    if has_dicom_preamble(path):
        return DicomImage(path, cache)
    if looks_like_raster(path):
        return RasterImage(path, cache)
    if looks_like_dicom(path):
        return DicomImage(path, cache)
    raise UnreadableImageError(path, "not a DICOM file or an image hoview can read")
