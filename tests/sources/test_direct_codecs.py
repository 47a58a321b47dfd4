"""The codec called directly on a frame's bytes gives exactly pydicom's plugin pixels.

Each compressed syntax hoview decodes directly (JPEG-LS, JPEG 2000, JPEG lossless,
RLE) is checked on synthetic files of 8, 12 (in 16), signed 12 and signed 16 bits,
single- and multi-frame, against ``pydicom.pixels.pixel_array`` with the same plugin
(HTJ2K, which nothing hoview installs can encode, on one small codestream kept here);
anything unusual must fall back to pydicom, and a corrupt frame must end in the same
one-line error as without the direct path.
"""

from __future__ import annotations

import base64
import re
import subprocess
import warnings

import numpy as np
import pydicom
import pytest
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.encaps import encapsulate, generate_frames
from pydicom.uid import (
    ExplicitVRLittleEndian,
    HTJ2KLossless,
    JPEG2000Lossless,
    JPEGLosslessSV1,
    JPEGLSLossless,
    RLELossless,
    SecondaryCaptureImageStorage,
)

from hoview.errors import UnreadableImageError
from hoview.sources import decoders, direct_codecs
from hoview.sources.dicom_header import read_header
from hoview.sources.opening import open_image

# (allocated, stored, signed): 8-bit, 12 in 16, signed 12 in 16, signed 16
CASES = [(8, 8, 0), (16, 12, 0), (16, 12, 1), (16, 16, 1), (16, 16, 0)]
PLUGIN = {JPEGLSLossless: "pyjpegls", JPEG2000Lossless: "pylibjpeg", RLELossless: "pylibjpeg"}


def _pixels(allocated: int, stored: int, signed: int, frames: int, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    low, high = (-(2 ** (stored - 1)), 2 ** (stored - 1)) if signed else (0, 2**stored)
    shape = (frames, 37, 45) if frames > 1 else (37, 45)
    dtype = f"{'i' if signed else 'u'}{allocated // 8}"
    arr = rng.integers(low, high, shape).astype(dtype)
    flat = arr.reshape(-1)
    flat[:4] = [low, high - 1, 0, low + 1]  # the extremes, whatever the seed gives
    return arr


def _write(path, arr: np.ndarray, stored: int, syntax: str | None) -> pydicom.FileDataset:
    ds = Dataset()
    ds.file_meta = FileMetaDataset()
    ds.file_meta.MediaStorageSOPClassUID = SecondaryCaptureImageStorage
    ds.file_meta.MediaStorageSOPInstanceUID = pydicom.uid.generate_uid()
    ds.file_meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds.SOPClassUID = SecondaryCaptureImageStorage
    ds.SOPInstanceUID = ds.file_meta.MediaStorageSOPInstanceUID
    ds.PatientName = "TEST^CODEC"
    ds.Modality = "OT"
    ds.SamplesPerPixel = 1
    ds.PhotometricInterpretation = "MONOCHROME2"
    ds.Rows, ds.Columns = arr.shape[-2:]
    if arr.ndim == 3:
        ds.NumberOfFrames = arr.shape[0]
    ds.BitsAllocated = arr.dtype.itemsize * 8
    ds.BitsStored = stored
    ds.HighBit = stored - 1
    ds.PixelRepresentation = int(arr.dtype.kind == "i")
    ds.PixelData = arr.tobytes()
    if syntax is not None:
        plugin = {JPEGLSLossless: "pyjpegls", JPEG2000Lossless: "pylibjpeg"}.get(syntax, "pydicom")
        ds.compress(syntax, encoding_plugin=plugin)  # never GDCM: its RLE encoder aborts
    ds.save_as(path, enforce_file_format=True)
    return ds


def _jpeg_lossless(tmp_path, arr: np.ndarray, stored: int, option: str = "+e1"):
    """DCMTK's dcmcjpeg: SV1 (``+e1``) or process 14 with predictor 6 (``+el +sv 6``)."""
    raw = tmp_path / "raw.dcm"
    _write(raw, arr, stored, None)
    out = tmp_path / "jpegll.dcm"
    command = ["dcmcjpeg", *option.split(), str(raw), str(out)]
    subprocess.run(command, check=True, capture_output=True)
    return out


def _file(tmp_path, syntax: str, arr: np.ndarray, stored: int):
    if syntax == JPEGLosslessSV1:
        return _jpeg_lossless(tmp_path, arr, stored)
    path = tmp_path / "compressed.dcm"
    _write(path, arr, stored, syntax)
    return path


def _direct(path, index=None):
    ds = read_header(path)
    ts = str(ds.file_meta.TransferSyntaxUID)
    return direct_codecs.decode_direct(ds, path, index, decoders.plugins_for(ts))


def _pydicom(path, index=None, plugin="pylibjpeg"):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return pydicom.pixels.pixel_array(path, index=index, decoding_plugin=plugin)


SYNTAXES = [JPEGLSLossless, JPEG2000Lossless, RLELossless, JPEGLosslessSV1]


@pytest.mark.parametrize("syntax", SYNTAXES, ids=["jls", "j2k", "rle", "jpegll"])
@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c[0]}-{c[1]}-{'s' if c[2] else 'u'}")
def test_direct_decode_equals_pydicoms_plugin(tmp_path, syntax, case):
    allocated, stored, signed = case
    if syntax == JPEGLSLossless and allocated == 16 and stored == 16 and signed:
        stored = 15  # CharLS cannot encode signed 16-bit; signed 15 in 16 instead
    arr = _pixels(allocated, stored, signed, 1)
    path = _file(tmp_path, syntax, arr, stored)
    direct = _direct(path)
    assert direct is not None  # the direct path took it
    pixels, name = direct
    expected = _pydicom(path, plugin=PLUGIN.get(syntax, "pylibjpeg"))
    assert name == PLUGIN.get(syntax, "pylibjpeg")
    assert pixels.dtype == expected.dtype
    np.testing.assert_array_equal(pixels, expected)
    np.testing.assert_array_equal(pixels, arr)  # lossless: the pixels written
    image = open_image(path)
    np.testing.assert_array_equal(image.pixels(1), arr)
    assert image.decoder == name


