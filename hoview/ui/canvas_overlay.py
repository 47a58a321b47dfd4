"""Draw what the canvas shows besides annotations: corner text, scale bar, overlays.

The file's own DICOM overlay planes are drawn in image space, the rest on the screen.

Nothing here goes into exports: corner text is off there (it may identify the patient).
"""

from __future__ import annotations

import math
from collections import OrderedDict
from dataclasses import replace
from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetrics,
    QImage,
    QPainter,
    QPen,
    QTransform,
)

from hoview.display.attributes import Window
from hoview.display.corner_layout import (
    ELLIPSIS,
    OverlayLayout,
    PlacedLine,
    PlacedScaleBar,
    layout_overlay,
)
from hoview.display.corner_text import corner_text
from hoview.ui.orientation_markers import MARKER_PX, canvas_edge_labels, marker_sizes

if TYPE_CHECKING:
    from hoview.ui.canvas import ViewerCanvas

#: Colour of DICOM overlay planes (graphics drawn by the modality).
OVERLAY_COLOUR = (255, 214, 0)
TEXT_COLOUR = QColor(255, 255, 255)
#: The translucent black outline around corner text.
HALO_COLOUR = QColor(0, 0, 0, 200)
MARGIN = 8


class OverlayCache:
    """What the overlay painting keeps between repaints of one canvas; the canvas owns one.

    Attributes
    ----------
    font : tuple or None
        ``((base font key, pixel size), font, font key)`` of the last repaint.
    corners : tuple or None
        ``(source, key, display, corner text)`` of the last repaint (see :func:`corner_lines`).
    layout : OverlayLayout or None
        Where the last repaint put corner text, orientation letters and scale bar (see
        :func:`overlay_layout`); ``None`` before the first one that drew them.
    """

    def __init__(self) -> None:
        self.font: tuple | None = None
        self.corners: tuple | None = None
        self.layout: OverlayLayout | None = None
        self.layout_key: tuple | None = None
        #: Layouts by line widths (see :func:`_reusable_layout`), most recent last.
        self.by_width: OrderedDict[tuple, OverlayLayout] = OrderedDict()


def paint_overlays(canvas: ViewerCanvas, painter: QPainter, transform: QTransform) -> None:
    """Draw DICOM overlays (in image space), then corner text and the scale bar."""
    frame = canvas.frame
    if frame is None:
        return
    if canvas.show_overlays and frame.source.kind == "dicom":
        for overlay in frame.source.overlays:
            _paint_bitmap(painter, transform, overlay.bitmap, overlay.origin, frame.number)
    if canvas.show_corner_text:
        font, font_key = _font(canvas)
        layout = overlay_layout(canvas)
        if layout is None:
            return
        _paint_corner_text(layout, painter, font, font_key)
        if layout.scale_bar is not None:
            _paint_scale_bar(painter, layout.scale_bar, font)


def overlay_layout(canvas: ViewerCanvas) -> OverlayLayout | None:
    """Return where the canvas draws corner text, orientation letters and scale bar.

    Laid out by :func:`hoview.display.corner_layout.layout_overlay` from the text
    measured in the canvas's overlay font, so that nothing overlaps at any canvas size;
    kept in the canvas's :class:`OverlayCache` while size, text and view stay.

    Returns
    -------
    OverlayLayout or None
        ``None`` when nothing is shown (no image, or corner text off).
    """
    if canvas.frame is None or not canvas.show_corner_text:
        return None
    font, font_key = _font(canvas)
    lines = canvas.corner_text_lines()  # the canvas's own (a viewport may add a note)
    labels = canvas_edge_labels(canvas)
    rotation = canvas.geometry_state.rotation if canvas.geometry_state else 0
    spacing = canvas.frame.source.pixel_spacing
    width, height = canvas.width(), canvas.height()
    key = (
        width,
        height,
        font_key,
        tuple(tuple(lines[c]) for c in sorted(lines)),
        labels,
        spacing,
        canvas.zoom,
        rotation,
    )
    cache = canvas.overlay_cache
    if cache.layout is not None and cache.layout_key == key:
        return cache.layout

    def measure(text: str) -> int:
        return _LINES.advance(text, font, font_key, canvas)

    # The layout sees a line only through its width and length, unless it had to elide
    # one: lines like those of a layout without elisions are laid out the same way.
    width_key = (
        *key[:3],
        *key[4:],
        tuple((c, tuple((measure(t), len(t)) for t in lines[c])) for c in sorted(lines)),
    )
    layout = _reusable_layout(cache.by_width.get(width_key), lines)
    if layout is None:
        measured: set[str] = set()

        def noting(text: str) -> int:
            measured.add(text)
            return measure(text)

        metrics = QFontMetrics(font, canvas)
        layout = layout_overlay(
            width,
            height,
            lines,
            noting,
            font_px=font.pixelSize(),
            ascent=metrics.ascent(),
            descent=metrics.descent(),
            markers=marker_sizes(labels),
            marker_px=MARKER_PX,
            pixel_spacing=spacing,
            zoom=canvas.zoom,
            rotation=rotation,
            margin=MARGIN,
        )
        if not any(text.endswith(ELLIPSIS) for text in measured):
            cache.by_width[width_key] = layout
            while len(cache.by_width) > _LAYOUTS_KEPT:
                cache.by_width.popitem(last=False)
    else:
        cache.by_width.move_to_end(width_key)
    cache.layout, cache.layout_key = layout, key
    return layout


