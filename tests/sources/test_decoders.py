"""The decoder chosen per transfer syntax, the GDCM fallback, short frames, big endian palettes."""

from __future__ import annotations

import io
import json
import subprocess
import sys

import numpy as np
import pydicom
import pytest
from PIL import Image
from pydicom.encaps import encapsulate, get_frame
from pydicom.pixels.decoders import RLELosslessDecoder

from hoview.cli import main
from hoview.errors import UnreadableImageError
from hoview.render.export import pick_frame, render_frame
from hoview.sources import decoders
from hoview.sources.gdcm_fallback import decode_in_child
from hoview.sources.opening import open_image


@pytest.mark.parametrize(
    ("name", "decoder"),
    [
        ("SC_rgb_jpeg_dcmtk.dcm", "pillow"),  # 8-bit baseline: libjpeg-turbo
        ("examples_ybr_color.dcm", "pillow"),
        ("JPGExtended.dcm", "pylibjpeg"),  # 12-bit lossy: libjpeg
        ("SC_rgb_jpeg_gdcm.dcm", "pylibjpeg"),  # lossless JPEG
        ("MR_small_jpeg_ls_lossless.dcm", "pyjpegls"),  # CharLS
        ("JPEGLSNearLossless_16.dcm", "pyjpegls"),
        ("MR_small_jp2klossless.dcm", "pylibjpeg"),  # openjpeg
        ("MR_small_RLE.dcm", "pylibjpeg"),  # pylibjpeg-rle
        ("JPEG-lossy.dcm", "gdcm"),  # 12-bit, end of spectral selection 0: only GDCM
        ("CT_small.dcm", "native"),
    ],
)
def test_each_transfer_syntax_goes_to_its_decoder(pydicom_files, name, decoder):
    image = open_image(pydicom_files / name)
    image.pixels(1)
    assert image.decoder == decoder


@pytest.mark.parametrize(
    ("name", "others"),
    [
        ("MR_small_jpeg_ls_lossless.dcm", ["pylibjpeg", "gdcm"]),
        ("JPEGLSNearLossless_08.dcm", ["pylibjpeg", "gdcm"]),
        ("MR_small_RLE.dcm", ["pydicom"]),
        ("SC_rgb_rle_16bit.dcm", ["pydicom"]),
        ("693_J2KI.dcm", ["pillow", "gdcm"]),
        ("SC_rgb_jpeg_gdcm.dcm", ["gdcm"]),
    ],
)
def test_lossless_first_choice_equals_every_other_decoder(pydicom_files, name, others):
    path = pydicom_files / name
    ours = open_image(path).pixels(1)
    for plugin in others:
        theirs = pydicom.pixels.pixel_array(path, decoding_plugin=plugin)
        np.testing.assert_array_equal(ours, theirs, err_msg=plugin)


def test_baseline_jpeg_is_libjpeg_turbo_exactly_and_gdcm_agrees(pydicom_files):
    path = pydicom_files / "SC_rgb_dcmtk_+eb+cy+np.dcm"  # YBR_FULL_422, subsampled
    ours = open_image(path).pixels(1)
    ds = pydicom.dcmread(path)
    fragment = get_frame(ds.PixelData, 0, number_of_frames=1)
    turbo = np.asarray(Image.open(io.BytesIO(fragment)).convert("RGB"))
    np.testing.assert_array_equal(ours, turbo)
    np.testing.assert_array_equal(ours, pydicom.pixels.pixel_array(path, decoding_plugin="gdcm"))
    libjpeg = pydicom.pixels.pixel_array(path, decoding_plugin="pylibjpeg")
    assert 1 <= np.abs(ours.astype(int) - libjpeg.astype(int)).max() <= 3  # why we choose