@pytest.mark.parametrize("syntax", SYNTAXES, ids=["jls", "j2k", "rle", "jpegll"])
def test_each_frame_of_a_multi_frame_file(tmp_path, syntax):
    arr = _pixels(16, 12, 1, 3, seed=5)
    path = _file(tmp_path, syntax, arr, 12)
    image = open_image(path)
    for number in (3, 1, 2):
        direct = _direct(path, number - 1)
        assert direct is not None
        np.testing.assert_array_equal(direct[0], arr[number - 1])
        expected = _pydicom(path, number - 1, PLUGIN.get(syntax, "pylibjpeg"))
        np.testing.assert_array_equal(image.pixels(number), expected)


@pytest.mark.parametrize("case", [(16, 12, 1), (8, 8, 0)], ids=["16-12-s", "8-8-u"])
def test_jpeg_lossless_with_another_predictor(tmp_path, case):
    allocated, stored, signed = case
    arr = _pixels(allocated, stored, signed, 1, seed=2)
    path = _jpeg_lossless(tmp_path, arr, stored, "+el +sv 6")
    assert str(read_header(path).file_meta.TransferSyntaxUID) == pydicom.uid.JPEGLossless
    pixels, _ = _direct(path)
    np.testing.assert_array_equal(pixels, _pydicom(path))
    np.testing.assert_array_equal(pixels, arr)


