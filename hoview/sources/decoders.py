"""Which decoder decompresses a frame: chosen per transfer syntax, GDCM when it fails.

pydicom tries its plugins in a fixed order and keeps the first that works, so the
picture depends on what happens to be installed: with GDCM installed every JPEG goes
through GDCM, without it 8-bit baseline JPEG goes through libjpeg, which rounds its
colour conversion and upsampling differently from libjpeg-turbo (the library DCMTK,
GDCM and Pillow agree with, 2-7 levels apart), and JPEG-LS goes through libjpeg's
slower JPEG-LS decoder. hoview names the plugin instead (pydicom's ``decoding_plugin``):

==========================  ===========================================================
Transfer syntax             First choice, then
==========================  ===========================================================
JPEG Baseline (8-bit)       Pillow (libjpeg-turbo), pylibjpeg (libjpeg)
JPEG Extended (12-bit)      pylibjpeg (libjpeg), Pillow (8-bit only)
JPEG Lossless (SV1 / any)   pylibjpeg (libjpeg)
JPEG-LS (lossless / near)   pyjpegls (CharLS), pylibjpeg (libjpeg)
JPEG 2000, HTJ2K            pylibjpeg (openjpeg), Pillow (openjpeg, not HTJ2K)
RLE Lossless                pylibjpeg (pylibjpeg-rle), pydicom's own decoder
==========================  ===========================================================

When every choice fails (a JPEG whose scan header says end-of-spectral-selection 0
instead of 63, 12-bit lossy JPEG that libjpeg refuses, an odd fragment layout), the
whole file is handed to GDCM (python-gdcm), which reads what GDCM-based viewers read.
Decoder failures include Rust panics (``PanicException`` derives from
``BaseException``); every one ends in :class:`~hoview.errors.UnreadableImageError`
naming the file, the frame and each decoder tried.

Before all that, a grey frame (JPEG-LS, JPEG 2000, HTJ2K, JPEG lossless, RLE) goes to
its first choice's codec called directly on the frame's bytes
(:mod:`hoview.sources.direct_codecs`): the same library and the same pixels, without
pydicom reading the file again. Anything unusual there, or any failure, goes the way
above, so the pixels and the error messages are the plugins'.
"""

from __future__ import annotations

import logging
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pydicom
from pydicom.dataset import Dataset
from pydicom.pixels import get_decoder
from pydicom.uid import UID

from hoview.errors import UnreadableImageError
from hoview.sources import gdcm_fallback
from hoview.sources.dicom_header import one_line, shorten
from hoview.sources.direct_codecs import decode_direct

log = logging.getLogger(__name__)

#: pydicom plugin names, first choice first, per compressed transfer syntax.
PREFERRED_PLUGINS: dict[str, tuple[str, ...]] = {
    pydicom.uid.JPEGBaseline8Bit: ("pillow", "pylibjpeg"),
    pydicom.uid.JPEGExtended12Bit: ("pylibjpeg", "pillow"),
    pydicom.uid.JPEGLossless: ("pylibjpeg",),
    pydicom.uid.JPEGLosslessSV1: ("pylibjpeg",),
    pydicom.uid.JPEGLSLossless: ("pyjpegls", "pylibjpeg"),
    pydicom.uid.JPEGLSNearLossless: ("pyjpegls", "pylibjpeg"),
    pydicom.uid.JPEG2000Lossless: ("pylibjpeg", "pillow"),
    pydicom.uid.JPEG2000: ("pylibjpeg", "pillow"),
    pydicom.uid.HTJ2KLossless: ("pylibjpeg",),
    pydicom.uid.HTJ2KLosslessRPCL: ("pylibjpeg",),
    pydicom.uid.HTJ2K: ("pylibjpeg",),
    pydicom.uid.RLELossless: ("pylibjpeg", "pydicom"),
}
#: The name reported for the whole-file fallback.
GDCM = "gdcm"
#: Syntaxes GDCM is the fallback for (its RLE reader gets 32-bit data wrong and aborted
#: on a valid file; pydicom's own RLE decoder is the fallback there).
GDCM_SYNTAXES = frozenset(
    {
        *pydicom.uid.JPEGTransferSyntaxes,
        *pydicom.uid.JPEGLSTransferSyntaxes,
        pydicom.uid.JPEG2000Lossless,
        pydicom.uid.JPEG2000,
    }
)
#: Exceptions that stop the program rather than say a frame is undecodable.
_NOT_DECODER_FAILURES = (KeyboardInterrupt, SystemExit, GeneratorExit)


@dataclass(frozen=True)
class DecodedFrame:
    """A decoded frame and the decoder that produced it.

    Attributes
    ----------
    pixels : numpy.ndarray
        ``(rows, columns)`` or ``(rows, columns, samples)`` stored values (RGB for
        YCbCr JPEG, as pydicom returns them).
    decoder : str
        ``"pillow"``, ``"pylibjpeg"``, ``"pyjpegls"``, ``"pydicom"`` or ``"gdcm"``.
    """

    pixels: np.ndarray
    decoder: str