#: Layouts each canvas keeps by the widths of its lines.
_LAYOUTS_KEPT = 8


def _reusable_layout(
    layout: OverlayLayout | None, lines: dict[str, list[str]]
) -> OverlayLayout | None:
    """Return ``layout`` with the text of ``lines`` (as wide as its own, none elided).

    Its lines were laid out whole, so each corner kept the first lines of its list:
    line ``i`` kept is line ``i`` of the corner, at the same place.
    """
    if layout is None:
        return None
    corners = {
        corner: tuple(
            PlacedLine(lines[corner][i], placed.x, placed.baseline, placed.box)
            for i, placed in enumerate(kept)
        )
        for corner, kept in layout.corners.items()
    }
    return replace(layout, corners=corners)


def view_description(canvas: ViewerCanvas) -> dict:
    """Return the view state corner text shows: window, zoom, frame, rotation, flips."""
    geometry = canvas.geometry_state
    voi = canvas.voi
    series = canvas.series
    frame = canvas.frame
    one_per_file = frame is not None and frame.source.frame_count == 1
    number = frame.source.metadata.get("instance_number") if one_per_file else None
    return {
        "window_center": voi.center if isinstance(voi, Window) else None,
        "window_width": voi.width if isinstance(voi, Window) else None,
        "window_name": voi.name if isinstance(voi, Window) else "",
        "zoom": canvas.zoom,
        "frame_index": canvas.frame_index,
        "frame_count": len(series.frames) if series is not None else 0,
        "instance_number": number if series is not None and len(series.frames) > 1 else None,
        "rotation": geometry.rotation if geometry is not None else 0,
        "flip_h": geometry.flip_h if geometry is not None else False,
        "flip_v": geometry.flip_v if geometry is not None else False,
        "invert": canvas.invert,
    }


def _paint_bitmap(painter, transform, bitmap: np.ndarray, origin, frame_number: int) -> None:
    if bitmap.ndim == 3:
        if frame_number > bitmap.shape[0]:
            return
        bitmap = bitmap[frame_number - 1]
    rgba = np.zeros(bitmap.shape + (4,), np.uint8)
    rgba[bitmap] = (*OVERLAY_COLOUR, 255)
    height, width = bitmap.shape
    image = QImage(rgba.data, width, height, 4 * width, QImage.Format.Format_RGBA8888).copy()
    painter.save()
    painter.setTransform(transform)
    # Overlay Origin (60xx,0050) is 1-based (row, column) of the bitmap's first pixel.
    painter.drawImage(QPointF(origin[1] - 1, origin[0] - 1), image)
    painter.restore()