def test_unused_high_bits_are_cleared_and_sign_extended_as_pydicom_does(tmp_path):
    """RLE keeps whatever an encoder left above Bits Stored: pydicom masks it, so must we."""
    arr = _pixels(16, 16, 0, 1, seed=3)  # values up to 65535 with Bits Stored 10
    path = tmp_path / "rle.dcm"
    for signed in (0, 1):
        ds = _write(path, arr.view(f"{'i' if signed else 'u'}2"), 16, RLELossless)
        ds.BitsStored, ds.HighBit = 10, 9
        ds.save_as(path, enforce_file_format=True)
        pixels, _ = _direct(path)
        expected = _pydicom(path)
        assert pixels.dtype == expected.dtype
        np.testing.assert_array_equal(pixels, expected)
        assert pixels.min() >= (-512 if signed else 0) and pixels.max() < (512 if signed else 1024)


def test_j2k_whose_sign_disagrees_with_the_header_is_corrected_as_pydicom_does(pydicom_files):
    path = pydicom_files / "J2K_pixelrep_mismatch.dcm"  # unsigned codestream, signed header
    pixels, _ = _direct(path)
    expected = _pydicom(path)
    assert pixels.dtype == expected.dtype == np.int16
    np.testing.assert_array_equal(pixels, expected)


@pytest.mark.parametrize(
    "name",
    [
        "693_J2KI.dcm",
        "JPEG2000.dcm",
        "JPEGLSNearLossless_08.dcm",
        "JPEGLSNearLossless_16.dcm",
        "MR_small_RLE.dcm",
        "MR_small_jp2klossless.dcm",
        "MR_small_jpeg_ls_lossless.dcm",
    ],
)
def test_pydicoms_grey_files_decode_the_same_directly(pydicom_files, name):
    path = pydicom_files / name
    ts = str(read_header(path).file_meta.TransferSyntaxUID)
    direct = _direct(path)
    assert direct is not None
    np.testing.assert_array_equal(direct[0], _pydicom(path, plugin=decoders.plugins_for(ts)[0]))


@pytest.mark.parametrize(
    "name",
    [
        "SC_rgb_rle.dcm",
        "SC_rgb_jpeg_gdcm.dcm",
        "GDCMJ2K_TextGBR.dcm",
        "rtdose_rle.dcm",
    ],
)
def test_colour_and_32_bit_files_go_to_pydicom(pydicom_files, name):
    path = pydicom_files / name
    assert _direct(path, 0 if name == "rtdose_rle.dcm" else None) is None
    image = open_image(path)
    expected = _pydicom(path, 0 if name == "rtdose_rle.dcm" else None)
    np.testing.assert_array_equal(image.pixels(1), expected)


def test_a_header_the_codestream_disagrees_with_falls_back(tmp_path):
    arr = _pixels(8, 8, 0, 1)
    path = tmp_path / "j2k.dcm"
    ds = _write(path, arr, 8, JPEG2000Lossless)
    ds.BitsAllocated, ds.BitsStored, ds.HighBit = 16, 12, 11  # the codestream is 8-bit
    ds.save_as(path, enforce_file_format=True)
    assert _direct(path) is None


def _corrupt(tmp_path, syntax):
    arr = _pixels(16, 12, 0, 1, seed=9)
    path = _file(tmp_path, syntax, arr, 12)
    ds = pydicom.dcmread(path)
    frame = bytearray(next(generate_frames(ds.PixelData, number_of_frames=1)))
    frame[:] = bytes(len(frame))  # zeros: no codestream at all
    ds.PixelData = encapsulate([bytes(frame)])
    ds.save_as(path, enforce_file_format=True)
    return path


@pytest.mark.parametrize("syntax", SYNTAXES, ids=["jls", "j2k", "rle", "jpegll"])
def test_a_corrupt_frame_ends_in_the_same_one_line_error(tmp_path, monkeypatch, syntax):
    path = _corrupt(tmp_path, syntax)

    def message() -> str:
        with pytest.raises(UnreadableImageError) as caught:
            open_image(path).pixels(1)
        return str(caught.value)

    with_direct = message()
    monkeypatch.setattr(decoders, "decode_direct", lambda *args: None)
    without = message()
    assert re.sub("0x[0-9a-f]+", "", with_direct) == re.sub("0x[0-9a-f]+", "", without)
    assert "\n" not in with_direct and str(path.name) in with_direct


