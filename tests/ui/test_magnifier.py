"""The magnifier: hold Z for a lens of 2-4x around the cursor, rendered from the pyramid."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from PIL import Image
from PySide6.QtCore import QEvent, QPoint, Qt
from PySide6.QtGui import QFocusEvent, QImage, QKeyEvent
from PySide6.QtWidgets import QApplication

from hoview.annotations import Arrow
from hoview.display.attributes import Window
from hoview.display.viewport import render_region
from hoview.sources import open_path
from hoview.ui.canvas import ViewerCanvas
from hoview.ui.magnifier import BORDER_COLOUR, LENS_SIZE
from hoview.ui.toolbar import MAGNIFIER_ACTION

SIDE = 1300  # fitted into 600 px: zoom ~0.46, pyramid level 1; the 2x lens uses level 0
LINE = 651  # a one-pixel bright column: halved by the level-1 mean, whole in the lens
CURSOR = QPoint(300, 300)  # the canvas centre: the image centre when fitted
HALF = LENS_SIZE // 2


@pytest.fixture(autouse=True)
def _data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("HOVIEW_DATA_DIR", str(tmp_path / "user-data"))


@pytest.fixture
def film(tmp_path):
    """A synthetic 8-bit film: a dark left-right gradient with one bright pixel column."""
    ramp = np.linspace(0, 100, SIDE).astype(np.uint8)
    pixels = np.tile(ramp, (SIDE, 1))
    pixels[:, LINE] = 255
    path = tmp_path / "film.png"
    Image.fromarray(pixels, mode="L").save(path)
    return path


@pytest.fixture
def canvas(qtbot, film):
    widget = ViewerCanvas()
    qtbot.addWidget(widget)
    widget.resize(600, 600)
    widget.set_series(open_path(film).series[0])
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def _grey(widget) -> np.ndarray:
    """The canvas as it is painted, as a (height, width, 3) uint8 array."""
    image = widget.grab().toImage().convertToFormat(QImage.Format.Format_RGB888)
    width, height = image.width(), image.height()
    bits = np.frombuffer(image.constBits(), np.uint8, image.bytesPerLine() * height)
    rows = bits.reshape(height, image.bytesPerLine())[:, : width * 3]
    return rows.reshape(height, width, 3).copy()  # the QImage goes with this function


def _lens(widget) -> np.ndarray:
    """The lens's pixels on the canvas, inside its one-pixel border (grey, int)."""
    x0, y0 = CURSOR.x() - HALF, CURSOR.y() - HALF
    return _grey(widget)[y0 + 1 : y0 + LENS_SIZE - 1, x0 + 1 : x0 + LENS_SIZE - 1, 0].astype(int)


def _expected(widget, factor: float = 2.0) -> np.ndarray:
    """The image rendered at ``factor`` x the view's zoom around the point under the cursor."""
    view = replace(widget.state.geometry, width=widget.width(), height=widget.height())
    cx, cy = view.screen_to_image(CURSOR.x(), CURSOR.y())
    lens = replace(
        view, zoom=view.zoom * factor, center_x=cx, center_y=cy, width=LENS_SIZE, height=LENS_SIZE
    )
    frame = widget.frame
    region = render_region(widget.pyramid(), frame.attributes, widget.voi, lens, widget.invert)
    full = np.zeros((LENS_SIZE, LENS_SIZE), np.uint8)
    h, w = region.pixels.shape[:2]
    full[region.y : region.y + h, region.x : region.x + w] = region.pixels
    return full[1:-1, 1:-1].astype(int)


def _hold_z(qtbot, widget) -> None:
    qtbot.mouseMove(widget, CURSOR)
    qtbot.keyPress(widget, Qt.Key.Key_Z)


def test_the_lens_is_the_image_rendered_at_twice_the_zoom_around_the_cursor(qtbot, canvas):
    _hold_z(qtbot, canvas)
    assert canvas.magnifier.active
    assert np.abs(_lens(canvas) - _expected(canvas, 2.0)).max() <= 1
    # its thin border, in the border colour
    border = _grey(canvas)[CURSOR.y() - HALF, CURSOR.x()]
    assert tuple(border) == (BORDER_COLOUR.red(), BORDER_COLOUR.green(), BORDER_COLOUR.blue())


def test_the_lens_shows_a_one_pixel_line_the_fitted_view_halves(qtbot, canvas):
    pyramid = canvas.pyramid()
    assert pyramid.level_for_zoom(canvas.zoom) == 1  # the fitted view: half-size means
    assert pyramid.level_for_zoom(canvas.zoom * 2) == 0  # the lens: the stored pixels
    before = _grey(canvas)[:, :, 0].astype(int)
    sx, _ = canvas.image_transform().map(LINE + 0.5, 650.0)
    around = before[250:350, int(sx) - 6 : int(sx) + 7]
    assert around.max() < 200  # the fitted view shows the level-1 mean: half the line
    _hold_z(qtbot, canvas)
    lens = _lens(canvas)
    assert lens.max() >= 254  # the lens samples level 0: the whole line
    # two lens pixels wide (2x of one image pixel at ~0.92 zoom): a line, not a smear
    bright = np.flatnonzero(lens[HALF] >= 254)
    assert 1 <= bright.size <= 2


def test_the_wheel_with_z_held_changes_the_factor_not_the_view(qtbot, canvas):
    geometry, window = canvas.state.geometry, canvas.state.window
    _hold_z(qtbot, canvas)
    qtbot.wait(1)
    for factor in (3.0, 4.0, 4.0):
        _wheel(canvas, 120)
        assert canvas.magnifier.factor == factor
    assert np.abs(_lens(canvas) - _expected(canvas, 4.0)).max() <= 1
    _wheel(canvas, -120)
    assert canvas.magnifier.factor == 3.0
    qtbot.keyRelease(canvas, Qt.Key.Key_Z)
    assert canvas.state.geometry == geometry
    assert canvas.state.window == window
    assert not canvas.state.invert


