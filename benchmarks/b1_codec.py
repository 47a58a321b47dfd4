"""B1-codec: path to first painted frame of the 8-megapixel DX, compressed five ways.

hoview: the main window opens the file as B1 does (:mod:`benchmarks.b1_first_frame`:
loader thread, series panel, canvas, first paint at 1280 x 1024), the DX of B1
compressed in JPEG-LS, JPEG 2000, HTJ2K (all lossless), JPEG lossless SV1 and RLE.

Baseline: the fastest decoder hoview's dependencies install for the syntax, called
directly on the frame's bytes (already in memory: nothing read, nothing parsed).
The candidates (CharLS, openjpeg, libjpeg, pylibjpeg-rle, pydicom's RLE decoder,
GDCM, Pillow) are checked against the pixels and timed (best of two turns) per syntax;
the fastest is the baseline and is named in the row.
Decoders hoview does not install (imagecodecs, which the HTJ2K data are made with)
are not candidates.
"""

from __future__ import annotations

import io
import time
import warnings
from collections.abc import Callable
from pathlib import Path

import numpy as np

from benchmarks import data
from benchmarks.b1_first_frame import _reset, _through_window
from benchmarks.timing import Row, interleaved, ms

Decode = Callable[[bytes], object]


def frame_bytes(path: Path) -> tuple[bytes, object]:
    """The encoded bytes of the file's only frame, and its header."""
    import pydicom
    from pydicom.encaps import get_frame

    ds = pydicom.dcmread(path)
    return get_frame(ds.PixelData, 0, number_of_frames=1), ds


def _gdcm(ds) -> Decode:  # noqa: ANN001 - a pydicom Dataset
    """GDCM on one frame in memory, as pydicom's GDCM plugin calls it."""
    import gdcm

    rows, columns = int(ds.Rows), int(ds.Columns)
    ts = str(ds.file_meta.TransferSyntaxUID)

    def run(src: bytes) -> np.ndarray:
        fragment = gdcm.Fragment()
        fragment.SetByteStringValue(src)
        fragments = gdcm.SequenceOfFragments.New()
        fragments.AddFragment(fragment)
        element = gdcm.DataElement(gdcm.Tag(0x7FE0, 0x0010))
        element.SetValue(fragments.__ref__())
        image = gdcm.Image()
        image.SetNumberOfDimensions(2)
        image.SetDimensions((columns, rows, 1))
        image.SetDataElement(element)
        mono = gdcm.PhotometricInterpretation.MONOCHROME2
        image.SetPhotometricInterpretation(gdcm.PhotometricInterpretation(mono))
        image.SetTransferSyntax(gdcm.TransferSyntax(gdcm.TransferSyntax.GetTSType(ts)))
        bits = int(ds.BitsStored)
        image.SetPixelFormat(gdcm.PixelFormat(1, int(ds.BitsAllocated), bits, bits - 1, 0))
        out = image.GetBuffer().encode("utf-8", "surrogateescape")
        return np.frombuffer(out, "<u2").reshape(rows, columns)

    return run


def candidates(kind: str, ds) -> dict[str, Decode]:  # noqa: ANN001 - a pydicom Dataset
    """The installed decoders for ``kind`` (a key of :data:`data.CODEC_SYNTAXES`)."""
    rows, columns = int(ds.Rows), int(ds.Columns)
    out: dict[str, Decode] = {}
    if kind == "jls":
        import jpeg_ls

        out["CharLS (jpeg_ls)"] = jpeg_ls.decode_pixel_data
    if kind in ("j2k", "htj2k"):
        import openjpeg

        out["openjpeg"] = openjpeg.decode
    if kind == "j2k":
        from PIL import Image

        out["Pillow (openjpeg)"] = lambda src: np.asarray(Image.open(io.BytesIO(src)))
    if kind in ("jls", "jpegll"):
        import libjpeg

        out["libjpeg"] = libjpeg.decode
    if kind == "rle":
        from pydicom.pixels.decoders.rle import _rle_decode_frame
        from rle.utils import decode_frame

        out["pylibjpeg-rle"] = lambda src: decode_frame(src, rows * columns, 16, "<")
        out["pydicom RLE"] = lambda src: _rle_decode_frame(src, rows, columns, 1, 16)
    out["GDCM"] = _gdcm(ds)
    return out


def fastest(kind: str, path: Path) -> tuple[str, Callable[[], object], float]:
    """Time every candidate on the frame; return the fastest that decodes it right.

    Each candidate decodes once to warm up and be checked, then is timed twice, the
    candidates taking turns; the better of its two times counts.
    """
    src, ds = frame_bytes(path)
    expected = data.dx_pixels(int(ds.Rows))
    right: dict[str, Decode] = {}
    for name, decode in candidates(kind, ds).items():
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                result = decode(src)  # warm: libraries loaded, first-call costs paid
        except Exception:  # noqa: BLE001, S112 - a decoder that cannot is no candidate
            continue
        arr = result[0] if isinstance(result, tuple) else result
        arr = np.frombuffer(arr, "<u2") if not isinstance(arr, np.ndarray) else arr
        if arr.size == expected.size and np.array_equal(arr.reshape(expected.shape), expected):
            right[name] = decode
    if not right:
        raise RuntimeError(f"no installed decoder decodes {path.name} ({kind})")
    took = {name: float("inf") for name in right}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for _ in range(2):
            for name, decode in right.items():
                start = time.perf_counter()
                decode(src)
                took[name] = min(took[name], time.perf_counter() - start)
    name = min(took, key=took.__getitem__)
    return name, lambda decode=right[name]: decode(src), took[name]


def rows(sizes: data.Sizes, window, watch) -> list[Row]:  # noqa: ANN001
    """One row per syntax: B1-jls, B1-j2k, B1-htj2k, B1-jpegll, B1-rle."""
    out = []
    mp = sizes.dx_side**2 / 1e6
    for kind, (_, syntax) in data.CODEC_SYNTAXES.items():
        try:
            path = data.dx_codec_file(sizes.dx_side, kind)
        except (ImportError, OSError) as exc:  # no imagecodecs (HTJ2K), no dcmcjpeg (SV1)
            what = f"{syntax}: cannot make the file ({exc})"
            out.append(Row(f"B1-{kind}", what, "-", "-", None, "<= 1.3x", None))
            continue
        name, baseline, _ = fastest(kind, path)
        times: list[float] = []
        in_window = _through_window(window, watch, path)

        def hoview(times: list[float] = times, in_window=in_window) -> None:  # noqa: ANN001
            times.append(in_window())

        medians = interleaved({"hoview": hoview, "baseline": baseline}, sizes.repeats, _reset)
        took = sorted(times)[len(times) // 2]  # to the end of the paint, in the event loop
        base = medians["baseline"]
        out.append(
            Row(
                f"B1-{kind}",
                f"path -> first painted frame, main window, {mp:.1f} MP 12-bit DX {syntax}; "
                f"baseline {name} on the frame's bytes",
                ms(took),
                ms(base),
                took / base,
                "<= 1.3x",
                took / base <= 1.3,
            )
        )
    return out
