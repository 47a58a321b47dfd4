"""Radiographs saved as plain images: PNG, JPEG, TIFF, BMP (Pillow).

A teaching file's PNG has no DICOM header: no window, no pixel spacing, no patient.
8- and 16-bit grey images become MONOCHROME2 stored values; colour images RGB.
"""

from __future__ import annotations

import struct
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

#: hoview's own limit on the pixels of one raster image, in megapixels. Chosen for
#: memory: the largest radiographs are under 50 megapixels (43 x 43 cm at 0.06 mm), and
#: showing an image holds its stored values, their pyramid (a third more), the 8-bit
#: display image and the screen's 32-bit copy of the visible part -- see
#: :func:`display_bytes`. At 250 megapixels that is about 2 GB for 8-bit grey.
MAX_MEGAPIXELS = 250

#: The longest side hoview shows, in pixels (DICOM's Rows and Columns limit too).
MAX_SIDE = 65535

#: The same limit in pixels.
MAX_PIXELS = MAX_MEGAPIXELS * 1_000_000

# Pillow's own decompression-bomb check (89 megapixels, an error at twice that) would
# refuse images under hoview's limit with a misleading message; hoview checks the size
# itself, from the header, before decoding anything.
Image.MAX_IMAGE_PIXELS = max(Image.MAX_IMAGE_PIXELS or 0, MAX_PIXELS)


def display_bytes(pixels: int, bytes_per_pixel: int) -> int:
    """Estimate the memory needed to show an image of ``pixels`` pixels.

    Stored values and their pyramid (4/3 of them), an 8-bit display copy per
    sample, and a 32-bit screen image.
    """
    samples = 3 if bytes_per_pixel == 3 else 1
    return int(pixels * (bytes_per_pixel * 4 / 3 + samples + 4))


def _open(path: Path) -> Image.Image:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(path)
    except UnidentifiedImageError as exc:
        raise UnreadableImageError(path, "not an image file hoview can read") from exc
    except Image.DecompressionBombError as exc:
        raise UnreadableImageError(path, f"image is too large to open ({exc})") from exc
    except _PILLOW_ERRORS as exc:
        raise UnreadableImageError(path, f"cannot open the image ({exc})") from exc
    if image.format not in RASTER_FORMATS:
        image.close()
        raise UnreadableImageError(path, f"{image.format} images are not supported")
    _check_size(image, path)
    return image


def _check_size(image: Image.Image, path: Path) -> None:
    """Refuse an image over :data:`MAX_MEGAPIXELS`, saying the size and the memory."""
    width, height = image.size
    if width < 1 or height < 1:
        raise UnreadableImageError(path, f"image size {width} x {height} is empty")
    if max(width, height) > MAX_SIDE:
        raise UnreadableImageError(
            path, f"image is {width} x {height}: a side over hoview's limit of {MAX_SIDE} pixels"
        )
    pixels = width * height
    if pixels > MAX_PIXELS:
        per_pixel = {"I;16": 2, "I": 4, "F": 4, "RGB": 3, "RGBA": 3, "CMYK": 3}
        need = display_bytes(pixels, per_pixel.get(image.mode, 1))
        raise UnreadableImageError(
            path,
            f"image is {width} x {height}: {pixels / 1e6:.0f} megapixels is over "
            f"hoview's limit of {MAX_MEGAPIXELS} megapixels (about {need / 2**30:.1f} GB "
            "to display)",
        )


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


#: What Pillow raises on malformed files (a TIFF page without dimensions is a TypeError).
_PILLOW_ERRORS = (
    OSError,
    ValueError,
    EOFError,
    SyntaxError,
    struct.error,
    TypeError,
    KeyError,
    IndexError,
    ZeroDivisionError,
)

#: More pages than this are not looked at (a TIFF of 10,000 pages is not a film).
MAX_PAGES = 2000


def _kind(mode: str) -> str:
    """Return the pixel kind a mode decodes to here: grey 8, grey 16, float, or colour."""
    if mode in ("1", "L", "LA", "P", "PA"):
        return "grey8"
    if mode.startswith("I"):
        return "grey16"
    return "float" if mode == "F" else "colour"


def _matching_pages(image: Image.Image, frames: int, path: Path) -> tuple[list[int], tuple]:
    """Return the pages of the size and kind of the first page, and a note on the rest.

    A multi-page TIFF whose later page has another size or pixel mode would be drawn
    wrongly with the first page's description; such pages are left out and named.
    """
    first, mode = (image.size, _kind(image.mode)), image.mode
    pages, odd = [0], []
    for page in range(1, min(frames, MAX_PAGES)):
        try:
            image.seek(page)
        except _PILLOW_ERRORS:
            odd.append(f"page {page + 1} cannot be read")
            break
        if (image.size, _kind(image.mode)) == first:
            pages.append(page)
        else:
            odd.append(f"page {page + 1} is {image.size[0]} x {image.size[1]} {image.mode}")
    notes: tuple[str, ...] = ()
    if odd:
        size = f"{first[0][0]} x {first[0][1]} {mode}"
        notes = (
            f"{'; '.join(odd[:3])}{' ...' if len(odd) > 3 else ''}: unlike page 1 "
            f"({size}), left out",
        )
    if frames > MAX_PAGES:
        notes += (f"only the first {MAX_PAGES} of {frames} pages are shown",)
    return pages, notes


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
            try:
                self._size, self._first_mode = image.size, image.mode
                self._format = str(image.format)
                bits, colour, frames = _describe(image, self.path)
                self._pages, self._warnings = _matching_pages(image, frames, self.path)
            except _PILLOW_ERRORS as exc:
                raise UnreadableImageError(self.path, f"cannot read the image ({exc})") from exc
        self._frames = len(self._pages)
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
        """Pages of a multi-page TIFF (those like the first), else 1."""
        return self._frames

    @property
    def warnings(self) -> tuple[str, ...]:
        """Pages of a multi-page file left out because they differ from the first."""
        return self._warnings

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
                image.seek(self._pages[number - 1])
                if (image.size, _kind(image.mode)) != (self._size, _kind(self._first_mode)):
                    raise UnreadableImageError(self.path, "the file changed since it was opened")
                return _to_array(image, self._attributes)
        except UnreadableImageError:
            raise
        except _PILLOW_ERRORS as exc:
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
