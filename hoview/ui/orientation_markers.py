"""Orientation markers on a canvas: the letters of the four edges, following the view."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QRectF
from PySide6.QtGui import QPainter

from hoview.display.orientation import EdgeLabels, view_edge_labels
from hoview.render.paint_text import marker_size, paint_orientation_markers

if TYPE_CHECKING:
    from hoview.ui.canvas import ViewerCanvas

#: Height of the letters on screen, in device pixels, whatever the zoom.
MARKER_PX = 18.0
#: The edges, in the order the layout places their letters.
EDGES = ("left", "right", "top", "bottom")


def canvas_edge_labels(canvas: ViewerCanvas) -> EdgeLabels | None:
    """Return the letters for the canvas's edges, or ``None`` when nothing is known.

    From the sidecar's ``orientation`` when the user stated one, else from Patient
    Orientation (0020,0020) or Image Orientation (Patient) (0020,0037); turned and
    mirrored with the view's rotation and flips.
    """
    frame = canvas.frame
    geometry = canvas.geometry_state
    if frame is None or geometry is None:
        return None
    session = canvas.sessions.session(frame.source)
    stated = None if session.read_only else session.document.orientation
    return view_edge_labels(
        frame.source.metadata, stated, geometry.rotation, geometry.flip_h, geometry.flip_v
    )


def marker_sizes(labels: EdgeLabels | None) -> dict[str, tuple[float, float]]:
    """Return the width and height of each edge's letters on screen (edges with letters).

    Measured by the painter itself (:func:`hoview.render.paint_text.marker_size`) at
    :data:`MARKER_PX`, so the layout reserves what is drawn.
    """
    if labels is None:
        return {}
    return {edge: marker_size(text, MARKER_PX) for edge in EDGES if (text := getattr(labels, edge))}


def paint_canvas_markers(canvas: ViewerCanvas, painter: QPainter) -> None:
    """Draw the orientation markers where the canvas's overlay layout put them.

    The letters sit at the middle of the edges, the bottom one above the scale bar; a
    letter with no room (a tiny canvas) is left out rather than drawn over the text.
    """
    from hoview.ui.canvas_overlay import overlay_layout  # it measures the markers

    if not canvas.state.corner_text:
        return
    labels = canvas_edge_labels(canvas)
    layout = overlay_layout(canvas)
    if labels is None or layout is None:
        return
    kept = EdgeLabels(*(getattr(labels, e) if e in layout.markers else "" for e in EDGES))
    paint_orientation_markers(
        painter, kept, QRectF(canvas.rect()), MARKER_PX, bottom_inset=layout.marker_bottom_inset
    )
