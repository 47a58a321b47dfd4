"""RasterImage: PNG, JPEG, TIFF, BMP radiographs in 8- and 16-bit grey and RGB."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from hoview.errors import UnreadableImageError
from hoview.sources.base import FrameCache, file_sha256
from hoview.sources.opening import open_image
from hoview.sources.raster import RasterImage

RNG = np.random.default_rng(7)
GREY8 = RNG.integers(0, 256, (48, 64), dtype=np.uint8)
GREY16 = RNG.integers(0, 65536, (48, 64), dtype=np.uint16)
RGB = RNG.integers(0, 256, (48, 64, 3), dtype=np.uint8)
_Y, _X = np.mgrid[0:48, 0:64]
SMOOTH8 = (_X * 3 + _Y).astype(np.uint8)  # JPEG is lossy: smooth content, small error
SMOOTHRGB = np.stack([SMOOTH8, 255 - SMOOTH8, (_Y * 5).astype(np.uint8)], axis=-1)


@pytest.mark.parametrize(
    ("suffix", "array", "lossless"),
    [
        (".png", GREY8, True),
        (".png", GREY16, True),
        (".png", RGB, True),
        (".tif", GREY8, True),
        (".tif", GREY16, True),
        (".tif", RGB, True),
        (".bmp", GREY8, True),
        (".bmp", RGB, True),
        (".jpg", SMOOTH8, False),
        (".jpg", SMOOTHRGB, False),
    ],
    ids=["png8", "png16", "pngrgb", "tif8", "tif16", "tifrgb", "bmp8", "bmprgb", "jpg8", "jpgrgb"],
)
def test_raster_formats(tmp_path, suffix, array, lossless):
    path = tmp_path / f"film{suffix}"
    Image.fromarray(array).save(path)
    image = open_image(path, cache=FrameCache())
    assert isinstance(image, RasterImage)
    assert (image.rows, image.columns, image.frame_count) == (48, 64, 1)
    pixels = image.pixels(1)
    assert pixels.shape == array.shape and pixels.dtype == array.dtype
    colour = array.ndim == 3
    assert image.attributes.samples_per_pixel == (3 if colour else 1)
    assert image.attributes.bits_stored == array.dtype.itemsize * 8
    if lossless:
        np.testing.assert_array_equal(pixels, array)
    else:
        assert np.abs(pixels.astype(int) - array.astype(int)).mean() < 3


def test_identity_is_the_file_hash(tmp_path):
    path = tmp_path / "film.png"
    Image.fromarray(GREY16).save(path)
    image = RasterImage(path)
    assert image.identity == {"sha256": file_sha256(path), "columns": 64, "rows": 48, "frames": 1}
    assert len(image.identity["sha256"]) == 64


def test_name_does_not_decide_the_kind(tmp_path):
    path = tmp_path / "really_a_png.dcm"
    Image.fromarray(GREY8).save(path, format="PNG")
    assert open_image(path).kind == "raster"


def test_truncated_png(tmp_path):
    path = tmp_path / "cut.png"
    Image.fromarray(GREY16).save(path)
    path.write_bytes(path.read_bytes()[:200])
    with pytest.raises(UnreadableImageError, match="cut.png: cannot decode the image"):
        open_image(path).pixels(1)


def test_unsupported_image_format(tmp_path):
    path = tmp_path / "anim.gif"
    Image.fromarray(GREY8).save(path)
    with pytest.raises(UnreadableImageError, match="anim.gif: not a DICOM file or an image"):
        open_image(path)
