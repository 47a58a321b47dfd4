"""Mutated image files for the fuzz run: bit flips, cuts, broken lengths, absurd values.

Every mutation is a pure function of a :class:`random.Random`, so an input is rebuilt
exactly from its run seed and index (:func:`make_case`). The seed files are pydicom's
own test files, hoview's sample data and a few synthetic raster images made here.
"""

from __future__ import annotations

import io
import random
import re
import struct
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np

#: Seed files larger than this are left out (they only make a run slower).
MAX_SEED_BYTES = 300_000

_REPO = Path(__file__).resolve().parent.parent

#: Explicit VRs, as written in an element header (PS3.5 7.1.2).
_LONG_VRS = (b"OB", b"OD", b"OF", b"OL", b"OV", b"OW", b"SQ", b"UC", b"UN", b"UR", b"UT")
_SHORT_VRS = (
    b"AE", b"AS", b"AT", b"CS", b"DA", b"DS", b"DT", b"FL", b"FD", b"IS", b"LO", b"LT",
    b"PN", b"SH", b"SL", b"SS", b"ST", b"TM", b"UI", b"UL", b"US",
)  # fmt: skip
_VR_PATTERN = re.compile(b"(?=[\\x00-\\xff]{4}(" + b"|".join(_LONG_VRS + _SHORT_VRS) + b"))")

#: Pixel Data (7FE0,0010) as little and big endian tags: seeds must have pixels.
_PIXEL_DATA_TAGS = (b"\xe0\x7f\x10\x00", b"\x7f\xe0\x00\x10")

_BIG_NUMBERS = ("1e9", "2147483647", "4294967296", "-1", "0", "", "abc", "1.5", "9" * 16)
_BAD_DECIMALS = ("", "nan", "inf", "-inf", "1e308", "abc", "0", "-0", "1\\2\\3", " ")
_BAD_UIDS = ("1." + "2" * 80, "1.2 3", "1.2.\xe9", "", "\x00", "1..2")
_BAD_CODES = ("", "MONOCHROME3", "PALETTE COLOR", "YBR_FULL_422", "RGB", "\x1b[31m", "INVERSE")
_BAD_US = (0, 1, 3, 7, 9, 17, 33, 64, 0xFFFF, 0x8000)

#: Attributes worth breaking: tag -> the kind of absurd value to give it.
_TARGETS: dict[int, str] = {
    0x00280008: "is",  # Number of Frames
    0x00280010: "us",  # Rows
    0x00280011: "us",  # Columns
    0x00280100: "us",  # Bits Allocated
    0x00280101: "us",  # Bits Stored
    0x00280102: "us",  # High Bit
    0x00280103: "us",  # Pixel Representation
    0x00280002: "us",  # Samples per Pixel
    0x00280006: "us",  # Planar Configuration
    0x00280004: "cs",  # Photometric Interpretation
    0x00281050: "ds",  # Window Center
    0x00281051: "ds",  # Window Width
    0x00281056: "cs",  # VOI LUT Function
    0x00281053: "ds",  # Rescale Slope
    0x00281052: "ds",  # Rescale Intercept
    0x00280030: "ds",  # Pixel Spacing
    0x00181164: "ds",  # Imager Pixel Spacing
    0x00080018: "ui",  # SOP Instance UID
    0x00280120: "us",  # Pixel Padding Value
    0x00280121: "us",  # Pixel Padding Range Limit
    0x20500020: "cs",  # Presentation LUT Shape
    0x00283000: "lutseq",  # Modality LUT Sequence
    0x00283010: "lutseq",  # VOI LUT Sequence
    0x00281101: "lutdesc",  # Red Palette Color Lookup Table Descriptor
    0x00281201: "lutdata",  # Red Palette Color Lookup Table Data
    0x60000050: "origin",  # Overlay Origin
    0x60000010: "us",  # Overlay Rows
    0x60003000: "lutdata",  # Overlay Data
    0x00200032: "ds",  # Image Position (Patient)
    0x00200037: "ds",  # Image Orientation (Patient)
    0x00200013: "is",  # Instance Number
    0x00200011: "is",  # Series Number
    0x0008103E: "cs",  # Series Description
    0x00020010: "ui",  # Transfer Syntax UID
}


