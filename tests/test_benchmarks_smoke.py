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
    "B1", "B1-core",
    "B1-jls", "B1-j2k", "B1-htj2k", "B1-jpegll", "B1-rle",
    "B2-fit", "B2-fit-floor", "B2-1:1", "B2-1:1-floor", "B2-4x", "B2-4x-floor", "B2-fit-bare",
    "B3-first", "B3-rss", "B4", "B4-rss",
    "B5-load", "B5-save", "B5-dumps", "B5-paint", "B5-paint-100", "B5-pan",
    "B6",
    "B7-ct", "B7-dx", "B7-dx-narrow", "B8", "B7-floor-python", "B7-floor-pydicom", "B7-floor-lean",
    "B9-first", "B9-first-identity", "B9-study", "B9-memory",
)  # fmt: skip


def test_smoke_run_prints_every_row_with_a_ratio(tmp_path):
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", TMPDIR=str(tmp_path))
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks", "--smoke"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
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
