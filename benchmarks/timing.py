"""Timing helpers: interleaved medians, child processes, peak memory, the result table."""

from __future__ import annotations

import gc
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


@dataclass
class Row:
    """One line of the table.

    ``ratio`` is always hoview over baseline (a time, a memory peak); ``passed`` is
    ``None`` for figures that are only reported.
    """

    id: str
    what: str
    hoview: str
    baseline: str
    ratio: float | None
    target: str
    passed: bool | None
    note: str = ""  # shown instead of PASS/FAIL (the smoke run's tiny data prove nothing)

    @property
    def result(self) -> str:
        if self.note:
            return self.note
        if self.passed is None:
            return "report" if self.ratio is not None else "n/a"
        return "PASS" if self.passed else "FAIL"


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms" if seconds < 10 else f"{seconds:.1f} s"


def mb(kib: float) -> str:
    return f"{kib / 1024:.0f} MB"


def interleaved(
    runs: dict[str, Callable[[], object]],
    repeats: int,
    before: Callable[[], object] | None = None,
) -> dict[str, float]:
    """Time each callable ``repeats`` times, taking turns; return the medians (seconds).

    Taking turns spreads the noise of a shared machine over every contender instead
    of charging one of them with a busy minute. A full garbage collection runs before
    each call and ``before()`` (state to reset, untimed) too.
    """
    samples: dict[str, list[float]] = {name: [] for name in runs}
    for _ in range(repeats):
        for name, run in runs.items():
            if before is not None:
                before()
            gc.collect()
            start = time.perf_counter()
            run()
            samples[name].append(time.perf_counter() - start)
    return {name: statistics.median(values) for name, values in samples.items()}


def peak_rss_kib() -> int:
    """This process's peak resident set size (VmHWM), in KiB."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def run_child(task: str, *args: str, timeout: float = 600) -> dict:
    """Run ``python -m benchmarks.child TASK ARGS`` in a fresh process; return its JSON."""
    env = dict(os.environ)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.child", task, *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
        cwd=REPO,
    )
    if done.returncode != 0:
        raise RuntimeError(f"child {task} failed: {done.stderr.strip()[-800:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def machine() -> str:
    """One line: cores, CPU model, Python, load average."""
    model = platform.processor() or "unknown CPU"
    try:
        with open("/proc/cpuinfo") as f:
            model = next(
                (line.split(":", 1)[1].strip() for line in f if line.startswith("model name")),
                model,
            )
    except OSError:
        pass
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    return (
        f"{os.cpu_count()} cores, {model}, Python {platform.python_version()}, "
        f"{platform.system()}; load average {load}"
    )


def table(rows: list[Row]) -> str:
    """The rows as a Markdown table (also readable as plain text)."""
    header = ("id", "what", "hoview (median)", "baseline (median)", "ratio", "target", "result")
    cells = [header] + [
        (
            r.id,
            r.what,
            r.hoview,
            r.baseline,
            "-" if r.ratio is None else f"{r.ratio:.3g}x",
            r.target,
            r.result,
        )
        for r in rows
    ]
    widths = [max(len(c[i]) for c in cells) for i in range(len(header))]

    def line(c: tuple[str, ...]) -> str:
        return "| " + " | ".join(v.ljust(w) for v, w in zip(c, widths, strict=True)) + " |"

    rule = "|" + "|".join("-" * (w + 2) for w in widths) + "|"
    return "\n".join([line(cells[0]), rule, *(line(c) for c in cells[1:])])
