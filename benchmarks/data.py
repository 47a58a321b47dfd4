"""Synthetic benchmark data: an 8-megapixel DX, a CT series, a sidecar with many arrows.

Everything is made here with numpy and pydicom, deterministically (fixed seeds, UIDs
derived from names), and kept in a cache folder under the system temporary folder so a
second run does not spend a minute writing files again. Nothing is ever committed.
A folder is only used once its ``complete`` marker exists, so an interrupted run
never leaves half-written data behind for the next one.
"""

from __future__ import annotations

import json
import shutil
import tempfile
import uuid
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.uid import (
    UID,
    CTImageStorage,
    DigitalXRayImageStorageForPresentation,
    ExplicitVRLittleEndian,
    JPEGLSLossless,
)

#: Bump when the data change, so old cache folders are not reused.
DATA_VERSION = 2


@dataclass(frozen=True)
class Sizes:
    """How big the generated data are (the full run, ``--quick`` and ``--smoke``)."""

    name: str
    dx_side: int  # the DX is dx_side x dx_side, 12 bits stored in 16
    ct_slices: int
    ct_side: int
    arrows: int
    films: int  # montage tiles (B6)
    step_slices: int  # slices stepped through in B4
    repeats: int  # timed runs per figure (the median is reported)
    child_repeats: int  # child processes per B3 figure
    pacs_instances: int = 500  # the CT study on the local Orthanc (B9)
    pacs_small: int = 100  # the smaller study B9-memory compares it with


FULL = Sizes("full", 2880, 1000, 512, 10_000, 12, 300, 9, 5)
QUICK = Sizes("quick", 2880, 1000, 512, 10_000, 12, 120, 5, 3)
SMOKE = Sizes("smoke", 384, 12, 64, 200, 2, 8, 1, 1, pacs_instances=6, pacs_small=3)


def cache_root() -> Path:
    """Where generated data are kept between runs (under the system temp folder)."""
    return Path(tempfile.gettempdir()) / "hoview-benchmarks"


def _uid(name: str) -> UID:
    key = uuid.uuid5(uuid.NAMESPACE_URL, f"urn:hoview:benchmarks:{DATA_VERSION}:{name}")
    return UID(f"2.25.{key.int}")


def _cached(name: str, make) -> Path:  # noqa: ANN001 - make(folder) writes the data
    """Return ``cache_root()/name``, calling ``make(folder)`` first if it is not there."""
    folder = cache_root() / f"v{DATA_VERSION}-{name}"
    if (folder / "complete").is_file():
        return folder
    shutil.rmtree(folder, ignore_errors=True)
    partial = folder.with_name(folder.name + f".partial-{uuid.uuid4().hex[:8]}")
    partial.mkdir(parents=True)
    try:
        make(partial)
        (partial / "complete").write_text("ok\n")
        partial.rename(folder)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    return folder


def _meta(sop_class: str, sop_instance: str, syntax: str = ExplicitVRLittleEndian) -> Dataset:
    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = sop_class
    meta.MediaStorageSOPInstanceUID = sop_instance
    meta.TransferSyntaxUID = syntax
    return meta


def _common(ds: Dataset, study: str) -> None:
    ds.SpecificCharacterSet = "ISO_IR 100"
    ds.PatientName = "BENCHMARK^SYNTHETIC"
    ds.PatientID = "HOVIEW-BENCH"
    ds.StudyInstanceUID = _uid(study)
    ds.StudyDate = "20240101"
    ds.StudyTime = "120000"
    ds.StudyDescription = "hoview benchmark (synthetic)"
    ds.Manufacturer = "hoview benchmarks"