@dataclass(frozen=True)
class Case:
    """One fuzz input: which seed file, how it was broken, and the bytes.

    Parameters
    ----------
    index : int
        Its number in the run; with the run seed it rebuilds the input.
    seed_file : pathlib.Path
        The file it was made from.
    mutation : str
        What was done, in one line.
    data : bytes
        The mutated file.
    in_folder : bool
        Open it inside a folder (a scan) rather than as a file.
    """

    index: int
    seed_file: Path
    mutation: str
    data: bytes
    in_folder: bool = False


def seed_files(include_raster: Path | None = None) -> list[Path]:
    """Return the seed files: pydicom's small test files and hoview's sample data.

    Parameters
    ----------
    include_raster : pathlib.Path, optional
        A folder to write synthetic PNG / TIFF / BMP seeds into (made if needed).
    """
    from pydicom.data import get_testdata_files

    files = sorted(
        Path(f)
        for f in get_testdata_files()
        if Path(f).stat().st_size <= MAX_SEED_BYTES and "dicomdirtests" not in f
    )
    files = [f for f in files if _PIXEL_DATA_TAGS[0] in (b := f.read_bytes()) or
             _PIXEL_DATA_TAGS[1] in b]  # fmt: skip
    samples = _REPO / "sample_data"
    files += [samples / "pelvis_ap.dcm", samples / "ct_hips" / "ct_001.dcm"]
    if include_raster is not None:
        files += write_raster_seeds(include_raster)
    return [f for f in files if f.is_file()]


def write_raster_seeds(folder: Path) -> list[Path]:
    """Write small synthetic raster seeds (grey, 16-bit, colour, multi-page TIFF)."""
    from PIL import Image

    folder.mkdir(parents=True, exist_ok=True)
    ramp = (np.arange(64 * 48) % 251).astype(np.uint8).reshape(48, 64)
    made = []
    for name, image in (
        ("grey.png", Image.fromarray(ramp)),
        ("grey16.png", Image.fromarray(ramp.astype(np.uint16) * 200)),
        ("colour.jpg", Image.fromarray(np.dstack([ramp, ramp[::-1], ramp]))),
        ("grey.bmp", Image.fromarray(ramp)),
    ):
        path = folder / name
        image.save(path)
        made.append(path)
    pages = folder / "pages.tif"
    Image.fromarray(ramp).save(pages, save_all=True, append_images=[Image.fromarray(ramp.T)])
    made.append(pages)
    return made


def make_case(run_seed: int, index: int, seeds: list[Path]) -> Case:
    """Rebuild input ``index`` of the run seeded ``run_seed``."""
    rng = random.Random(f"{run_seed}:{index}")
    seed_file = rng.choice(seeds)
    data = seed_file.read_bytes()
    is_dicom = len(data) > 132 and data[128:132] == b"DICM" or seed_file.suffix == ".dcm"
    kinds = ["flip", "cut", "length", "attribute", "attribute", "attribute+flip"]
    if not is_dicom:
        kinds = ["flip", "flip", "cut", "header"]
    kind = rng.choice(kinds)
    try:
        data, what = _MUTATORS[kind](data, rng)
    except Exception as exc:  # noqa: BLE001 - a mutation pydicom cannot write: flip instead
        data, what = _flip(data, rng)
        what = f"{what} (after {kind} failed: {type(exc).__name__})"
    return Case(index, seed_file, what, data, in_folder=rng.random() < 0.1)


