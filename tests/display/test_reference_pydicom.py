"""hoview's display pipeline against pydicom's, on every image pydicom ships.

Reference for grey images: pydicom ``apply_modality_lut`` then ``apply_voi_lut(index=0)``
(on a deep copy: ``apply_windowing`` writes to its dataset), rescaled from the output
range pydicom's VOI step uses to 0..255, then inverted for MONOCHROME1 / Presentation
LUT Shape INVERSE. Without a window or VOI LUT: min..max of the modality values, padding
left out. Colour images: pydicom's RGB ``pixel_array`` (or palette lookup) in 8 bits.
"""

from __future__ import annotations

import copy
import functools
import re
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pydicom
import pytest
from pydicom.dataset import Dataset
from pydicom.pixels.processing import apply_color_lut, apply_modality_lut, apply_voi_lut

from hoview.display.pipeline import to_display
from hoview.errors import UnreadableImageError
from hoview.sources.base import FrameCache
from hoview.sources.dicom import DicomImage
from hoview.sources.opening import open_image

FILES_DIR = Path(pydicom.__file__).parent / "data" / "test_files"
FILE_NAMES = sorted(p.name for p in FILES_DIR.glob("*.dcm"))


@dataclass
class Reference:
    """pydicom's display of some frames of one file, or why there is none."""

    frames: dict[int, np.ndarray] = field(default_factory=dict)
    colour: bool = False
    skipped: str = ""