def test_keyboard_interrupt_in_a_direct_codec_is_not_swallowed(pydicom_files, monkeypatch):
    def interrupted(*args):
        raise KeyboardInterrupt

    monkeypatch.setitem(direct_codecs.CODECS, RLELossless, ("pylibjpeg", interrupted))
    with pytest.raises(KeyboardInterrupt):
        open_image(pydicom_files / "MR_small_RLE.dcm").pixels(1)


def test_a_failing_direct_codec_falls_back_to_the_plugin(pydicom_files, monkeypatch):
    def broken(*args):
        raise RuntimeError("codec says no")

    monkeypatch.setitem(direct_codecs.CODECS, RLELossless, ("pylibjpeg", broken))
    path = pydicom_files / "MR_small_RLE.dcm"
    image = open_image(path)
    np.testing.assert_array_equal(image.pixels(1), _pydicom(path))
    assert image.decoder == "pylibjpeg"


def test_frames_found_by_an_extended_offset_table(tmp_path):
    arr = _pixels(16, 12, 0, 3, seed=11)
    path = _file(tmp_path, RLELossless, arr, 12)
    ds = pydicom.dcmread(path)
    frames = list(generate_frames(ds.PixelData, number_of_frames=3))
    data, offsets, lengths = pydicom.encaps.encapsulate_extended(frames)
    ds.PixelData = data
    ds.ExtendedOffsetTable, ds.ExtendedOffsetTableLengths = offsets, lengths
    ds.save_as(path, enforce_file_format=True)
    for number in (2, 3, 1):
        pixels, _ = _direct(path, number - 1)
        np.testing.assert_array_equal(pixels, arr[number - 1])


#: A 24 x 20 signed 16-bit HTJ2K codestream, made with OpenJPH (through imagecodecs, which
#: hoview does not install): row r, column c holds 97 r - 53 c - 900, except the first
#: two samples, -32768 and 32767.
HTJ2K_STREAM = base64.b64decode(
    "/0//UQApQAAAAAAYAAAAFAAAAAAAAAAAAAAAGAAAABQAAAAAAAAAAAABjwEB/1AACAACAAAACv9SAAwAAgABAAUE"
    "BEAB/1wAEyCIkJCQkJCQkJCQkJCQiIiI/2QAFwABT3BlbkpQSCBWZXIgMC4yNi4zLv+QAAoAAAAAAPcAAf+TwAAm"
    "DfwCh3QAwAASwAATQAATAMECh3QAvPkDB3QAkP4Ch3QAwAATQAATwAASgHGwAQt0AP9w4QKBdADoAQd0AMAAFdAA"
    "BVwAATCWiNT48eMAx/AkA9N4AN/XMGkN9QOB+zUAT/oMB3QAwAAWlAABakAAE4A8/vG12+12+zgBCOnCBdADegCb"
    "83jZsmXLli37dDG8YwN9ZgI6AD3+fBAHdQDAAC2IAAW9AACo8CJ9MGmapmmapmn6c/gp6enpwQXWA3wAgFsfBAYC"
    "gUAgEAgEAoF/xCA9+xCA9+xCA9loAjAB9cF/4BQHdgD/2Q=="
)


def test_htj2k_decodes_directly_as_pydicom_does(tmp_path):
    rows, columns = np.mgrid[0:20, 0:24]
    expected = (rows * 97 - columns * 53 - 900).astype(np.int16)
    expected[0, 0], expected[0, 1] = -32768, 32767
    path = tmp_path / "htj2k.dcm"
    ds = _write(path, expected, 16, None)
    ds.file_meta.TransferSyntaxUID = HTJ2KLossless
    ds.PixelData = encapsulate([HTJ2K_STREAM])
    ds["PixelData"].VR = "OB"
    ds.save_as(path, enforce_file_format=True)
    pixels, name = _direct(path)
    assert name == "pylibjpeg"
    assert pixels.dtype == np.int16
    np.testing.assert_array_equal(pixels, expected)
    np.testing.assert_array_equal(pixels, _pydicom(path))
