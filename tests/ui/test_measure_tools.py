"""The angle and Cobb angle tools under pytest-qt: real clicks and drags on a canvas.

The film has Pixel Spacing 0.25 mm between rows and 0.5 mm between columns, so an
angle in the patient differs from the angle on the screen: the values below are
worked out by hand from the clicked points.
"""

from __future__ import annotations

import math

import pytest
from measure_helpers import click, dicom_film, drag, image_point, screen, tool_canvas
from PySide6.QtCore import Qt

from hoview.annotations import Angle, CobbAngle
from hoview.annotations.measures import measure
from hoview.ui.measure_tools import AngleTool, CobbTool
from hoview.ui.tool_support import measuring_spacing
from hoview.ui.toolbar import load_icon


@pytest.fixture(autouse=True)
def _data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("HOVIEW_DATA_DIR", str(tmp_path / "user-data"))


@pytest.fixture
def film(tmp_path, sample_data_dir):
    return dicom_film(tmp_path / "film", sample_data_dir, (0.25, 0.5))


@pytest.fixture
def canvas(qtbot, film):
    """The film on a canvas of 900 x 780 at zoom 1, centred on (1000, 850)."""
    return tool_canvas(qtbot, film, (1000, 850), author="Dr Tester")


def added(canvas, kind):
    return [a for a in canvas.session().document.annotations if isinstance(a, kind)]


def test_three_clicks_make_an_angle_with_the_vertex_second(canvas, qtbot):
    canvas.controller.set_tool("angle")
    assert isinstance(canvas.tool, AngleTool)
    start, vertex, end = (900, 800), (800, 800), (900, 700)
    for point in (start, vertex):
        click(qtbot, canvas, screen(canvas, point))
        assert added(canvas, Angle) == []
    qtbot.mouseMove(canvas, screen(canvas, end))  # the second arm follows the mouse
    canvas.grab()  # the angle being drawn is painted
    click(qtbot, canvas, screen(canvas, end))

    (angle,) = added(canvas, Angle)
    assert angle.points == (start, vertex, end)
    assert (angle.layer, angle.frame, angle.author) == ("findings", 1, "Dr Tester")
    assert canvas.tool.selected == {angle.id}
    # Arms (+100 px, 0) = (50 mm, 0) and (+100 px, -100 px) = (50 mm, -25 mm):
    # atan(25 / 50) = 26.57 degrees in the patient (45 on the screen).
    value = measure(angle, measuring_spacing(canvas))
    assert value.value == pytest.approx(math.degrees(math.atan(0.5)), abs=1e-9)
    assert value.text == "26.6°"


def test_a_drag_for_the_first_arm_then_a_click_makes_an_angle(canvas, qtbot):
    canvas.controller.set_tool("angle")
    start, vertex, end = screen(canvas, (700, 700)), screen(canvas, (800, 900)), None
    drag(qtbot, canvas, start, vertex)
    assert added(canvas, Angle) == []
    end = screen(canvas, (1000, 900))
    click(qtbot, canvas, end)

    (angle,) = added(canvas, Angle)
    assert angle.start == image_point(canvas, start)
    assert angle.vertex == image_point(canvas, vertex)
    assert angle.end == image_point(canvas, end)
    # In mm: first arm (-50, -50), second (+100, 0): 135 degrees.
    assert measure(angle, measuring_spacing(canvas)).text == "135.0°"
    # One undo step takes the whole angle away.
    canvas.session().history.undo()
    assert added(canvas, Angle) == []


def test_escape_drops_a_half_drawn_angle(canvas, qtbot):
    canvas.controller.set_tool("angle")
    click(qtbot, canvas, screen(canvas, (700, 700)))
    click(qtbot, canvas, screen(canvas, (800, 700)))
    qtbot.keyClick(canvas, Qt.Key.Key_Escape)
    click(qtbot, canvas, screen(canvas, (900, 900)))
    assert added(canvas, Angle) == []  # a new angle started at the last click
    click(qtbot, canvas, screen(canvas, (900, 1000)))
    click(qtbot, canvas, screen(canvas, (1000, 1000)))
    (angle,) = added(canvas, Angle)
    assert angle.points == ((900, 900), (900, 1000), (1000, 1000))


