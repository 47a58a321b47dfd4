"""Decode time per plugin and transfer syntax: ``python -m benchmarks.decoders [--size N]``.

Makes a synthetic ``N x N`` 16-bit radiograph (8-bit for baseline JPEG), encodes it in
each compressed transfer syntax, and times one frame's decode with every installed
pydicom plugin, printing each as a ratio to hoview's first choice
(:data:`hoview.sources.decoders.PREFERRED_PLUGINS`), timed in the same run. "default"
is what pydicom picks without ``decoding_plugin`` (GDCM when python-gdcm is installed,
else pylibjpeg). "hoview" is :func:`hoview.sources.decoders.decode_frame` on the header
hoview reads, which calls that first choice's codec directly on the frame's bytes
(:mod:`hoview.sources.direct_codecs`) for a grey frame.
"""

from __future__ import annotations

import argparse
import io
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np
import pydicom
from PIL import Image
from pydicom.encaps import encapsulate
from pydicom.pixels import get_decoder

from hoview.sources.decoders import PREFERRED_PLUGINS, decode_frame
from hoview.sources.dicom_header import read_header


def _image(size: int, bits: int) -> np.ndarray:
    y, x = np.mgrid[0:size, 0:size]
    body = np.exp(-(((x - size / 2) / (size / 3)) ** 2 + ((y - size / 2) / (size / 2.5)) ** 2))
    noise = np.random.default_rng(0).normal(0, 0.02, (size, size))
    return ((body + noise).clip(0, 1) * (2**bits - 1)).astype(np.uint16 if bits > 8 else np.uint8)


def _dataset(arr: np.ndarray) -> pydicom.Dataset:
    ds = pydicom.Dataset()
    ds.file_meta = pydicom.dataset.FileMetaDataset()
    ds.file_meta.MediaStorageSOPClassUID = pydicom.uid.SecondaryCaptureImageStorage
    ds.file_meta.MediaStorageSOPInstanceUID = pydicom.uid.generate_uid()
    ds.SOPClassUID = ds.file_meta.MediaStorageSOPClassUID
    ds.SOPInstanceUID = ds.file_meta.MediaStorageSOPInstanceUID
    ds.Rows, ds.Columns = arr.shape
    ds.SamplesPerPixel = 1
    ds.PhotometricInterpretation = "MONOCHROME2"
    ds.BitsAllocated = 8 if arr.dtype == np.uint8 else 16
    ds.BitsStored = 8 if arr.dtype == np.uint8 else 12
    ds.HighBit = ds.BitsStored - 1
    ds.PixelRepresentation = 0
    return ds


def _files(size: int, folder: Path) -> dict[str, Path]:
    files = {}
    grey12, grey8 = _image(size, 12), _image(size, 8)
    for ts in (
        pydicom.uid.JPEGLSLossless,
        pydicom.uid.JPEG2000Lossless,
        pydicom.uid.RLELossless,
    ):
        ds = _dataset(grey12)
        ds.compress(ts, grey12)
        files[ts] = folder / f"{ts}.dcm"
        ds.save_as(files[ts], enforce_file_format=True)
    ds = _dataset(grey8)
    out = io.BytesIO()
    Image.fromarray(grey8).save(out, "JPEG", quality=90)
    ds.file_meta.TransferSyntaxUID = pydicom.uid.JPEGBaseline8Bit
    ds.PixelData = encapsulate([out.getvalue()])
    ds["PixelData"].VR = "OB"
    files[pydicom.uid.JPEGBaseline8Bit] = folder / "baseline.dcm"
    ds.save_as(files[pydicom.uid.JPEGBaseline8Bit], enforce_file_format=True)
    return files


def _time(path: Path, plugin: str, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        pydicom.pixels.pixel_array(path, decoding_plugin=plugin)
        best = min(best, time.perf_counter() - start)
    return best


def _time_hoview(path: Path, repeat: int) -> tuple[float, str]:
    ds = read_header(path)
    best, name = float("inf"), ""
    for _ in range(repeat):
        start = time.perf_counter()
        name = decode_frame(ds, path, None).decoder
        best = min(best, time.perf_counter() - start)
    return best, name


def main() -> int:
    """Print one row per transfer syntax and plugin."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=2048)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    with tempfile.TemporaryDirectory() as folder:
        for ts, path in _files(args.size, Path(folder)).items():
            chosen = PREFERRED_PLUGINS[ts][0]
            base = _time(path, chosen, args.repeat)
            print(f"{ts.name}: hoview's choice {chosen} {base * 1e3:.1f} ms")
            took, name = _time_hoview(path, args.repeat)
            print(f"  hoview decode_frame ({name}): {took * 1e3:.1f} ms = {took / base:.2f} x")
            for plugin in [*get_decoder(ts).available_plugins, ""]:
                if plugin == chosen:
                    continue
                try:
                    took = _time(path, plugin, args.repeat)
                except Exception as exc:  # noqa: BLE001 - report and go on
                    print(f"  {plugin or 'default'}: fails ({str(exc).splitlines()[-1]})")
                    continue
                print(f"  {plugin or 'default'}: {took * 1e3:.1f} ms = {took / base:.2f} x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
