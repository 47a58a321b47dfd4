"""The frame slider marks the frames that carry visible annotations, and follows edits."""

from __future__ import annotations

import pytest
from enhanced_dicom import write_enhanced

from hoview.annotations import Arrow, Ruler
from hoview.ui.frame_bar import MARK_COLOUR


@pytest.fixture
def opened(window, tmp_path, qtbot):
    """The window showing a 6-frame image; returns (window, document)."""
    film = write_enhanced(tmp_path / "spine.dcm", frames=6, rows=64, columns=64)
    window.open_paths([film], wait=True)
    qtbot.waitUntil(lambda: window.frame_bar.isVisible())
    return window, window.canvas.session().document


def marked_pixels(slider) -> dict[int, bool]:
    """Whether the top-edge pixel at each value's mark position has the mark colour."""
    image = slider.grab().toImage()
    scale = image.devicePixelRatio()
    found = {}
    for value in range(slider.minimum(), slider.maximum() + 1):
        colour = image.pixelColor(int(slider.mark_x(value) * scale), 1)
        found[value] = colour.rgb() == MARK_COLOUR.rgb()
    return found


def test_frames_with_annotations_are_marked_and_follow_edits(opened, qtbot):
    window, document = opened
    bar = window.frame_bar
    assert bar.marked_frames() == []
    ruler = document.add(Ruler(start=(1, 1), end=(20, 1), frame=2))
    document.add(Arrow(tail=(5, 5), head=(9, 9), frame=5))
    qtbot.waitUntil(lambda: bar.marked_frames() == [1, 4])
    document.update(ruler.id, frame=6)
    qtbot.waitUntil(lambda: bar.marked_frames() == [4, 5])
    # a hidden layer's annotations are not marked; the annotations switched off, none
    layer = document.add_layer("Measurements")
    document.move_to_layer(ruler.id, layer.id)
    document.set_layer_visible(layer.id, False)
    qtbot.waitUntil(lambda: bar.marked_frames() == [4])
    document.set_all_visible(False)
    qtbot.waitUntil(lambda: bar.marked_frames() == [])
    document.set_all_visible(True)
    document.set_layer_visible(layer.id, True)
    qtbot.waitUntil(lambda: bar.marked_frames() == [4, 5])
    document.remove(ruler.id)
    qtbot.waitUntil(lambda: bar.marked_frames() == [4])


def test_the_marks_are_drawn_on_the_slider(opened, qtbot):
    window, document = opened
    slider = window.frame_bar.slider
    document.add(Arrow(tail=(5, 5), head=(9, 9), frame=3))
    qtbot.waitUntil(lambda: window.frame_bar.marked_frames() == [2])
    window.canvas.set_frame_index(5)  # the handle away from the mark
    assert marked_pixels(slider) == {0: False, 1: False, 2: True, 3: False, 4: False, 5: False}
    assert slider.mark_x(0) < slider.mark_x(2) < slider.mark_x(5)


def test_a_new_image_brings_its_own_marks(opened, qtbot, tmp_path):
    window, document = opened
    document.add(Arrow(tail=(5, 5), head=(9, 9), frame=1))
    qtbot.waitUntil(lambda: window.frame_bar.marked_frames() == [0])
    other = write_enhanced(tmp_path / "other.dcm", frames=3, rows=32, columns=32)
    window.open_paths([other], wait=True)
    qtbot.waitUntil(lambda: window.frame_bar.marked_frames() == [])
    window.canvas.session().document.add(Arrow(tail=(5, 5), head=(9, 9), frame=3))
    qtbot.waitUntil(lambda: window.frame_bar.marked_frames() == [2])
