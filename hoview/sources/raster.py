"""Radiographs saved as plain images: PNG, JPEG, TIFF, BMP (Pillow).

A teaching file's PNG has no DICOM header: no window, no pixel spacing, no patient.
8- and 16-bit grey images become MONOCHROME2 stored values; colour images RGB.
"""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image, UnidentifiedImageError

from hoview.display.attributes import PixelAttributes
from hoview.errors import UnreadableImageError
from hoview.sources.base import FrameCache, ImageSource

#: File name endings hoview treats as raster images.
RASTER_SUFFIXES = (".png", ".jpg", ".jpeg", ".tif", ".tiff", ".bmp")

#: Pillow formats hoview accepts (whatever the file is called).
RASTER_FORMATS = ("PNG", "JPEG", "TIFF", "BMP", "MPO")

#: Refuse images larger than this many pixels (a decompression bomb, not a film).
MAX_PIXELS = 40000 * 40000


def _open(path: Path) -> Image.Image:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(path)
    except (UnidentifiedImageError, Image.DecompressionBombWarning) as exc:
        raise UnreadableImageError(path, "not an image file hoview can read") from exc
    except Image.DecompressionBombError as exc:
        raise UnreadableImageError(path, "image is too large to open") from exc
    except OSError as exc:
        raise UnreadableImageError(path, f"cannot open the image ({exc})") from exc
    if image.format not in RASTER_FORMATS:
        image.close()
        raise UnreadableImageError(path, f"{image.format} images are not supported")
    return image


def _describe(image: Image.Image, path: Path) -> tuple[int, bool, int]:
    """Bits per sample, colour or not, and frame count of an opened image."""
    mode = image.mode
    if mode in ("1", "L", "LA"):
        return 8, False, _frames(image)
    if mode in ("P", "PA"):
        return 8, not _palette_is_grey(image), _frames(image)
    if mode in ("I;16", "I;16B", "I;16L", "I;16N", "I"):
        return 16, False, _frames(image)
    if mode in ("RGB", "RGBA", "CMYK", "YCbCr", "RGBX"):
        return 8, True, _frames(image)
    if mode == "F":
        return 32, False, _frames(image)
    raise UnreadableImageError(path, f"pixel mode {mode!r} is not supported")


def _frames(image: Image.Image) -> int:
    return max(int(getattr(image, "n_frames", 1) or 1), 1)


def _palette_is_grey(image: Image.Image) -> bool:
    palette = image.getpalette() or []
    triples = np.asarray(palette[: (len(palette) // 3) * 3]).reshape(-1, 3)
    return bool(np.all(triples[:, 0] == triples[:, 1]) and np.all(triples[:, 1] == triples[:, 2]))


class RasterImage(ImageSource):
    """A PNG, JPEG, TIFF or BMP radiograph.

    Parameters
    ----------
    path : str or pathlib.Path
        The image file.
    cache : FrameCache, optional
        Where decoded frames are kept.

    Raises
    ------
    UnreadableImageError
        If the file is not an image Pillow reads, or uses an unsupported pixel mode.

    """

    kind = "raster"

    def __init__(self, path: str | Path, cache: FrameCache | None = None) -> None:
        super().__init__(path, cache)
        with _open(self.path) as image:
            self._size = image.size
            self._format = str(image.format)
            bits, colour, frames = _describe(image, self.path)
            if self._size[0] * self._size[1] > MAX_PIXELS:
                raise UnreadableImageError(self.path, "image is too large to open")
        self._frames = frames
        self._attributes = PixelAttributes(
            photometric="RGB" if colour else "MONOCHROME2",
            samples_per_pixel=3 if colour else 1,
            bits_stored=8 if colour else bits,
        )

    @property
    def rows(self) -> int:
        """Image height in pixels."""
        return int(self._size[1])

    @property
    def columns(self) -> int:
        """Image width in pixels."""
        return int(self._size[0])

    @property
    def frame_count(self) -> int:
        """Pages of a multi-page TIFF, else 1."""
        return self._frames

    @property
    def attributes(self) -> PixelAttributes:
        """Grey images are MONOCHROME2 with no window (min..max by default)."""
        return self._attributes

    @property
    def identity(self) -> dict[str, Any]:
        """The file's SHA-256 and the image's size."""
        return {
            "sha256": self.sha256,
            "columns": self.columns,
            "rows": self.rows,
            "frames": self.frame_count,
        }

    @property
    def metadata(self) -> dict[str, Any]:
        """The file format, and the modality a plain radiograph has (none)."""
        return {"format": self._format, "series_description": self.path.name}

    @property
    def pixel_spacing(self) -> tuple[float, float] | None:
        """Never known for a raster image: a scanned film's dpi is not the patient's."""
        return None

    def _decode(self, number: int) -> np.ndarray:
        try:
            with _open(self.path) as image:
                image.seek(number - 1)
                return _to_array(image, self._attributes)
        except UnreadableImageError:
            raise
        except (OSError, ValueError, EOFError, SyntaxError) as exc:
            raise UnreadableImageError(self.path, f"cannot decode the image ({exc})") from exc


def _to_array(image: Image.Image, attrs: PixelAttributes) -> np.ndarray:
    """Pixels as stored values: uint8/uint16 grey or uint8 RGB."""
    image.load()
    if attrs.samples_per_pixel == 3:
        return np.asarray(image.convert("RGB"), dtype=np.uint8)
    mode = image.mode
    if mode in ("1", "L", "LA", "P", "PA"):
        return np.asarray(image.convert("L"), dtype=np.uint8)
    if mode.startswith("I;16"):
        return np.asarray(image).astype(np.uint16, copy=False)
    if mode == "I":
        arr = np.asarray(image)
        return np.clip(arr, 0, 65535).astype(np.uint16)
    return np.asarray(image, dtype=np.float32)