def test_two_drags_make_a_cobb_angle(canvas, qtbot):
    canvas.controller.set_tool("cobb")
    assert isinstance(canvas.tool, CobbTool)
    drag(qtbot, canvas, screen(canvas, (700, 600)), screen(canvas, (900, 600)))
    assert added(canvas, CobbAngle) == []
    click(qtbot, canvas, screen(canvas, (1200, 1100)))  # a click is not a line
    assert added(canvas, CobbAngle) == []
    drag(qtbot, canvas, screen(canvas, (700, 900)), screen(canvas, (900, 1000)))

    (cobb,) = added(canvas, CobbAngle)
    assert cobb.points == ((700, 600), (900, 600), (700, 900), (900, 1000))
    # Second line: 200 px across = 100 mm, 100 px down = 25 mm: atan(0.25) = 14.04 degrees.
    value = measure(cobb, measuring_spacing(canvas))
    assert value.value == pytest.approx(math.degrees(math.atan(0.25)), abs=1e-9)
    assert value.text == "14.0°"
    assert canvas.tool.selected == {cobb.id}


def test_an_angle_is_selected_by_its_second_arm_and_reshaped_by_its_vertex(canvas, qtbot):
    controller = canvas.controller
    controller.set_tool("angle")
    for point in ((700, 700), (800, 700), (800, 1000)):
        click(qtbot, canvas, screen(canvas, point))
    (angle,) = added(canvas, Angle)
    controller.set_tool("select")
    click(qtbot, canvas, screen(canvas, (1100, 1100)))  # empty space: nothing selected
    assert canvas.tool.selected == set()
    click(qtbot, canvas, screen(canvas, (802, 900)))  # next to the second arm
    assert canvas.tool.selected == {angle.id}
    drag(qtbot, canvas, screen(canvas, (800, 700)), screen(canvas, (850, 750)))
    moved = canvas.session().document.get(angle.id)
    assert moved.points == ((700, 700), (850, 750), (800, 1000))


def test_the_measuring_tools_have_keys_menu_entries_and_icons(window):
    tools = window.tools
    keys = {n: [k.toString() for k in tools.actions[n].shortcuts()] for n in tools.actions}
    assert keys["angle"] == ["N"] and keys["cobb"] == ["B"] and keys["gap"] == ["G"]
    assert keys["calibrate"] == ["Shift+M"]
    rows = set(window.shortcut_rows())
    for expected in (
        ("Tools", "Angle", "N"),
        ("Tools", "Cobb angle", "B"),
        ("Tools", "Gap", "G"),
        ("Tools", "Calibrate", "Shift+M"),
    ):
        assert expected in rows
    # Each of their keys is given once in the whole window (Qt runs neither of two).
    every = [k for _menu, _action, ks in window.shortcut_rows() for k in ks.split(", ")]
    for key in ("N", "B", "G", "Shift+M"):
        assert every.count(key) == 1
    for name in ("angle", "cobb", "gap", "calibrate"):
        action = tools.actions[name]
        assert action in window.toolbar.actions()
        assert not action.icon().isNull()
    assert not load_icon("cobb").isNull()


def test_keys_choose_the_measuring_tools(window, qtbot, film):
    window.open_paths([film], wait=True)
    canvas = window.canvas
    canvas.setFocus()
    for key, modifier, name in (
        (Qt.Key.Key_N, Qt.KeyboardModifier.NoModifier, "angle"),
        (Qt.Key.Key_B, Qt.KeyboardModifier.NoModifier, "cobb"),
        (Qt.Key.Key_G, Qt.KeyboardModifier.NoModifier, "gap"),
        (Qt.Key.Key_M, Qt.KeyboardModifier.ShiftModifier, "calibrate"),
    ):
        qtbot.keyClick(canvas, key, modifier)
        assert window.tools.current == name
    assert window.tools.actions["calibrate"].isChecked()


def test_the_help_dialog_lists_the_tools_and_the_context_menu(window, qtbot):
    from hoview.ui.shortcuts_dialog import ShortcutsDialog

    dialog = ShortcutsDialog(window.shortcut_rows(), window)
    qtbot.addWidget(dialog)
    table = dialog.table
    rows = {tuple(table.item(r, c).text() for c in range(3)) for r in range(table.rowCount())}
    assert ("Tools", "Angle", "N") in rows and ("Tools", "Calibrate", "Shift+M") in rows
    assert any("Brooker" in action and "right click" in keys for _m, action, keys in rows)
