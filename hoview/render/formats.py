"""The one list of output formats: which file endings the exports write.

No Qt, so the command line can name the formats in its help without loading the
painter.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from hoview.errors import HoviewError

#: Image formats by file name ending, as Pillow names them.
FORMATS = {
    ".png": "PNG",
    ".jpg": "JPEG",
    ".jpeg": "JPEG",
    ".tif": "TIFF",
    ".tiff": "TIFF",
    ".bmp": "BMP",
}

#: The ending of a PDF handout (``hoview montage``).
PDF_SUFFIX = ".pdf"

#: The endings that ask ``hoview render`` for a de-identified DICOM Secondary Capture.
DICOM_SUFFIXES = (".dcm", ".dicom")


def allowed_endings(also: Sequence[str] = ()) -> str:
    """Name every ending of :data:`FORMATS`, then ``also``.

    Parameters
    ----------
    also : sequence of str
        Further endings a command accepts (:data:`PDF_SUFFIX`, :data:`DICOM_SUFFIXES`).

    Returns
    -------
    str
        ``".png, .jpg, .jpeg, .tif, .tiff, .bmp or .pdf"``.
    """
    endings = [*FORMATS, *also]
    return ", ".join(endings[:-1]) + " or " + endings[-1]


def output_format(path: Path, also: Sequence[str] = ()) -> str:
    """Return the Pillow format for ``path``'s ending.

    Parameters
    ----------
    path : pathlib.Path
        The output file.
    also : sequence of str
        Further endings the caller writes itself (``.pdf``, ``.dcm``); they are named
        in the error, so that it lists every format the command accepts.

    Returns
    -------
    str
        The Pillow format name, e.g. ``"PNG"``.

    Raises
    ------
    HoviewError
        If the ending is not in :data:`FORMATS`, listing every allowed ending.
    """
    try:
        return FORMATS[path.suffix.lower()]
    except KeyError:
        ending = repr(path.suffix) if path.suffix else "(no ending)"
        raise HoviewError(
            path, f"unknown output format {ending}; use {allowed_endings(also)}"
        ) from None
