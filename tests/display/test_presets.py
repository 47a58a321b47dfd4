"""Window presets: auto, radiograph heuristics, CT, and their order for the number keys."""

from __future__ import annotations

import numpy as np
import pytest

from hoview.display.attributes import PixelAttributes, Window
from hoview.display.presets import (
    CT_PRESETS,
    auto_window,
    ct_presets,
    histogram,
    presets_for,
    radiograph_presets,
    same_look,
)

DX = PixelAttributes(bits_stored=12)


@pytest.fixture(scope="module")
def bimodal() -> np.ndarray:
    """Soft tissue around 1000, bone around 3000, 30 % collimation at exactly 0."""
    rng = np.random.default_rng(3)
    soft = rng.normal(1000, 60, 40_000)
    bone = rng.normal(3000, 60, 30_000)
    values = np.concatenate([soft, bone, np.zeros(30_000)])
    rng.shuffle(values)
    frame = np.clip(np.rint(values), 0, 4095).astype(np.uint16).reshape(250, 400)
    frame.setflags(write=False)
    return frame


def test_auto_window_lands_between_the_modes(bimodal: np.ndarray) -> None:
    window = auto_window(bimodal, DX)
    assert window.name == "Auto" and window.function == "LINEAR_EXACT"
    assert 1000 < window.center < 3000
    # The spike at the exact minimum (collimation) is left out: the window starts at
    # the soft tissue mode, not at 0.
    assert 700 < window.low < 1000
    assert 3000 < window.high < 3300


def test_auto_window_percentiles(bimodal: np.ndarray) -> None:
    narrow = auto_window(bimodal, DX, 10, 90)
    wide = auto_window(bimodal, DX)
    assert wide.low < narrow.low < narrow.high < wide.high
    with pytest.raises(ValueError, match="low_percentile"):
        auto_window(bimodal, DX, 60, 40)


def test_auto_window_leaves_padding_out() -> None:
    frame = np.full((10, 10), 4000, dtype=np.uint16)
    frame[:, :5] = np.arange(500, 550).reshape(10, 5)
    padded = PixelAttributes(bits_stored=12, padding=(4000.0,))
    window = auto_window(frame, padded, 0, 100)
    # Integer data, integer centre and width: 500..549 becomes 500..550 (525/50).
    assert (window.low, window.high) == (500, 550)
    assert (window.center, window.width) == (525, 50)


def test_auto_window_on_flat_and_float_frames() -> None:
    flat = auto_window(np.full((5, 5), 9, dtype=np.uint16), DX)
    assert flat.width > 0 and flat.low == 9  # no zero width; the value shows black
    floats = np.linspace(-1.0, 1.0, 10_001).reshape(73, 137).astype(np.float32)
    window = auto_window(floats, PixelAttributes(bits_stored=32), 0, 100)
    assert window.low == pytest.approx(-1.0) and window.high == pytest.approx(1.0)


def test_histogram_applies_the_rescale_and_counts_exactly() -> None:
    attrs = PixelAttributes(bits_stored=12, rescale_slope=2.0, rescale_intercept=-10)
    values, counts = histogram(np.array([[1, 1], [3, 0]], dtype=np.uint16), attrs)
    assert values.tolist() == [-10, -8, -4] and counts.tolist() == [1, 2, 1]


def test_auto_window_leaves_a_spike_at_the_maximum_out(bimodal: np.ndarray) -> None:
    saturated = bimodal.copy()
    saturated[:50] = 4095  # 20 % collimation at the top of the range
    assert auto_window(saturated, DX).high < 3300


@pytest.fixture(scope="module")
def film() -> np.ndarray:
    """Air around 300, soft tissue around 1200, bone around 2800 and collimation at 0."""
    rng = np.random.default_rng(5)
    parts = [
        rng.normal(300, 40, 20_000),
        rng.normal(1200, 150, 45_000),
        rng.normal(2800, 250, 25_000),
        np.zeros(10_000),
    ]
    values = np.concatenate(parts)
    rng.shuffle(values)
    frame = np.clip(np.rint(values), 0, 4095).astype(np.uint16).reshape(250, 400)
    frame.setflags(write=False)
    return frame


def test_radiograph_presets_bone_and_soft_tissue(film: np.ndarray) -> None:
    auto, bone, soft = radiograph_presets(film, DX)
    assert [w.name for w in (auto, bone, soft)] == ["Auto", "Bone", "Soft tissue"]
    assert all(w.function == "LINEAR_EXACT" for w in (auto, bone, soft))
    # Soft tissue: from below the soft tissue to above it, short of the bone mode.
    assert auto.low <= soft.low < 1200 - 300
    assert 1200 + 300 < soft.high < 2800
    # Bone: starts inside the soft tissue (the limb's outline stays a dark grey),
    # and ends at Auto's top.
    assert 900 < bone.low < 1700 and bone.high >= auto.high
    assert bone.low < 2800 < bone.high
    assert soft.center < auto.center < bone.center
    assert bone.width < auto.width and soft.width < auto.width


def test_radiograph_presets_soft_tissue_window_shows_soft_tissue_grey(film: np.ndarray) -> None:
    from hoview.display.pipeline import to_display  # the screen's own pipeline

    _, _, soft = radiograph_presets(film, DX)
    shown = to_display(film, DX, soft)
    air = shown[np.abs(film.astype(int) - 300) < 40]
    soft_tissue = shown[np.abs(film.astype(int) - 1200) < 150]
    bone = shown[np.abs(film.astype(int) - 2800) < 250]
    assert np.median(air) < 40
    assert 50 < np.median(soft_tissue) < 170  # grey, with room either side
    assert np.median(bone) > np.median(soft_tissue) + 60