def _wheel(widget, delta: int) -> None:
    from PySide6.QtCore import QPointF
    from PySide6.QtGui import QWheelEvent

    pos = QPointF(CURSOR)
    event = QWheelEvent(
        pos,
        widget.mapToGlobal(pos),
        QPoint(0, 0),
        QPoint(0, delta),
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    QApplication.sendEvent(widget, event)


def test_the_view_state_is_unchanged_and_releasing_z_hides_the_lens(qtbot, canvas):
    geometry, window, fitted = canvas.state.geometry, canvas.state.window, canvas.state.fitted
    qtbot.mouseMove(canvas, CURSOR)
    plain = _grey(canvas)
    qtbot.keyPress(canvas, Qt.Key.Key_Z)
    assert not np.array_equal(_grey(canvas), plain)
    # an auto-repeated release (the key still held) keeps the lens
    repeat = QKeyEvent(
        QEvent.Type.KeyRelease, Qt.Key.Key_Z, Qt.KeyboardModifier.NoModifier, "z", True
    )
    QApplication.sendEvent(canvas, repeat)
    assert canvas.magnifier.active
    qtbot.mouseMove(canvas, QPoint(320, 280))  # the lens follows the cursor
    qtbot.mouseMove(canvas, CURSOR)
    assert (canvas.state.geometry, canvas.state.window) == (geometry, window)
    assert canvas.state.fitted == fitted
    qtbot.keyRelease(canvas, Qt.Key.Key_Z)
    assert not canvas.magnifier.active
    assert np.array_equal(_grey(canvas), plain)


def test_ctrl_z_is_not_the_magnifier_and_losing_focus_hides_it(qtbot, canvas):
    qtbot.mouseMove(canvas, CURSOR)
    qtbot.keyPress(canvas, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert not canvas.magnifier.active
    qtbot.keyPress(canvas, Qt.Key.Key_Z)
    assert canvas.magnifier.active
    canvas.clearFocus()
    QApplication.sendEvent(canvas, QFocusEvent(QEvent.Type.FocusOut))
    assert not canvas.magnifier.active


def test_the_lens_follows_the_cursor(qtbot, canvas):
    _hold_z(qtbot, canvas)
    moved = QPoint(200, 350)
    qtbot.mouseMove(canvas, moved)
    grey = _grey(canvas)
    top = moved.y() - HALF
    left = moved.x() - HALF
    assert tuple(grey[top, moved.x()]) == (
        BORDER_COLOUR.red(),
        BORDER_COLOUR.green(),
        BORDER_COLOUR.blue(),
    )
    assert tuple(grey[moved.y(), left]) == (
        BORDER_COLOUR.red(),
        BORDER_COLOUR.green(),
        BORDER_COLOUR.blue(),
    )


def test_a_window_change_applies_in_the_lens(qtbot, canvas):
    _hold_z(qtbot, canvas)
    before = _lens(canvas)
    canvas.set_window(Window(40.0, 40.0))  # a narrow window over the dark gradient
    after = _lens(canvas)
    assert np.abs(after - before).max() > 50
    assert np.abs(after - _expected(canvas, 2.0)).max() <= 1
    canvas.set_invert(True)
    assert np.abs(_lens(canvas) - _expected(canvas, 2.0)).max() <= 1


def test_an_arrow_under_the_cursor_is_drawn_in_the_lens(qtbot, canvas):
    document = canvas.session().document
    layer = document.layers[0].id
    # a short arrow left of the line, under the cursor, in the dark part of the film
    document.add(Arrow(tail=(600.0, 630.0), head=(640.0, 650.0), layer=layer))
    _hold_z(qtbot, canvas)
    lens = _lens(canvas)
    plain = _expected(canvas, 2.0)
    view = replace(canvas.state.geometry, width=canvas.width(), height=canvas.height())
    cx, cy = view.screen_to_image(CURSOR.x(), CURSOR.y())
    lens_view = replace(
        view, zoom=view.zoom * 2, center_x=cx, center_y=cy, width=LENS_SIZE, height=LENS_SIZE
    )
    mx, my = lens_view.image_to_screen(620.0, 640.0)  # the shaft's middle, in the lens
    i, j = int(my) - 1, int(mx) - 1  # _lens leaves out the border row and column
    assert lens[i - 1 : i + 2, j - 1 : j + 2].max() - plain[i, j] > 100
    # and nowhere else does the lens differ from the plain image much more than the arrow
    assert (np.abs(lens - plain) > 1).mean() < 0.05


def test_the_toolbar_toggle_shows_the_lens_without_z(qtbot, window, film):
    action = window.actions_by_text[MAGNIFIER_ACTION]
    assert action.isCheckable()
    assert action in window.toolbar.actions()
    assert not action.icon().isNull()
    assert "hold Z" in action.toolTip()
    window.open_paths([film], wait=True)
    canvas = window.canvas
    assert canvas.width() > LENS_SIZE and canvas.height() > LENS_SIZE
    at = QPoint(canvas.width() // 2, canvas.height() // 2)
    qtbot.mouseMove(canvas, at)
    plain = _grey(canvas)
    action.trigger()
    assert action.isChecked() and canvas.magnifier.active
    shown = _grey(canvas)
    colour = (BORDER_COLOUR.red(), BORDER_COLOUR.green(), BORDER_COLOUR.blue())
    assert tuple(shown[at.y() - HALF, at.x()]) == colour
    assert tuple(shown[at.y(), at.x() - HALF]) == colour
    action.trigger()
    assert not canvas.magnifier.active
    assert np.array_equal(_grey(canvas), plain)
