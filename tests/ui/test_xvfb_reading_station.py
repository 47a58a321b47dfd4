"""The real program in a real X window (Xvfb), driven with real keys and the mouse wheel.

``python -m hoview`` opens a copy of the sample pelvis film on a private display; xdotool
presses keys as a radiologist would; every check is on screenshots of the whole screen:

- the film is drawn (a large bright region in the canvas);
- the "HO" label keeps its on-screen height when the film is zoomed to about 300%
  (the annotation pixels are found by toggling annotations with H and differencing);
- after a horizontal flip (Shift+H) the R and L markers have changed sides and the label
  still reads "HO" (it is not mirror-written);
- after anonymous mode (Ctrl+Shift+A) and compare mode (Ctrl+K), the patient's name and
  ID, as drawn before, are nowhere on screen.

Needs Debian's xvfb, xdotool and imagemagick; without them the test fails, it does not skip.
"""

from __future__ import annotations

import math
import os
import shutil
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from xvfb_desktop import (  # noqa: F401 - xvfb_display is a fixture
    Canvas,
    Desktop,
    canvases,
    components,
    find_text,
    grey,
    likeness,
    same_glyph,
    spawn,
    stop,
    text_lines,
    trim,
    xvfb_display_fixture,
)

SAMPLE = Path(__file__).resolve().parents[2] / "sample_data" / "pelvis_ap.dcm"
#: The right-hip arrow of the sample sidecar runs 158 image pixels to the right.
ARROW_DX = 268.0 - 110.0
ZOOM_STEP = 1.25


@pytest.fixture
def viewer(xvfb_display, tmp_path):
    """``hoview <copy of the sample film>`` on the private display; yields its Desktop."""
    film = tmp_path / "film" / SAMPLE.name
    film.parent.mkdir()
    shutil.copy(SAMPLE, film)
    shutil.copy(SAMPLE.with_name(SAMPLE.name + ".hoview.json"), film.parent)
    env = {
        **os.environ,
        "DISPLAY": xvfb_display,
        "QT_QPA_PLATFORM": "xcb",
        "HOVIEW_DATA_DIR": str(tmp_path / "data"),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
    }
    shots = tmp_path / "shots"
    shots.mkdir()
    process = spawn([sys.executable, "-m", "hoview", str(film)], env, tmp_path / "hoview.log")
    desktop = Desktop(xvfb_display, shots)
    try:
        yield desktop
    finally:
        stop(process)
        log = (tmp_path / "hoview.log").read_text(errors="replace")
        assert "Traceback" not in log, log


def _canvas(shot: np.ndarray) -> Canvas:
    found = canvases(shot)
    assert len(found) == 1, f"expected one canvas on screen, found {found}"
    return found[0]


def _crop(shot: np.ndarray, c: Canvas) -> np.ndarray:
    return shot[c.y0 : c.y1, c.x0 : c.x1]


def _annotation_mask(desktop: Desktop, shown: np.ndarray, c: Canvas, name: str) -> np.ndarray:
    """The canvas pixels the annotations cover: H hides them, H shows them again."""
    desktop.key("h")
    hidden = desktop.settled(f"{name}-hidden")
    desktop.key("h")
    again = desktop.settled(f"{name}-shown-again")
    assert np.array_equal(_crop(again, c), _crop(shown, c)), "H twice did not restore the view"
    diff = np.abs(_crop(shown, c).astype(int) - _crop(hidden, c).astype(int)).max(axis=2)
    mask = diff > 40
    assert mask.sum() > 100, f"{name}: pressing H changed nothing on the canvas"
    return mask


