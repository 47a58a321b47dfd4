"""Malformed DICOM files: each known cause of a traceback ends working or in one line.

Every file is synthetic: a valid image from the conftest builders or one of pydicom's
test files, with one attribute broken the way real or fuzzed files break it.
"""

from __future__ import annotations

import io
import shutil
import time
import warnings
from pathlib import Path

import numpy as np
import pydicom
import pytest
from pydicom.data import get_testdata_file
from pydicom.dataset import Dataset

from hoview.describe import describe_path
from hoview.errors import UnreadableImageError
from hoview.render.export import pick_frame, render_frame
from hoview.sources import DicomImage, open_path, read_dicomdir, scan_folder
from hoview.sources.base import FrameCache


def _raw_element(tag: int, raw: bytes) -> pydicom.DataElement:
    """An element written as these exact bytes (VR UN, read back with its own VR)."""
    element = pydicom.DataElement(tag, "OB", raw)
    element.VR = "UN"  # set after building: pydicom replaces UN by the dictionary's VR
    return element


def _rewrite(path: Path, changes: dict[int, bytes], meta: bool = False) -> Path:
    """Set elements of ``path`` to these exact bytes (their own VR when read back)."""
    ds = pydicom.dcmread(path)
    target = ds.file_meta if meta else ds
    for tag, raw in changes.items():
        target[tag] = _raw_element(tag, raw)
    ds.save_as(path, enforce_file_format=False)
    return path


def _text(value: str) -> bytes:
    raw = value.encode("utf-8")
    return raw + b" " * (len(raw) % 2)


def _shown(path: Path) -> np.ndarray:
    """What ``hoview render`` draws: open, first frame, display pipeline."""
    describe_path(path)
    return render_frame(pick_frame(path, 1))


@pytest.mark.parametrize("frames", ["2147483647", "1e9", "1000000000"])
def test_huge_number_of_frames_over_native_data_is_one_frame(tmp_path, make_dicom, frames):
    path = _rewrite(make_dicom(tmp_path / "a.dcm", value=7), {0x00280008: _text(frames)})
    start = time.monotonic()
    image = DicomImage(path)
    assert image.frame_count == 1
    assert _shown(path).shape == (8, 8)
    result = scan_folder(tmp_path)  # a folder scan makes no object per declared frame
    assert len(result.series[0].frames) == 1
    assert time.monotonic() - start < 10


def test_huge_number_of_frames_over_compressed_data_is_capped_with_a_warning(tmp_path):
    path = tmp_path / "rle.dcm"
    shutil.copy(get_testdata_file("SC_rgb_rle.dcm"), path)
    _rewrite(path, {0x00280008: _text("2147483647")})
    image = DicomImage(path)
    assert image.frame_count == 1
    assert (
        "Number of Frames (0028,0008) is 2147483647 but the pixel data holds 1 frame"
        in image.warnings[0]
    )
    assert image.pixels(1).shape == (100, 100, 3)
    assert describe_path(path)["studies"][0]["series"][0]["frames"] == 1


def test_huge_number_of_frames_inside_a_dicomdir_is_capped(tmp_path, dicomdir_tests):
    folder = tmp_path / "cd"
    shutil.copytree(dicomdir_tests, folder)
    first = sorted(p for p in folder.rglob("*") if p.is_file() and p.name != "DICOMDIR")[0]
    for path in folder.rglob("*"):
        if path.is_file() and path.parent.name != "dicomdirtests" and path != folder:
            try:
                _rewrite(path, {0x00280008: _text("2147483647")})
            except Exception:  # noqa: BLE001 - DICOMDIR variants and non-images stay
                continue
    result = read_dicomdir(folder / "DICOMDIR")
    assert sum(len(s.frames) for s in result.series) < 1000
    assert first.exists()


