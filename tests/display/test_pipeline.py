"""Hand-computed values for each step of the display pipeline (PS3.3 C.11)."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from hoview.display.attributes import LookupTable, PixelAttributes, Window
from hoview.display.pipeline import (
    apply_voi_direct,
    default_voi,
    modality_values,
    to_display,
    window_lut,
)

GREY = PixelAttributes(bits_stored=16, signed=True)


def show(values, attrs=GREY, voi=None, dtype=np.int16, invert=False):
    """to_display of a 1-D run of stored values, as a list."""
    return to_display(np.array(values, dtype=dtype), attrs, voi, invert).tolist()


# -- VOI functions ------------------------------------------------------------------


def test_linear_window_uses_half_pixel_and_width_minus_one() -> None:
    # C.11.2.1.2.1 with c=50, w=101: c-0.5=49.5, w-1=100, so x <= -0.5 -> 0,
    # x > 99.5 -> 255, else (x + 0.5) / 100 of the output range.
    window = Window(50, 101)
    assert show([-1, 0, 1, 50, 99, 100, 101], voi=window) == [
        0,  # below the window
        1,  # 0.005 * 255 = 1.275
        4,  # 0.015 * 255 = 3.825
        129,  # 0.505 * 255 = 128.775
        254,  # 0.995 * 255 = 253.725
        255,  # 100 > 99.5
        255,
    ]


def test_linear_window_of_width_one_is_a_threshold() -> None:
    # c=10, w=1: x <= 9.5 -> 0, x > 9.5 -> 255.
    assert show([9, 10, 11], voi=Window(10, 1)) == [0, 255, 255]


def test_linear_exact_window() -> None:
    # C.11.2.1.3.2 with c=50, w=100: (x - 50) / 100 + 0.5 = x / 100.
    window = Window(50, 100, "LINEAR_EXACT")
    assert show([-5, 0, 20, 25, 80, 100, 101], voi=window) == [0, 0, 51, 64, 204, 255, 255]


def test_sigmoid_window() -> None:
    # C.11.2.1.3.1: 1 / (1 + exp(-4 (x - c) / w)), c=50, w=100.
    window = Window(50, 100, "SIGMOID")
    expected = [round(255 / (1 + np.exp(-4 * (x - 50) / 100))) for x in (0, 25, 75, 100)]
    assert expected == [30, 69, 186, 225]
    assert show([0, 25, 75, 100], voi=window) == expected
    # Far outside the window: no overflow warning, saturated ends.
    assert show([-32768, 32767], voi=window) == [0, 255]


def test_voi_lut_sequence() -> None:
    # C.11.2.1.1: below the first mapped value -> first entry, past the end -> last
    # entry; the output range 0..2**12-1 maps to 0..255.
    lut = LookupTable(first_mapped=10, data=np.array([0, 100, 200, 4095]), bits=12)
    assert show([5, 10, 11, 12, 13, 20], voi=lut) == [0, 0, 6, 12, 255, 255]


def test_modality_lut_then_window() -> None:
    mlut = LookupTable(first_mapped=0, data=np.array([0, 1000, 2000, 4095]), bits=12)
    attrs = PixelAttributes(bits_stored=8, modality_lut=mlut)
    assert modality_values(np.array([0, 1, 2, 3, 9]), attrs).tolist() == [0, 1000, 2000, 4095, 4095]
    window = Window(1500, 2000, "LINEAR_EXACT")  # 500..2500
    assert show([0, 1, 2, 3], attrs, window, np.uint8) == [0, 64, 191, 255]
    # A table without a VOI shows the Modality LUT's whole output range, 0..4095.
    table = window_lut(attrs, None, np.dtype(np.uint8))
    assert table[:4].tolist() == [0, round(1000 / 4095 * 255), round(2000 / 4095 * 255), 255]
    # to_display without a VOI uses the default: min..max of the modality values.
    assert show([1, 2, 3], attrs, None, np.uint8) == [0, round(1000 / 3095 * 255), 255]


def test_ct_rescale_with_negative_intercept() -> None:
    attrs = PixelAttributes(bits_stored=12, rescale_slope=1.0, rescale_intercept=-1024.0)
    stored = np.array([0, 824, 1024, 1064, 1264], dtype=np.uint16)
    values = modality_values(stored, attrs)
    assert values.dtype == np.float64
    assert values.tolist() == [-1024, -200, 0, 40, 240]
    # Soft tissue 40/400 LINEAR: 39.5 - 399/2 = -160 .. 239.
    shown = to_display(stored, attrs, Window(40, 400)).tolist()
    assert shown == [0, 0, round(160 / 399 * 255), round(200 / 399 * 255), 255]
    assert shown[2:4] == [102, 128]


def test_signed_data_with_slope() -> None:
    attrs = PixelAttributes(bits_stored=12, signed=True, rescale_slope=2.0, rescale_intercept=10)
    stored = np.array([-100, 0, 100], dtype=np.int16)
    assert modality_values(stored, attrs).tolist() == [-190, 10, 210]
    window = default_voi(stored, attrs)
    assert (window.low, window.high, window.function) == (-190, 210, "LINEAR_EXACT")
    assert to_display(stored, attrs).tolist() == [0, 128, 255]  # 0.5 * 255 = 127.5 -> 128
    # The table for signed data is indexed by the bit pattern: -100 is 0xFF9C.
    table = window_lut(attrs, window, np.dtype(np.int16))
    assert table.shape == (65536,)
    assert table[np.array([-100], np.int16).view(np.uint16)[0]] == 0


def test_monochrome1_and_inverse_presentation_lut() -> None:
    window = Window(50, 100, "LINEAR_EXACT")
    inverse = PixelAttributes(photometric="MONOCHROME1", presentation_inverse=True)
    assert show([0, 20, 100], inverse, window, np.uint16) == [255, 204, 0]
    # invert XOR the file's Presentation LUT: inverting an inverse image undoes it.
    assert show([0, 20, 100], inverse, window, np.uint16, invert=True) == [0, 51, 255]
    plain = PixelAttributes()
    assert show([0, 20, 100], plain, window, np.uint16, invert=True) == [255, 204, 0]


def test_flat_frame_shows_black_without_dividing_by_zero() -> None:
    flat = np.full((4, 4), 7, dtype=np.uint16)
    window = default_voi(flat, PixelAttributes())
    assert window.name == "Full range"
    assert to_display(flat, PixelAttributes()).max() == 0
    assert to_display(flat, PixelAttributes(presentation_inverse=True)).min() == 255
    floats = np.full((2, 2), 0.25, dtype=np.float32)
    assert to_display(floats, PixelAttributes(bits_stored=32)).tolist() == [[0, 0], [0, 0]]


# -- default VOI ---------------------------------------------------------------------


def test_default_voi_excludes_padding_value() -> None:
    attrs = PixelAttributes(padding=(0.0,))
    stored = np.array([[0, 100], [200, 300]], dtype=np.uint16)
    window = default_voi(stored, attrs)
    assert (window.low, window.high, window.name) == (100, 300, "Full range")
    assert to_display(stored, attrs).tolist() == [[0, 0], [128, 255]]


@pytest.mark.parametrize("padding", [(0.0, 50.0), (50.0, 0.0)])
def test_default_voi_excludes_padding_range_inclusive(padding: tuple[float, float]) -> None:
    attrs = PixelAttributes(padding=padding)
    stored = np.array([0, 30, 50, 51, 200], dtype=np.uint16)
    window = default_voi(stored, attrs)
    assert (window.low, window.high) == (51, 200)


def test_default_voi_with_signed_padding_and_rescale() -> None:
    attrs = PixelAttributes(signed=True, rescale_intercept=-1024, padding=(-2000.0,))
    stored = np.array([-2000, 0, 2000], dtype=np.int16)
    window = default_voi(stored, attrs)
    assert (window.low, window.high) == (-1024, 976)


def test_default_voi_when_every_pixel_is_padding_uses_them_all() -> None:
    attrs = PixelAttributes(padding=(0.0, 10.0))
    window = default_voi(np.array([0, 10], dtype=np.uint16), attrs)
    assert (window.low, window.high) == (0, 10)


def test_default_voi_prefers_the_voi_lut_like_pydicom() -> None:
    lut = LookupTable(0, np.arange(10), 8)
    both = PixelAttributes(windows=(Window(5, 10),), voi_luts=(lut,))
    assert default_voi(np.zeros(3, np.uint16), both) is lut
    windows = PixelAttributes(windows=(Window(5, 10, name="a"), Window(1, 2, name="b")))
    assert default_voi(np.zeros(3, np.uint16), windows).name == "a"


def test_default_voi_is_none_for_colour() -> None:
    rgb = PixelAttributes(photometric="RGB", samples_per_pixel=3, bits_stored=8)
    assert default_voi(np.zeros((2, 2, 3), np.uint8), rgb) is None


# -- tables and byte order ------------------------------------------------------------


@pytest.mark.parametrize(
    ("dtype", "size"), [(np.uint8, 256), (np.int8, 256), (np.uint16, 65536), (np.int16, 65536)]
)
def test_window_lut_size_and_cache(dtype: type, size: int) -> None:
    attrs = PixelAttributes(
        bits_stored=8 * np.dtype(dtype).itemsize, signed=dtype in (np.int8, np.int16)
    )
    window = Window(3, 20)
    table = window_lut(attrs, window, np.dtype(dtype))
    assert table.shape == (size,) and table.dtype == np.uint8
    assert not table.flags.writeable
    assert window_lut(attrs, window, np.dtype(dtype)) is table
    assert window_lut(attrs, window, np.dtype(dtype), invert=True) is not table
    # Every bit pattern agrees with the per-pixel computation.
    domain = np.arange(size, dtype=f"u{np.dtype(dtype).itemsize}").view(dtype)
    assert np.array_equal(table, apply_voi_direct(domain, attrs, window))


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.uint32, np.int32, np.int64])
def test_window_lut_does_not_apply_to_wide_or_float_data(dtype: type) -> None:
    assert window_lut(PixelAttributes(bits_stored=32), Window(0, 10), np.dtype(dtype)) is None


def test_window_lut_does_not_apply_to_colour() -> None:
    rgb = PixelAttributes(photometric="RGB", samples_per_pixel=3, bits_stored=8)
    assert window_lut(rgb, None, np.dtype(np.uint8)) is None


def test_direct_path_for_32_bit_and_float_data() -> None:
    attrs = PixelAttributes(bits_stored=32, rescale_slope=0.5)
    window = Window(50, 100, "LINEAR_EXACT")
    for dtype in (np.uint32, np.float32, np.float64):
        stored = np.array([0, 40, 160, 300], dtype=dtype)
        assert to_display(stored, attrs, window).tolist() == [0, 51, 204, 255]
    with_nan = np.array([np.nan, 40.0])
    assert apply_voi_direct(with_nan, attrs, window).tolist() == [0, 51]


@pytest.mark.parametrize("dtype", [">u2", ">i2", ">u4", ">f8"])
def test_big_endian_input(dtype: str) -> None:
    attrs = PixelAttributes(bits_stored=16, signed=dtype == ">i2")
    native = np.array([[0, 1000], [2000, 3000]], dtype=dtype[1:])
    swapped = native.astype(dtype)
    assert not swapped.dtype.isnative
    window = Window(1500, 2000)
    assert np.array_equal(to_display(swapped, attrs, window), to_display(native, attrs, window))
    assert np.array_equal(to_display(swapped, attrs), to_display(native, attrs))


def test_bad_voi_names_the_argument() -> None:
    with pytest.raises(TypeError, match="voi"):
        to_display(np.zeros(2, np.float32), PixelAttributes(), voi=(40, 400))  # type: ignore[arg-type]


# -- colour ---------------------------------------------------------------------------


def test_rgb_uint8_passes_through_and_inverts() -> None:
    rgb = PixelAttributes(photometric="RGB", samples_per_pixel=3, bits_stored=8)
    stored = np.arange(12, dtype=np.uint8).reshape(2, 2, 3)
    assert np.array_equal(to_display(stored, rgb), stored)
    assert np.array_equal(to_display(stored, rgb, invert=True), 255 - stored)


def test_rgb_with_more_bits_is_scaled_from_bits_stored() -> None:
    rgb = PixelAttributes(photometric="RGB", samples_per_pixel=3, bits_stored=12)
    stored = np.array([[[0, 2048, 4095]]], dtype=np.uint16)
    assert to_display(stored, rgb).tolist() == [[[0, 128, 255]]]  # 2048 * 255 / 4095 = 127.5...
    assert to_display(stored.astype(">u2"), rgb).tolist() == [[[0, 128, 255]]]


def test_rgb_needs_three_samples() -> None:
    rgb = PixelAttributes(photometric="RGB", samples_per_pixel=3, bits_stored=8)
    with pytest.raises(ValueError, match=r"\(0028,0002\)"):
        to_display(np.zeros((2, 2), np.uint8), rgb)


def test_palette_colour_is_indexed_from_the_first_value_and_clipped() -> None:
    palette = np.array([[10, 20, 30], [40, 50, 60], [70, 80, 90]], dtype=np.uint8)
    attrs = PixelAttributes(
        photometric="PALETTE COLOR", bits_stored=8, palette=palette, palette_first=5
    )
    stored = np.array([[4, 5, 6], [7, 8, 200]], dtype=np.uint8)
    shown = to_display(stored, attrs)
    assert shown.shape == (2, 3, 3)
    assert shown[0].tolist() == [[10, 20, 30], [10, 20, 30], [40, 50, 60]]
    assert shown[1].tolist() == [[70, 80, 90], [70, 80, 90], [70, 80, 90]]
    assert to_display(stored, attrs, invert=True)[0, 0].tolist() == [245, 235, 225]


def test_display_modules_import_no_qt() -> None:
    code = (
        "import sys, hoview.display.pipeline, hoview.display.pyramid, "
        "hoview.display.viewport, hoview.display.presets; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('PySide6', 'shiboken6')))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


@pytest.mark.parametrize("dtype", [np.uint8, np.int16, np.float32])
def test_full_range_through_a_non_monotonic_modality_lut(dtype: type) -> None:
    mlut = LookupTable(first_mapped=0, data=np.array([5, 1, 9, 3]), bits=4)
    attrs = PixelAttributes(bits_stored=8, modality_lut=mlut, padding=(2.0,))
    window = default_voi(np.array([[0, 1], [2, 3]], dtype=dtype), attrs)
    assert (window.low, window.high) == (1, 5)  # 9 is the padding pixel's value
