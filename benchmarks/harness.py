"""``python -m benchmarks [--quick | --smoke] [--only B1,B2,...]``: run and print the table."""

from __future__ import annotations

import argparse
import importlib
import sys
import time
import traceback

from benchmarks import data
from benchmarks.timing import Row, machine, table

#: Group -> the module whose ``rows(sizes[, window, watch])`` measures it. B4 is measured
#: with B3 (same series, same child), B8 with B7 (the same command-line runs).
MODULES = {
    "B1": "b1_first_frame",
    "B1C": "b1_codec",
    "B2": "b2_window",
    "B3": "b3_series",
    "B5": "b5_sidecar",
    "B6": "b6_montage",
    "B7": "b7_cli",
    "B9": "b9_pacs",
}
GROUPS = tuple(MODULES)
#: Groups that drive the main window (made once, shared).
_IN_WINDOW = ("B1", "B1C")
#: Row-id prefixes measured inside another group.
_ALIASES = {"B4": "B3", "B8": "B7", "B1-CODEC": "B1C"}


def _group(name: str, sizes: data.Sizes, shared: dict) -> list[Row]:
    module = importlib.import_module(f"benchmarks.{MODULES[name]}")
    if name not in _IN_WINDOW:
        return module.rows(sizes)
    from benchmarks import qt

    if "window" not in shared:
        qt.application()
        shared["watch"] = qt.PaintWatch()
        shared["window"] = qt.main_window()
    return module.rows(sizes, shared["window"], shared["watch"])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--quick", action="store_true", help="fewer runs, fewer slices stepped")
    mode.add_argument("--smoke", action="store_true", help="tiny data, one run (a test)")
    parser.add_argument("--only", default="", help="comma-separated groups, e.g. B1,B3")
    args = parser.parse_args(argv)
    sizes = data.SMOKE if args.smoke else data.QUICK if args.quick else data.FULL
    wanted = [g.strip().upper() for g in args.only.split(",") if g.strip()] or list(GROUPS)
    wanted = [_ALIASES.get(g, g) for g in wanted]
    print(f"hoview benchmarks ({sizes.name}): {machine()}", flush=True)
    print(f"data: {data.cache_root()} (generated on first use)", flush=True)
    started = time.perf_counter()
    rows: list[Row] = []
    shared: dict = {}
    failed = False
    for group in GROUPS:
        if group not in wanted:
            continue
        try:
            rows.extend(_group(group, sizes, shared))
        except Exception as exc:  # noqa: BLE001 - one broken row must not hide the others
            failed = True
            traceback.print_exc(file=sys.stderr)
            rows.append(
                Row(group, f"error: {type(exc).__name__}: {exc}"[:120], "-", "-", None, "-", False)
            )
        print(
            f"  {group} done ({time.perf_counter() - started:.0f} s)", file=sys.stderr, flush=True
        )
    if args.smoke:
        for row in rows:
            row.note = row.note or "smoke"
    print()
    print(table(rows))
    print()
    print(
        f"ratio = hoview / baseline (medians of {sizes.repeats} runs; B3 of "
        f"{sizes.child_repeats} child processes each); {time.perf_counter() - started:.0f} s; "
        f"after: {machine().split('; ')[-1]}"
    )
    if "window" in shared:
        shared["window"].close()
    return 1 if failed else 0
