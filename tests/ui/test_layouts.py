"""Viewport layouts (View -> Layout), a series into any viewport, linked viewports."""

from __future__ import annotations

import shutil

import pytest
from layout_studies import ct_subset, film_copy, z_of
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication

from hoview.display.pipeline import Window

LINK = "Link viewports"
SIDECARS = shutil.ignore_patterns("*.hoview.json")


@pytest.fixture
def folder(tmp_path, sample_data_dir):
    """The sample film and CT, a subset of the CT (same frame of reference), a prior film."""
    root = tmp_path / "studies"
    (root / "now").mkdir(parents=True)
    shutil.copy(sample_data_dir / "pelvis_ap.dcm", root / "now" / "pelvis_ap.dcm")
    shutil.copytree(sample_data_dir / "ct_hips", root / "now" / "ct_hips", ignore=SIDECARS)
    ct_subset(sample_data_dir, root / "now" / "ct_subset", range(5, 35, 2))
    film_copy(sample_data_dir, root / "before" / "pelvis_prior.dcm", "20231212")
    return root


def index_of(window, predicate) -> int:
    found = [i for i, s in enumerate(window._series) if predicate(s)]
    assert found, "no such series"
    return found[0]


def ct(window, subset: bool) -> int:
    return index_of(window, lambda s: s.modality == "CT" and (s.description == "subset") == subset)


def click(qtbot, canvas) -> None:
    qtbot.mouseClick(canvas, Qt.MouseButton.MiddleButton, pos=canvas.rect().center())


def double_click(qtbot, panel, pos) -> None:
    """Double-click as a mouse does: press, release, double click, release."""
    qtbot.mouseClick(panel.viewport(), Qt.MouseButton.LeftButton, pos=pos)
    qtbot.mouseDClick(panel.viewport(), Qt.MouseButton.LeftButton, pos=pos)


def choose(window, index: int) -> None:
    """Click series ``index`` in the series panel."""
    panel = window.series_panel
    panel.setCurrentRow(panel.row_of_series(index))


def test_2x2_from_the_menu_gives_four_viewports_each_with_its_own_state(window, qtbot, folder):
    window.open_paths([folder], wait=True)
    viewer = window.viewer
    assert len(viewer.viewports) == 1
    window.actions_by_text["Layout 2x2"].trigger()
    qtbot.waitUntil(lambda: all(c.isVisible() for c in viewer.viewports), timeout=3000)
    canvases = viewer.viewports
    assert len(canvases) == 4 and canvases[0] is window.canvas
    assert len({id(c.state) for c in canvases}) == 4
    # The new viewports show the next open series, each a different one.
    assert len({id(c.series) for c in canvases}) == 4
    x0, y0 = canvases[0].mapTo(viewer, QPoint(0, 0)).toTuple()
    x3, y3 = canvases[3].mapTo(viewer, QPoint(0, 0)).toTuple()
    assert x3 > x0 + 200 and y3 > y0 + 200  # a 2 x 2 grid
    canvases[1].zoom_by(2.0)
    assert canvases[0].zoom != pytest.approx(canvases[1].zoom)
    window.actions_by_text["Layout 1x2"].trigger()
    assert len(viewer.viewports) == 2 and not canvases[2].isVisible()
    assert window.actions_by_text["Layout 1x2"].isChecked()


def test_layout_keys(window, qtbot, folder):
    window.open_paths([folder], wait=True)
    keys = {
        text: window.actions_by_text[text].shortcut().toString()
        for text in ("Layout 1x1", "Layout 1x2", "Layout 2x1", "Layout 2x2", LINK)
    }
    assert keys == {
        "Layout 1x1": "Alt+1",
        "Layout 1x2": "Alt+2",
        "Layout 2x1": "Alt+3",
        "Layout 2x2": "Alt+4",
        LINK: "Ctrl+L",
    }
    window.activateWindow()
    window.canvas.setFocus()
    qtbot.keyClick(window.canvas, Qt.Key.Key_3, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: window.viewer.layout_shape == (2, 1), timeout=3000)
    qtbot.keyClick(window.canvas, Qt.Key.Key_1, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: window.viewer.layout_shape == (1, 1), timeout=3000)
    rows = {(action, keys) for _menu, action, keys in window.shortcut_rows()}
    assert ("Layout 2x2", "Alt+4") in rows and ("Compare with prior", "Ctrl+Shift+K") in rows


