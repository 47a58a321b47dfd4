"""The annotation tools under pytest-qt: real mouse and key events on a canvas.

Every test works on copies in ``tmp_path`` (autosave writes there), on the real
:class:`ViewerCanvas`.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QColor, QGuiApplication, QImage

from hoview.annotations import Arrow, Finding, Layer, Ruler, Text
from hoview.sources import open_path
from hoview.ui import clipboard, tool_dialogs
from hoview.ui.annotation_edits import delete, set_colour, set_finding
from hoview.ui.annotation_session import SaveState
from hoview.ui.tool_controller import ToolController
from hoview.ui.tools import (
    ArrowTool,
    RulerTool,
    SelectTool,
    TextTool,
)

LEFT = Qt.MouseButton.LeftButton
SIDECAR = ".hoview.json"
R_HIP = "dx-r-hip"  # sample arrow: tail (110, 560), head (268, 690)
L_HIP = "dx-l-hip"  # sample arrow: tail (1840, 560), head (1678, 690)


def _real_canvas(path: Path):
    from hoview.ui.canvas import ViewerCanvas

    canvas = ViewerCanvas()
    canvas.resize(900, 780)
    canvas.set_series(open_path(path).series[0])
    return canvas


@pytest.fixture
def make_canvas(qtbot):
    """Return a function that shows an image on a canvas, with its tool controller."""

    def make(path: Path):
        canvas = _real_canvas(path)
        qtbot.addWidget(canvas)
        canvas.author = "Dr Tester"
        canvas.show()
        qtbot.waitExposed(canvas)
        controller = ToolController(canvas)
        canvas.controller = controller
        return canvas

    return make


@pytest.fixture(autouse=True)
def _data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("HOVIEW_DATA_DIR", str(tmp_path / "user-data"))


@pytest.fixture
def film(tmp_path, sample_data_dir) -> Path:
    """A copy of the sample AP pelvis (2000 x 1700) with its two arrows."""
    folder = tmp_path / "film"
    folder.mkdir()
    for name in ("pelvis_ap.dcm", "pelvis_ap.dcm" + SIDECAR):
        shutil.copy(sample_data_dir / name, folder / name)
    return folder / "pelvis_ap.dcm"


@pytest.fixture
def canvas(make_canvas, film):
    return make_canvas(film)


def screen(canvas, point) -> QPoint:
    """Return the canvas position (whole pixels) of an image point."""
    return canvas.image_transform().map(QPointF(*point)).toPoint()


def image_point(canvas, pos: QPoint) -> tuple[float, float]:
    """Return the image point under a canvas position, by inverting the transform."""
    inverse, ok = canvas.image_transform().inverted()
    assert ok
    mapped = inverse.map(QPointF(pos))
    return (mapped.x(), mapped.y())


def drag(qtbot, canvas, start: QPoint, end: QPoint, modifier=Qt.KeyboardModifier.NoModifier):
    qtbot.mousePress(canvas, LEFT, modifier, start)
    for step in (1, 2, 3):
        qtbot.mouseMove(canvas, start + (end - start) * step / 4)
    qtbot.mouseMove(canvas, end)
    qtbot.mouseRelease(canvas, LEFT, modifier, end)


def click(qtbot, canvas, pos: QPoint, modifier=Qt.KeyboardModifier.NoModifier):
    qtbot.mouseClick(canvas, LEFT, modifier, pos)


def close_to(a, b, tolerance=1.0) -> bool:
    return abs(a[0] - b[0]) <= tolerance and abs(a[1] - b[1]) <= tolerance


def document(canvas):
    return canvas.session().document


def sidecar_json(path: Path) -> dict:
    return json.loads(path.with_name(path.name + SIDECAR).read_text("utf-8"))


# -- drawing ----------------------------------------------------------------------------


def test_arrow_drawn_by_mouse_is_added_saved_and_undoable(canvas, film, qtbot):
    session = canvas.session()
    doc = session.document
    teaching = doc.add_layer(Layer(name="Teaching", id="teaching", order=1))
    qtbot.waitUntil(lambda: session.state is SaveState.SAVED)
    canvas.current_layer_id = teaching.id
    canvas.controller.set_tool("arrow")
    before = set(a.id for a in doc.annotations)
    start, end = screen(canvas, (700, 400)), screen(canvas, (900, 620))

    with qtbot.waitSignal(canvas.selection_changed):
        drag(qtbot, canvas, start, end)

    (new,) = [a for a in doc.annotations if a.id not in before]
    assert isinstance(new, Arrow)
    assert close_to(new.tail, image_point(canvas, start))
    assert close_to(new.head, image_point(canvas, end))
    assert (new.layer, new.frame, new.author) == ("teaching", 1, "Dr Tester")
    assert canvas.tool.selected == {new.id}
    assert session.state is SaveState.UNSAVED
    qtbot.waitUntil(lambda: session.state is SaveState.SAVED, timeout=5000)
    saved = {a["id"]: a for a in sidecar_json(film)["annotations"]}
    assert saved[new.id]["kind"] == "arrow" and saved[new.id]["layer"] == "teaching"
    assert saved[new.id]["points"] == [list(new.tail), list(new.head)]

    assert session.history.undo()
    assert new.id not in doc
    assert session.history.redo()
    assert doc.get(new.id) == new


def test_a_click_with_the_arrow_tool_makes_nothing(canvas, qtbot):
    canvas.controller.set_tool("arrow")
    revision = document(canvas).revision
    pos = screen(canvas, (1000, 1000))
    drag(qtbot, canvas, pos, pos + QPoint(2, 0))
    assert document(canvas).revision == revision


def test_arrow_preview_is_drawn_while_dragging(canvas, qtbot):
    canvas.controller.set_tool("arrow")
    start, end = screen(canvas, (700, 1200)), screen(canvas, (1300, 1200))
    middle = screen(canvas, (1000, 1200))
    before = canvas.grab().toImage().convertToFormat(QImage.Format.Format_RGB32)
    qtbot.mousePress(canvas, LEFT, pos=start)
    qtbot.mouseMove(canvas, start + QPoint(10, 0))
    qtbot.mouseMove(canvas, end)
    during = canvas.grab().toImage().convertToFormat(QImage.Format.Format_RGB32)
    ratio = canvas.grab().devicePixelRatio()
    x, y = int(middle.x() * ratio), int(middle.y() * ratio)
    assert QColor(during.pixel(x, y)).lightness() > 200  # the white shaft
    assert during.pixel(x, y) != before.pixel(x, y)
    qtbot.keyClick(canvas, Qt.Key.Key_Escape)  # drop it
    qtbot.mouseRelease(canvas, LEFT, pos=end)
    assert len(document(canvas)) == 2


def test_default_colour_preference_colours_new_arrows(canvas, qtbot):
    canvas.default_colour = "#ffcc00"
    canvas.controller.set_tool("arrow")
    drag(qtbot, canvas, screen(canvas, (600, 300)), screen(canvas, (800, 500)))
    (new_id,) = canvas.tool.selected
    assert document(canvas).get(new_id).style.colour == "#ffcc00"


def test_ruler_tool_measures_between_press_and_release(canvas, qtbot):
    canvas.controller.set_tool("ruler")
    start, end = screen(canvas, (400, 900)), screen(canvas, (1600, 900))
    drag(qtbot, canvas, start, end)
    (ruler,) = [a for a in document(canvas).annotations if isinstance(a, Ruler)]
    assert close_to(ruler.start, image_point(canvas, start))
    assert close_to(ruler.end, image_point(canvas, end))
    assert canvas.tool.selected == {ruler.id}
    assert canvas.session().history.undo() and ruler.id not in document(canvas)


def test_text_tool_asks_for_the_text(canvas, qtbot, monkeypatch):
    monkeypatch.setattr(tool_dialogs, "ask_text", lambda parent, current="": "Brooker III")
    canvas.controller.set_tool("text")
    pos = screen(canvas, (1000, 200))
    click(qtbot, canvas, pos)
    (text,) = [a for a in document(canvas).annotations if isinstance(a, Text)]
    assert text.text == "Brooker III"
    assert close_to(text.anchor, image_point(canvas, pos))


def test_text_tool_adds_nothing_when_the_text_is_empty_or_cancelled(canvas, qtbot, monkeypatch):
    canvas.controller.set_tool("text")
    revision = document(canvas).revision
    for answer in ("", None):
        monkeypatch.setattr(tool_dialogs, "ask_text", lambda parent, current="", a=answer: a)
        click(qtbot, canvas, screen(canvas, (1000, 200)))
    assert document(canvas).revision == revision


def test_arrow_tool_can_ask_for_a_label_in_the_same_undo_step(canvas, qtbot, monkeypatch):
    monkeypatch.setattr(tool_dialogs, "ask_label", lambda parent, current: "HO")
    canvas.controller.set_tool("arrow")
    canvas.controller.tools["arrow"].ask_label = True
    drag(qtbot, canvas, screen(canvas, (600, 300)), screen(canvas, (800, 500)))
    (new_id,) = canvas.tool.selected
    assert document(canvas).get(new_id).label == "HO"
    assert canvas.session().history.undo()
    assert new_id not in document(canvas)


def test_nothing_is_drawn_on_a_locked_layer(canvas, qtbot):
    doc = document(canvas)
    doc.update_layer("findings", locked=True)
    messages = []
    canvas.controller.message.connect(messages.append)
    canvas.controller.set_tool("arrow")
    revision = doc.revision
    drag(qtbot, canvas, screen(canvas, (600, 300)), screen(canvas, (800, 500)))
    assert doc.revision == revision
    assert messages and "locked" in messages[-1]


# -- selecting and editing -----------------------------------------------------------


def test_click_on_the_shaft_selects_and_on_empty_space_clears(canvas, qtbot):
    shaft = screen(canvas, (189, 625))  # middle of the right hip arrow
    with qtbot.waitSignal(canvas.selection_changed) as signal:
        click(qtbot, canvas, shaft)
    assert signal.args == [[R_HIP]]
    assert canvas.tool.selected == {R_HIP}
    with qtbot.waitSignal(canvas.selection_changed) as signal:
        click(qtbot, canvas, screen(canvas, (1000, 1400)))
    assert signal.args == [[]]
    assert canvas.tool.selected == set()


def test_a_click_hits_within_a_few_screen_pixels_of_the_shaft(canvas, qtbot):
    mid, (nx, ny) = (189.0, 625.0), (-130 / 204.6, 158 / 204.6)  # normal to the shaft

    def beside(screen_px):
        step = screen_px / canvas.zoom
        return screen(canvas, (mid[0] + nx * step, mid[1] + ny * step))

    click(qtbot, canvas, beside(5))
    assert canvas.tool.selected == {R_HIP}
    click(qtbot, canvas, beside(-5))
    assert canvas.tool.selected == {R_HIP}
    click(qtbot, canvas, beside(16))
    assert canvas.tool.selected == set()


def test_the_label_selects_its_arrow(canvas, qtbot):
    # "HO" is drawn beyond the tail (110, 560), away from the head.
    click(qtbot, canvas, screen(canvas, (70, 528)))
    assert canvas.tool.selected == {R_HIP}


def test_shift_and_ctrl_click_toggle_and_escape_clears(canvas, qtbot):
    shift, ctrl = Qt.KeyboardModifier.ShiftModifier, Qt.KeyboardModifier.ControlModifier
    click(qtbot, canvas, screen(canvas, (189, 625)))
    click(qtbot, canvas, screen(canvas, (1759, 625)), shift)
    assert canvas.tool.selected == {R_HIP, L_HIP}
    click(qtbot, canvas, screen(canvas, (189, 625)), ctrl)
    assert canvas.tool.selected == {L_HIP}
    qtbot.keyClick(canvas, Qt.Key.Key_Escape)
    assert canvas.tool.selected == set()


def test_a_band_dragged_over_empty_space_selects_what_it_touches(canvas, qtbot):
    drag(qtbot, canvas, screen(canvas, (50, 500)), screen(canvas, (1950, 750)))
    assert canvas.tool.selected == {R_HIP, L_HIP}


def test_dragging_an_arrow_moves_it_whole_in_one_undo_step(canvas, qtbot):
    doc = document(canvas)
    original = doc.get(R_HIP)
    start, end = screen(canvas, (189, 625)), screen(canvas, (389, 725))
    drag(qtbot, canvas, start, end)
    moved = doc.get(R_HIP)
    (x0, y0), (x1, y1) = image_point(canvas, start), image_point(canvas, end)
    dx, dy = x1 - x0, y1 - y0
    assert moved.tail == pytest.approx((original.tail[0] + dx, original.tail[1] + dy), abs=0.01)
    assert moved.head == pytest.approx((original.head[0] + dx, original.head[1] + dy), abs=0.01)
    assert canvas.session().history.undo()
    assert doc.get(R_HIP).points == original.points


def test_escape_during_a_drag_puts_the_arrow_back(canvas, qtbot):
    doc = document(canvas)
    original = doc.get(R_HIP)
    start = screen(canvas, (189, 625))
    qtbot.mousePress(canvas, LEFT, pos=start)
    qtbot.mouseMove(canvas, start + QPoint(30, 30))
    qtbot.mouseMove(canvas, start + QPoint(60, 40))
    assert doc.get(R_HIP).tail != original.tail
    qtbot.keyClick(canvas, Qt.Key.Key_Escape)
    qtbot.mouseRelease(canvas, LEFT, pos=start + QPoint(60, 40))
    assert doc.get(R_HIP).points == original.points
    assert not canvas.session().history.can_undo
    assert canvas.tool.selected == {R_HIP}


def test_a_drag_past_the_edge_keeps_the_points_in_the_allowed_range(canvas, qtbot):
    doc = document(canvas)
    drag(qtbot, canvas, screen(canvas, (189, 625)), QPoint(1, 1))
    columns, rows = 2000, 1700
    for x, y in doc.get(R_HIP).points:
        assert -0.05 * columns <= x <= 1.05 * columns and -0.05 * rows <= y <= 1.05 * rows
    tail, head = doc.get(R_HIP).points
    assert (head[0] - tail[0], head[1] - tail[1]) == pytest.approx((158, 130))  # same shape


def test_dragging_the_head_handle_moves_only_the_head(canvas, qtbot):
    doc = document(canvas)
    click(qtbot, canvas, screen(canvas, (189, 625)))
    tail = doc.get(R_HIP).tail
    end = screen(canvas, (420, 820))
    drag(qtbot, canvas, screen(canvas, (268, 690)), end)
    assert doc.get(R_HIP).tail == tail
    assert close_to(doc.get(R_HIP).head, image_point(canvas, end))
    assert canvas.session().history.undo()
    assert doc.get(R_HIP).head == (268.0, 690.0)


def test_double_click_edits_the_label(canvas, qtbot, monkeypatch):
    asked = []

    def ask_label(parent, current):
        asked.append(current)
        return "HO right"

    monkeypatch.setattr(tool_dialogs, "ask_label", ask_label)
    qtbot.mouseDClick(canvas, LEFT, pos=screen(canvas, (189, 625)))
    assert asked == ["HO"]
    assert document(canvas).get(R_HIP).label == "HO right"


def test_double_click_on_a_text_edits_its_words(canvas, qtbot, monkeypatch):
    text = document(canvas).add(Text(anchor=(1000.0, 300.0), text="HO"))
    monkeypatch.setattr(tool_dialogs, "ask_text", lambda parent, current="": current + " L")
    qtbot.mouseDClick(canvas, LEFT, pos=screen(canvas, (1010, 315)))
    assert document(canvas).get(text.id).text == "HO L"


def test_delete_key_removes_the_selection_in_one_undo_step(canvas, qtbot):
    click(qtbot, canvas, screen(canvas, (189, 625)))
    click(qtbot, canvas, screen(canvas, (1759, 625)), Qt.KeyboardModifier.ShiftModifier)
    qtbot.keyClick(canvas, Qt.Key.Key_Delete)
    assert len(document(canvas)) == 0
    assert canvas.tool.selected == set()
    assert canvas.session().history.undo()
    assert {a.id for a in document(canvas).annotations} == {R_HIP, L_HIP}


def test_ctrl_d_duplicates_offset_by_two_percent(canvas, qtbot):
    click(qtbot, canvas, screen(canvas, (189, 625)))
    qtbot.keyClick(canvas, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    doc = document(canvas)
    (copy_id,) = canvas.tool.selected
    assert copy_id not in (R_HIP, L_HIP)
    copy, original = doc.get(copy_id), doc.get(R_HIP)
    assert copy.tail == pytest.approx((110 + 40, 560 + 34))
    assert copy.head == pytest.approx((268 + 40, 690 + 34))
    assert (copy.label, copy.finding, copy.layer) == (original.label, original.finding, "findings")
    assert copy.author == "Dr Tester"
    assert canvas.session().history.undo() and copy_id not in doc


def test_set_finding_and_colour_are_one_undo_step_each(canvas):
    doc = document(canvas)
    ids = [R_HIP, L_HIP]
    finding = Finding("osteophyte", "bilateral", None)
    assert set_finding(canvas, ids, finding) == 2
    assert all(doc.get(i).finding == finding for i in ids)
    assert set_colour(canvas, ids, "#ff0000") == 2
    assert all(doc.resolved_style(doc.get(i)).colour == "#ff0000" for i in ids)
    history = canvas.session().history
    assert history.undo()
    assert all(doc.get(i).style.colour is None for i in ids)
    assert history.undo()
    assert doc.get(R_HIP).finding.grade == "Brooker III"
    assert set_finding(canvas, [R_HIP], None) == 1 and doc.get(R_HIP).finding is None
    with pytest.raises(ValueError, match="colour"):
        set_colour(canvas, ids, "red")


def test_menu_finding_action_uses_the_dialog(canvas, qtbot, monkeypatch):
    seen = []

    def dialog(parent, current):
        seen.append(current)
        return Finding("fracture", "L", None)

    monkeypatch.setattr(tool_dialogs, "edit_finding_dialog", dialog)
    click(qtbot, canvas, screen(canvas, (189, 625)))
    canvas.controller.edit_actions["finding"].trigger()
    assert seen[0].grade == "Brooker III"
    assert document(canvas).get(R_HIP).finding == Finding("fracture", "L", None)


def test_locked_annotations_can_be_selected_and_copied_but_not_changed(canvas, qtbot):
    doc = document(canvas)
    doc.update_layer("findings", locked=True)
    original = doc.get(R_HIP)
    click(qtbot, canvas, screen(canvas, (189, 625)))
    assert canvas.tool.selected == {R_HIP}
    drag(qtbot, canvas, screen(canvas, (189, 625)), screen(canvas, (600, 900)))
    qtbot.keyClick(canvas, Qt.Key.Key_Delete)
    assert set_finding(canvas, [R_HIP], None) == 0
    assert delete(canvas, [R_HIP]) == 0
    assert doc.get(R_HIP) == original
    assert clipboard.copy_annotations(canvas) == 1


# -- copy and paste ------------------------------------------------------------------


def test_copy_then_paste_onto_an_image_of_another_size_scales_points(
    canvas, make_canvas, tmp_path, pydicom_files, qtbot
):
    ct = tmp_path / "other" / "CT_small.dcm"  # 128 x 128
    ct.parent.mkdir()
    shutil.copy(pydicom_files / "CT_small.dcm", ct)
    click(qtbot, canvas, screen(canvas, (189, 625)))
    click(qtbot, canvas, screen(canvas, (1759, 625)), Qt.KeyboardModifier.ShiftModifier)
    assert canvas.controller.copy() == 2
    mime = QGuiApplication.clipboard().mimeData()
    assert mime.hasFormat(clipboard.MIME_TYPE) and mime.hasText()
    copied = json.loads(bytes(mime.data(clipboard.MIME_TYPE).data()))
    assert (copied["image"]["columns"], copied["image"]["rows"]) == (2000, 1700)

    other = make_canvas(ct)
    session = other.session()
    pasted = other.controller.paste()
    assert len(pasted) == 2
    assert other.tool.selected == set(pasted)
    arrows = {session.document.get(i).finding.laterality: session.document.get(i) for i in pasted}
    assert arrows["R"].tail == pytest.approx((110 * 128 / 2000, 560 * 128 / 1700))
    assert arrows["R"].head == pytest.approx((268 * 128 / 2000, 690 * 128 / 1700))
    assert arrows["L"].label == "HO" and arrows["L"].author == "Dr Tester"
    assert {a.layer for a in arrows.values()} == {"findings"}
    assert session.history.undo()  # one step
    assert len(session.document) == 0
    assert document(canvas).get(R_HIP).tail == (110.0, 560.0)  # the source is untouched


def test_paste_back_onto_the_same_image_is_offset(canvas, qtbot):
    click(qtbot, canvas, screen(canvas, (189, 625)))
    qtbot.keyClick(canvas, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(canvas, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    (pasted,) = canvas.tool.selected
    assert document(canvas).get(pasted).tail == pytest.approx((150, 594))


def test_paste_of_text_that_is_not_annotations_does_nothing(canvas):
    QGuiApplication.clipboard().setText('{"format": "something else"}')
    revision = document(canvas).revision
    assert canvas.controller.paste() == []
    QGuiApplication.clipboard().setText("not json at all")
    assert canvas.controller.paste() == []
    assert document(canvas).revision == revision


# -- a rotated and mirrored view (the real canvas) -----------------------------------


def test_tools_work_in_a_rotated_and_mirrored_view(canvas, qtbot):
    canvas.rotate(90)
    canvas.flip(True)
    doc = document(canvas)
    click(qtbot, canvas, screen(canvas, (189, 625)))
    assert canvas.tool.selected == {R_HIP}
    end = screen(canvas, (420, 820))
    drag(qtbot, canvas, screen(canvas, (268, 690)), end)  # the head handle
    assert doc.get(R_HIP).tail == (110.0, 560.0)
    assert close_to(doc.get(R_HIP).head, image_point(canvas, end))
    canvas.controller.set_tool("arrow")
    start, end = screen(canvas, (900, 300)), screen(canvas, (1000, 700))
    drag(qtbot, canvas, start, end)
    (new_id,) = canvas.tool.selected
    assert close_to(doc.get(new_id).tail, image_point(canvas, start))
    assert close_to(doc.get(new_id).head, image_point(canvas, end))


# -- read-only -------------------------------------------------------------------------


def test_a_read_only_session_is_never_edited(make_canvas, film, qtbot, monkeypatch):
    sidecar = film.with_name(film.name + SIDECAR)
    sidecar.write_bytes(b'{"format": "hoview.annotations", broken')
    before = sidecar.read_bytes()
    canvas = make_canvas(film)
    session = canvas.session()
    assert session.read_only
    doc = session.document
    revision = doc.revision
    monkeypatch.setattr(tool_dialogs, "ask_text", lambda parent, current="": "HO")
    for name in ("arrow", "ruler", "text", "select"):
        canvas.controller.set_tool(name)
        drag(qtbot, canvas, screen(canvas, (600, 300)), screen(canvas, (800, 500)))
        click(qtbot, canvas, screen(canvas, (900, 900)))
    QGuiApplication.clipboard().setText(json.dumps(clipboard_payload()))
    assert canvas.controller.paste() == []
    qtbot.keyClick(canvas, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    assert doc.revision == revision and len(doc) == 0
    assert session.state is SaveState.READ_ONLY
    session.flush()  # nothing to save: a read-only sidecar is never written
    assert sidecar.read_bytes() == before


def clipboard_payload() -> dict:
    return {
        "format": clipboard.FORMAT,
        "version": clipboard.VERSION,
        "image": {"columns": 100, "rows": 100, "key": "x"},
        "annotations": [{"kind": "arrow", "points": [[10, 10], [50, 50]], "label": "HO"}],
    }


# -- the controller and dialogs ---------------------------------------------------------


def test_controller_offers_checkable_tool_actions_with_shortcuts(canvas):
    controller = canvas.controller
    actions = controller.actions
    assert list(actions)[:4] == ["select", "arrow", "text", "ruler"]  # measuring tools follow
    shortcuts = {name: [k.toString() for k in a.shortcuts()] for name, a in actions.items()}
    assert shortcuts | {"select": ["S", "V"], "arrow": ["A"], "text": ["T"], "ruler": ["M"]} == (
        shortcuts
    )
    assert controller.action_group.isExclusive()
    assert isinstance(canvas.tool, SelectTool) and actions["select"].isChecked()
    changes = []
    controller.tool_changed.connect(changes.append)
    actions["arrow"].trigger()
    assert isinstance(canvas.tool, ArrowTool) and actions["arrow"].isChecked()
    actions["ruler"].trigger()
    assert isinstance(canvas.tool, RulerTool) and not actions["arrow"].isChecked()
    controller.set_tool("text")
    assert isinstance(canvas.tool, TextTool)
    assert changes == ["arrow", "ruler", "text"]
    with pytest.raises(ValueError, match="no tool"):
        controller.set_tool("lasso")
    edit = {
        a.text().replace("&", ""): a.shortcut().toString() for a in controller.edit_actions.values()
    }
    assert edit == {
        "Copy annotations": "Ctrl+C",
        "Paste annotations": "Ctrl+V",
        "Duplicate": "Ctrl+D",
        "Delete": "Del",
        "Finding...": "",
        "Colour...": "",
        "Remove calibration": "",
    }


def test_edit_actions_act_on_the_selection(canvas, qtbot, monkeypatch):
    monkeypatch.setattr(tool_dialogs, "ask_colour", lambda parent, current: "#00ff00")
    actions = canvas.controller.edit_actions
    click(qtbot, canvas, screen(canvas, (189, 625)))
    actions["colour"].trigger()
    assert document(canvas).get(R_HIP).style.colour == "#00ff00"
    actions["duplicate"].trigger()
    (copy_id,) = canvas.tool.selected
    actions["delete"].trigger()
    assert copy_id not in document(canvas) and canvas.tool.selected == set()


def test_selection_is_kept_when_switching_tools(canvas, qtbot):
    click(qtbot, canvas, screen(canvas, (189, 625)))
    canvas.controller.set_tool("arrow")
    assert canvas.tool.selected == {R_HIP}
    qtbot.keyClick(canvas, Qt.Key.Key_Backspace)
    assert R_HIP not in document(canvas)


def test_finding_dialog_builds_a_finding(qtbot):
    dialog = tool_dialogs.FindingDialog(Finding("heterotopic ossification", "R", "Brooker II"))
    qtbot.addWidget(dialog)
    assert dialog.finding() == Finding("heterotopic ossification", "R", "Brooker II")
    dialog.finding_box.setEditText("fracture")
    dialog.laterality_box.setCurrentIndex(dialog.laterality_box.findData("bilateral"))
    dialog.grade_box.setEditText("")
    assert dialog.finding() == Finding("fracture", "bilateral", None)
    dialog.finding_box.setEditText("  ")
    assert dialog.finding() is None
    assert not dialog.buttons.button(dialog.buttons.StandardButton.Ok).isEnabled()
    empty = tool_dialogs.FindingDialog(None)
    qtbot.addWidget(empty)
    assert empty.finding() is None and empty.laterality_box.currentData() is None
