"""Measurements that need a process of their own (peak memory): ``python -m benchmarks.child``.

``baseline FOLDER``: pydicom reads every file of the folder with its pixel data and
keeps the decoded arrays (``dcmread(f).pixel_array``), as a viewer that loads a series
up front would. Prints the time and the process's peak RSS (VmHWM).

``hoview FOLDER STEPS``: hoview's main window opens the folder as the user's "Open
folder" does: the background loader lists the files, shows the first readable image
at once, and goes on reading headers. Prints the time from ``open_paths`` to the end of
the canvas's first paint with an image, the peak RSS once the whole folder is read and
shown, then the slices per second while stepping ``STEPS`` slices (Page Down, one key
press and one repaint per slice) and the peak RSS after that.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from benchmarks.timing import peak_rss_kib


def baseline(folder: Path) -> dict:
    import pydicom

    files = sorted(p for p in folder.iterdir() if p.is_file())
    start = time.perf_counter()
    arrays = [pydicom.dcmread(p).pixel_array for p in files]
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "files": len(arrays), "peak_kib": peak_rss_kib()}


def hoview(folder: Path, steps: int) -> dict:
    from benchmarks import qt

    app = qt.application()
    watch = qt.PaintWatch()
    window = qt.main_window()
    canvas = window.canvas
    first = watch.run_until_painted(lambda: window.open_paths([folder]))
    shown_frames = len(canvas.series.frames) if canvas.series else 0
    window.loader.wait()  # the rest of the folder, then the full series is shown
    app.processEvents()
    frames = len(canvas.series.frames)
    peak_open = peak_rss_kib()

    from PySide6.QtCore import QEvent, Qt
    from PySide6.QtGui import QKeyEvent

    canvas.setFocus()
    steps = min(steps, frames - 1)
    painted = watch.painted
    start = time.perf_counter()
    for _ in range(steps):
        key = QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_PageDown, Qt.KeyboardModifier.NoModifier)
        app.sendEvent(canvas, key)
        app.processEvents()  # the repaint (and whatever else the window updates)
    seconds = time.perf_counter() - start
    if watch.painted - painted < steps or canvas.frame_index != steps:
        raise RuntimeError(f"stepped to {canvas.frame_index}, {watch.painted - painted} paints")
    return {
        "first_seconds": first,
        "first_series_frames": shown_frames,
        "frames": frames,
        "peak_open_kib": peak_open,
        "steps": steps,
        "step_seconds": seconds,
        "peak_after_steps_kib": peak_rss_kib(),
    }


def main(argv: list[str]) -> None:
    task, folder = argv[0], Path(argv[1])
    result = baseline(folder) if task == "baseline" else hoview(folder, int(argv[2]))
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
    # Qt and PySide6 sometimes crash while tearing down at exit; the result is out.
    import os

    os._exit(0)
