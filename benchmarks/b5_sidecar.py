"""B5: a sidecar with 10,000 arrows -- load, save, and a canvas repaint with all of them.

Load: ``open_annotations`` (what the viewer calls: read, parse with limits, schema
check, build the model) against ``json.loads`` of the file's bytes (read included).
Save: ``save`` (serialise, then an atomic write: temporary file, fsync, backup,
rename) against ``json.dumps`` of the same data written with ``Path.write_text``; and
the serialisation alone (``codec.dumps`` against ``json.dumps``).
Repaint: the real canvas, 1280 x 1024, fitted, every arrow visible, against the same
repaint with annotations hidden.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path

from benchmarks import data, qt
from benchmarks.timing import Row, interleaved, ms


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
        canvas = qt.canvas_alone()
        canvas.set_series(open_path(image).series[0])
        canvas.repaint()

        def shown(on: bool):  # noqa: ANN202
            def run() -> None:
                canvas.show_annotations = on
                canvas.repaint()

            return run

        paint = interleaved({"hoview": shown(True), "baseline": shown(False)}, sizes.repeats)
        canvas.close()
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
            3,
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
            f"canvas repaint at fit with {n} vs without annotations",
            paint,
            "hoview",
            "baseline",
            None,
        ),
    ]