def dx_pixels(side: int, seed: int = 0) -> np.ndarray:
    """A radiograph-like 12-bit image: smooth anatomy-ish blobs, edges, a collimator, noise."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:side, 0:side].astype(np.float32) / np.float32(side)
    image = 900 + 1400 * np.exp(-(((x - 0.5) / 0.32) ** 2 + ((y - 0.55) / 0.42) ** 2))
    for _ in range(14):  # "bones": bright ellipses with soft edges
        cx, cy = rng.uniform(0.2, 0.8, 2)
        a, b = rng.uniform(0.03, 0.14, 2)
        inside = ((x - cx) / a) ** 2 + ((y - cy) / b) ** 2
        image += rng.uniform(300, 900) / (1 + np.exp(np.minimum((inside - 1) * 12, 60)))
    image += rng.normal(0, 30, (side, side)).astype(np.float32)  # quantum noise
    edge = max(side // 40, 2)
    image[:edge] = image[-edge:] = 4000  # collimated borders: white
    image[:, :edge] = image[:, -edge:] = 4000
    return np.clip(np.rint(image), 0, 4095).astype(np.uint16)


def dx_dataset(pixels: np.ndarray, name: str) -> Dataset:
    """An uncompressed DX For Presentation data set: 12 bits stored, with two windows."""
    sop = _uid(f"dx {name}")
    ds = Dataset()
    ds.file_meta = _meta(DigitalXRayImageStorageForPresentation, sop)
    ds.SOPClassUID = DigitalXRayImageStorageForPresentation
    ds.SOPInstanceUID = sop
    _common(ds, f"dx study {name}")
    ds.SeriesInstanceUID = _uid(f"dx series {name}")
    ds.SeriesNumber = 1
    ds.Modality = "DX"
    ds.PresentationIntentType = "FOR PRESENTATION"
    ds.InstanceNumber = 1
    ds.ImagerPixelSpacing = [0.15, 0.15]
    ds.SamplesPerPixel = 1
    ds.PhotometricInterpretation = "MONOCHROME2"
    ds.Rows, ds.Columns = pixels.shape
    ds.BitsAllocated = 16
    ds.BitsStored = 12
    ds.HighBit = 11
    ds.PixelRepresentation = 0
    ds.RescaleIntercept = "0"
    ds.RescaleSlope = "1"
    ds.WindowCenter = ["2048", "2600"]
    ds.WindowWidth = ["4096", "1800"]
    ds.PresentationLUTShape = "IDENTITY"
    ds.PixelData = np.ascontiguousarray(pixels, dtype="<u2").tobytes()
    return ds


def _write_dx(folder: Path, side: int, count: int, jpegls: bool) -> None:
    for i in range(count):
        ds = dx_dataset(dx_pixels(side, seed=i), f"{side}-{i}")
        if jpegls:
            ds.compress(JPEGLSLossless, encoding_plugin="pyjpegls", generate_instance_uid=False)
        ds.save_as(folder / f"dx_{i:02d}.dcm", enforce_file_format=True)


def dx_files(side: int, count: int = 1, jpegls: bool = False) -> list[Path]:
    """``count`` DX files ``side`` x ``side`` (uncompressed, or JPEG-LS lossless)."""
    kind = "jls" if jpegls else "raw"
    folder = _cached(f"dx-{kind}-{side}-{count}", lambda f: _write_dx(f, side, count, jpegls))
    return sorted(folder.glob("dx_*.dcm"))


def _write_ct(folder: Path, slices: int, side: int) -> None:
    rng = np.random.default_rng(7)
    y, x = np.mgrid[0:side, 0:side].astype(np.float32) / np.float32(side)
    body = ((x - 0.5) / 0.42) ** 2 + ((y - 0.5) / 0.32) ** 2 < 1
    series = _uid(f"ct series {slices} {side}")
    spacing = 400.0 / side
    template = Dataset()
    _common(template, f"ct study {slices} {side}")
    template.SOPClassUID = CTImageStorage
    template.SeriesInstanceUID = series
    template.SeriesNumber = 2
    template.SeriesDescription = "benchmark axial"
    template.FrameOfReferenceUID = _uid(f"ct frame {slices} {side}")
    template.Modality = "CT"
    template.ImageType = ["ORIGINAL", "PRIMARY", "AXIAL"]
    template.SliceThickness = 1.0
    template.ImageOrientationPatient = [1, 0, 0, 0, 1, 0]
    template.PixelSpacing = [spacing, spacing]
    template.SamplesPerPixel = 1
    template.PhotometricInterpretation = "MONOCHROME2"
    template.Rows = template.Columns = side
    template.BitsAllocated = 16
    template.BitsStored = 16
    template.HighBit = 15
    template.PixelRepresentation = 1
    template.RescaleIntercept = "-1024"
    template.RescaleSlope = "1"
    template.RescaleType = "HU"
    template.WindowCenter = ["40", "400"]
    template.WindowWidth = ["400", "1800"]
    for i in range(slices):
        z = float(i)
        bone = ((x - 0.5 - 0.15 * np.sin(i / 40)) / 0.08) ** 2 + ((y - 0.5) / 0.08) ** 2 < 1
        hu = np.where(body, 40, -1000).astype(np.float32) + np.where(bone, 700, 0)
        hu += rng.normal(0, 12, (side, side)).astype(np.float32)
        stored = np.clip(np.rint(hu + 1024), -2048, 4095).astype("<i2")
        ds = Dataset()
        ds.update(template)
        sop = _uid(f"ct {slices} {side} {i}")
        ds.file_meta = _meta(CTImageStorage, sop)
        ds.SOPInstanceUID = sop
        ds.InstanceNumber = i + 1
        ds.ImagePositionPatient = [-200.0, -200.0, z]
        ds.SliceLocation = z
        ds.PixelData = stored.tobytes()
        # Names in reverse slice order, so sorting along the normal is real work.
        ds.save_as(folder / f"IM{slices - i:05d}.dcm", enforce_file_format=True)


def _ct_make(slices: int, side: int):  # noqa: ANN202
    def make(folder: Path) -> None:
        (folder / "series").mkdir()
        _write_ct(folder / "series", slices, side)

    return make


def ct_series(slices: int, side: int) -> Path:
    """The CT series folder (only DICOM files in it)."""
    return _cached(f"ct-{slices}-{side}", _ct_make(slices, side)) / "series"


def pacs_study(instances: int, side: int) -> list[Path]:
    """The files of a CT study of ``instances`` slices ``side`` x ``side`` for the PACS (B9).

    One series, 16 bits, uncompressed; each size is a study of its own (its own Study
    Instance UID), so the 500- and the 100-instance study live side by side on a server.
    """
    return sorted(ct_series(instances, side).glob("*.dcm"))


def _write_annotated(folder: Path, side: int, arrows: int) -> None:
    from hoview.annotations import Arrow, Finding, Layer, save
    from hoview.annotations.model import AnnotationDocument
    from hoview.sources import open_image

    image = folder / "annotated.dcm"
    shutil.copyfile(dx_files(side)[0], image)
    source = open_image(image)
    rng = np.random.default_rng(11)
    layers = [Layer(f"Reader {k + 1}", id=f"layer-{k}", order=k) for k in range(4)]
    tails = rng.uniform(0.05 * side, 0.95 * side, (arrows, 2))
    heads = np.clip(tails + rng.uniform(-0.06 * side, 0.06 * side, (arrows, 2)), 0, side - 1)
    items = [
        Arrow(
            tail=(round(float(t[0]), 1), round(float(t[1]), 1)),
            head=(round(float(h[0]), 1), round(float(h[1]), 1)),
            label=f"HO {i}" if i % 3 == 0 else "",
            layer=layers[i % 4].id,
            author="bench",
            finding=Finding("heterotopic ossification", "R", "II") if i % 5 == 0 else None,
            created=_timestamp(i),
            modified=_timestamp(i + (7 if i % 4 == 0 else 0)),
        )
        for i, (t, h) in enumerate(zip(tails, heads, strict=True))
    ]
    save(AnnotationDocument(source.identity, layers, items), image)


def _timestamp(i: int) -> str:
    """A distinct creation time per arrow (a few minutes apart), as a reader leaves them."""
    seconds = 1_700_000_000 + 197 * i
    stamp = datetime.fromtimestamp(seconds, timezone.utc).strftime("%Y-%m-%dT%H:%M:%S")
    return f"{stamp}.{(i * 37) % 1000:03d}Z"


def annotated_dx(side: int, arrows: int) -> Path:
    """A copy of the DX with a sidecar of ``arrows`` arrows (4 layers, labels, findings).

    The sidecar is written by hoview's own model and saver, so it is the file the
    viewer would write. The DX of :func:`dx_files` itself stays without a sidecar.
    """
    folder = _cached(f"annotated-{side}-{arrows}", lambda f: _write_annotated(f, side, arrows))
    return folder / "annotated.dcm"


def _write_montage_set(folder: Path, side: int, count: int) -> None:
    from hoview.annotations import Arrow, save
    from hoview.annotations.model import AnnotationDocument
    from hoview.sources import open_image

    _write_dx(folder, side, count, jpegls=False)
    for i, image in enumerate(sorted(folder.glob("dx_*.dcm"))):
        source = open_image(image)
        arrows = [
            Arrow(
                tail=(side * (0.2 + 0.1 * k), side * 0.3),
                head=(side * (0.3 + 0.1 * k), side * 0.45),
                label=f"HO {k + 1}",
                created=_timestamp(10 * i + k),
            )
            for k in range(3)
        ]
        save(AnnotationDocument(source.identity, None, arrows), image)


def montage_films(side: int, count: int) -> list[Path]:
    """``count`` DX films ``side`` x ``side``, each with a sidecar of three labelled arrows."""
    folder = _cached(f"montage-{side}-{count}", lambda f: _write_montage_set(f, side, count))
    return sorted(folder.glob("dx_*.dcm"))


def sidecar_json(path: Path) -> object:
    """The sidecar's parsed JSON (what the json baseline works on)."""
    return json.loads(path.read_bytes())