def _arrow_and_label(mask: np.ndarray, left_half: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """Boxes ``(top, left, bottom, right)`` of an arrow and of its label.

    The arrow is the annotation piece with the largest extent (in the left half of the
    canvas unless ``left_half`` is false); its label is every other piece, bigger than a
    stray pixel, within 80 pixels of a corner of the arrow's box (its tail is a corner).
    """
    half = mask.copy()
    if left_half:
        half[:, mask.shape[1] // 2 :] = False
    pieces = components(half)
    assert pieces, "no annotation found on the canvas"

    def box(p: np.ndarray) -> np.ndarray:
        return np.array([p[:, 0].min(), p[:, 1].min(), p[:, 0].max() + 1, p[:, 1].max() + 1])

    boxes = [box(p) for p in pieces]
    extent = [math.hypot(b[2] - b[0], b[3] - b[1]) for b in boxes]
    biggest = int(np.argmax(extent))
    arrow = boxes[biggest]
    corners = [(arrow[r], arrow[c]) for r in (0, 2) for c in (1, 3)]
    near = [
        b
        for i, b in enumerate(boxes)
        if i != biggest
        and (b[2] - b[0] >= 2 or b[3] - b[1] >= 2)
        and min(math.dist(((b[0] + b[2]) / 2, (b[1] + b[3]) / 2), k) for k in corners) < 80
    ]
    assert near, f"no label found near the arrow at {arrow.tolist()}"
    stacked = np.array(near)
    label = np.array(
        [stacked[:, 0].min(), stacked[:, 1].min(), stacked[:, 2].max(), stacked[:, 3].max()]
    )
    return arrow, label


def _film_drawn(shot: np.ndarray) -> bool:
    """Whether one canvas shows a film: its middle third is a large bright region."""
    found = canvases(shot)
    if len(found) != 1:
        return False
    c = found[0]
    middle = grey(
        shot[c.y0 + c.height // 3 : c.y1 - c.height // 3, c.x0 + c.width // 3 : c.x1 - c.width // 3]
    )
    return middle.mean() > 80 and (middle > 60).mean() > 0.8 and middle.size > 50_000


def _label_crop(shot: np.ndarray, c: Canvas, box: np.ndarray, pad: int = 3) -> np.ndarray:
    """The grey pixels of a label's box (canvas coordinates), ``pad`` pixels around."""
    top, left, bottom, right = (int(v) for v in box)
    return grey(_crop(shot, c)[top - pad : bottom + pad, left - pad : right + pad])


def _marker(shot: np.ndarray, c: Canvas, side: str) -> np.ndarray:
    """The white glyph mask at the middle of the canvas's left or right edge."""
    mid = (c.y0 + c.y1) // 2
    cols = slice(c.x0, c.x0 + 50) if side == "left" else slice(c.x1 - 50, c.x1)
    mask = grey(shot[mid - 30 : mid + 30, cols]) >= 230
    assert mask.sum() > 20, f"no orientation marker at the {side} edge"
    return trim(mask)


def test_reading_station_in_a_real_window(viewer: Desktop) -> None:
    desktop = viewer
    desktop.wait_window("^hoview")
    # The window is up; wait for the film, then click the film to give the window focus.
    deadline = time.monotonic() + 30
    while not _film_drawn(shot := desktop.grab()):
        assert time.monotonic() < deadline, "no film was drawn within 30 s"
        time.sleep(0.3)
    c = _canvas(shot)
    desktop.click(c.x0 + c.width // 2, c.y0 + c.height * 3 // 4)
    desktop.move(5, shot.shape[0] - 5)
    fit = desktop.settled("fit")
    c = _canvas(fit)

    # (1) The film is drawn: the middle of the canvas is a large bright region.
    assert _film_drawn(fit), "the film is not drawn"

    # What identifies the patient, as drawn now: the top-left corner text, line by line.
    corner = grey(fit[c.y0 : c.y0 + 45, c.x0 : c.x0 + 260]) >= 160
    identifying = text_lines(corner)[:2]  # "HOVIEW, SAMPLE", "ID: HOVIEW-SAMPLE-001"
    assert len(identifying) == 2 and all(t.sum() > 50 for t in identifying), "no corner text"
    lit = grey(fit) >= 160
    for line in identifying:
        assert find_text(lit, line), "the text finder does not find the patient's name"

    # R on the left edge, L on the right (an AP film seen from the front); they differ.
    r_marker, l_marker = _marker(fit, c, "left"), _marker(fit, c, "right")
    markers_differ = not same_glyph(r_marker, l_marker)
    assert markers_differ, "the left and right edge markers look alike"

    # The label at fit.
    fit_mask = _annotation_mask(desktop, fit, c, "fit")
    fit_arrow, fit_label = _arrow_and_label(fit_mask)
    label_glyph = _label_crop(fit, c, fit_label)
    fit_height = fit_label[2] - fit_label[0]
    assert 6 <= fit_height <= 60, f"implausible label height {fit_height}"

    # (3) Flip (Shift+H): the markers change sides; the label still reads "HO".
    desktop.key("shift+h")
    flipped = desktop.settled("flipped")
    l_on_left = same_glyph(_marker(flipped, c, "left"), l_marker)
    assert l_on_left, "after a flip, L is not on the left edge"
    r_on_right = same_glyph(_marker(flipped, c, "right"), r_marker)
    assert r_on_right, "after a flip, R is not on the right edge"
    flipped_mask = _annotation_mask(desktop, flipped, c, "flipped")
    _arrow, label = _arrow_and_label(flipped_mask)
    flipped_glyph = _label_crop(flipped, c, label)
    alike = likeness(label_glyph, flipped_glyph)
    mirrored = likeness(label_glyph[:, ::-1], flipped_glyph)
    assert alike > 0.85 and alike > mirrored + 0.2, (
        f"after a flip the label does not read as before (likeness {alike:.2f}, "
        f"mirrored {mirrored:.2f})"
    )
    desktop.key("shift+h")
    assert np.array_equal(_crop(desktop.settled("unflipped"), c), _crop(fit, c))

    # Rotate clockwise (R): the label still reads "HO", upright, not turned on its side.
    desktop.key("r")
    rotated = desktop.settled("rotated")
    rotated_mask = _annotation_mask(desktop, rotated, c, "rotated")
    _arrow, label = _arrow_and_label(rotated_mask, left_half=False)
    rotated_glyph = _label_crop(rotated, c, label)
    alike = likeness(label_glyph, rotated_glyph)
    turned = max(likeness(np.rot90(label_glyph, k), rotated_glyph) for k in (1, 2, 3))
    assert alike > 0.85 and alike > turned + 0.2, (
        f"after a rotation the label does not read as before (likeness {alike:.2f}, "
        f"turned {turned:.2f})"
    )
    desktop.key("shift+r")
    assert np.array_equal(_crop(desktop.settled("rotated-back"), c), _crop(fit, c))

    # (2) Zoom to about 300% with the wheel over the label, as one zooms onto a hip.
    fit_zoom = (fit_arrow[3] - fit_arrow[1]) / ARROW_DX  # the arrow's width, image -> screen
    steps = round(math.log(3.0 / fit_zoom) / math.log(ZOOM_STEP))
    assert steps >= 4, f"the film opened at {fit_zoom:.0%}, not fitted"
    x = c.x0 + int((fit_label[1] + fit_label[3]) / 2)
    y = c.y0 + int((fit_label[0] + fit_label[2]) / 2)
    desktop.click(x, y, button=4, repeat=steps)
    desktop.move(5, fit.shape[0] - 5)
    zoomed = desktop.settled("zoomed")
    zoomed_mask = _annotation_mask(desktop, zoomed, c, "zoomed")
    arrow, label = _arrow_and_label(zoomed_mask, left_half=False)
    zoom = (arrow[3] - arrow[1]) / ARROW_DX
    assert 2.4 <= zoom <= 3.8, f"the wheel zoomed to {zoom:.0%}, not about 300%"
    height = label[2] - label[0]
    # Within 10%, or 1 pixel for a small label (text lands on sub-pixel places).
    assert abs(height - fit_height) <= max(1, 0.1 * fit_height), (
        f"the label is {height} px tall at {zoom:.0%}, {fit_height} px at {fit_zoom:.0%}"
    )

    # (4) Anonymous mode, then compare: two canvases, the name and ID nowhere on screen.
    desktop.key("ctrl+shift+a", "ctrl+k")
    compared = desktop.settled("anonymous-compare")
    assert len(canvases(compared)) == 2, "compare mode does not show two canvases"
    lit = grey(compared) >= 160
    for line in identifying:
        places = find_text(lit, line)
        assert not places, f"identifying text still drawn at {places[:3]} (row, column)"