def test_a_click_activates_a_viewport_and_view_actions_act_on_it(window, qtbot, folder):
    window.open_paths([folder], wait=True)
    viewer = window.viewer
    window.actions_by_text["Layout 1x2"].trigger()
    primary, right = viewer.viewports
    assert viewer.active_canvas is primary
    click(qtbot, right)
    assert viewer.active_canvas is right
    window.actions_by_text["Invert"].trigger()
    assert right.invert and not primary.invert
    window.actions_by_text["Rotate clockwise"].trigger()
    assert right.geometry_state.rotation == 90 and primary.geometry_state.rotation == 0
    click(qtbot, primary)
    assert viewer.active_canvas is primary
    window.actions_by_text["Layout 1x1"].trigger()
    assert viewer.active_canvas is primary


def test_double_click_puts_a_series_into_the_active_viewport(window, qtbot, folder):
    window.open_paths([folder], wait=True)
    viewer = window.viewer
    window.actions_by_text["Layout 1x2"].trigger()
    primary, right = viewer.viewports
    before = primary.series
    click(qtbot, right)
    window.series_panel.render_thumbnails()
    index = ct(window, subset=True)
    panel = window.series_panel
    item_rect = panel.visualItemRect(panel.item(panel.row_of_series(index)))
    double_click(qtbot, panel, item_rect.center())
    qtbot.waitUntil(lambda: right.series is window._series[index], timeout=3000)
    assert primary.series is before
    # Into the primary when it is the active one.
    click(qtbot, primary)
    double_click(qtbot, panel, item_rect.center())  # the row is current already
    qtbot.waitUntil(lambda: primary.series is window._series[index], timeout=3000)


def test_dropping_a_thumbnail_on_a_viewport_shows_its_series_there(window, qtbot, folder):
    window.open_paths([folder], wait=True)
    viewer = window.viewer
    window.actions_by_text["Layout 2x2"].trigger()
    target = viewer.viewports[3]
    index = ct(window, subset=False)
    panel = window.series_panel
    data = panel.mimeData([panel.item(panel.row_of_series(index))])
    at = QPointF(target.rect().center())
    buttons, keys = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    enter = QDragEnterEvent(at.toPoint(), Qt.DropAction.CopyAction, data, buttons, keys)
    QApplication.sendEvent(target, enter)
    assert enter.isAccepted()
    drop = QDropEvent(at, Qt.DropAction.CopyAction, data, buttons, keys)
    QApplication.sendEvent(target, drop)
    assert target.series is window._series[index]
    assert viewer.active_canvas is target
    assert len(target.series.frames) == 40


def test_linked_viewports_share_the_window_and_the_view(window, qtbot, folder):
    window.open_paths([folder], wait=True)
    viewer = window.viewer
    films = [i for i, s in enumerate(window._series) if s.modality == "DX"]
    choose(window, films[1])
    window.actions_by_text["Layout 1x2"].trigger()
    primary, right = viewer.viewports
    viewer.show_series(right, window._series[films[0]])
    window.actions_by_text[LINK].trigger()
    assert viewer.linked
    primary.set_window(Window(1500.0, 900.0))
    assert right.voi == primary.voi
    primary.zoom_by(2.0)
    assert right.zoom == pytest.approx(primary.zoom, rel=0.01)  # the same film size
    right.set_window(Window(2500.0, 600.0))  # either way round
    assert primary.voi == Window(2500.0, 600.0)
    window.actions_by_text[LINK].trigger()  # unlink
    assert not viewer.linked
    primary.set_window(Window(1000.0, 400.0))
    assert right.voi == Window(2500.0, 600.0)


def test_slices_follow_by_position_in_one_frame_of_reference(window, qtbot, folder):
    window.open_paths([folder], wait=True)
    viewer = window.viewer
    choose(window, ct(window, subset=False))
    window.actions_by_text["Layout 1x2"].trigger()
    primary, right = viewer.viewports
    viewer.show_series(right, window._series[ct(window, subset=True)])
    window.actions_by_text[LINK].trigger()
    for index in (0, 12, 20, 39):
        primary.set_frame_index(index)
        subset_z = [z_of_frame(f) for f in right.series.frames]
        nearest = min(subset_z, key=lambda z: abs(z - z_of(primary)))
        assert z_of(right) == pytest.approx(nearest)
    right.set_frame_index(3)  # and the other way
    assert z_of(primary) == pytest.approx(z_of(right))


