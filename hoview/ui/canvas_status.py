"""What the status bar says: the pixel under the mouse, window, zoom, frame, calibration."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import QPointF

from hoview.display.attributes import Window
from hoview.errors import HoviewError

if TYPE_CHECKING:
    from hoview.ui.canvas import ViewerCanvas


def describe_point(canvas: ViewerCanvas, pos: QPointF) -> str:
    """Return the status bar's read-out of the pixel under ``pos``, or "" off the image."""
    frame = canvas.frame
    if frame is None or canvas.state.geometry is None:
        return ""
    x, y = canvas.screen_to_image(pos)
    col, row = int(np.floor(x)), int(np.floor(y))
    if not (0 <= col < frame.columns and 0 <= row < frame.rows):
        return ""
    try:
        value = frame.pixels()[row, col]
    except HoviewError:
        return ""
    attrs = frame.attributes
    if np.ndim(value) == 0 and attrs.samples_per_pixel == 1:
        modality = float(value) * attrs.rescale_slope + attrs.rescale_intercept
        unit = f" {attrs.units}" if attrs.units else ""
        return f"x {col} y {row}  stored {value}  value {modality:g}{unit}"
    return f"x {col} y {row}  RGB {tuple(int(v) for v in np.atleast_1d(value))}"


def status_line(canvas: ViewerCanvas, cursor_pos: QPointF | None) -> str:
    """Return the status bar's line: the pixel under ``cursor_pos``, window, zoom, frame.

    A user calibration is named at the end ("calibrated 0.5 mm/px").
    """
    parts = []
    cursor = describe_point(canvas, cursor_pos) if cursor_pos is not None else ""
    if cursor:
        parts.append(cursor)
    voi, geometry = canvas.state.window, canvas.state.geometry
    if isinstance(voi, Window):
        parts.append(f"W {voi.width:g} L {voi.center:g}")
    if geometry is not None:
        parts.append(f"zoom {geometry.zoom * 100:.0f}%")
    if canvas.series is not None:
        parts.append(f"frame {canvas.frame_index + 1} / {len(canvas.series.frames)}")
    session = canvas.session() if canvas.frame is not None else None
    calibration = session.document.calibration if session is not None else None
    if calibration is not None:
        parts.append(f"calibrated {calibration.mm_per_pixel:.4g} mm/px")
    return "   ".join(parts)
