"""The plain film (``hoview render --no-annotations``) is written without Qt, pixel for pixel
as the painting path writes it.

The painting path turns the windowed frame into a QImage, paints over it and turns it
back into an array (:func:`hoview.render.export.draw_annotations`); the plain path hands
the windowed frame to Pillow directly. With nothing to paint, both PNGs must hold the
same pixels, for every kind of image.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.uid import (
    CTImageStorage,
    DigitalXRayImageStorageForPresentation,
    ExplicitVRLittleEndian,
    SecondaryCaptureImageStorage,
)

from hoview.annotations import AnnotationDocument, Arrow, Layer, load, save
from hoview.render.commands import render_to_file
from hoview.render.export import draw_annotations, pick_frame, render_frame, save_image
from hoview.sources import open_image

ROWS, COLUMNS = 60, 84  # not square: a transposed image would not fit


def _dataset(sop_class: str, uid: str) -> Dataset:
    ds = Dataset()
    ds.file_meta = FileMetaDataset()
    ds.file_meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds.file_meta.MediaStorageSOPClassUID = sop_class
    ds.file_meta.MediaStorageSOPInstanceUID = uid
    ds.SOPClassUID, ds.SOPInstanceUID = sop_class, uid
    ds.Rows, ds.Columns = ROWS, COLUMNS
    return ds


def _grey(ds: Dataset, stored: np.ndarray, bits: int, signed: bool, photometric: str) -> None:
    ds.SamplesPerPixel = 1
    ds.PhotometricInterpretation = photometric
    ds.BitsAllocated, ds.BitsStored, ds.HighBit = 16, bits, bits - 1
    ds.PixelRepresentation = int(signed)
    ds.PixelData = stored.astype("<i2" if signed else "<u2").tobytes()


def _ct(path: Path, rng: np.random.Generator) -> None:
    ds = _dataset(CTImageStorage, "2.25.7001")
    ds.Modality = "CT"
    _grey(ds, rng.integers(-500, 3000, (ROWS, COLUMNS)), 16, True, "MONOCHROME2")
    ds.RescaleIntercept, ds.RescaleSlope = "-1024", "1"
    ds.WindowCenter, ds.WindowWidth = ["40", "400"], ["400", "1800"]
    ds.save_as(path, enforce_file_format=True)


def _dx(path: Path, rng: np.random.Generator, photometric: str = "MONOCHROME2") -> None:
    ds = _dataset(DigitalXRayImageStorageForPresentation, f"2.25.700{len(photometric)}")
    ds.Modality = "DX"
    _grey(ds, rng.integers(0, 4096, (ROWS, COLUMNS)), 12, False, photometric)
    ds.WindowCenter, ds.WindowWidth = "2048", "3000"
    ds.save_as(path, enforce_file_format=True)


def _rgb(path: Path, rng: np.random.Generator) -> None:
    ds = _dataset(SecondaryCaptureImageStorage, "2.25.7003")
    ds.Modality = "OT"
    ds.SamplesPerPixel = 3
    ds.PhotometricInterpretation = "RGB"
    ds.PlanarConfiguration = 0
    ds.BitsAllocated, ds.BitsStored, ds.HighBit = 8, 8, 7
    ds.PixelRepresentation = 0
    ds.PixelData = rng.integers(0, 256, (ROWS, COLUMNS, 3)).astype(np.uint8).tobytes()
    ds.save_as(path, enforce_file_format=True)


MAKERS = {
    "ct": _ct,
    "dx": _dx,
    "rgb": _rgb,
    "monochrome1": lambda path, rng: _dx(path, rng, "MONOCHROME1"),
}


@pytest.fixture(params=sorted(MAKERS))
def image(request, tmp_path) -> Path:
    path = tmp_path / f"{request.param}.dcm"
    MAKERS[request.param](path, np.random.default_rng(len(request.param)))
    return path


def _pixels(path: Path) -> np.ndarray:
    with Image.open(path) as png:
        return np.asarray(png)


@pytest.mark.parametrize("window", [None, (1000.0, 2500.0)])
def test_plain_png_is_the_qt_paths_png(image, window, tmp_path):
    plain = tmp_path / "plain.png"
    render_to_file(image, plain, window=window, annotations=False)

    frame = pick_frame(image, 1)
    empty = AnnotationDocument(frame.source.identity)
    through_qt = draw_annotations(render_frame(frame, window), empty, 1, 1.0)
    assert through_qt.ndim == 3  # the painter's RGB32 image, back as an array
    qt = tmp_path / "qt.png"
    save_image(through_qt, qt)

    ours, theirs = _pixels(plain), _pixels(qt)
    assert ours.shape[:2] == (ROWS, COLUMNS)
    np.testing.assert_array_equal(ours, theirs)
    assert len(np.unique(ours)) > 2  # a real picture, not a blank one that matches anyway
    if "rgb" in image.name:
        assert ours.ndim == 3
    else:
        assert ours.ndim == 2  # grey stays one channel


def test_plain_png_is_the_png_of_a_render_whose_arrows_are_hidden(image, tmp_path):
    """End to end: a sidecar whose only arrow is on a hidden layer goes through Qt."""
    source = open_image(image)
    hidden = Layer("Hidden", id="hidden", visible=False)
    arrow = Arrow(tail=(10.0, 10.0), head=(40.0, 30.0), label="HO", layer="hidden")
    save(AnnotationDocument(source.identity, [hidden], [arrow]), image)
    assert len(load(image, source.identity).annotations) == 1  # so the painter runs
    painted, plain = tmp_path / "painted.png", tmp_path / "plain.png"
    render_to_file(image, painted)
    render_to_file(image, plain, annotations=False)
    np.testing.assert_array_equal(_pixels(plain), _pixels(painted))


def test_the_monochrome1_film_is_inverted(tmp_path):
    rng = np.random.default_rng(1)
    _dx(tmp_path / "m2.dcm", rng)
    _dx(tmp_path / "m1.dcm", np.random.default_rng(1), "MONOCHROME1")
    for name in ("m1", "m2"):
        render_to_file(tmp_path / f"{name}.dcm", tmp_path / f"{name}.png", annotations=False)
    m1, m2 = _pixels(tmp_path / "m1.png"), _pixels(tmp_path / "m2.png")
    np.testing.assert_array_equal(m1.astype(int), 255 - m2.astype(int))