def _jpeg_file(path, fragments, rows, columns):
    ds = pydicom.Dataset()
    ds.file_meta = pydicom.dataset.FileMetaDataset()
    ds.file_meta.TransferSyntaxUID = pydicom.uid.JPEGBaseline8Bit
    ds.file_meta.MediaStorageSOPClassUID = pydicom.uid.SecondaryCaptureImageStorage
    ds.file_meta.MediaStorageSOPInstanceUID = "2.25.4242"
    ds.SOPClassUID = pydicom.uid.SecondaryCaptureImageStorage
    ds.SOPInstanceUID = "2.25.4242"
    ds.Modality = "OT"
    ds.Rows, ds.Columns = rows, columns
    ds.SamplesPerPixel = 1
    ds.PhotometricInterpretation = "MONOCHROME2"
    ds.BitsAllocated = ds.BitsStored = 8
    ds.HighBit = 7
    ds.PixelRepresentation = 0
    if len(fragments) > 1:
        ds.NumberOfFrames = len(fragments)
    ds.PixelData = encapsulate(fragments)
    ds["PixelData"].VR = "OB"
    ds.save_as(path, enforce_file_format=True)
    return path


def _ramp_jpeg(rows=64, columns=64) -> tuple[np.ndarray, bytearray]:
    ramp = (np.add.outer(np.arange(rows), np.arange(columns)) * 2 % 256).astype(np.uint8)
    out = io.BytesIO()
    Image.fromarray(ramp).save(out, "JPEG", quality=90)
    return ramp, bytearray(out.getvalue())


def test_jpeg_whose_scan_ends_the_spectral_selection_at_0_opens(tmp_path):
    ramp, jpeg = _ramp_jpeg()
    sos = jpeg.index(b"\xff\xda")
    se = sos + 5 + 2 * jpeg[sos + 4] + 1  # Ss, then Se (63 in a sequential JPEG)
    assert jpeg[se] == 63
    jpeg[se] = 0  # real encoders write this; libjpeg refuses, libjpeg-turbo and GDCM read
    path = _jpeg_file(tmp_path / "se0.dcm", [bytes(jpeg)], 64, 64)
    with pytest.raises(RuntimeError, match="scan stop must be 63"):
        pydicom.pixels.pixel_array(path, decoding_plugin="pylibjpeg")
    image = open_image(path)
    assert np.abs(image.pixels(1).astype(int) - ramp).max() <= 2
    np.testing.assert_array_equal(image.pixels(1), decode_in_child(path, None, 64, 64))


def test_12_bit_lossy_jpeg_libjpeg_refuses_is_decoded_by_gdcm(pydicom_files):
    path = pydicom_files / "JPEG-lossy.dcm"
    with pytest.raises(RuntimeError, match="misplaced marker"):
        pydicom.pixels.pixel_array(path, decoding_plugin="pylibjpeg")
    image = open_image(path)
    same_image = open_image(pydicom_files / "JPGExtended.dcm").pixels(1)  # Se=63 copy
    assert np.abs(image.pixels(1).astype(int) - same_image.astype(int)).max() <= 1


def test_a_file_no_decoder_reads_names_the_frame_and_every_decoder(pydicom_files):
    image = open_image(pydicom_files / "JPEG2000-embedded-sequence-delimiter.dcm")
    with pytest.raises(UnreadableImageError) as caught:
        image.pixels(1)
    message = str(caught.value)
    assert message.startswith(f"{image.path}: cannot decode the frame (pylibjpeg: ")
    assert "pillow: " in message and "gdcm: " in message
    assert "\n" not in message


def test_gdcm_ending_its_process_is_a_failed_decoder_not_a_dead_viewer(pydicom_files):
    # GDCM 3.2.6 calls terminate() on this valid RLE file (why RLE never goes to GDCM).
    with pytest.raises(RuntimeError, match="GDCM stopped"):
        decode_in_child(pydicom_files / "rtdose_rle_1frame.dcm", None, 10, 10)