def _font(canvas: ViewerCanvas) -> tuple[QFont, str]:
    """Return the overlay font for the canvas's size, and its key (kept per canvas)."""
    base = canvas.font()
    size = max(11, min(15, canvas.height() // 55))
    memo_key = (base.key(), size)
    cache = canvas.overlay_cache
    memo = cache.font
    if memo is None or memo[0] != memo_key:
        font = QFont(base)
        font.setPixelSize(size)
        memo = (memo_key, font, font.key())
        cache.font = memo
    return memo[1], memo[2]


class _LineCache:
    """Outlined lines of text already rasterised, and the widths of lines.

    Rasterising the antialiased outline of text is slow (a tenth of a millisecond a
    line), and so is measuring it; the corner text hardly changes between repaints:
    only a line that changed (the window during a drag) is drawn and measured again.
    Images are kept most recently used last.
    """

    def __init__(self, kept: int) -> None:
        self.kept = kept
        self.images: OrderedDict[tuple, tuple[QImage, int, int]] = OrderedDict()
        self.advances: dict[tuple, int] = {}

    def __len__(self) -> int:
        return len(self.images)

    def clear(self) -> None:
        """Forget every image and width (a new file: new corner text)."""
        self.images.clear()
        self.advances.clear()

    def image(
        self, text: str, font: QFont, font_key: str, ratio: float, fraction: tuple
    ) -> tuple[QImage, int, int]:
        """Return the outlined line's image and its top-left corner from the baseline."""
        key = (text, font_key, ratio, fraction)
        hit = self.images.get(key)
        if hit is None:
            hit = self.images[key] = _outlined_line_image(text, font, ratio, fraction)
            while len(self.images) > self.kept:
                self.images.popitem(last=False)
        else:
            self.images.move_to_end(key)
        return hit

    def advance(self, text: str, font: QFont, font_key: str, device) -> int:  # noqa: ANN001
        """Return the width of ``text`` in ``font`` on ``device`` (a QPaintDevice)."""
        key = (text, font_key, device.logicalDpiX(), device.logicalDpiY())
        width = self.advances.get(key)
        if width is None:
            if len(self.advances) >= self.kept:
                self.advances.clear()
            width = self.advances[key] = QFontMetrics(font, device).horizontalAdvance(text)
        return width


_LINES = _LineCache(256)


def _draw_outlined_line(
    painter: QPainter, text: str, font: QFont, font_key: str, x: float, y: float, ratio: float
) -> None:
    """Draw ``text`` with its baseline at ``(x, y)``: white, outlined in translucent black.

    The line is rasterised once into an image at the device's resolution, offset by
    the same fraction of a device pixel as the baseline, and drawn at a whole device
    pixel, so every pixel is where painting the path directly would put it.
    """
    device_x, device_y = x * ratio, y * ratio
    whole_x, whole_y = math.floor(device_x), math.floor(device_y)
    fraction = (round(device_x - whole_x, 3), round(device_y - whole_y, 3))
    image, left, up = _LINES.image(text, font, font_key, ratio, fraction)
    painter.drawImage(QPointF((whole_x + left) / ratio, (whole_y + up) / ratio), image)


def _outlined_line_image(
    text: str, font: QFont, ratio: float, fraction: tuple[float, float]
) -> tuple[QImage, int, int]:
    """Rasterise one outlined line; return it with its top-left corner from the baseline.

    The outline is the text in translucent black at the eight one-pixel offsets around
    it, the white text on top. At a whole device pixel ratio the text is laid out and
    rasterised once, as a white mask, and the eight dark copies are that mask recoloured
    and stamped: the same pixels as drawing the text nine times (see
    :func:`_outlined_line_image_drawn`, used at fractional ratios) in two thirds of the time.
    """
    if ratio != int(ratio):
        return _outlined_line_image_drawn(text, font, ratio, fraction)
    step = int(ratio)
    mask, left, up = _line_canvas(text, font, ratio)
    painter = QPainter(mask)
    _set_text_painter(painter, font, ratio, fraction, left, up)
    painter.setPen(TEXT_COLOUR)
    painter.drawText(QPointF(0, 0), text)
    painter.end()
    shadow = mask.copy()
    painter = QPainter(shadow)
    painter.setCompositionMode(QPainter.CompositionMode.CompositionMode_SourceIn)
    painter.fillRect(shadow.rect(), HALO_COLOUR)
    painter.end()
    image = QImage(mask.size(), QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    for dx, dy in _HALO:
        painter.drawImage(dx * step, dy * step, shadow)
    painter.drawImage(0, 0, mask)
    painter.end()
    image.setDevicePixelRatio(ratio)
    return image, left, up


def _line_canvas(text: str, font: QFont, ratio: float) -> tuple[QImage, int, int]:
    """Make a transparent image for one outlined line; give its corner from the baseline."""
    metrics = QFontMetrics(font)
    box = QRectF(metrics.boundingRect(text)).adjusted(-3, -3, 3, 3)
    left, up = math.floor(box.left() * ratio), math.floor(box.top() * ratio)
    width = math.ceil(box.right() * ratio) - left + 2
    height = math.ceil(box.bottom() * ratio) - up + 2
    image = QImage(max(width, 1), max(height, 1), QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    return image, left, up


def _set_text_painter(
    painter: QPainter,
    font: QFont,
    ratio: float,
    fraction: tuple[float, float],
    left: int,
    up: int,
) -> None:
    """Set a painter on a line's image: baseline at the origin, scaled like the canvas."""
    painter.setRenderHint(QPainter.RenderHint.TextAntialiasing, True)
    painter.translate(fraction[0] - left, fraction[1] - up)
    painter.scale(ratio, ratio)
    painter.setFont(font)


def _outlined_line_image_drawn(
    text: str, font: QFont, ratio: float, fraction: tuple[float, float]
) -> tuple[QImage, int, int]:
    """Rasterise one outlined line by drawing the text nine times (any ratio)."""
    image, left, up = _line_canvas(text, font, ratio)
    painter = QPainter(image)  # in device pixels, scaled below like the canvas's painter
    _set_text_painter(painter, font, ratio, fraction, left, up)
    painter.setPen(HALO_COLOUR)
    for dx, dy in _HALO:
        painter.drawText(QPointF(dx, dy), text)
    painter.setPen(TEXT_COLOUR)
    painter.drawText(QPointF(0, 0), text)
    painter.end()
    image.setDevicePixelRatio(ratio)
    return image, left, up


#: Offsets of the dark halo around corner text, in pixels.
_HALO = [(dx, dy) for dx in (-1, 0, 1) for dy in (-1, 0, 1) if dx or dy]


def corner_lines(canvas: ViewerCanvas) -> dict[str, list[str]]:
    """Return the corner text of the canvas's view, kept while image and view stay.

    Only the bottom right corner tells the display (window, zoom, rotation, flips,
    inversion; :func:`~hoview.display.corner_text.corner_text`): when just those
    change, only that corner is made again, without the header.
    """
    source = canvas.frame.source
    view = view_description(canvas)
    key = (canvas.anonymous, view["frame_index"], view["frame_count"])
    display = tuple(view.values())
    cache = canvas.overlay_cache
    memo = cache.corners
    if memo is None or memo[0] is not source or memo[1] != key:
        memo = (source, key, display, corner_text(source.metadata, view, canvas.anonymous))
    elif memo[2] != display:
        bottom_right = corner_text({}, view, canvas.anonymous)["bottom_right"]
        memo = (source, key, display, {**memo[3], "bottom_right": bottom_right})
    cache.corners = memo
    return memo[3]


def _paint_corner_text(
    layout: OverlayLayout, painter: QPainter, font: QFont, font_key: str
) -> None:
    """Draw the corner lines the layout kept, where it put them."""
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    ratio = painter.device().devicePixelRatioF()
    for lines in layout.corners.values():
        for line in lines:
            _draw_outlined_line(painter, line.text, font, font_key, line.x, line.baseline, ratio)
    painter.restore()


def _paint_scale_bar(painter: QPainter, placed: PlacedScaleBar, font: QFont) -> None:
    """Draw a bar with end ticks where the layout put it, its length written above it."""
    x0, y, length = placed.x, placed.y, placed.bar.length_px
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    for colour, width in ((QColor(0, 0, 0, 200), 4.0), (TEXT_COLOUR, 2.0)):
        pen = QPen(colour, width)
        pen.setCapStyle(Qt.PenCapStyle.FlatCap)
        painter.setPen(pen)
        painter.drawLine(QPointF(x0, y), QPointF(x0 + length, y))
        painter.drawLine(QPointF(x0, y - 6), QPointF(x0, y))
        painter.drawLine(QPointF(x0 + length, y - 6), QPointF(x0 + length, y))
    painter.setFont(font)
    box = QRectF(
        placed.box.left, y - 8 - font.pixelSize() * 1.4, placed.box.width, font.pixelSize() * 1.4
    )
    painter.setPen(TEXT_COLOUR)
    painter.drawText(box, Qt.AlignmentFlag.AlignCenter, placed.bar.label)
    painter.restore()
