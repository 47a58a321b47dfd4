"""Helper process for test_concurrent_writers.py: run ``hoview annotate`` N times.

    python annotate_child.py IMAGE TAG COUNT

Calls the command line's own entry point (``hoview.cli.main``) in a loop, as N separate
``hoview annotate`` commands would, without paying for N interpreter start-ups. Prints
``ok <count>`` when every command exited 0, else the first failure.
"""

from __future__ import annotations

import contextlib
import io
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from hoview.cli import main  # noqa: E402


def run(image: str, tag: str, count: int) -> None:
    for i in range(count):
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            x, y = 2 + (i % 50), 2 + (i // 50) * 5
            status = main(
                ["annotate", image, "--arrow", str(x), str(y), str(x + 3), str(y + 3)]
                + ["--label", f"{tag}-{i}"]
            )
        if status != 0 or not out.getvalue().startswith("added arrow"):
            print(f"failed {tag}-{i}: status {status}: {err.getvalue().strip()}", flush=True)
            sys.exit(1)
    print(f"ok {count}", flush=True)


if __name__ == "__main__":
    run(sys.argv[1], sys.argv[2], int(sys.argv[3]))