@pytest.mark.parametrize(
    "uid",
    ["1.2." + "3" * 80, "1.2.3 4", "1.2.826.0.1.36\u00ae80043", "1.2.840.\u00b3"],
)
def test_invalid_sop_instance_uid_opens_and_is_annotatable(tmp_path, make_dicom, uid):
    from hoview.cli import main

    path = make_dicom(tmp_path / "a.dcm")
    ds = pydicom.dcmread(path)
    ds.SOPInstanceUID = uid
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # pydicom warns about the invalid UID
        ds.save_as(path, enforce_file_format=False)
    image = DicomImage(path)
    assert image.identity["sop_instance_uid"] == uid
    assert _shown(path).shape == (8, 8)
    assert main(["annotate", str(path), "--arrow", "1", "1", "4", "4"]) == 0
    assert main(["render", str(path), "-o", str(tmp_path / "out.png")]) == 0
    assert uid in (tmp_path / "a.dcm.hoview.json").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("tag", "raw", "message"),
    [
        (0x00280010, b"\0\0", "Rows (0028,0010) is 0: it must be from 1 to 65535"),
        (0x00280011, b"\x08\0\x08\0", "Columns (0028,0011) is '[8, 8]': not one whole number"),
        (0x00280100, b"\x21\0", "Bits Allocated (0028,0100) is 33: it must be 1 or a multiple"),
        (0x00280101, b"\x11\0", "Bits Stored (0028,0101) is 17: more than Bits Allocated"),
        (0x00280002, b"\x02\0", "Samples per Pixel (0028,0002) is 2"),
        (0x00281052, _text("inf"), "Rescale Intercept (0028,1052) is 'inf': not one finite number"),
        (0x00281053, _text("nan"), "Rescale Slope (0028,1053) is 'nan': not one finite number"),
        (0x00281053, _text("1e308"), "give values too large to show"),
    ],
)
def test_malformed_image_attribute_is_refused_in_one_line(tmp_path, make_dicom, tag, raw, message):
    path = make_dicom(tmp_path / "a.dcm")
    if tag in (0x00281052, 0x00281053):
        _rewrite(path, {0x00281052: _text("0"), 0x00281053: _text("1")})
    _rewrite(path, {tag: raw})
    with pytest.raises(UnreadableImageError) as caught:
        _shown(path)
    assert message in str(caught.value)
    assert str(caught.value).startswith(str(path))
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize("keyword", ["RescaleSlope", "PixelPaddingValue"])
def test_empty_rescale_slope_or_padding_value_is_absent(tmp_path, make_dicom, keyword):
    path = make_dicom(tmp_path / "a.dcm", value=100)
    tag = {"RescaleSlope": 0x00281053, "PixelPaddingValue": 0x00280120}[keyword]
    _rewrite(path, {0x00281052: _text("-10"), tag: b""})
    image = DicomImage(path)
    assert image.attributes.rescale_slope == 1.0
    assert image.attributes.padding is None
    assert _shown(path).shape == (8, 8)


def test_non_numeric_pixel_spacing_is_unknown(tmp_path, make_dicom):
    path = _rewrite(make_dicom(tmp_path / "a.dcm"), {0x00280030: _text("abc\\0.2")})
    image = DicomImage(path)
    assert image.pixel_spacing is None
    assert describe_path(path)["studies"][0]["series"][0]["images"][0]["pixel_spacing_mm"] is None


def test_overlay_origin_with_one_value_uses_the_corner(tmp_path, make_dicom):
    path = make_dicom(tmp_path / "a.dcm")
    ds = pydicom.dcmread(path)
    ds.add_new(0x60000010, "US", 8)
    ds.add_new(0x60000011, "US", 8)
    ds.add_new(0x60000040, "CS", "G")
    ds.add_new(0x60000100, "US", 1)
    ds.add_new(0x60000102, "US", 0)
    ds.add_new(0x60003000, "OW", np.packbits(np.eye(8, dtype=np.uint8), bitorder="little"))
    ds.save_as(path, enforce_file_format=False)
    _rewrite(path, {0x60000050: b"\x05\x00"})
    overlays = DicomImage(path).overlays
    assert len(overlays) == 1 and overlays[0].origin == (1, 1)


def test_unknown_vr_in_the_file_meta_is_refused(tmp_path, make_dicom):
    path = make_dicom(tmp_path / "a.dcm")
    data = bytearray(path.read_bytes())
    spot = data.index(b"\x02\x00\x02\x00UI")
    data[spot + 4 : spot + 6] = b"UA"
    path.write_bytes(bytes(data))
    with pytest.raises(UnreadableImageError, match="Unknown Value Representation 'UA'"):
        open_path(path)
    assert scan_folder(tmp_path).skipped[0].reason.startswith("cannot read the DICOM header")


