"""Errors that name the file and what is wrong with it."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pydicom.dataset import Dataset


class HoviewError(Exception):
    """An error about one file, shown to the user as ``<file>: <what is wrong>``.

    Parameters
    ----------
    path : str or pathlib.Path or None
        The file the error is about (``None`` when no file is involved).
    message : str
        What is wrong, in one line.
    """

    def __init__(self, path: str | Path | None, message: str) -> None:
        self.path = None if path is None else Path(path)
        self.message = " ".join(str(message).split())
        super().__init__(str(self))

    def __str__(self) -> str:
        if self.path is None:
            return self.message
        return f"{self.path}: {self.message}"


class UnreadableImageError(HoviewError):
    """The file is not an image hoview can read (not DICOM, truncated, no pixels...)."""


class NoPixelDataError(UnreadableImageError):
    """A DICOM file that holds no image (a report, a presentation state, a plan...).

    Parameters
    ----------
    path : str or pathlib.Path
        The file.
    message : str
        What it is, in one line.
    dataset : pydicom.dataset.Dataset
        Its header, so it can still be described.
    """

    def __init__(self, path: str | Path, message: str, dataset: Dataset) -> None:
        super().__init__(path, message)
        self.dataset = dataset


class UnsupportedCompressionError(UnreadableImageError):
    """The pixel data uses a compression no installed decoder handles."""


class FrameOutOfRangeError(HoviewError, IndexError):
    """A frame number outside ``1..frames`` was asked for."""
