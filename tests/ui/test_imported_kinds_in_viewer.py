"""Imported DICOM graphics in the viewer: selected and deleted, never moved or edited."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt

from hoview.annotations import Circle, Ellipse, Point, Polyline
from hoview.sources import open_path
from hoview.ui import tool_dialogs
from hoview.ui.annotation_edits import set_colour, set_finding, set_label
from hoview.ui.tool_controller import ToolController

LEFT = Qt.MouseButton.LeftButton
R_HIP = "dx-r-hip"  # sample arrow: tail (110, 560), head (268, 690)
CIRCLE = Circle(id="gsps-circle", centre=(1000.0, 850.0), edge=(1000.0, 650.0))


@pytest.fixture(autouse=True)
def _data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("HOVIEW_DATA_DIR", str(tmp_path / "user-data"))


@pytest.fixture
def canvas(qtbot, tmp_path, sample_data_dir):
    """The sample film (two arrows) on a canvas, with an imported circle added."""
    from hoview.ui.canvas import ViewerCanvas

    for name in ("pelvis_ap.dcm", "pelvis_ap.dcm.hoview.json"):
        shutil.copy(sample_data_dir / name, tmp_path / name)
    canvas = ViewerCanvas()
    qtbot.addWidget(canvas)
    canvas.resize(900, 780)
    canvas.set_series(open_path(Path(tmp_path / "pelvis_ap.dcm")).series[0])
    canvas.show()
    qtbot.waitExposed(canvas)
    canvas.controller = ToolController(canvas)
    canvas.session().document.add(CIRCLE)
    return canvas


def screen(canvas, point) -> QPoint:
    return canvas.image_transform().map(QPointF(*point)).toPoint()


def drag(qtbot, canvas, start: QPoint, end: QPoint):
    qtbot.mousePress(canvas, LEFT, pos=start)
    for step in (1, 2, 3):
        qtbot.mouseMove(canvas, start + (end - start) * step / 4)
    qtbot.mouseMove(canvas, end)
    qtbot.mouseRelease(canvas, LEFT, pos=end)


def messages_of(canvas) -> list[str]:
    messages: list[str] = []
    canvas.controller.message.connect(messages.append)
    return messages


def test_a_click_on_the_ring_selects_the_circle_and_inside_it_does_not(canvas, qtbot):
    with qtbot.waitSignal(canvas.selection_changed) as signal:
        qtbot.mouseClick(canvas, LEFT, pos=screen(canvas, (1200, 850)))  # on the ring
    assert signal.args == [[CIRCLE.id]]
    qtbot.mouseClick(canvas, LEFT, pos=screen(canvas, (1000, 850)))  # the empty middle
    assert canvas.tool.selected == set()


def test_dragging_the_circle_leaves_it_and_says_it_is_read_only(canvas, qtbot):
    document = canvas.session().document
    messages = messages_of(canvas)
    revision = document.revision
    drag(qtbot, canvas, screen(canvas, (1200, 850)), screen(canvas, (1400, 1000)))
    assert document.get(CIRCLE.id) == CIRCLE
    assert document.revision == revision
    assert canvas.tool.selected == {CIRCLE.id}
    assert "Imported circle: read-only" in messages


def test_in_a_mixed_selection_the_arrow_moves_and_the_circle_stays(canvas, qtbot):
    document = canvas.session().document
    arrow = document.get(R_HIP)
    messages = messages_of(canvas)
    qtbot.mouseClick(canvas, LEFT, pos=screen(canvas, (1200, 850)))
    qtbot.mouseClick(canvas, LEFT, Qt.KeyboardModifier.ShiftModifier, screen(canvas, (189, 625)))
    assert canvas.tool.selected == {CIRCLE.id, R_HIP}
    drag(qtbot, canvas, screen(canvas, (189, 625)), screen(canvas, (289, 725)))
    assert document.get(R_HIP).points != arrow.points
    assert document.get(CIRCLE.id) == CIRCLE
    assert "Imported circle: read-only" in messages


def test_delete_removes_the_circle_in_one_undo_step(canvas, qtbot):
    document = canvas.session().document
    qtbot.mouseClick(canvas, LEFT, pos=screen(canvas, (1000, 650)))  # top of the ring
    assert canvas.tool.selected == {CIRCLE.id}
    qtbot.keyClick(canvas, Qt.Key.Key_Delete)
    assert CIRCLE.id not in document
    assert canvas.tool.selected == set()
    assert canvas.session().history.undo()
    assert document.get(CIRCLE.id) == CIRCLE


def test_double_click_says_read_only_and_opens_no_dialog(canvas, qtbot, monkeypatch):
    def no_dialog(*args, **kwargs):
        raise AssertionError("no dialog for an imported graphic")

    monkeypatch.setattr(tool_dialogs, "ask_label", no_dialog)
    monkeypatch.setattr(tool_dialogs, "ask_text", no_dialog)
    messages = messages_of(canvas)
    qtbot.mouseDClick(canvas, LEFT, pos=screen(canvas, (1200, 850)))
    assert messages[-1] == "Imported circle: read-only"
    assert canvas.session().document.get(CIRCLE.id) == CIRCLE


def test_menu_edits_leave_imported_graphics_alone(canvas):
    from hoview.annotations import Finding

    assert set_colour(canvas, [CIRCLE.id], "#ff0000") == 0
    assert set_finding(canvas, [CIRCLE.id], Finding("heterotopic ossification")) == 0
    assert not set_label(canvas, CIRCLE.id, "renamed")
    assert canvas.session().document.get(CIRCLE.id) == CIRCLE
    assert set_colour(canvas, [CIRCLE.id, R_HIP], "#ff0000") == 1  # the arrow only


def test_no_handles_on_a_selected_circle(canvas, qtbot):
    qtbot.mouseClick(canvas, LEFT, pos=screen(canvas, (1200, 850)))
    # Where a handle would be (its edge point): a drag there does not reshape it.
    drag(qtbot, canvas, screen(canvas, (1000, 650)), screen(canvas, (1000, 500)))
    assert canvas.session().document.get(CIRCLE.id) == CIRCLE


@pytest.mark.parametrize(
    ("annotation", "on", "off"),
    [
        (
            Polyline(vertices=[(300.0, 1200.0), (700.0, 1200.0), (700.0, 1500.0)]),
            (500.0, 1200.0),
            (400.0, 1400.0),
        ),
        (
            Polyline(vertices=[(300.0, 1200.0), (700.0, 1200.0), (700.0, 1500.0)], closed=True),
            (500.0, 1350.0),
            (650.0, 1250.0),
        ),
        (
            Ellipse(
                major_start=(1300.0, 1300.0),
                major_end=(1700.0, 1300.0),
                minor_start=(1500.0, 1200.0),
                minor_end=(1500.0, 1400.0),
            ),
            (1500.0, 1200.0),
            (1500.0, 1300.0),
        ),
        (Point(at=(1500.0, 300.0)), (1500.0, 300.0), (1500.0, 380.0)),
    ],
    ids=["polyline", "closed", "ellipse", "point"],
)
def test_other_kinds_are_hit_by_their_painted_shape(canvas, qtbot, annotation, on, off):
    canvas.session().document.add(annotation)
    qtbot.mouseClick(canvas, LEFT, pos=screen(canvas, on))
    assert canvas.tool.selected == {annotation.id}
    qtbot.mouseClick(canvas, LEFT, pos=screen(canvas, off))
    assert canvas.tool.selected == set()
    messages = messages_of(canvas)
    drag(qtbot, canvas, screen(canvas, on), screen(canvas, (on[0] + 100, on[1] - 80)))
    assert canvas.session().document.get(annotation.id) == annotation
    assert messages == [f"Imported {annotation.kind}: read-only"]


def test_duplicate_and_paste_keep_a_polyline_whole(canvas, qtbot):
    from hoview.ui import clipboard

    document = canvas.session().document
    curve = Polyline(
        vertices=[(300.0, 300.0), (400.0, 300.0), (400.0, 400.0)], closed=True, interpolated=True
    )
    document.add(curve)
    (copy_id,) = clipboard.duplicate(canvas, [curve.id])
    copy = document.get(copy_id)
    assert isinstance(copy, Polyline) and (copy.closed, copy.interpolated) == (True, True)
    assert len(copy.points) == 3 and copy.points != curve.points
    data = clipboard.annotations_to_json([curve], document)
    (pasted,) = clipboard.annotations_from_json(data, document, layer="findings")
    assert (pasted.closed, pasted.interpolated, pasted.points) == (True, True, curve.points)
