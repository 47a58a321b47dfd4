"""B3 and B4: a folder of 1,000 CT slices of 512 x 512 -- first image, memory, stepping.

Each figure comes from fresh child processes (``benchmarks.child``), hoview's and the
baseline's taking turns, so peak memory (VmHWM of the child) is the process's own and
no run inherits another's caches. The files are in the page cache for both: the data
were just written or read.
"""

from __future__ import annotations

import statistics

from benchmarks import data
from benchmarks.timing import Row, mb, ms, run_child


def rows(sizes: data.Sizes) -> list[Row]:
    folder = data.ct_series(sizes.ct_slices, sizes.ct_side)
    base: list[dict] = []
    ours: list[dict] = []
    for _ in range(sizes.child_repeats):
        base.append(run_child("baseline", str(folder)))
        ours.append(run_child("hoview", str(folder), str(sizes.step_slices)))

    def median(runs: list[dict], key: str) -> float:
        return statistics.median(run[key] for run in runs)

    what = f"{sizes.ct_slices}-slice {sizes.ct_side}x{sizes.ct_side} CT folder"
    first, read_all = median(ours, "first_seconds"), median(base, "seconds")
    peak, base_peak = median(ours, "peak_open_kib"), median(base, "peak_kib")
    steps = ours[0]["steps"]
    rate = statistics.median(run["steps"] / run["step_seconds"] for run in ours)
    per_file = read_all / max(base[0]["files"], 1)
    after = median(ours, "peak_after_steps_kib")
    return [
        Row(
            "B3-first",
            f"{what}: open -> first image painted (main window, loader thread)",
            ms(first),
            ms(read_all),
            first / read_all,
            "<= 0.05x",
            first / read_all <= 0.05,
        ),
        Row(
            "B3-rss",
            f"{what}: peak RSS, whole folder read and shown vs pydicom holding all",
            mb(peak),
            mb(base_peak),
            peak / base_peak,
            "<= 0.5x",
            peak / base_peak <= 0.5,
        ),
        Row(
            "B4",
            f"stepping that series (Page Down + repaint, {steps} slices): "
            f"{rate:.0f} slices/s; baseline: pydicom reading one slice",
            ms(1 / rate),
            ms(per_file),
            (1 / rate) / per_file,
            ">= 60 slices/s",
            rate >= 60,
        ),
        Row(
            "B4-rss",
            f"peak RSS after stepping {steps} slices (decoded-frame cache 512 MB)",
            mb(after),
            mb(base_peak),
            after / base_peak,
            "report",
            None,
        ),
    ]
