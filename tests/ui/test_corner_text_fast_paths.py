"""Corner text's fast paths paint what the slow ones paint.

A line's outline is rasterised once and stamped eight times instead of drawing the
text nine times; a new window whose line is as wide as before reuses the layout.
Both must give the same pixels and the same layout as the long way.
"""

from __future__ import annotations

import shutil

import numpy as np
import pytest
from PySide6.QtGui import QFont, QImage

from hoview.display.attributes import Window
from hoview.display.corner_layout import layout_overlay
from hoview.sources import open_path
from hoview.ui import canvas_overlay
from hoview.ui.canvas import ViewerCanvas


def _pixels(image: QImage) -> np.ndarray:
    image = image.convertToFormat(QImage.Format.Format_ARGB32_Premultiplied)
    height, width, stride = image.height(), image.width(), image.bytesPerLine()
    data = np.frombuffer(image.constBits(), np.uint8, count=stride * height)
    return data.reshape(height, stride)[:, : width * 4].reshape(height, width, 4).copy()


@pytest.mark.parametrize("ratio", [1.0, 2.0, 3.0])
@pytest.mark.parametrize("fraction", [(0.0, 0.0), (0.25, 0.5), (0.75, 0.125)])
@pytest.mark.parametrize("text", ["W: 1537 L: 1843", "Zoom: 36%", "gjpqy ÅÉ 2024-01-01", "x"])
def test_stamped_outline_is_the_drawn_outline(text, fraction, ratio) -> None:
    font = QFont()
    font.setPixelSize(13)
    fast, left, up = canvas_overlay._outlined_line_image(text, font, ratio, fraction)
    slow, slow_left, slow_up = canvas_overlay._outlined_line_image_drawn(
        text, font, ratio, fraction
    )
    assert (left, up) == (slow_left, slow_up)
    assert fast.devicePixelRatio() == slow.devicePixelRatio() == ratio
    fast_px, slow_px = _pixels(fast), _pixels(slow)
    assert fast_px.shape == slow_px.shape
    assert np.array_equal(fast_px, slow_px)
    # Something was drawn: white text and a dark outline.
    assert (fast_px[..., :3] > 180).any()
    assert ((fast_px[..., 3] > 100) & (fast_px[..., :3].max(axis=2) < 30)).any()


def test_fractional_ratio_draws_the_text_nine_times() -> None:
    font = QFont()
    font.setPixelSize(13)
    fast, *_ = canvas_overlay._outlined_line_image("W: 10 L: 20", font, 1.5, (0.0, 0.0))
    slow, *_ = canvas_overlay._outlined_line_image_drawn("W: 10 L: 20", font, 1.5, (0.0, 0.0))
    assert np.array_equal(_pixels(fast), _pixels(slow))


@pytest.fixture
def canvas(qtbot, tmp_path, sample_data_dir):
    """A canvas showing a copy of the sample film, corner text on."""
    for name in ("pelvis_ap.dcm", "pelvis_ap.dcm.hoview.json"):
        shutil.copy(sample_data_dir / name, tmp_path / name)
    view = ViewerCanvas()
    qtbot.addWidget(view)
    view.resize(900, 700)
    view.show()
    view.set_series(open_path(tmp_path / "pelvis_ap.dcm").series[0])
    view.state.anonymous = False
    view.show_corner_text = True
    return view


def _fresh_layout(view: ViewerCanvas):
    """Lay the canvas's current lines out the long way."""
    font, font_key = canvas_overlay._font(view)
    from PySide6.QtGui import QFontMetrics

    from hoview.ui.orientation_markers import MARKER_PX, canvas_edge_labels, marker_sizes

    metrics = QFontMetrics(font, view)
    return layout_overlay(
        view.width(),
        view.height(),
        view.corner_text_lines(),
        lambda text: QFontMetrics(font, view).horizontalAdvance(text),
        font_px=font.pixelSize(),
        ascent=metrics.ascent(),
        descent=metrics.descent(),
        markers=marker_sizes(canvas_edge_labels(view)),
        marker_px=MARKER_PX,
        pixel_spacing=view.frame.source.pixel_spacing,
        zoom=view.zoom,
        rotation=view.geometry_state.rotation,
        margin=canvas_overlay.MARGIN,
    )


@pytest.mark.parametrize("size", [(900, 700), (330, 500)])
def test_a_new_window_reuses_a_layout_only_when_it_is_the_same(canvas, size) -> None:
    canvas.resize(*size)
    windows = [Window(1000 + 7 * k, 2000 + 11 * k) for k in range(6)]
    windows += [Window(55, 900), Window(12345, 3), Window(1000, 2000)]
    calls = []
    original = canvas_overlay.layout_overlay

    def counting(*args, **kwargs):
        calls.append(1)
        return original(*args, **kwargs)

    canvas_overlay.layout_overlay = counting
    try:
        for window in windows:
            canvas.set_window(window)
            layout = canvas_overlay.overlay_layout(canvas)
            assert layout == _fresh_layout(canvas)
            text = layout.corners["bottom_right"][0].text if layout.corners["bottom_right"] else ""
            assert text.startswith("W:") or text == ""
    finally:
        canvas_overlay.layout_overlay = original
    if size == (900, 700):  # nothing elided: four-digit windows share one layout
        assert len(calls) < len(windows) - 3


def test_the_painted_canvas_keeps_its_corner_text_readable_on_white(canvas, qtbot) -> None:
    """A window that makes the film white: the white text still has its dark outline."""
    canvas.set_window(Window(-10000, 2))  # every value above the window: white
    image = canvas.grab().toImage().convertToFormat(QImage.Format.Format_RGB888)
    height, width, stride = image.height(), image.width(), image.bytesPerLine()
    data = np.frombuffer(image.constBits(), np.uint8, count=stride * height)
    pixels = data.reshape(height, stride)[:, : width * 3].reshape(height, width, 3)
    layout = canvas.overlay_cache.layout
    line = layout.corners["bottom_right"][0]
    box = line.box
    region = pixels[int(box.top) : int(box.bottom), int(box.left) : int(box.right)].astype(int)
    grey = region.mean(axis=2)
    assert (grey < 80).sum() > 20  # the outline
    assert (grey > 250).sum() > 20  # film and text
