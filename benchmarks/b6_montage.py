"""B6: a montage of 12 8-megapixel films with pairs (without / with arrows) to a PNG.

hoview: ``hoview.render.montage.build_montage(paths, out.png, pairs=True)``, each film
with a sidecar of three labelled arrows. Baseline: decoding the 12 sources with pydicom
(``dcmread(p).pixel_array`` each), nothing else.
"""

from __future__ import annotations

import importlib.util
import shutil
import tempfile
from pathlib import Path

from benchmarks import data
from benchmarks.timing import Row, interleaved, ms


def rows(sizes: data.Sizes) -> list[Row]:
    what = f"montage of {sizes.films} {sizes.dx_side**2 / 1e6:.1f} MP films with pairs -> PNG"
    available = importlib.util.find_spec("hoview.render.montage") is not None
    if available:
        from hoview.render import montage

        available = hasattr(montage, "build_montage")
    if not available:
        return [Row("B6", f"{what}: build_montage not available", "-", "-", None, "<= 1.5x", None)]
    import pydicom

    from hoview.render.montage import build_montage
    from hoview.sources.base import DEFAULT_CACHE

    paths = data.montage_films(sizes.dx_side, sizes.films)
    work = Path(tempfile.mkdtemp(prefix="hoview-bench-montage-"))
    try:
        medians = interleaved(
            {
                "hoview": lambda: build_montage(paths, work / "montage.png", pairs=True),
                "baseline": lambda: [pydicom.dcmread(p).pixel_array for p in paths],
            },
            sizes.repeats,
            before=DEFAULT_CACHE.clear,
        )
    finally:
        shutil.rmtree(work, ignore_errors=True)
    ratio = medians["hoview"] / medians["baseline"]
    return [
        Row(
            "B6",
            f"{what}; baseline: pydicom decoding the {sizes.films} sources",
            ms(medians["hoview"]),
            ms(medians["baseline"]),
            ratio,
            "<= 1.5x",
            ratio <= 1.5,
        )
    ]
