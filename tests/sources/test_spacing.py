"""Which spacing a measurement uses: Pixel Spacing, Imager Pixel Spacing, ERMF, none."""

from __future__ import annotations

import pickle

import pydicom
import pytest
from pydicom import config
from pydicom.dataelem import RawDataElement

from hoview.sources.opening import open_image
from hoview.sources.spacing import Spacing, read_spacing, spacing_source


@pytest.fixture
def film(tmp_path, make_dicom):
    """Return a function writing a small DX-like image with the given header values.

    Values are written as the raw DS text, so malformed ones reach the file as they are.
    """

    def write(name: str = "film.dcm", **elements: str):
        path = make_dicom(tmp_path / name, modality="DX")
        ds = pydicom.dcmread(path)
        for keyword, text in elements.items():
            tag = pydicom.datadict.tag_for_keyword(keyword)
            vr = pydicom.datadict.dictionary_VR(tag)
            raw = text.encode() + b" " * (len(text) % 2)
            ds[tag] = RawDataElement(tag, vr, len(raw), raw, 0, True, True)
        old = config.settings.writing_validation_mode
        config.settings.writing_validation_mode = config.IGNORE
        try:
            ds.save_as(path, enforce_file_format=True)
        finally:
            config.settings.writing_validation_mode = old
        return path

    return write


def test_pixel_spacing_first_with_its_calibration_type(film):
    path = film(
        PixelSpacing="0.5\\0.25",
        ImagerPixelSpacing="0.2\\0.2",
        EstimatedRadiographicMagnificationFactor="1.25",
        PixelSpacingCalibrationType="GEOMETRY",
        PixelSpacingCalibrationDescription="ruler at the table",
    )
    source = open_image(path)
    spacing = source.spacing
    assert spacing == (0.5, 0.25) and source.pixel_spacing == (0.5, 0.25)
    assert spacing.source == "pixel-spacing"
    assert spacing.row == 0.5 and spacing.column == 0.25
    assert spacing.calibration_type == "GEOMETRY"
    assert spacing.calibration_description == "ruler at the table"


def test_imager_pixel_spacing_divided_by_ermf(film):
    source = open_image(
        film(ImagerPixelSpacing="0.2\\0.15", EstimatedRadiographicMagnificationFactor="1.25")
    )
    assert source.spacing.source == "ermf"
    assert source.pixel_spacing == pytest.approx((0.16, 0.12))
    row, column = source.pixel_spacing  # still a plain (row, column) pair for every caller
    assert (row, column) == pytest.approx((0.16, 0.12))


def test_imager_pixel_spacing_alone_is_at_the_detector(film):
    source = open_image(film(ImagerPixelSpacing="0.2\\0.2"))
    assert source.spacing == (0.2, 0.2)
    assert source.spacing.source == "imager-pixel-spacing"
    assert spacing_source(source.pixel_spacing) == "imager-pixel-spacing"


@pytest.mark.parametrize("factor", ["0", "-1.2", "nan", "abc", "1.1\\1.2", ""])
def test_a_bad_magnification_factor_is_ignored(film, factor):
    source = open_image(
        film(ImagerPixelSpacing="0.2\\0.2", EstimatedRadiographicMagnificationFactor=factor)
    )
    assert source.spacing == (0.2, 0.2)
    assert source.spacing.source == "imager-pixel-spacing"


@pytest.mark.parametrize(
    "bad", ["0\\0.2", "-0.2\\0.2", "nan\\0.2", "inf\\0.2", "0.2", "0.2\\0.2\\0.2", "abc\\0.2", ""]
)
def test_malformed_pixel_spacing_counts_as_absent(film, bad):
    source = open_image(film(PixelSpacing=bad, ImagerPixelSpacing="0.3\\0.3"))
    assert source.spacing == (0.3, 0.3)
    assert source.spacing.source == "imager-pixel-spacing"
    assert open_image(film("only.dcm", PixelSpacing=bad)).pixel_spacing is None


@pytest.mark.parametrize("bad", ["0\\0", "-1\\1", "nan\\nan", "1", "x\\y"])
def test_malformed_imager_pixel_spacing_means_pixels(film, bad):
    source = open_image(film(ImagerPixelSpacing=bad, EstimatedRadiographicMagnificationFactor="2"))
    assert source.spacing is None and source.pixel_spacing is None
    assert spacing_source(source.spacing) == "pixels"


def test_dicom_without_spacing_and_raster_images_have_none(tmp_path, make_dicom, make_png):
    assert open_image(make_dicom(tmp_path / "plain.dcm")).spacing is None
    raster = open_image(make_png(tmp_path / "film.png"))
    assert raster.spacing is None and raster.pixel_spacing is None


def test_spacing_checks_what_it_is_given():
    with pytest.raises(ValueError, match="positive"):
        Spacing(0, 0.2, "pixel-spacing")
    with pytest.raises(ValueError, match="source"):
        Spacing(0.2, 0.2, "guess")
    with pytest.raises(ValueError, match="source"):
        Spacing(0.2, 0.2, "pixels")  # no spacing is None, not a spacing


def test_spacing_is_a_plain_pair_for_old_callers():
    spacing = Spacing(0.5, 0.25, "ermf")
    assert spacing == (0.5, 0.25) and list(spacing) == [0.5, 0.25] and len(spacing) == 2
    assert spacing_source((0.5, 0.25)) == "pixel-spacing"  # a bare pair is Pixel Spacing
    copy = pickle.loads(pickle.dumps(spacing))
    assert copy == spacing and copy.source == "ermf"


def test_read_spacing_works_on_a_bare_dataset():
    ds = pydicom.Dataset()
    ds.ImagerPixelSpacing = [0.2, 0.1]
    ds.EstimatedRadiographicMagnificationFactor = 2
    assert read_spacing(ds) == pytest.approx((0.1, 0.05))
    assert read_spacing(pydicom.Dataset()) is None
