"""The viewer on an enhanced multi-frame file: slice order, each frame's own window."""

from __future__ import annotations

from enhanced_dicom import write_enhanced
from PySide6.QtCore import Qt

from hoview.display.attributes import Window
from hoview.ui.view_actions import apply_preset

WINDOWS = [[(40.0, 400.0, "SOFT")], [(300.0, 1500.0, "BONE")], [(-600.0, 1500.0, "LUNG")]]


def test_scrolling_shows_each_frame_with_its_own_window(window, qtbot, tmp_path):
    path = write_enhanced(
        tmp_path / "ct.dcm",
        frames=3,
        rows=64,
        columns=64,
        rescales=[(1.0, -1024.0), (2.0, -2048.0), (1.0, -1000.0)],
        windows=WINDOWS,
        positions=[(0, 0, 10), (0, 0, 0), (0, 0, 5)],
    )
    window.open_paths([path], wait=True)
    canvas = window.canvas
    canvas.setFocus()
    shown = []
    for step in range(3):
        frame = canvas.frame
        shown.append((frame.number, canvas.voi.name, frame.attributes.rescale_intercept))
        if step < 2:
            qtbot.keyClick(canvas, Qt.Key.Key_PageDown)
    # sorted by Plane Position: z 0 (frame 2), 5 (frame 3), 10 (frame 1)
    assert shown == [(2, "BONE", -2048.0), (3, "LUNG", -1000.0), (1, "SOFT", -1024.0)]
    assert "W 400 L 40" in canvas.status_text()
    # a window the user chose stays while scrolling
    canvas.set_window(Window(100, 200, name="Mine"))
    qtbot.keyClick(canvas, Qt.Key.Key_PageUp)
    assert canvas.frame.number == 3 and canvas.voi.name == "Mine"
    # preset 1 is this frame's own file window
    assert apply_preset(canvas, 1)
    assert canvas.voi.name == "LUNG"