def test_slices_follow_by_index_without_a_shared_frame_of_reference(
    window, qtbot, tmp_path, sample_data_dir
):
    root = tmp_path / "other"
    shutil.copytree(sample_data_dir / "ct_hips", root / "ct_hips", ignore=SIDECARS)
    ct_subset(sample_data_dir, root / "elsewhere", range(10, 30), frame_of_reference="1.2.3.4")
    window.open_paths([root], wait=True)
    viewer = window.viewer
    choose(window, ct(window, subset=False))
    window.actions_by_text["Layout 1x2"].trigger()
    primary, right = viewer.viewports
    viewer.show_series(right, window._series[ct(window, subset=True)])
    window.actions_by_text[LINK].trigger()
    primary.set_frame_index(7)
    assert right.frame_index == 7
    primary.set_frame_index(35)
    assert right.frame_index == 19  # the last of its 20


def test_secondary_viewports_follow_anonymous_mode(window, qtbot, folder):
    window.open_paths([folder], wait=True)
    window.actions_by_text["Layout 2x2"].trigger()
    window.actions_by_text["Anonymous mode"].trigger()
    for canvas in window.viewer.viewports:
        text = "\n".join(line for lines in canvas.corner_text_lines().values() for line in lines)
        assert "HOVIEW" not in text and "SAMPLE" not in text, text


def z_of_frame(frame) -> float:
    return float(frame.source.metadata["image_position"][2])


def test_other_viewports_draw_annotations_read_only_and_pan(
    window, qtbot, tmp_path, sample_data_dir
):
    root = tmp_path / "film"
    root.mkdir()
    for name in ("pelvis_ap.dcm", "pelvis_ap.dcm.hoview.json"):
        shutil.copy(sample_data_dir / name, root / name)
    window.open_paths([root], wait=True)
    viewer = window.viewer
    window.actions_by_text["Layout 1x2"].trigger()
    primary, right = viewer.viewports
    assert right.series is None  # nothing else open: the new viewport waits for a series
    viewer.show_series(right, primary.series)
    document = primary.session().document
    assert [len(d.annotations) for d, _selected in right.shown_documents()] == [2]
    window.tools.actions["arrow"].trigger()
    before, primary_before = right.state.geometry, primary.state.geometry
    start = right.rect().center()
    qtbot.mousePress(right, Qt.MouseButton.LeftButton, pos=start)
    qtbot.mouseMove(right, start + QPoint(30, 20))
    qtbot.mouseMove(right, start + QPoint(60, 40))
    qtbot.mouseRelease(right, Qt.MouseButton.LeftButton, pos=start + QPoint(60, 40))
    assert len(document.annotations) == 2  # no arrow drawn there
    assert right.state.geometry.center_x < before.center_x  # the film moved right
    assert primary.state.geometry == primary_before  # unlinked: the primary stays


def test_the_status_bar_tells_the_active_viewport(window, qtbot, folder):
    window.open_paths([folder], wait=True)
    window.actions_by_text["Layout 1x2"].trigger()
    primary, right = window.viewer.viewports
    window.viewer.show_series(right, window._series[ct(window, subset=False)])
    click(qtbot, right)
    right.set_frame_index(9)
    assert "frame 10 / 40" in window.status_label.text()
    click(qtbot, primary)
    assert "frame 1 / 1" in window.status_label.text()


def test_a_thumbnail_is_chosen_on_release_so_a_drag_does_not_choose_it(window, qtbot, folder):
    window.open_paths([folder], wait=True)
    panel, primary = window.series_panel, window.canvas
    before = primary.series
    index = ct(window, subset=True)
    rect = panel.visualItemRect(panel.item(panel.row_of_series(index)))
    qtbot.mousePress(panel.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert primary.series is before  # pressed: it may become a drag onto a viewport
    qtbot.mouseRelease(panel.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert primary.series is window._series[index]
    panel.setCurrentRow(panel.row_of_series(0))  # the keyboard chooses at once
    assert primary.series is window._series[0]