def _flip(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    buf = bytearray(data)
    head = min(len(buf), 4096) if rng.random() < 0.7 else len(buf)
    spots = sorted(rng.randrange(head) for _ in range(rng.randint(1, 16)))
    for spot in spots:
        buf[spot] ^= 1 << rng.randrange(8)
    return bytes(buf), f"bit flips at {spots[:6]}{'...' if len(spots) > 6 else ''}"


def _cut(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    end = rng.randrange(1, len(data)) if rng.random() < 0.5 else rng.randrange(len(data) // 2)
    end = max(end, 1)
    return data[:end], f"cut at byte {end} of {len(data)}"


def _length(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    spots = [m.start() for m in _VR_PATTERN.finditer(data, 132)]
    if not spots:
        return _flip(data, rng)
    spot = rng.choice(spots)
    vr = data[spot + 4 : spot + 6]
    buf = bytearray(data)
    if vr in _LONG_VRS:
        value = rng.choice((0, 1, 2, 0xFFFFFFFF, 0x7FFFFFFF, 0xFFFFFFFE, rng.randrange(2**32)))
        buf[spot + 8 : spot + 12] = struct.pack("<I", value)
    else:
        value = rng.choice((0, 1, 3, 0xFFFF, 0xFFFE, rng.randrange(2**16)))
        buf[spot + 6 : spot + 8] = struct.pack("<H", value)
    return bytes(buf), f"length of {vr.decode()} element at byte {spot} set to {value:#x}"


def _header(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    """Raster: overwrite a width/height-like field near the start with a big number."""
    buf = bytearray(data)
    spot = rng.randrange(8, min(len(buf) - 4, 64)) if len(buf) > 16 else 0
    value = rng.choice((0, 1, 0xFFFF, 0x7FFFFFFF, 30000, 12000))
    buf[spot : spot + 4] = struct.pack(rng.choice(("<I", ">I")), value)
    return bytes(buf), f"4 bytes at {spot} set to {value}"


def _attribute(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    import pydicom
    from pydicom.dataelem import DataElement
    from pydicom.dataset import Dataset

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ds = pydicom.dcmread(io.BytesIO(data), force=True)
        tag = rng.choice(list(_TARGETS))
        kind = _TARGETS[tag]
        raw, shown = _absurd(kind, rng)
        target = ds.file_meta if tag >> 16 == 0x0002 else ds
        if kind == "lutseq":
            item = Dataset()
            desc, _ = _absurd("lutdesc", rng)
            lut, _ = _absurd("lutdata", rng)
            item[0x00283002] = _raw_element(0x00283002, desc)
            item[0x00283006] = _raw_element(0x00283006, lut)
            if rng.random() < 0.5:
                item.ModalityLUTType = "HU"
            target[tag] = DataElement(tag, "SQ", [item])
            shown = f"item with LUT Descriptor {desc.hex()} and {len(lut)} bytes of LUT Data"
        else:
            target[tag] = _raw_element(tag, raw)
        out = io.BytesIO()
        pydicom.config.settings.writing_validation_mode = pydicom.config.IGNORE
        ds.save_as(out, enforce_file_format=False)
    return out.getvalue(), f"({tag >> 16:04X},{tag & 0xFFFF:04X}) set to {shown}"


def _raw_element(tag: int, raw: bytes):  # noqa: ANN202 - a pydicom DataElement
    """An element written as these exact bytes (VR UN, read back with its own VR)."""
    from pydicom.dataelem import DataElement

    element = DataElement(tag, "OB", raw)
    element.VR = "UN"  # set after building: pydicom replaces UN by the dictionary's VR
    return element


def _absurd(kind: str, rng: random.Random) -> tuple[bytes, str]:
    """Return raw bytes of an absurd value of a kind, and how to show it."""
    if kind == "us":
        values = [rng.choice(_BAD_US) for _ in range(rng.choice((1, 1, 2)))]
        raw = b"".join(struct.pack("<H", v) for v in values)
        if rng.random() < 0.2:
            raw = raw[:1] if rng.random() < 0.5 else b""
        return raw, repr(values if raw else raw)
    if kind in ("is", "ds", "ui", "cs"):
        pool = {"is": _BIG_NUMBERS, "ds": _BAD_DECIMALS, "ui": _BAD_UIDS, "cs": _BAD_CODES}
        text = rng.choice(pool[kind])
        raw = text.encode("utf-8")
        return raw + b" " * (len(raw) % 2), repr(text)
    if kind == "lutdesc":
        values = rng.choice(
            ([0, 0, 0], [1], [65535, 65535, 16], [4096, 0, 33], [2, 0, 8], [256, 0, 16], [3, 5])
        )
        return b"".join(struct.pack("<H", v) for v in values), repr(values)
    if kind == "origin":
        values = rng.choice(([1], [0, 0], [-32768, 40000 % 32768], [5]))
        return b"".join(struct.pack("<h", v) for v in values), repr(values)
    size = rng.choice((0, 1, 3, 7, 512))
    return bytes(rng.randrange(256) for _ in range(size)), f"{size} random bytes"


def _attribute_and_flip(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    data, first = _attribute(data, rng)
    data, second = _flip(data, rng)
    return data, f"{first}; then {second}"


_MUTATORS = {
    "flip": _flip,
    "cut": _cut,
    "length": _length,
    "header": _header,
    "attribute": _attribute,
    "attribute+flip": _attribute_and_flip,
}
