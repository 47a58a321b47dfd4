"""GDCM as the last decoder, run in a child process.

GDCM (python-gdcm) reads files other toolkits refuse -- 12-bit lossy JPEG, JPEG whose
scan header ends the spectral selection at 0 instead of 63 -- but on some inputs it
ends the whole process (an uncaught C++ ``gdcm::Exception`` calls ``terminate``, seen
on a valid RLE file), which no ``except`` can catch. So the frame is decoded by
``python -m hoview.sources.gdcm_fallback FILE INDEX ROWS COLUMNS`` in a child process
that writes the frame as ``.npy`` to its standard output; a crash, a timeout or any
error there is a failed decoder here, never a dead viewer. GDCM is the fallback, so
the child's start-up (a few hundred milliseconds) is paid only for files the
first-choice decoders refuse.

The child also runs under an address-space cap sized from the header: GDCM trusts
length fields, and a 3 KB file with a few flipped bits made it take 3.7 GB and five
seconds before giving up. Under the cap the allocation fails at once.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import numpy as np

#: Seconds the child may take for one frame (GDCM decodes the whole file).
TIMEOUT = 60.0
#: Address space the child needs besides the pixels: Python, numpy, pydicom, GDCM.
BASE_ADDRESS_SPACE = 1536 * 2**20
#: The most address space the child is ever given.
MAX_ADDRESS_SPACE = 8 * 2**30
#: Runs the child without ``python -m`` (the module is already imported by its package).
_CHILD = "import sys; from hoview.sources.gdcm_fallback import main; sys.exit(main())"


def address_space_for(rows: int, columns: int, frames: int) -> int:
    """Return the address-space cap for decoding a file of this size with GDCM.

    GDCM holds the compressed file and every decoded frame (up to 8 bytes a pixel for
    three 16-bit samples) at once, plus copies; three times that, on top of the
    interpreter, is room enough for a real file and far below what a lying length
    field asks for.
    """
    pixels = max(rows, 1) * max(columns, 1) * max(frames, 1)
    return min(BASE_ADDRESS_SPACE + 3 * 8 * pixels, MAX_ADDRESS_SPACE)


def available() -> bool:
    """Return ``True`` when python-gdcm is installed (without importing it)."""
    from importlib.util import find_spec

    return find_spec("gdcm") is not None


def decode_in_child(
    path: Path, index: int | None, rows: int, columns: int, frames: int = 1
) -> np.ndarray:
    """Decode frame ``index`` of ``path`` with GDCM in a child process.

    Parameters
    ----------
    path : pathlib.Path
        The DICOM file.
    index : int or None
        The frame, from 0; ``None`` for a single-frame image.
    rows, columns : int
        The size the header gives, which GDCM's pixels must have.
    frames : int
        The frames the file holds (sizes the child's address-space cap).

    Returns
    -------
    numpy.ndarray
        Stored values, ``(rows, columns)`` or ``(rows, columns, samples)``.

    Raises
    ------
    RuntimeError
        With GDCM's reason, or the way the child ended.
    """
    command = [
        sys.executable,
        "-c",
        _CHILD,
        str(Path(path).resolve()),
        str(-1 if index is None else index),
        str(rows),
        str(columns),
        str(address_space_for(rows, columns, frames)),
    ]
    # Run from the folder that holds the hoview package: the child imports this hoview,
    # and nothing in the user's current folder (a folder named ``dl`` there breaks
    # ``import gdcm``, which imports the Python 2 module ``dl`` if it finds one).
    home = Path(__file__).resolve().parents[2]
    try:
        done = subprocess.run(command, capture_output=True, timeout=TIMEOUT, check=False, cwd=home)
    except subprocess.TimeoutExpired as exc:
        raise RuntimeError(f"GDCM took over {TIMEOUT:.0f} s") from exc
    if done.returncode != 0:
        if b"bad_alloc" in done.stderr:
            raise RuntimeError("GDCM asked for more memory than the image can need")
        lines = done.stderr.decode("utf-8", "replace").strip().splitlines()
        reason = next((ln[len("error: ") :] for ln in lines if ln.startswith("error: ")), "")
        if not reason:
            reason = f"GDCM stopped (exit status {done.returncode})"
        raise RuntimeError(reason)
    return np.load(io.BytesIO(done.stdout), allow_pickle=False)


def gdcm_frame(path: Path, index: int | None, rows: int, columns: int) -> np.ndarray:
    """Decode frame ``index`` of ``path`` with GDCM in this process.

    Call it only in a process that may die (see the module's note); the viewer and the
    command line use :func:`decode_in_child`.

    Parameters
    ----------
    path : pathlib.Path
        The DICOM file.
    index : int or None
        The frame, from 0; ``None`` for a single-frame image.
    rows, columns : int
        The size the header gives.

    Returns
    -------
    numpy.ndarray
        Stored values shaped as pydicom shapes them; YCbCr converted to RGB.

    Raises
    ------
    RuntimeError
        If GDCM cannot read the file or returns pixels of another size.
    """
    import gdcm
    from pydicom.pixels.processing import convert_color_space

    gdcm.Trace.WarningOff()
    gdcm.Trace.ErrorOff()
    reader = gdcm.ImageReader()
    reader.SetFileName(str(path))
    if not reader.Read():
        raise RuntimeError("GDCM cannot read the file")
    image = reader.GetImage()
    buffer = image.GetBuffer()
    if buffer is None:
        raise RuntimeError("GDCM cannot decode the pixel data")
    data = buffer.encode("utf-8", "surrogateescape")
    fmt = image.GetPixelFormat()
    samples = int(fmt.GetSamplesPerPixel())
    allocated = int(fmt.GetBitsAllocated())
    stored = int(fmt.GetBitsStored())
    signed = int(fmt.GetPixelRepresentation()) == 1
    if allocated not in (8, 16):
        raise RuntimeError(f"GDCM returned {allocated}-bit pixels")
    dims = [int(d) for d in image.GetDimensions()]
    frames = dims[2] if len(dims) > 2 else 1
    if (dims[1], dims[0]) != (rows, columns):
        raise RuntimeError(f"GDCM decoded {dims[0]} x {dims[1]} pixels, not {columns} x {rows}")
    frame = 0 if index is None else index
    if not 0 <= frame < frames:
        raise RuntimeError(f"GDCM decoded {frames} frames")
    dtype = np.dtype(f"<{'i' if signed else 'u'}{allocated // 8}")
    count = rows * columns * samples
    if len(data) < frames * count * dtype.itemsize:
        raise RuntimeError("GDCM returned too few pixels")
    arr = np.frombuffer(data, dtype, count, offset=frame * count * dtype.itemsize).copy()
    if samples > 1 and int(image.GetPlanarConfiguration()) == 1:
        arr = arr.reshape(samples, rows, columns).transpose(1, 2, 0)
    arr = arr.reshape((rows, columns, samples) if samples > 1 else (rows, columns))
    if stored < allocated:
        if signed:
            shift = np.array(allocated - stored, dtype)
            arr = (arr << shift) >> shift
        else:
            arr &= np.array((1 << stored) - 1, dtype)
    photometric = str(image.GetPhotometricInterpretation()).strip()
    if samples == 3 and photometric.startswith("YBR_FULL"):
        arr = convert_color_space(arr, "YBR_FULL", "RGB")
    return np.ascontiguousarray(arr)


def main(argv: list[str] | None = None) -> int:
    """Child entry point: decode one frame and write it as ``.npy`` to standard output."""
    args = sys.argv[1:] if argv is None else argv
    try:
        path, index, rows, columns = Path(args[0]), int(args[1]), int(args[2]), int(args[3])
        if len(args) > 4 and os.name == "posix":
            import resource

            cap = int(args[4])
            resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
        arr = gdcm_frame(path, None if index < 0 else index, rows, columns)
    except Exception as exc:  # noqa: BLE001 - reported to the parent in one line
        print(f"error: {' '.join(str(exc).split()) or type(exc).__name__}", file=sys.stderr)
        return 1
    out = io.BytesIO()
    np.save(out, arr, allow_pickle=False)
    sys.stdout.buffer.write(out.getvalue())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