def plugins_for(transfer_syntax: str) -> tuple[str, ...]:
    """Return the installed pydicom plugins for ``transfer_syntax``, in hoview's order.

    Parameters
    ----------
    transfer_syntax : str
        Transfer Syntax UID (0002,0010) of an encapsulated (compressed) file.

    Returns
    -------
    tuple of str
        The preferred plugins that are installed, then any other plugin pydicom has
        for the syntax except GDCM (which :func:`decode_frame` runs last, on the whole
        file). Empty for a syntax pydicom cannot decode.
    """
    try:
        available = get_decoder(UID(transfer_syntax)).available_plugins
    except NotImplementedError:
        return ()
    preferred = [p for p in PREFERRED_PLUGINS.get(transfer_syntax, ()) if p in available]
    others = [p for p in available if p not in preferred and p != GDCM]
    return tuple(preferred + others)


def decode_frame(ds: Dataset, path: Path, index: int | None, frames: int = 1) -> DecodedFrame:
    """Decode one frame of an encapsulated file with the decoder chosen for its syntax.

    Parameters
    ----------
    ds : pydicom.dataset.Dataset
        The header, read from ``path``.
    path : pathlib.Path
        The file.
    index : int or None
        The frame, from 0; ``None`` for a single-frame image.
    frames : int
        The frames the pixel data holds (already checked against Number of Frames);
        sizes the GDCM fallback's memory cap.

    Returns
    -------
    DecodedFrame
        The pixels and the name of the decoder that succeeded.

    Raises
    ------
    UnreadableImageError
        If every decoder fails; the message names the frame and each decoder's reason.
    """
    ts = str(ds.file_meta.TransferSyntaxUID)
    plugins = plugins_for(ts)
    direct = decode_direct(ds, path, index, plugins)  # the common case, codec called directly
    if direct is not None:
        return DecodedFrame(*direct)
    failures: list[tuple[str, BaseException]] = []
    for plugin in plugins:
        try:
            return DecodedFrame(_with_plugin(ds, path, index, plugin), plugin)
        except _NOT_DECODER_FAILURES:
            raise
        except BaseException as exc:  # noqa: B036 - a Rust panic is a BaseException
            log.info("%s: %s cannot decode frame %s: %s", path, plugin, index, one_line(exc))
            failures.append((plugin, exc))
    if ts in GDCM_SYNTAXES and gdcm_fallback.available():
        try:
            rows, columns = int(ds.Rows), int(ds.Columns)
            arr = gdcm_fallback.decode_in_child(path, index, rows, columns, frames)
            tried = ", ".join(name for name, _ in failures)
            log.info("%s: decoded by GDCM after %s failed", path, tried)
            return DecodedFrame(arr, GDCM)
        except _NOT_DECODER_FAILURES:
            raise
        except BaseException as exc:  # noqa: B036 - see above
            failures.append((GDCM, exc))
    raise UnreadableImageError(path, _failure_message(ts, index, failures))


def _with_plugin(ds: Dataset, path: Path, index: int | None, plugin: str) -> np.ndarray:
    """Decode through pydicom with one plugin, reading only the frame when it can."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if ds.preamble is not None:
            try:
                return pydicom.pixels.pixel_array(path, index=index, decoding_plugin=plugin)
            except (ValueError, KeyError, AttributeError):
                pass  # e.g. an odd Basic Offset Table the data set reader tolerates
        return pydicom.pixels.pixel_array(ds, index=index, decoding_plugin=plugin)


def _failure_message(ts: str, index: int | None, failures: list[tuple[str, BaseException]]) -> str:
    frame = "the frame" if index is None else f"frame {index + 1}"
    if not failures:
        return f"cannot decode {frame}: no installed decoder handles {UID(ts).name} ({ts})"
    reasons = "; ".join(f"{name}: {_reason(exc)}" for name, exc in failures)
    texts = " ".join(one_line(exc).lower() for _, exc in failures)
    if any(word in texts for word in ("less than expected", "truncated", "too short")):
        return f"pixel data is truncated: cannot decode {frame} ({reasons})"
    return f"cannot decode {frame} ({reasons})"


def _reason(exc: BaseException) -> str:
    """Return the decoder's own words, without pydicom's 'all plugins failed' preamble."""
    text = str(exc).strip().splitlines()
    text = [line.strip() for line in text if line.strip()]
    if text and text[0].startswith("Unable to decode as exceptions were raised"):
        text = [line.split(": ", 1)[-1] for line in text[1:]]
    return shorten(" ".join(" ".join(text).split()) or type(exc).__name__)
