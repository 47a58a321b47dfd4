"""A seeded, bounded fuzz run: mutated files through what ``info`` and ``render`` do.

``python -m benchmarks.fuzz`` rebuilds each input from the run seed and its index (bit
flips, cuts, broken length fields, absurd attribute values on pydicom's test files,
the sample data and synthetic raster images), and checks it in a worker process
under a 3 GB address-space cap and a 10 s budget per input. Anything but working or a
HoviewError (a traceback, a hang, a memory overrun, a dead worker) fails this test,
which prints each failing input's index and mutation and the command that rebuilds it.
``benchmarks/fuzz.py`` runs the long campaign (20,000 inputs by default).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent.parent

#: Inputs of the in-process run: about 40 s on one core.
COUNT = 1000
#: Inputs also run through the real ``hoview info`` and ``hoview render`` processes.
CLI_COUNT = 4


def _fuzz(tmp_path: Path, *args: str, timeout: float) -> tuple[subprocess.CompletedProcess, list]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", TMPDIR=str(tmp_path))
    env["XDG_DATA_HOME"] = str(tmp_path / "data")
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.fuzz", *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    failures = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
    return done, failures


def _explain(failures: list, seed: int) -> str:
    return "\n".join(
        f"input {f['index']} ({f['outcome']}): {f.get('seed_file', '')}: {f.get('mutation', '')}"
        f"\n    {f['detail'][-600:]}\n    rebuild: python -m benchmarks.fuzz --seed {seed} "
        f"--only {f['index']} --keep DIR"
        for f in failures
    )


def test_mutated_files_end_working_or_in_one_line_error(tmp_path):
    seed = 20240610
    done, failures = _fuzz(
        tmp_path,
        *("-n", str(COUNT), "--seed", str(seed), "--jobs", "1"),
        *("--timeout", "10", "--memory-gb", "3"),
        timeout=600,
    )
    assert not failures, _explain(failures, seed)
    assert done.returncode == 0, done.stderr[-2000:]
    summary = done.stdout.strip().splitlines()[-1]
    counts = dict((k, int(n)) for n, k in re.findall(r"(\d+) (\w+)", summary.split(":", 1)[1]))
    assert counts["ok"] + counts["refused"] == COUNT
    assert counts["ok"] > COUNT // 10 and counts["refused"] > COUNT // 10  # both kinds met


def test_mutated_files_through_the_real_command(tmp_path):
    seed = 7
    done, failures = _fuzz(
        tmp_path, "--cli", "-n", str(CLI_COUNT), "--seed", str(seed), timeout=300
    )
    assert not failures, _explain(failures, seed)
    assert done.returncode == 0, done.stderr[-2000:]
    assert f"{CLI_COUNT} inputs" in done.stdout