def _frames_to_check(count: int) -> list[int]:
    if count <= 40:
        return list(range(1, count + 1))
    return sorted({1, (count + 1) // 2, count})


def _grey_reference(frame: np.ndarray, ds: pydicom.Dataset) -> np.ndarray:
    work = copy.deepcopy(ds)
    modality = apply_modality_lut(frame, work)
    values = np.asarray(modality, dtype=np.float64)
    has_lut = bool(work.get("VOILUTSequence")) and None not in (
        work.VOILUTSequence[0].get("LUTDescriptor"),
        work.VOILUTSequence[0].get("LUTData"),
    )
    has_window = None not in (work.get("WindowCenter"), work.get("WindowWidth"))
    shown = np.asarray(apply_voi_lut(modality, work, index=0), dtype=np.float64)
    if has_lut:  # pydicom prefers the VOI LUT when both are present
        y_min, y_max = 0.0, 2.0 ** int(work.VOILUTSequence[0].LUTDescriptor[2]) - 1
    elif has_window:  # the output range apply_windowing uses
        if work.get("ModalityLUTSequence"):
            y_min, y_max = 0.0, 2.0 ** int(work.ModalityLUTSequence[0].LUTDescriptor[2]) - 1
        elif int(work.PixelRepresentation) == 0:
            y_min, y_max = 0.0, 2.0 ** int(work.BitsStored) - 1
        else:
            y_min, y_max = (
                -(2.0 ** (int(work.BitsStored) - 1)),
                2.0 ** (int(work.BitsStored) - 1) - 1,
            )
        if "RescaleSlope" in work and "RescaleIntercept" in work:
            slope, intercept = float(work.RescaleSlope), float(work.RescaleIntercept)
            y_min, y_max = y_min * slope + intercept, y_max * slope + intercept
    else:
        keep = np.ones(frame.shape, dtype=bool)
        if "PixelPaddingValue" in ds:
            pad = [float(ds.PixelPaddingValue)]
            if "PixelPaddingRangeLimit" in ds:
                pad.append(float(ds.PixelPaddingRangeLimit))
            keep = ~((frame >= min(pad)) & (frame <= max(pad)))
            if not keep.any():
                keep[...] = True
        y_min, y_max = float(values[keep].min()), float(values[keep].max())
    if y_max == y_min:
        out = np.zeros(frame.shape, dtype=np.float64)
    else:
        out = np.clip((shown - y_min) / (y_max - y_min) * 255.0, 0, 255)
    shape = str(ds.get("PresentationLUTShape", "") or "").strip().upper()
    photometric = str(ds.PhotometricInterpretation).strip().upper()
    if shape == "INVERSE" or (not shape and photometric == "MONOCHROME1"):
        out = 255.0 - out
    return np.rint(out).astype(np.uint8)


def _colour_reference(frame: np.ndarray, ds: pydicom.Dataset) -> np.ndarray:
    if str(ds.PhotometricInterpretation).strip().upper() == "PALETTE COLOR":
        rgb = np.asarray(apply_color_lut(frame, ds))
        if rgb.dtype == np.uint8:
            return rgb
        return np.rint(rgb.astype(np.float64) * (255 / 65535)).astype(np.uint8)
    if frame.dtype == np.uint8:
        return frame
    peak = 2.0 ** int(ds.BitsStored) - 1
    return np.rint(frame.astype(np.float64) * (255 / peak)).astype(np.uint8)


def _reference_for(path: Path) -> Reference:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            ds = pydicom.dcmread(path, force=True)
            pixels = ds.pixel_array
        except Exception as exc:  # noqa: BLE001 - anything pydicom refuses is skipped
            return Reference(skipped=f"{type(exc).__name__}: {' '.join(str(exc).split())[:120]}")
        count = int(ds.get("NumberOfFrames", 1) or 1)
        photometric = str(ds.PhotometricInterpretation).strip().upper()
        colour = int(ds.get("SamplesPerPixel", 1)) == 3 or photometric == "PALETTE COLOR"
        result = Reference(colour=colour)
        for number in _frames_to_check(count):
            frame = pixels[number - 1] if count > 1 else pixels
            make = _colour_reference if colour else _grey_reference
            result.frames[number] = make(frame, ds)
    return result


@functools.cache
def reference(name: str) -> Reference:
    """pydicom's display of ``name``; ``skipped`` says why there is none."""
    return _reference_for(FILES_DIR / name)


def _compare(path: Path, ref: Reference) -> None:
    image = DicomImage(path, cache=FrameCache(64 * 2**20))
    attrs = image.attributes
    assert attrs.is_colour == ref.colour
    for number, expected in ref.frames.items():
        shown = to_display(image.pixels(number), attrs)
        assert shown.dtype == np.uint8
        assert shown.shape == expected.shape, f"{path.name} frame {number}"
        diff = np.abs(shown.astype(np.int16) - expected.astype(np.int16))
        assert diff.max() <= 1, (
            f"{path.name} frame {number}: {int((diff > 1).sum())} pixels differ by more "
            f"than one grey level (max {int(diff.max())})"
        )


#: Files pydicom cannot decode that hoview reads through its GDCM fallback (12-bit
#: lossy JPEG whose scan ends the spectral selection at 0); their pictures are
#: compared with DCMTK's in tests/sources/test_reference_dcmtk.py.
BEYOND_PYDICOM = {"JPEG-lossy.dcm"}


@pytest.mark.parametrize("name", FILE_NAMES)
def test_display_matches_pydicom(name: str) -> None:
    ref = reference(name)
    if ref.skipped and name in BEYOND_PYDICOM:
        image = open_image(FILES_DIR / name, cache=FrameCache())
        assert image.pixels(1).shape[:2] == (image.rows, image.columns)
        return
    if ref.skipped:
        # pydicom itself cannot show it: hoview must refuse it with a clear error too.
        with pytest.raises(UnreadableImageError, match=re.escape(name)):
            image = open_image(FILES_DIR / name, cache=FrameCache())
            image.pixels(1)
        return
    _compare(FILES_DIR / name, ref)


def _lut_item(first: int, data: np.ndarray, bits: int) -> Dataset:
    item = Dataset()
    item.add_new("LUTDescriptor", "US", [len(data) % 65536, first, bits])
    item.add_new("LUTData", "US", [int(v) for v in data])
    return item


def _voi_lut(ds: Dataset) -> None:
    # 12-bit S-shaped table over the MR's values 0..2047; the window stays, and
    # pydicom (hence hoview) prefers the LUT.
    x = np.arange(2048)
    ds.VOILUTSequence = [_lut_item(0, 4095 / (1 + np.exp(-(x - 600) / 150)), 12)]


def _modality_lut(ds: Dataset) -> None:
    # Replace CT_small's rescale by a 16-bit Modality LUT (stored 0..4095 -> 0..61425).
    del ds.RescaleSlope, ds.RescaleIntercept
    ds.ModalityLUTSequence = [_lut_item(0, np.arange(4096) * 15, 16)]
    ds.WindowCenter, ds.WindowWidth = 16000, 10000


def _set(**values: object):
    def change(ds: Dataset) -> None:
        for keyword, value in values.items():
            setattr(ds, keyword, value)

    return change


#: Edits of pydicom's files for the parts of C.11 none of them uses.
VARIANTS = {
    "linear_exact": ("MR_small.dcm", _set(VOILUTFunction="LINEAR_EXACT")),
    "sigmoid": ("MR_small.dcm", _set(VOILUTFunction="SIGMOID")),
    "monochrome1": ("MR_small.dcm", _set(PhotometricInterpretation="MONOCHROME1")),
    "inverse": ("MR_small.dcm", _set(PresentationLUTShape="INVERSE")),
    "monochrome1_identity": (
        "MR_small.dcm",
        _set(PhotometricInterpretation="MONOCHROME1", PresentationLUTShape="IDENTITY"),
    ),
    "voi_lut_sequence": ("MR_small.dcm", _voi_lut),
    "modality_lut_sequence": ("CT_small.dcm", _modality_lut),
    "ct_window": ("CT_small.dcm", _set(WindowCenter=[40, 400], WindowWidth=[400, 1800])),
    "ct_monochrome1_no_window": ("CT_small.dcm", _set(PhotometricInterpretation="MONOCHROME1")),
    "width_one": ("JPGExtended.dcm", _set(WindowCenter=100, WindowWidth=1)),
}


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_display_matches_pydicom_on_edited_files(variant: str, tmp_path: Path) -> None:
    name, edit = VARIANTS[variant]
    ds = pydicom.dcmread(FILES_DIR / name)
    edit(ds)
    path = tmp_path / f"{variant}.dcm"
    ds.save_as(path)
    ref = _reference_for(path)
    assert not ref.skipped, ref.skipped
    assert len(np.unique(ref.frames[1])) > 1, "the reference image is flat"
    _compare(path, ref)


def test_most_pydicom_images_are_compared() -> None:
    compared_files = compared_frames = grey_frames = 0
    undecodable = []
    for name in FILE_NAMES:
        ref = reference(name)
        if ref.skipped:  # pydicom itself cannot decode it (or it holds no image)
            undecodable.append(f"{name} ({ref.skipped})")
            continue
        compared_files += 1
        compared_frames += len(ref.frames)
        grey_frames += 0 if ref.colour else len(ref.frames)
    summary = f"{compared_files} files compared; undecodable: " + "; ".join(undecodable)
    assert compared_frames >= 40, summary
    assert grey_frames >= 20, summary
    assert compared_files >= 45, summary
    assert len(undecodable) <= 25, summary


# Enhanced multi-frame: pydicom's apply_modality_lut / apply_voi_lut read the top-level
# rescale and window only, so each frame is given to them as a classic header built
# from its functional groups (per-frame item first, else the shared one).

_FRAME_MACROS = ("PixelValueTransformationSequence", "FrameVOILUTSequence")


def _classic_frame_header(ds: Dataset, index: int) -> Dataset:
    flat = copy.deepcopy(ds)
    shared = ds.SharedFunctionalGroupsSequence[0]
    own = ds.PerFrameFunctionalGroupsSequence[index]
    for keyword in _FRAME_MACROS:
        macro = own.get(keyword) or shared.get(keyword)
        if macro:
            for element in macro[0]:
                flat[element.tag] = copy.deepcopy(element)
    del flat.SharedFunctionalGroupsSequence, flat.PerFrameFunctionalGroupsSequence
    flat.NumberOfFrames = 1
    return flat


ENHANCED_VARIANTS = {
    "ct_per_frame_rescale_and_windows": {
        "modality": "CT",
        "rescales": [(1.0, -1024.0), (2.0, -2048.0), (1.0, -1024.0), (0.5, -100.0)],
        "windows": [[(40, 400, "A")], [(300, 1500, "B")], [(-600, 1500, "C")], [(90, 150, "D")]],
    },
    "ct_per_frame_rescale_full_range": {
        "modality": "CT",
        "rescales": [(1.0, -1024.0), (2.0, -2048.0), (0.25, 0.0)],
        "windows": None,
        "frames": 3,
    },
    "mr_shared_sigmoid": {
        "modality": "MR",
        "rescales": [(1.5, 0.0)],
        "rescale_type": "US",
        "windows": [[(1500, 2000, "MR")]],
        "voi_function": "SIGMOID",
    },
    "xa_per_frame_windows_no_rescale": {
        "modality": "XA",
        "rescales": None,
        "windows": [[(300 + 100 * i, 600, f"XA{i}")] for i in range(5)],
        "frames": 5,
        "bits": 10,
    },
}


@pytest.mark.parametrize("variant", sorted(ENHANCED_VARIANTS))
def test_enhanced_frames_match_pydicom_per_frame(variant: str, tmp_path: Path) -> None:
    from enhanced_dicom import write_enhanced

    path = write_enhanced(tmp_path / f"{variant}.dcm", **ENHANCED_VARIANTS[variant])
    ds = pydicom.dcmread(path)
    pixels = ds.pixel_array
    image = DicomImage(path, cache=FrameCache(2**20))
    references = []
    for index in range(int(ds.NumberOfFrames)):
        expected = _grey_reference(pixels[index], _classic_frame_header(ds, index))
        references.append(expected)
        number = index + 1
        shown = to_display(image.pixels(number), image.frame(number).attributes)
        diff = np.abs(shown.astype(np.int16) - expected.astype(np.int16))
        assert diff.max() <= 1, f"{variant} frame {number}: max difference {int(diff.max())}"
        assert len(np.unique(expected)) > 4, f"{variant} frame {number}: flat reference"
    per_frame_windows = len(ENHANCED_VARIANTS[variant].get("windows") or ()) > 1
    if per_frame_windows:  # else a min..max window makes every ramp look alike
        assert len({r.tobytes() for r in references}) > 1, "every frame looks the same"