def test_gdcm_trusting_a_flipped_length_field_is_capped_not_a_memory_bomb(pydicom_files, tmp_path):
    # Found by the fuzz run (seed 2, input 6100): four flipped bits in a 3 KB file made
    # GDCM take 3.7 GB and five seconds; the child's address-space cap stops it at once.
    data = bytearray((pydicom_files / "SC_rgb_dcmtk_+eb+cy+n1.dcm").read_bytes())
    for offset, mask in ((1224, 0x80), (1672, 0x08), (1900, 0x08), (2152, 0x02)):
        data[offset] ^= mask
    path = tmp_path / "flipped.dcm"
    path.write_bytes(bytes(data))
    # In a fresh interpreter, so that its children's peak is the GDCM child's alone
    # (this process's other children, a browser or a PACS, would count too).
    script = (
        "import resource, sys\n"
        "from hoview.sources.gdcm_fallback import decode_in_child\n"
        "try:\n"
        "    decode_in_child(sys.argv[1], None, 100, 100)\n"
        "except RuntimeError:\n"
        "    print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(path)], capture_output=True, text=True, timeout=120
    )
    assert done.stdout.strip().isdigit(), done.stdout + done.stderr  # it was refused
    peak_kib = int(done.stdout)
    assert peak_kib < 1600 * 1024, f"a child peaked at {peak_kib // 1024} MB"


class PanicException(BaseException):
    """What a Rust decoder (pyo3) raises when it panics: not an ``Exception``."""


def panicking_decoder(src, runner):  # a pydicom decoding plugin
    raise PanicException("index out of bounds: the len is 3 but the index is 7")


def is_available(uid):
    return True


DECODER_DEPENDENCIES = {pydicom.uid.RLELossless: ()}


def test_a_decoder_panic_becomes_one_line_naming_file_frame_and_decoder(pydicom_files, monkeypatch):
    RLELosslessDecoder.add_plugin("panicky", (__name__, "panicking_decoder"))
    try:
        monkeypatch.setitem(decoders.PREFERRED_PLUGINS, pydicom.uid.RLELossless, ("panicky",))
        monkeypatch.setattr(decoders, "plugins_for", lambda ts: ("panicky",))
        image = open_image(pydicom_files / "SC_rgb_rle_2frame.dcm")
        with pytest.raises(UnreadableImageError) as caught:
            image.pixels(2)
    finally:
        RLELosslessDecoder.remove_plugin("panicky")
    assert str(caught.value) == (
        f"{image.path}: cannot decode frame 2 (panicky: index out of bounds: "
        "the len is 3 but the index is 7)"
    )


LONG_REASON = "the codestream ends before the tile-part header finishes " * 8


def long_winded_decoder(src, runner):  # a pydicom decoding plugin
    raise ValueError(LONG_REASON)


def test_a_long_decoder_error_is_cut_at_a_word_boundary(pydicom_files, monkeypatch):
    RLELosslessDecoder.add_plugin("wordy", (__name__, "long_winded_decoder"))
    try:
        monkeypatch.setitem(decoders.PREFERRED_PLUGINS, pydicom.uid.RLELossless, ("wordy",))
        monkeypatch.setattr(decoders, "plugins_for", lambda ts: ("wordy",))
        image = open_image(pydicom_files / "SC_rgb_rle_2frame.dcm")
        with pytest.raises(UnreadableImageError) as caught:
            image.pixels(1)
    finally:
        RLELosslessDecoder.remove_plugin("wordy")
    message = str(caught.value)
    assert "\n" not in message
    reason = message.split("(wordy: ", 1)[1].removesuffix(")")
    assert reason.endswith("...") and len(reason) <= 200
    quoted = reason.removesuffix("...")
    assert LONG_REASON.startswith(quoted)
    assert LONG_REASON[len(quoted)] == " "  # the cut falls between two words


def test_keyboard_interrupt_in_a_decoder_is_not_swallowed(pydicom_files, monkeypatch):
    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(decoders, "_with_plugin", interrupted)
    with pytest.raises(KeyboardInterrupt):
        open_image(pydicom_files / "SC_rgb_rle.dcm").pixels(1)  # colour: not decoded directly


# --- short native pixel data ---------------------------------------------------------


def _short_file(path, pydicom_files, frames_declared, keep_bytes):
    ds = pydicom.dcmread(pydicom_files / "MR_small.dcm")
    frame = ds.pixel_array
    del ds[0xFFFCFFFC]  # Data Set Trailing Padding: Pixel Data ends the file here
    ds.NumberOfFrames = frames_declared
    data = np.stack([frame + k for k in range(frames_declared)]).tobytes()
    ds.PixelData = data[:keep_bytes]
    ds.save_as(path)
    return frame


