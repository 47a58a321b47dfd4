"""B1: from a path to the first displayed 8-bit frame of an 8-megapixel 12-bit DX.

hoview: the main window opens the file as the user's "Open" does (background loader
thread, then the series panel, the canvas and its first paint, 1280 x 1024); the clock
stops when the canvas has painted the new image. Also the core of it without the
window: ``open_path``, ``ViewerCanvas.set_series`` and one synchronous repaint.

Baseline: ``pydicom.dcmread(path).pixel_array``, nothing else.

Before every run the decoded-frame cache, the window lookup tables and the rasterised
corner text are emptied, so each run pays what opening a new file pays.
"""

from __future__ import annotations

from pathlib import Path

from benchmarks import data, qt
from benchmarks.timing import Row, interleaved, ms

#: At most this many times the time of pydicom's read alone (issue 15).
TARGET = 1.5


def _reset() -> None:
    """Forget what an earlier open of the same file left: decoded frames, tables, text."""
    from hoview.display import pipeline
    from hoview.sources.base import DEFAULT_CACHE
    from hoview.ui import canvas_overlay

    DEFAULT_CACHE.clear()
    with pipeline._tables_lock:
        pipeline._tables.clear()
    getattr(canvas_overlay, "_LINES", {}).clear()  # a new file: new corner text to rasterise


def _pydicom(path: Path):  # noqa: ANN202
    import pydicom

    return lambda: pydicom.dcmread(path).pixel_array


def _through_window(window, watch, path: Path):  # noqa: ANN001, ANN202
    app = qt.application()

    def run() -> float:
        app.processEvents()
        old = window.canvas.frame.source if window.canvas.frame is not None else None
        return watch.run_until_painted(
            lambda: window.open_paths([path]),
            lambda canvas: canvas is window.canvas and canvas.frame.source is not old,
        )

    return run


def rows(sizes: data.Sizes, window, watch) -> list[Row]:  # noqa: ANN001
    from hoview.sources import open_path

    out = []
    raw = data.dx_files(sizes.dx_side)[0]
    mp = sizes.dx_side**2 / 1e6
    for rid, path, kind in (("B1", raw, "uncompressed"),):  # B1-jls: b1_codec
        times: dict[str, list[float]] = {"hoview": []}
        in_window = _through_window(window, watch, path)

        def hoview(times=times, in_window=in_window) -> None:  # noqa: ANN001
            times["hoview"].append(in_window())

        medians = interleaved(
            {"hoview": hoview, "baseline": _pydicom(path)}, sizes.repeats, before=_reset
        )
        # The paint ends inside the event loop: use the time to the end of that paint.
        hoview_time = sorted(times["hoview"])[len(times["hoview"]) // 2]
        base = medians["baseline"]
        out.append(
            Row(
                rid,
                f"path -> first painted frame, main window, {mp:.1f} MP 12-bit DX {kind}",
                ms(hoview_time),
                ms(base),
                hoview_time / base,
                f"<= {TARGET:g}x",
                hoview_time / base <= TARGET,
            )
        )
    canvas = qt.canvas_alone()

    def core() -> None:
        result = open_path(raw)
        canvas.set_series(result.series[0])
        canvas.repaint()

    medians = interleaved({"hoview": core, "baseline": _pydicom(raw)}, sizes.repeats, _reset)
    ratio = medians["hoview"] / medians["baseline"]
    out.append(
        Row(
            "B1-core",
            "same, uncompressed, without window/thread: open_path + canvas set_series + repaint",
            ms(medians["hoview"]),
            ms(medians["baseline"]),
            ratio,
            f"<= {TARGET:g}x",
            ratio <= TARGET,
        )
    )
    canvas.close()
    return out