def test_malformed_modality_lut_is_refused_and_malformed_voi_lut_ignored(tmp_path, make_dicom):
    for name, tag in (("modality", 0x00283000), ("voi", 0x00283010)):
        path = make_dicom(tmp_path / f"{name}.dcm")
        ds = pydicom.dcmread(path)
        item = Dataset()
        item[0x00283002] = _raw_element(0x00283002, b"\x00\x01\x00\x00\x21\x00")  # 33 bits
        item[0x00283006] = _raw_element(0x00283006, b"\x01\x02\x03")
        ds[tag] = pydicom.DataElement(tag, "SQ", [item])
        ds.save_as(path, enforce_file_format=False)
    with pytest.raises(UnreadableImageError, match=r"Modality LUT Sequence \(0028,3000\)"):
        DicomImage(tmp_path / "modality.dcm")
    image = DicomImage(tmp_path / "voi.dcm")
    assert image.attributes.voi_luts == ()
    assert _shown(tmp_path / "voi.dcm").shape == (8, 8)


def test_lut_data_shorter_than_its_descriptor_is_refused(tmp_path, make_dicom):
    path = make_dicom(tmp_path / "a.dcm")
    ds = pydicom.dcmread(path)
    item = Dataset()
    item[0x00283002] = _raw_element(0x00283002, b"\x00\x10\x00\x00\x10\x00")  # 4096, 0, 16
    item[0x00283006] = _raw_element(0x00283006, b"\x01\x00\x02\x00\x03\x00")
    item.ModalityLUTType = "HU"
    ds.ModalityLUTSequence = [item]
    ds.save_as(path, enforce_file_format=False)
    with pytest.raises(UnreadableImageError, match="3 entries where 4096 are needed"):
        DicomImage(path)


def test_file_cut_inside_compressed_pixel_data_says_pixel_data_is_truncated(tmp_path):
    data = Path(get_testdata_file("JPEG2000.dcm")).read_bytes()
    path = tmp_path / "cut.dcm"
    path.write_bytes(data[: data.rindex(b"\xe0\x7f\x10\x00") + 200])
    with pytest.raises(UnreadableImageError) as caught:
        open_path(path)
    assert "pixel data is truncated" in str(caught.value)
    assert "header" not in str(caught.value)


def test_colour_header_over_grey_pixels_is_padded_and_said(tmp_path, make_dicom):
    path = make_dicom(tmp_path / "a.dcm")
    ds = pydicom.dcmread(path)
    ds.SamplesPerPixel = 3
    ds.PhotometricInterpretation = "RGB"
    ds.PlanarConfiguration = 0
    ds.BitsAllocated = ds.BitsStored = 8
    ds.HighBit = 7
    ds.PixelData = bytes(8 * 8)  # a grey frame's worth: one third of what RGB needs
    ds.save_as(path, enforce_file_format=False)
    assert _shown(path).shape == (8, 8, 3)  # never a grey array drawn as colour
    assert "pixel data holds 64 of the 192 bytes" in DicomImage(path).warnings[0]


def test_a_new_image_never_gets_a_freed_image_s_cached_pixels(tmp_path, make_dicom):
    cache = FrameCache()
    path = tmp_path / "a.dcm"
    for value in range(20):  # ids of freed objects are reused; keys must not be
        make_dicom(path, value=value)
        assert int(DicomImage(path, cache).pixels(1)[0, 0]) == value


def test_non_finite_values_never_make_an_invalid_default_window():
    from hoview.display.attributes import PixelAttributes
    from hoview.display.pipeline import default_voi

    attrs = PixelAttributes(bits_stored=32, rescale_slope=1e300)
    stored = np.array([[-2_000_000_000, 2_000_000_000]], np.int32)
    window = default_voi(stored, attrs)
    assert np.isfinite(window.center) and np.isfinite(window.width)


def test_truncated_dataset_in_memory_is_not_read_as_a_file(tmp_path):
    # A DICOM stream cut right after the file meta says so (not a pixel data message).
    buffer = io.BytesIO()
    ds = pydicom.dcmread(get_testdata_file("CT_small.dcm"))
    ds.save_as(buffer)
    meta_end = buffer.getvalue().index(b"\x08\x00\x05\x00")
    path = tmp_path / "cut.dcm"
    path.write_bytes(buffer.getvalue()[:meta_end])
    with pytest.raises(UnreadableImageError, match="truncated DICOM header"):
        open_path(path)