def test_short_last_frame_is_padded_with_zeros_and_a_warning(tmp_path, pydicom_files):
    path = tmp_path / "short.dcm"
    frame = _short_file(path, pydicom_files, 3, 3 * 8192 - 3000)
    image = open_image(path)
    assert image.frame_count == 3
    np.testing.assert_array_equal(image.pixels(2), frame + 1)
    last = image.pixels(3)
    kept = (8192 - 3000) // 2
    np.testing.assert_array_equal(last.ravel()[:kept], (frame + 2).ravel()[:kept])
    assert not last.ravel()[kept:].any()
    assert image.warnings == (
        "pixel data holds 21576 of the 24576 bytes the image needs: "
        "the missing pixels are shown as 0 (black)",
    )


def test_frames_with_no_data_at_all_are_left_out(tmp_path, pydicom_files):
    path = tmp_path / "many.dcm"
    _short_file(path, pydicom_files, 3, 8192 + 100)
    ds = pydicom.dcmread(path)
    ds.NumberOfFrames = 1_000_000_000  # never one object, or one frame buffer, per frame
    ds.save_as(path)
    image = open_image(path)
    assert image.frame_count == 2
    assert image.pixels(2).shape == (64, 64)
    assert image.warnings[0].endswith("999999998 frames with no data left out")


def test_empty_and_cut_off_pixel_data_are_still_refused(tmp_path, pydicom_files):
    empty = tmp_path / "empty.dcm"
    _short_file(empty, pydicom_files, 1, 0)
    with pytest.raises(UnreadableImageError, match="empty.dcm: pixel data is empty"):
        open_image(empty)
    cut = tmp_path / "cut.dcm"
    _short_file(cut, pydicom_files, 1, 8192)
    cut.write_bytes(cut.read_bytes()[:-100])  # the file ends inside its Pixel Data
    with pytest.raises(UnreadableImageError, match="cut.dcm: pixel data is truncated"):
        open_image(cut)


def test_render_prints_the_padding_warning(tmp_path, pydicom_files):
    path = tmp_path / "short.dcm"
    _short_file(path, pydicom_files, 2, 2 * 8192 - 10)
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "hoview",
            "render",
            str(path),
            "-o",
            str(tmp_path / "o.png"),
            "--no-annotations",
            "--frame",
            "2",
        ],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    assert f"hoview: warning: {path}: pixel data holds 16374 of the 16384 bytes" in done.stderr


def test_info_lists_the_padding_warning(tmp_path, pydicom_files, capsys):
    path = tmp_path / "short.dcm"
    _short_file(path, pydicom_files, 2, 2 * 8192 - 10)
    assert main(["info", str(path)]) == 0
    text = capsys.readouterr().out
    assert "      warning: pixel data holds 16374 of the 16384 bytes" in text
    assert main(["info", str(path), "--json"]) == 0
    (study,) = json.loads(capsys.readouterr().out)["studies"]
    (image,) = study["series"][0]["images"]
    assert image["warnings"][0].startswith("pixel data holds 16374 of the 16384 bytes")


# --- big endian PALETTE COLOR --------------------------------------------------------


def test_big_endian_palette_colour_shows_the_little_endian_colours(tmp_path, pydicom_files):
    little = pydicom_files / "examples_palette.dcm"
    ds = pydicom.dcmread(little)
    for keyword in ("Red", "Green", "Blue"):  # OW is byte-swapped in big endian files
        element = ds[f"{keyword}PaletteColorLookupTableData"]
        element.value = np.frombuffer(element.value, "<u2").astype(">u2").tobytes()
    ds["PixelData"].VR = "OB"  # 8-bit pixels: the same bytes in either byte order
    ds.file_meta.TransferSyntaxUID = pydicom.uid.ExplicitVRBigEndian
    big = tmp_path / "palette_be.dcm"
    pydicom.dcmwrite(big, ds, implicit_vr=False, little_endian=False, force_encoding=True)
    ours = render_frame(pick_frame(big, 1))
    assert ours.mean() > 15  # pydicom 3.0.2 alone gives a near-black picture (0.03)
    np.testing.assert_array_equal(ours, render_frame(pick_frame(little, 1)))
