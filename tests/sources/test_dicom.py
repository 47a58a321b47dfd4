"""DicomImage: every transfer syntax pydicom decodes, lazy frames, overlays, bad input."""

from __future__ import annotations

import shutil
import warnings

import numpy as np
import pydicom
import pytest
from pydicom.uid import UID

from hoview.errors import FrameOutOfRangeError, UnreadableImageError, UnsupportedCompressionError
from hoview.sources.base import FrameCache
from hoview.sources.dicom import DicomImage
from hoview.sources.opening import open_image

# One file per transfer syntax (and the odd encodings), with what pydicom says it is.
TRANSFER_SYNTAX_FILES = {
    "MR_small_implicit.dcm": "1.2.840.10008.1.2",  # implicit VR little endian
    "CT_small.dcm": "1.2.840.10008.1.2.1",  # explicit VR little endian
    "MR_small_bigendian.dcm": "1.2.840.10008.1.2.2",  # explicit VR big endian
    "image_dfl.dcm": "1.2.840.10008.1.2.1.99",  # deflated
    "MR_small_RLE.dcm": "1.2.840.10008.1.2.5",  # RLE lossless
    "SC_rgb_jpeg_dcmtk.dcm": "1.2.840.10008.1.2.4.50",  # JPEG baseline
    "JPGExtended.dcm": "1.2.840.10008.1.2.4.51",  # JPEG extended 12-bit
    "SC_rgb_jpeg_gdcm.dcm": "1.2.840.10008.1.2.4.70",  # JPEG lossless SV1
    "MR_small_jpeg_ls_lossless.dcm": "1.2.840.10008.1.2.4.80",  # JPEG-LS lossless
    "JPEGLSNearLossless_16.dcm": "1.2.840.10008.1.2.4.81",  # JPEG-LS near-lossless
    "MR_small_jp2klossless.dcm": "1.2.840.10008.1.2.4.90",  # JPEG 2000 lossless
    "JPEG2000.dcm": "1.2.840.10008.1.2.4.91",  # JPEG 2000
}


def _pydicom_frames(path) -> np.ndarray:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ds = pydicom.dcmread(path, force=True)
        if "TransferSyntaxUID" not in ds.file_meta:
            implicit, little = ds.original_encoding
            ds.file_meta.TransferSyntaxUID = (
                pydicom.uid.ImplicitVRLittleEndian
                if implicit
                else pydicom.uid.ExplicitVRLittleEndian
                if little
                else pydicom.uid.ExplicitVRBigEndian
            )
        return ds.pixel_array


@pytest.mark.parametrize("name", sorted(TRANSFER_SYNTAX_FILES))
def test_each_transfer_syntax_decodes_like_pydicom(pydicom_files, name):
    path = pydicom_files / name
    image = DicomImage(path, cache=FrameCache())
    assert image.transfer_syntax == TRANSFER_SYNTAX_FILES[name]
    ours = image.pixels(1)
    assert ours.shape[:2] == (image.rows, image.columns)
    np.testing.assert_array_equal(ours, _pydicom_frames(path))


@pytest.mark.parametrize(
    ("implicit", "little"),
    [(True, True), (False, True)],
    ids=["implicit-little", "explicit-little"],
)
def test_data_set_without_preamble_or_file_meta_opens(pydicom_files, tmp_path, implicit, little):
    ds = pydicom.dcmread(pydicom_files / "MR_small.dcm")
    reference = ds.pixel_array
    ds.preamble = None
    ds.file_meta = pydicom.dataset.FileMetaDataset()
    path = tmp_path / "bare.dcm"
    ds.save_as(path, implicit_vr=implicit, little_endian=little, enforce_file_format=False)
    assert path.read_bytes()[128:132] != b"DICM"
    image = open_image(path, cache=FrameCache())
    assert image.kind == "dicom"
    np.testing.assert_array_equal(image.pixels(1), reference)


def test_pydicom_no_meta_file_is_a_plan_not_an_image(pydicom_files):
    with pytest.raises(UnreadableImageError, match="has no pixel data"):
        open_image(pydicom_files / "ExplVR_LitEndNoMeta.dcm")


def test_multiframe_decodes_one_frame_at_a_time(pydicom_files):
    cache = FrameCache()
    image = DicomImage(pydicom_files / "examples_ybr_color.dcm", cache=cache)
    assert image.frame_count == 30
    assert len(cache) == 0  # opening decodes nothing
    frame = image.pixels(17)
    assert len(cache) == 1
    assert frame.shape == (240, 320, 3) and frame.dtype == np.uint8
    np.testing.assert_array_equal(
        frame, _pydicom_frames(pydicom_files / "examples_ybr_color.dcm")[16]
    )
    assert image.pixels(17) is frame  # cached


def test_multiframe_grey_every_frame_matches(pydicom_files):
    image = DicomImage(pydicom_files / "rtdose.dcm", cache=FrameCache())
    reference = _pydicom_frames(pydicom_files / "rtdose.dcm")
    assert image.frame_count == reference.shape[0] == 15
    for n in range(1, 16):
        np.testing.assert_array_equal(image.pixels(n), reference[n - 1])


