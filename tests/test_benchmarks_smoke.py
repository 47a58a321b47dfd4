"""The benchmark harness runs end to end on tiny data and prints every row with a ratio.

Not a performance test: ``python -m benchmarks --smoke`` times each row once on tiny
synthetic data; only the table's shape is checked.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
ROWS = (
    "B1", "B1-jls", "B1-core",
    "B2-fit", "B2-fit-floor", "B2-1:1", "B2-1:1-floor", "B2-4x", "B2-4x-floor", "B2-fit-bare",
    "B3-first", "B3-rss", "B4", "B4-rss",
    "B5-load", "B5-save", "B5-dumps", "B5-paint",
    "B6",
    "B7-first", "B7-first-identity", "B7-study", "B7-memory",
)  # fmt: skip


def test_smoke_run_prints_every_row_with_a_ratio(tmp_path):
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", TMPDIR=str(tmp_path))
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks", "--smoke"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    lines = {
        cells[0]: cells
        for line in done.stdout.splitlines()
        if line.startswith("| ")
        and len(cells := [c.strip() for c in line.strip("|").split("|")]) == 7
    }
    for row in ROWS:
        assert row in lines, f"{row} missing from:\n{done.stdout}"
        assert re.fullmatch(r"[0-9.e+-]+x", lines[row][4]), lines[row]
        assert lines[row][6] == "smoke", lines[row]