#: The compressed syntaxes of the B1-codec rows: row suffix -> (Transfer Syntax UID, name).
CODEC_SYNTAXES = {
    "jls": ("1.2.840.10008.1.2.4.80", "JPEG-LS lossless"),
    "j2k": ("1.2.840.10008.1.2.4.90", "JPEG 2000 lossless"),
    "htj2k": ("1.2.840.10008.1.2.4.201", "HTJ2K lossless"),
    "jpegll": ("1.2.840.10008.1.2.4.70", "JPEG lossless SV1"),
    "rle": ("1.2.840.10008.1.2.5", "RLE lossless"),
}


def _compress_dx(raw: Path, kind: str, out: Path) -> None:
    """Write ``raw`` (an uncompressed DX) to ``out`` in the syntax ``kind`` names.

    JPEG-LS (pyjpegls), JPEG 2000 (pylibjpeg-openjpeg) and RLE through pydicom's own
    ``Dataset.compress``; HTJ2K, which pydicom 3 cannot encode, through imagecodecs
    (OpenJPH); JPEG lossless SV1, which neither can, through DCMTK's ``dcmcjpeg``.
    """
    import subprocess

    import pydicom
    from pydicom.encaps import encapsulate

    syntax = UID(CODEC_SYNTAXES[kind][0])
    if kind == "jpegll":
        subprocess.run(["dcmcjpeg", "+e1", str(raw), str(out)], check=True, capture_output=True)
        return
    ds = pydicom.dcmread(raw)
    if kind == "htj2k":
        import imagecodecs  # a benchmark-only tool: pip install imagecodecs

        stream = imagecodecs.htj2k_encode(ds.pixel_array, reversible=True)
        ds.PixelData = encapsulate([bytes(stream)])
        ds["PixelData"].VR = "OB"
        ds.file_meta.TransferSyntaxUID = syntax
    else:
        plugin = {"jls": "pyjpegls", "j2k": "pylibjpeg", "rle": "pydicom"}[kind]
        ds.compress(syntax, encoding_plugin=plugin, generate_instance_uid=False)
    ds.save_as(out, enforce_file_format=True)


def dx_codec_file(side: int, kind: str) -> Path:
    """The DX of :func:`dx_files` (``side`` x ``side``, 12 bits) compressed as ``kind``.

    ``kind`` is a key of :data:`CODEC_SYNTAXES`; the pixels are the same in each.
    """

    def make(folder: Path) -> None:
        _compress_dx(dx_files(side)[0], kind, folder / "dx.dcm")

    return _cached(f"dx-codec-{kind}-{side}", make) / "dx.dcm"
