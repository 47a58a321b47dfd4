"""B7 / B8: the command line as a whole process, against DCMTK's tools.

- B7-ct, B7-dx: ``hoview render F -o out.png --no-annotations --window C W`` against
  ``dcmj2pnm +on +Ww C W F out.png`` (DCMTK, the same window), F a 512 x 512 CT slice
  and the 8-megapixel uncompressed DX, each with its file's first window (CT 40 / 400,
  DX 2048 / 4096: the whole 12-bit range).
- B7-dx-narrow: the same DX with its second window (2600 / 1800). Two thirds of its
  pixels come out black or white, so DCMTK's PNG (zlib level 6) takes a sixth of the
  time: the time left for hoview is less than the floor below.
- B8: ``hoview info F`` against ``dcmdump F`` on the same CT slice.
- Floors (reported): what a Python process pays before hoview does anything --
  ``python -c pass``, ``python -c "import pydicom"``, and the imports the render path
  cannot do without (pydicom as the command line imports it, numpy, Pillow: see
  :mod:`hoview.lean_pydicom`) -- each against ``dcmj2pnm`` on the CT.

hoview runs as the installed console script ``hoview`` next to ``sys.executable``
(``python -m hoview`` if there is none); every process is timed from start to exit,
the contenders taking turns (medians), from byte-compiled modules (kept under the
benchmark cache folder, ``PYTHONPYCACHEPREFIX``). Sidecars go to an empty data folder.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

from benchmarks import data
from benchmarks.timing import Row, interleaved, ms

#: (centre, width) in modality units: the files' first windows, and the DX's second.
CT_WINDOW = ("40", "400")
DX_WINDOW = ("2048", "4096")
DX_NARROW = ("2600", "1800")
TARGET_CT = 3.0
TARGET_DX = 1.0
TARGET_INFO = 4.0
LEAN_IMPORTS = (
    "from hoview.lean_pydicom import import_pydicom; import_pydicom(); import numpy, PIL.Image"
)


def hoview_command() -> tuple[list[str], str]:
    """Return how hoview is run, and a note saying which way."""
    script = Path(sys.executable).with_name("hoview")
    if script.is_file() and os.access(script, os.X_OK):
        return [str(script)], "console script"
    return [sys.executable, "-m", "hoview"], "python -m hoview"


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise RuntimeError(f"DCMTK's {name} is not installed (apt-get install dcmtk)")
    return found


def _process(command: Sequence[str], env: dict[str, str]) -> Callable[[], None]:
    def run() -> None:
        subprocess.run(
            command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env, check=True
        )

    return run


def rows(sizes: data.Sizes) -> list[Row]:
    dcmj2pnm, dcmdump = _tool("dcmj2pnm"), _tool("dcmdump")
    hoview, how = hoview_command()
    ct = sorted(data.ct_series(sizes.ct_slices, sizes.ct_side).glob("*.dcm"))[0]
    dx = data.dx_files(sizes.dx_side)[0]
    work = Path(tempfile.mkdtemp(prefix="hoview-bench-cli-"))
    env = dict(os.environ, HOVIEW_DATA_DIR=str(work / "data"))
    # Run from byte-compiled modules, as an installed program does: without them every
    # run compiles hoview's sources again. They are kept under the cache folder (not in
    # the work tree); the first, untimed run of each command writes them.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(data.cache_root() / "pycache")
    out = str(work / "out.png")
    try:

        def render(path: Path, window: tuple[str, str]) -> dict[str, Callable[[], None]]:
            mine = [*hoview, "render", str(path), "-o", out, "--no-annotations"]
            theirs = [dcmj2pnm, "+on", "+Ww", *window, str(path), out]
            return {
                "hoview": _process([*mine, "--window", *window], env),
                "baseline": _process(theirs, env),
            }

        python = sys.executable
        ct_runs = {
            **render(ct, CT_WINDOW),
            "info": _process([*hoview, "info", str(ct)], env),
            "dcmdump": _process([dcmdump, str(ct)], env),
            "python": _process([python, "-c", "pass"], env),
            "pydicom": _process([python, "-c", "import pydicom"], env),
            "lean": _process([python, "-c", LEAN_IMPORTS], env),
        }
        for run in ct_runs.values():  # warm the page cache and check every command works
            run()
        ct_times = interleaved(ct_runs, sizes.repeats * 2 if sizes.repeats > 1 else 1)
        dx_runs = render(dx, DX_WINDOW)
        narrow = render(dx, DX_NARROW)
        dx_runs.update({"narrow": narrow["hoview"], "narrow-baseline": narrow["baseline"]})
        for run in dx_runs.values():
            run()
        dx_times = interleaved(dx_runs, sizes.repeats)
    finally:
        shutil.rmtree(work, ignore_errors=True)

    side = f"{sizes.ct_side}x{sizes.ct_side}"
    dx_size = f"{sizes.dx_side}x{sizes.dx_side}"
    table = [
        ("B7-ct", f"hoview render CT {side} --no-annotations, window {'/'.join(CT_WINDOW)} "
         f"({how}); baseline: dcmj2pnm",
         ct_times["hoview"], ct_times["baseline"], TARGET_CT),
        ("B7-dx", f"hoview render DX {dx_size} --no-annotations, window {'/'.join(DX_WINDOW)} "
         f"({how}); baseline: dcmj2pnm",
         dx_times["hoview"], dx_times["baseline"], TARGET_DX),
        ("B7-dx-narrow", f"the same, DX window {'/'.join(DX_NARROW)}; baseline: dcmj2pnm",
         dx_times["narrow"], dx_times["narrow-baseline"], TARGET_DX),
        ("B8", f"hoview info CT {side} ({how}); baseline: dcmdump",
         ct_times["info"], ct_times["dcmdump"], TARGET_INFO),
        ("B7-floor-python", "floor: python -c pass; baseline: dcmj2pnm CT",
         ct_times["python"], ct_times["baseline"], None),
        ("B7-floor-pydicom", 'floor: python -c "import pydicom"; baseline: dcmj2pnm CT',
         ct_times["pydicom"], ct_times["baseline"], None),
        ("B7-floor-lean", "floor: pydicom as hoview imports it + numpy + Pillow; "
         "baseline: dcmj2pnm CT", ct_times["lean"], ct_times["baseline"], None),
    ]  # fmt: skip
    result = []
    for rid, what, mine, theirs, target in table:
        ratio = mine / theirs
        result.append(
            Row(
                rid,
                what,
                ms(mine),
                ms(theirs),
                ratio,
                f"<= {target:g}x" if target is not None else "report",
                None if target is None else ratio <= target,
            )
        )
    return result