def test_frame_cache_is_bounded():
    cache = FrameCache(max_bytes=3 * 1000)
    for key in range(10):
        cache.get(key, lambda: np.zeros(1000, np.uint8))
    assert cache.nbytes <= 3000 and len(cache) == 3


def test_frames_are_numbered_from_one(pydicom_files):
    image = DicomImage(pydicom_files / "CT_small.dcm")
    with pytest.raises(FrameOutOfRangeError, match="frame 2 is out of range"):
        image.pixels(2)
    with pytest.raises(FrameOutOfRangeError, match="frame 0"):
        image.frame(0)
    with pytest.raises(TypeError):
        image.pixels(1.0)


def test_header_attributes(pydicom_files):
    ct = DicomImage(pydicom_files / "CT_small.dcm")
    attrs = ct.attributes
    assert attrs.units == "HU" and attrs.signed
    assert attrs.rescale_intercept == float(
        pydicom.dcmread(pydicom_files / "CT_small.dcm").RescaleIntercept
    )
    assert ct.pixel_spacing is not None
    assert ct.identity["sop_instance_uid"] == str(
        pydicom.dcmread(pydicom_files / "CT_small.dcm").SOPInstanceUID
    )
    assert ct.metadata["modality"] == "CT"
    overlay_file = DicomImage(pydicom_files / "examples_overlay.dcm")
    assert len(overlay_file.attributes.windows) == 2
    mono1 = pydicom.dcmread(pydicom_files / "examples_overlay.dcm")
    assert mono1.PhotometricInterpretation == "MONOCHROME2"


def test_monochrome1_and_palette(pydicom_files, tmp_path):
    ds = pydicom.dcmread(pydicom_files / "CT_small.dcm")
    ds.PhotometricInterpretation = "MONOCHROME1"
    path = tmp_path / "mono1.dcm"
    ds.save_as(path)
    assert DicomImage(path).attributes.presentation_inverse
    palette = DicomImage(pydicom_files / "examples_palette.dcm")
    assert palette.attributes.palette is not None
    assert palette.attributes.palette.shape[1] == 3 and palette.attributes.is_colour


def test_overlay_is_read_as_a_bitmap(pydicom_files):
    image = DicomImage(pydicom_files / "examples_overlay.dcm")
    (overlay,) = image.overlays
    assert overlay.group == 0x6000
    assert overlay.bitmap.dtype == bool
    assert overlay.bitmap.shape == (image.rows, image.columns)
    assert 0 < overlay.bitmap.sum() < overlay.bitmap.size


# --- bad input: one clear line naming the file ------------------------------------


def test_truncated_pixel_data(pydicom_files):
    with pytest.raises(UnreadableImageError, match="MR_truncated.dcm: pixel data is truncated"):
        open_image(pydicom_files / "MR_truncated.dcm")


def test_pixel_data_cut_off_at_the_end_of_the_file(pydicom_files, tmp_path):
    data = (pydicom_files / "CT_small.dcm").read_bytes()
    path = tmp_path / "cut_pixels.dcm"
    path.write_bytes(data[:-5000])
    with pytest.raises(UnreadableImageError, match="cut_pixels.dcm: pixel data is truncated"):
        open_image(path).pixels(1)


def test_truncated_header(pydicom_files, tmp_path):
    data = (pydicom_files / "CT_small.dcm").read_bytes()
    path = tmp_path / "cut.dcm"
    path.write_bytes(data[:700])
    with pytest.raises(UnreadableImageError, match="cut.dcm: "):
        image = open_image(path)
        image.pixels(1)


def test_not_dicom(tmp_path):
    path = tmp_path / "notes.dcm"
    path.write_text("this is a text file, not a radiograph\n")
    with pytest.raises(UnreadableImageError, match="notes.dcm: not a DICOM file"):
        open_image(path)


def test_empty_and_missing_files(tmp_path):
    empty = tmp_path / "empty.dcm"
    empty.write_bytes(b"")
    with pytest.raises(UnreadableImageError, match="empty.dcm: the file is empty"):
        open_image(empty)
    with pytest.raises(UnreadableImageError, match="nothere.dcm: no such file"):
        open_image(tmp_path / "nothere.dcm")


def test_dicom_without_pixel_data(pydicom_files):
    with pytest.raises(
        UnreadableImageError,
        match=r"rtplan.dcm: DICOM file has no pixel data \(it is RT Plan Storage\)",
    ):
        open_image(pydicom_files / "rtplan.dcm")


def test_compression_without_decoder(pydicom_files, tmp_path):
    path = tmp_path / "mpeg.dcm"
    shutil.copy(pydicom_files / "CT_small.dcm", path)
    ds = pydicom.dcmread(path)
    ds.file_meta.TransferSyntaxUID = UID("1.2.840.10008.1.2.4.100")  # MPEG2 Main Profile
    ds.PixelData = pydicom.encaps.encapsulate([ds.PixelData])
    ds.save_as(path)
    with pytest.raises(
        UnsupportedCompressionError, match="mpeg.dcm: no decoder for transfer syntax MPEG2"
    ):
        open_image(path)
