#!/usr/bin/env python3
"""Take the README's 2x2 screenshot from a real run: a film, its prior, and a closer look.

hoview runs as a real program on a private X display (Debian's Xvfb) and is driven as a
radiologist would drive it, with real key presses and mouse clicks (xdotool):

1. ``hoview <current study> <prior study>`` opens the synthetic sample study (the AP
   pelvis film with its arrows, and the hip CT) and a prior film of the same synthetic
   patient, 3 months earlier, with less mature ossification (``make_sample_data.py
   --prior``);
2. Ctrl+Shift+K (Compare with prior): the current film left, the prior right;
3. Alt+4 (Layout 2x2); a click in the lower left viewport, a double click on the current
   film's thumbnail; a click in the lower right viewport, a double click on the prior's;
4. in each lower viewport: the mouse wheel zooms in on the patient's right hip, a
   middle-button drag centres its ossification, key 2 picks the film's BONE window;

then the whole screen is grabbed (ImageMagick's ``import``) into the PNG.

Usage::

    python scripts/screenshot_layout.py [--out docs/viewer-2x2-prior.png]

Needs Xvfb, xdotool and ImageMagick (Debian packages xvfb, xdotool, imagemagick).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from PIL import Image
from xdisplay import Display

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "sample_data"
SCREEN = (1280, 1000)
#: The colours of a viewport's border in a layout of several (hoview.ui.viewport).
BORDERS = ((61, 174, 233), (60, 60, 60))
#: The ossification at the patient's right hip in the sample film: fractions of its width, height.
RIGHT_HIP = (0.17, 0.4)


def _runs(row: np.ndarray) -> list[tuple[int, int]]:
    padded = np.concatenate([[False], row, [False]]).astype(np.int8)
    edges = np.flatnonzero(np.diff(padded))
    return list(zip(edges[::2].tolist(), edges[1::2].tolist(), strict=True))


def viewports(shot: np.ndarray) -> list[tuple[int, int, int, int]]:
    """Find the four viewports of the 2x2 layout: ``(x0, y0, x1, y1)``, row by row.

    The layout's cells share its area evenly; their borders give the area's bounds.
    """
    mask = np.zeros(shot.shape[:2], bool)
    for colour in BORDERS:
        mask |= np.all(shot == colour, axis=2)
    # The area's left edge: the first column with a long run of border (never an image).
    left = next(
        (
            (x, run)
            for x in range(shot.shape[1])
            for run in _runs(mask[:, x])
            if run[1] - run[0] > 300
        ),
        None,
    )
    if left is None:
        return []
    x0, (y0, y1) = left
    top = [run for run in _runs(mask[y0]) if run[0] <= x0 < run[1]]
    x1 = top[0][1]
    xm, ym = (x0 + x1) // 2, (y0 + y1) // 2
    inset = 3
    return [
        (left + inset, top + inset, right - inset, bottom - inset)
        for top, bottom in ((y0, ym), (ym, y1))
        for left, right in ((x0, xm), (xm, x1))
    ]


def thumbnails(shot: np.ndarray, right: int) -> list[tuple[int, int]]:
    """Find the centres of the series thumbnails (black squares, tinted when selected)."""
    dark = shot[:, :right].max(axis=2) < 64
    tops = []
    for y in range(60, shot.shape[0]):
        wide = [(a, b) for a, b in _runs(dark[y]) if b - a >= 80]
        if wide and not any(abs(y - t[1]) < 100 for t in tops):
            a, b = wide[0]
            tops.append(((a + b) // 2, y))
    return [(x, y + 48) for x, y in tops]


def prepare(folder: Path) -> tuple[Path, Path]:
    """Copy the sample study into ``folder/current``; make the prior in ``folder/prior``."""
    current = folder / "current"
    current.mkdir(parents=True)
    for name in ("pelvis_ap.dcm", "pelvis_ap.dcm.hoview.json"):
        shutil.copy(SAMPLE / name, current / name)
    shutil.copytree(SAMPLE / "ct_hips", current / "ct_hips")
    prior = folder / "prior"
    subprocess.run(
        [
            sys.executable,
            str(SAMPLE / "make_sample_data.py"),
            "--prior",
            str(prior / "pelvis_ap_prior.dcm"),
        ],
        check=True,
    )
    return current, prior


def zoom_on_hip(display: Display, box: tuple[int, int, int, int], clicks: int = 5) -> None:
    """Activate the viewport ``box``, zoom in on the right hip with the wheel, bone window."""
    x0, y0, x1, y1 = box
    width, height = x1 - x0, y1 - y0
    image_h = min(height, width * 1700 / 2000)  # the fitted film (2000 x 1700)
    image_w = image_h * 2000 / 1700
    left, top = x0 + (width - image_w) / 2, y0 + (height - image_h) / 2
    x, y = int(left + RIGHT_HIP[0] * image_w), int(top + RIGHT_HIP[1] * image_h)
    display.click(x, y, button=2)  # the middle button: activates, draws nothing
    for _ in range(clicks):
        display.click(x, y, button=4)
    # A middle-button drag brings the ossification to the middle of the viewport.
    display.xdotool("mousedown", "2")
    for step in range(1, 6):
        display.xdotool(
            "mousemove",
            str(int(x + ((x0 + x1) / 2 - x) * step / 5)),
            str(int(y + ((y0 + y1) / 2 - y) * step / 5)),
        )
        time.sleep(0.05)
    display.xdotool("mouseup", "2")
    display.key("2")


def main(argv: list[str] | None = None) -> int:
    """Take the screenshot; return the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "viewer-2x2-prior.png")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as temporary:
        work = Path(temporary)
        current, prior = prepare(work / "studies")
        display = Display(SCREEN)
        env = {
            **display.env,
            "QT_QPA_PLATFORM": "xcb",
            "HOVIEW_DATA_DIR": str(work / "data"),
            "XDG_CONFIG_HOME": str(work / "config"),
        }
        log = (work / "hoview.log").open("wb")
        command = [sys.executable, "-m", "hoview", str(current), str(prior)]
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
            time.sleep(2.0)
            display.settled()
            display.key("ctrl+shift+k")  # Compare with prior
            display.settled()
            display.key("alt+4")  # Layout 2x2
            shot = display.settled()
            boxes = viewports(shot)
            if len(boxes) != 4:
                raise SystemExit(f"expected 4 viewports on screen, found {boxes}")
            thumbs = thumbnails(shot, boxes[0][0] - 10)
            if len(thumbs) < 3:
                Image.fromarray(shot).save(work.parent / "hoview-layout-failed.png")
                raise SystemExit(f"expected 3 series thumbnails, found {thumbs}")
            # Series: current film, current CT, prior film (in the order the paths were given).
            for box, thumb in ((boxes[2], thumbs[0]), (boxes[3], thumbs[2])):
                display.click((box[0] + box[2]) // 2, (box[1] + box[3]) // 2, button=2)
                display.click(*thumb, repeat=2)
                display.settled()
                zoom_on_hip(display, box)
            display.click((boxes[0][0] + boxes[0][2]) // 2, boxes[0][1] + 40, button=2)
            display.xdotool("mousemove", "5", str(SCREEN[1] - 5))  # no cursor over the images
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
            text = (work / "hoview.log").read_text(errors="replace")
    if "Traceback" in text:  # the program's own log: it must have run cleanly
        print(text, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
