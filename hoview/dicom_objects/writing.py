"""Writing the DICOM objects hoview makes: atomically, with a one-line error."""

from __future__ import annotations

import io
from pathlib import Path

from pydicom.dataset import Dataset

from hoview.annotations.atomic import write_atomic
from hoview.errors import HoviewError

__all__ = ["write_dataset"]


def write_dataset(ds: Dataset, out: Path) -> None:
    """Write ``ds`` (with its file meta) to ``out`` atomically.

    Raises
    ------
    HoviewError
        If ``out``'s folder does not exist or the file cannot be written.
    """
    buffer = io.BytesIO()
    ds.save_as(buffer, enforce_file_format=True)
    folder = out.parent if str(out.parent) else Path(".")
    if not folder.is_dir():
        raise HoviewError(out, "the output folder does not exist")
    try:
        write_atomic(out, buffer.getvalue(), backup=False)
    except OSError as exc:
        raise HoviewError(out, f"cannot write ({exc.strerror or exc})") from None
