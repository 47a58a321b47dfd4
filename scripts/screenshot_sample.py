#!/usr/bin/env python3
"""Take the README's first screenshot from a real run: ``hoview sample_data/``.

hoview runs as a real program on a private X display (Debian's Xvfb), as a new user
starts it on the sample folder: the window opens on the AP pelvis film with its arrows,
the series list on the left. The window is moved to the screen's corner and sized to
fill it, the pointer is parked in a corner, and once two grabs in a row agree the whole
screen is grabbed (ImageMagick's ``import``) into the PNG.

Usage::

    python scripts/screenshot_sample.py [--out docs/viewer-sample-pelvis.png]

Needs Xvfb, xdotool and ImageMagick (Debian packages xvfb, xdotool, imagemagick).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from PIL import Image
from xdisplay import Display

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "sample_data"
SCREEN = (1280, 900)


def main(argv: list[str] | None = None) -> int:
    """Take the screenshot; return the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "viewer-sample-pelvis.png")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as temporary:
        work = Path(temporary)
        display = Display(SCREEN)
        env = {
            **display.env,
            "QT_QPA_PLATFORM": "xcb",
            "HOVIEW_DATA_DIR": str(work / "data"),
            "XDG_CONFIG_HOME": str(work / "config"),
        }
        log_path = work / "hoview.log"
        log = log_path.open("wb")
        command = [sys.executable, "-m", "hoview", str(SAMPLE)]
        program = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + 30
            window = ""
            while not window and time.monotonic() < deadline:
                found = display.xdotool("search", "--onlyvisible", "--name", "hoview").split()
                window = found[0] if found else ""
                time.sleep(0.3)
            if not window:
                raise SystemExit("the hoview window did not appear")
            display.xdotool("windowmove", window, "0", "0")
            display.xdotool("windowsize", window, str(SCREEN[0]), str(SCREEN[1]))
            display.xdotool("windowfocus", window)
            display.xdotool("mousemove", "5", str(SCREEN[1] - 5))  # no cursor over the film
            time.sleep(2.0)
            shot = display.settled()
            args.out.parent.mkdir(parents=True, exist_ok=True)
            Image.fromarray(shot).save(args.out, optimize=True)
            print(f"wrote {args.out}")
        finally:
            program.terminate()
            try:
                program.wait(timeout=10)
            except subprocess.TimeoutExpired:
                program.kill()
            log.close()
            display.stop()
            text = log_path.read_text(errors="replace")
    if "Traceback" in text:  # the program's own log: it must have run cleanly
        print(text, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
