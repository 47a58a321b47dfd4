"""B2: a new window/level on the 8-megapixel DX, in a 1280 x 1024 viewport.

hoview: the real canvas (``ViewerCanvas``, 1280 x 1024, corner text on) gets a window
it has never seen (``set_window``; so the lookup table is built anew each time) and
repaints synchronously (``repaint()``): ``render_view`` on the pyramid level for the
zoom, the QImage handoff, ``drawImage``, corner text. Fitted, at 1:1 and at 4x.

Baseline (the naive path): pydicom ``apply_modality_lut`` + ``apply_voi_lut`` with the
new window on the whole frame, rescaled to uint8, made a QImage, and scaled (fitted)
or cut (1:1) or cut and scaled (4x) to the viewport. It ends with a viewport-sized
QImage; it does not draw it, so it is the cheaper of the two by that much.

Floor: one copy of a viewport-sized 8-bit buffer (1280 x 1024 bytes, ``np.copyto``);
no repaint can be cheaper than producing its pixels once.
"""

from __future__ import annotations

import itertools

import numpy as np

from benchmarks import data, qt
from benchmarks.timing import Row, interleaved, ms

TARGET = 30.0  # at least this many times faster than the naive path


def rows(sizes: data.Sizes) -> list[Row]:
    import pydicom
    from pydicom.pixels.processing import apply_modality_lut, apply_voi_lut
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QImage

    from hoview.display.attributes import Window
    from hoview.sources import open_path

    path = data.dx_files(sizes.dx_side)[0]
    ds = pydicom.dcmread(path)
    stored = ds.pixel_array
    peak = 2.0 ** int(ds.BitsStored) - 1
    width, height = qt.VIEWPORT
    canvas = qt.canvas_alone()
    canvas.set_series(open_path(path).series[0])
    canvas.repaint()  # the pyramid and the default window exist before the clock runs
    centres = itertools.count()
    side = sizes.dx_side

    def new_window() -> tuple[float, float]:
        k = next(centres)
        return 1500.0 + (k * 7) % 1500, 900.0 + (k * 13) % 2500

    def naive(zoom: str):  # noqa: ANN202
        def run() -> None:
            centre, wide = new_window()
            ds.WindowCenter, ds.WindowWidth = f"{centre:g}", f"{wide:g}"
            values = apply_voi_lut(apply_modality_lut(stored, ds), ds, index=0)
            grey = np.ascontiguousarray(values * (255.0 / peak), dtype=np.uint8)
            image = QImage(grey.data, side, side, side, QImage.Format.Format_Grayscale8)
            if zoom == "fit":
                image.scaled(width, height, Qt.AspectRatioMode.KeepAspectRatio)
            elif zoom == "1:1":
                image.copy((side - width) // 2, (side - height) // 2, width, height)
            else:
                part = image.copy(
                    (side - width // 4) // 2, (side - height // 4) // 2, width // 4, height // 4
                )
                part.scaled(width, height)

        return run

    def hoview() -> None:
        centre, wide = new_window()
        canvas.set_window(Window(centre, wide))
        canvas.repaint()

    viewport = np.zeros((height, width), np.uint8)
    source = np.full((height, width), 7, np.uint8)

    def floor() -> None:
        np.copyto(viewport, source)

    out = []
    for zoom in ("fit", "1:1", "4x"):
        if zoom == "fit":
            canvas.fit()
        else:
            canvas.actual_size()
            if zoom == "4x":
                canvas.zoom_by(4.0)
        canvas.repaint()
        medians = interleaved(
            {"hoview": hoview, "baseline": naive(zoom), "floor": floor}, sizes.repeats * 2
        )
        ratio = medians["hoview"] / medians["baseline"]
        out.append(
            Row(
                f"B2-{zoom}",
                f"new window, canvas repaint 1280x1024, {zoom}; baseline: naive full frame",
                ms(medians["hoview"]),
                ms(medians["baseline"]),
                ratio,
                f"<= {1 / TARGET:.3g}x ({TARGET:g}x faster)",
                ratio <= 1 / TARGET,
            )
        )
        out.append(
            Row(
                f"B2-{zoom}-floor",
                "same repaint vs the floor: one copy of a 1280x1024 8-bit buffer",
                ms(medians["hoview"]),
                f"{medians['floor'] * 1e6:.0f} us",
                medians["hoview"] / medians["floor"],
                "report",
                None,
            )
        )
    # The same repaint without corner text: how much of it is the text's outline.
    canvas.fit()
    canvas.show_corner_text = False
    canvas.repaint()
    bare = interleaved({"hoview": hoview, "baseline": naive("fit")}, sizes.repeats * 2)
    out.append(
        Row(
            "B2-fit-bare",
            "B2-fit with corner text off (the changed W/L line is ~1 ms to outline)",
            ms(bare["hoview"]),
            ms(bare["baseline"]),
            bare["hoview"] / bare["baseline"],
            "report",
            None,
        )
    )
    canvas.close()
    return out