def test_soft_tissue_on_the_sample_pelvis_keeps_detail(sample_data_dir) -> None:
    """The sample DX: the old Otsu split turned 96 % of the pelvis white."""
    from hoview.display.pipeline import to_display
    from hoview.sources.dicom import DicomImage

    frame = DicomImage(sample_data_dir / "pelvis_ap.dcm").frames()[0]
    stored = frame.pixels()
    presets = presets_for(stored, frame.attributes, "DX")
    soft = next(w for w in presets if w.name == "Soft tissue")
    pelvis = to_display(stored, frame.attributes, soft)[500:1200, 500:1500]
    assert np.mean(pelvis == 255) < 0.3 and pelvis.std() > 30
    assert len(presets) == len({(w.center, w.width) for w in presets})


def test_radiograph_presets_mirror_for_monochrome1(film: np.ndarray) -> None:
    # MONOCHROME1: low values are shown bright, so "bone" is the low part.
    inverted = PixelAttributes(photometric="MONOCHROME1", bits_stored=12, presentation_inverse=True)
    flipped = (4095 - film).astype(np.uint16)
    _, bone, soft = radiograph_presets(flipped, inverted)
    _, bone2, soft2 = radiograph_presets(film, DX)
    assert bone.center < soft.center
    tolerance = 0.03 * bone2.width  # the histogram bins differ by a bin or so
    assert bone.center == pytest.approx(4095 - bone2.center, abs=tolerance)
    assert soft.center == pytest.approx(4095 - soft2.center, abs=tolerance)


def test_radiograph_presets_on_integer_data_are_integers(film: np.ndarray) -> None:
    for window in radiograph_presets(film, DX):
        assert window.center == int(window.center) and window.width == int(window.width)
    floats = film.astype(np.float32) / 7
    real = radiograph_presets(floats, PixelAttributes(bits_stored=32))
    assert any(w.center != int(w.center) for w in real)


def test_presets_leave_out_lookalikes_and_namesakes(film: np.ndarray) -> None:
    auto, bone, soft = radiograph_presets(film, DX)
    near_auto = Window(auto.center + 0.02 * auto.width, auto.width, "LINEAR", "STANDARD")
    own_bone = Window(2600, 1800, "LINEAR", "BONE")
    attrs = PixelAttributes(bits_stored=12, windows=(near_auto, own_bone))
    presets = presets_for(film, attrs, "DX")
    # Auto looks like STANDARD, and the file's BONE wins over hoview's Bone.
    assert [w.name for w in presets] == ["STANDARD", "BONE", "Soft tissue"]
    assert same_look(near_auto, auto) and not same_look(bone, soft)
    assert not same_look(Window(40, 400), Window(40, 400, "SIGMOID"))


def test_ct_presets_are_the_conventional_values() -> None:
    presets = {w.name: (w.center, w.width) for w in ct_presets()}
    assert presets["Soft tissue"] == (40, 400)
    assert presets["Lung"] == (-600, 1500)
    assert presets["Brain"] == (40, 80)
    assert len(ct_presets()) == len(CT_PRESETS) <= 9


def test_presets_for_puts_file_windows_first(bimodal: np.ndarray) -> None:
    file_windows = (Window(2000, 3000, name="File window 1"), Window(1000, 500, name="Soft"))
    attrs = PixelAttributes(bits_stored=12, windows=file_windows)
    presets = presets_for(bimodal, attrs, "DX")
    assert presets[:2] == list(file_windows)
    assert [w.name for w in presets[2:]] == ["Auto", "Bone", "Soft tissue"]


def test_presets_for_ct_in_hounsfield_units_only() -> None:
    frame = np.arange(-1000, 1000, dtype=np.int16).reshape(40, 50)
    hu = PixelAttributes(signed=True, units="HU", windows=(Window(40, 400, name="ABDOMEN"),))
    presets = presets_for(frame, hu, "CT")
    assert presets[0].name == "ABDOMEN"
    # The file's 40/400 equals the soft tissue preset: it is not listed twice.
    assert [w.name for w in presets[1:]] == [n for n, _, _ in CT_PRESETS if n != "Soft tissue"]
    not_hu = PixelAttributes(signed=True)
    assert [w.name for w in presets_for(frame, not_hu, "CT")] == ["Auto"]
    assert not any(w.name == "Lung" for w in presets_for(frame, hu, "DX"))


@pytest.mark.parametrize("modality", ["CR", "DX", "MG", "", "dx "])
def test_presets_for_radiographs_and_raster_images(bimodal: np.ndarray, modality: str) -> None:
    names = [w.name for w in presets_for(bimodal, DX, modality)]
    assert names == ["Auto", "Bone", "Soft tissue"]


def test_presets_for_other_modalities_and_colour(bimodal: np.ndarray) -> None:
    assert [w.name for w in presets_for(bimodal, DX, "MR")] == ["Auto"]
    rgb = PixelAttributes(photometric="RGB", samples_per_pixel=3, bits_stored=8)
    assert presets_for(np.zeros((2, 2, 3), np.uint8), rgb, "XC") == []
