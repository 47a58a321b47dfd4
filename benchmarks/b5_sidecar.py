"""B5: a sidecar with 10,000 arrows -- load, save, and a canvas repaint with all of them.

Load: ``open_annotations`` (what the viewer calls: read, parse with limits, schema
check, build the model) against ``json.loads`` of the file's bytes (read included).
Save: ``save`` (serialise, then an atomic write: temporary file, fsync, backup,
rename) against ``json.dumps`` of the same data written with ``Path.write_text``; and
the serialisation alone (``codec.dumps`` against ``json.dumps``).
Repaint (B5-paint, B5-paint-100): a window change and the repaint of the real canvas,
1280 x 1024, fitted, every arrow visible (10,000, then 100), against the same on a canvas
with annotations hidden. Pan (B5-pan): a pan by 40 screen pixels and its repaint at 200 % zoom (the
image larger than the viewport), against the same with annotations hidden. The first
paint, which draws every arrow, is not timed.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path

from benchmarks import data, qt
from benchmarks.timing import Row, interleaved, ms

#: Arrows of the light case of B5-paint-100.
FEW_ARROWS = 100
#: The B5-pan zoom (screen pixels per image pixel: 200 %) and each pan's step (screen pixels).
PAN_ZOOM = 2.0
PAN_PX = 40


def rows(sizes: data.Sizes) -> list[Row]:
    from hoview.annotations import open_annotations, save
    from hoview.annotations.codec import dumps
    from hoview.sources import open_image, open_path

    work = Path(tempfile.mkdtemp(prefix="hoview-bench-sidecar-"))
    try:
        original = data.annotated_dx(sizes.dx_side, sizes.arrows)
        image = work / original.name
        shutil.copyfile(original, image)
        shutil.copyfile(Path(f"{original}.hoview.json"), Path(f"{image}.hoview.json"))
        sidecar = Path(f"{image}.hoview.json")
        identity = open_image(image).identity
        document = open_annotations(image, identity).document
        assert len(document) == sizes.arrows, len(document)
        parsed = json.loads(sidecar.read_bytes())
        copy = work / "baseline.json"
        n = f"{sizes.arrows:,} arrows"

        load = interleaved(
            {
                "hoview": lambda: open_annotations(image, identity),
                "baseline": lambda: json.loads(sidecar.read_bytes()),
            },
            sizes.repeats,
        )
        store = interleaved(
            {
                "hoview": lambda: save(document, image),
                "baseline": lambda: copy.write_text(json.dumps(parsed)),
                "dumps": lambda: dumps(document, image.name),
                "json.dumps": lambda: json.dumps(parsed),
            },
            sizes.repeats,
        )
        paint = _window_changes(open_path(image).series[0], sizes.repeats)
        few_image = data.annotated_dx(sizes.dx_side, FEW_ARROWS)
        paint_few = _window_changes(open_path(few_image).series[0], sizes.repeats)
        pan = _pans(open_path(image).series[0], sizes.repeats)
    finally:
        shutil.rmtree(work, ignore_errors=True)

    def row(rid: str, what: str, medians: dict, a: str, b: str, target: float | None) -> Row:
        ratio = medians[a] / medians[b]
        return Row(
            rid,
            what,
            ms(medians[a]),
            ms(medians[b]),
            ratio,
            f"<= {target:g}x" if target else "report",
            ratio <= target if target else None,
        )

    return [
        row(
            "B5-load",
            f"sidecar load, {n} (open_annotations vs json.loads)",
            load,
            "hoview",
            "baseline",
            2.5,
        ),
        row(
            "B5-save",
            f"sidecar save, {n} (atomic save vs json.dumps + write_text)",
            store,
            "hoview",
            "baseline",
            3,
        ),
        row(
            "B5-dumps",
            f"serialise only, {n} (codec.dumps vs json.dumps)",
            store,
            "dumps",
            "json.dumps",
            None,
        ),
        row(
            "B5-paint",
            f"window change repaint at fit with {n} vs without annotations",
            paint,
            "hoview",
            "baseline",
            1.5,
        ),
        row(
            "B5-paint-100",
            f"window change repaint at fit with {FEW_ARROWS} arrows vs without annotations",
            paint_few,
            "hoview",
            "baseline",
            1.2,
        ),
        row(
            "B5-pan",
            f"pan repaint ({PAN_PX} px at {PAN_ZOOM:.0%} zoom) with {n} vs without annotations",
            pan,
            "hoview",
            "baseline",
            3,
        ),
    ]


def _canvases(series) -> tuple:  # noqa: ANN001
    """Two canvases of :data:`qt.VIEWPORT` over ``series``: annotations shown, hidden."""
    shown, hidden = qt.canvas_alone(), qt.canvas_alone()
    for canvas in (shown, hidden):
        canvas.set_series(series)
    hidden.set_annotations_override(False)
    for canvas in (shown, hidden):
        canvas.repaint()  # the first paint (draws every arrow once) is not timed
    return shown, hidden


def _window_changes(series, repeats: int) -> dict[str, float]:  # noqa: ANN001
    """Median seconds of a window change and its repaint, fitted, with and without arrows."""
    from hoview.display.pipeline import Window

    canvases = _canvases(series)
    turns = [0, 0]

    def change(k: int):  # noqa: ANN202
        canvas = canvases[k]

        def run() -> None:
            turns[k] += 1
            canvas.set_window(Window(1800.0 + 100 * (turns[k] % 2), 2500.0))
            canvas.repaint()

        return run

    # a few milliseconds each: more turns than the slow rows, for a steadier median
    medians = interleaved({"hoview": change(0), "baseline": change(1)}, max(repeats * 4, 4))
    for canvas in canvases:
        canvas.close()
    return medians


def _pans(series, repeats: int) -> dict[str, float]:  # noqa: ANN001
    """Median seconds of a pan by :data:`PAN_PX` and its repaint, with and without arrows.

    The zoom is :data:`PAN_ZOOM` (the full-size image is larger than the viewport);
    the pans go right four times, then left four times, and so on.
    """
    from dataclasses import replace

    canvases = _canvases(series)
    for canvas in canvases:
        canvas.set_geometry(replace(canvas.state.geometry, zoom=PAN_ZOOM))
        canvas.repaint()
    turns = [0, 0]

    def pan(k: int):  # noqa: ANN202
        canvas = canvases[k]

        def run() -> None:
            step = PAN_PX if (turns[k] // 4) % 2 == 0 else -PAN_PX
            turns[k] += 1
            start = replace(canvas.state.geometry, width=canvas.width(), height=canvas.height())
            canvas.pan_by(start, step, 0)
            canvas.repaint()

        return run

    medians = interleaved({"hoview": pan(0), "baseline": pan(1)}, max(repeats, 8))
    for canvas in canvases:
        canvas.close()
    return medians
