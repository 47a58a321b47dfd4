"""The gap for a Brooker grade, from an arrow's context menu, under pytest-qt.

The film has Pixel Spacing 0.5 mm, so a gap of 16 pixels is 8 mm (Brooker III: less
than 1 cm between the opposing bone surfaces), 24 pixels 12 mm and 20 pixels exactly
10 mm (Brooker II: at least 1 cm); a bridging gap is Brooker IV (Brooker et al. 1973).
The sample's left-hip arrow carries the reader's grade "Brooker II", which hoview never
overwrites: its suggestion is kept apart.
"""

from __future__ import annotations

import pytest
from measure_helpers import (
    choose,
    context_menu,
    dicom_film,
    drag,
    menu_texts,
    one_to_one,
    screen,
    tool_canvas,
)
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QDialog

from hoview.annotations import Finding, Gap
from hoview.annotations.measures import measure
from hoview.ui import tool_dialogs
from hoview.ui.annotation_menu import BRIDGING, MEASURE_GAP
from hoview.ui.tool_support import measuring_spacing

L_HIP = "dx-l-hip"  # tail (1840, 560), head (1678, 690); grade "Brooker II"
L_HIP_MIDDLE = (1759, 625)


@pytest.fixture(autouse=True)
def _data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("HOVIEW_DATA_DIR", str(tmp_path / "user-data"))


@pytest.fixture
def film(tmp_path, sample_data_dir):
    return dicom_film(tmp_path / "film", sample_data_dir, (0.5, 0.5))


@pytest.fixture
def canvas(qtbot, film):
    """The film on a canvas of 900 x 780 at zoom 1, centred near the left hip."""
    return tool_canvas(qtbot, film, (1600, 800))


def arrow(canvas):
    return canvas.session().document.get(L_HIP)


def gaps(canvas):
    return [a for a in canvas.session().document.annotations if isinstance(a, Gap)]


def measure_gap(qtbot, canvas, start, length_px):
    """From the arrow's menu, drag a horizontal gap of ``length_px`` from image ``start``."""
    menu = context_menu(qtbot, canvas.controller, canvas, screen(canvas, L_HIP_MIDDLE))
    choose(menu, MEASURE_GAP)
    assert canvas.controller.current == "gap"
    end = (start[0] + length_px, start[1])
    drag(qtbot, canvas, screen(canvas, start), screen(canvas, end))


def test_a_gap_from_the_arrows_menu_names_it_and_suggests_brooker_iii(canvas, qtbot):
    assert arrow(canvas).finding.suggested_grade is None
    measure_gap(qtbot, canvas, (1500, 900), 16)

    (gap,) = gaps(canvas)
    assert gap.arrow == L_HIP
    assert (gap.layer, gap.frame, gap.bridging) == ("findings", 1, False)
    assert gap.points == ((1500, 900), (1516, 900))
    assert measure(gap, measuring_spacing(canvas)).text == "8.0 mm"
    finding = arrow(canvas).finding
    assert finding.suggested_grade == "Brooker III"  # 16 px x 0.5 mm = 8 mm < 10 mm
    assert finding.grade == "Brooker II"  # the reader's choice stays


@pytest.mark.parametrize(("pixels", "grade"), [(24, "Brooker II"), (20, "Brooker II")])
def test_a_gap_of_at_least_10_mm_suggests_brooker_ii(canvas, qtbot, pixels, grade):
    measure_gap(qtbot, canvas, (1500, 900), pixels)
    assert arrow(canvas).finding.suggested_grade == grade


def test_only_the_next_gap_belongs_to_the_arrow(canvas, qtbot):
    measure_gap(qtbot, canvas, (1500, 900), 16)
    drag(qtbot, canvas, screen(canvas, (1500, 1000)), screen(canvas, (1540, 1000)))
    first, second = gaps(canvas)
    assert (first.arrow, second.arrow) == (L_HIP, None)
    assert arrow(canvas).finding.suggested_grade == "Brooker III"


def test_marking_the_gap_bridging_suggests_brooker_iv_and_back(canvas, qtbot):
    measure_gap(qtbot, canvas, (1500, 900), 24)
    assert arrow(canvas).finding.suggested_grade == "Brooker II"
    menu = context_menu(qtbot, canvas.controller, canvas, screen(canvas, (1512, 900)))
    (bridging,) = [a for a in menu.actions() if a.text() == BRIDGING]
    assert bridging.isCheckable() and not bridging.isChecked()
    choose(menu, BRIDGING)
    (gap,) = gaps(canvas)
    assert gap.bridging
    assert measure(gap, measuring_spacing(canvas)).text == "bridging"
    assert arrow(canvas).finding.suggested_grade == "Brooker IV"
    menu = context_menu(qtbot, canvas.controller, canvas, screen(canvas, (1512, 900)))
    assert [a for a in menu.actions() if a.text() == BRIDGING][0].isChecked()
    choose(menu, BRIDGING)
    assert not gaps(canvas)[0].bridging
    assert arrow(canvas).finding.suggested_grade == "Brooker II"


def test_moving_a_gaps_end_updates_the_suggestion_in_the_same_undo_step(canvas, qtbot):
    measure_gap(qtbot, canvas, (1500, 900), 16)
    canvas.controller.set_tool("select")
    qtbot.mouseClick(canvas, Qt.MouseButton.LeftButton, pos=screen(canvas, (1508, 900)))
    drag(qtbot, canvas, screen(canvas, (1516, 900)), screen(canvas, (1524, 900)))
    assert gaps(canvas)[0].points == ((1500, 900), (1524, 900))
    assert arrow(canvas).finding.suggested_grade == "Brooker II"  # 12 mm
    canvas.session().history.undo()
    assert gaps(canvas)[0].points == ((1500, 900), (1516, 900))
    assert arrow(canvas).finding.suggested_grade == "Brooker III"


def test_no_gap_for_an_arrow_of_another_finding(canvas, qtbot):
    doc = canvas.session().document
    doc.update(L_HIP, finding=Finding("fracture", "L"))
    menu = context_menu(qtbot, canvas.controller, canvas, screen(canvas, L_HIP_MIDDLE))
    assert MEASURE_GAP not in menu_texts(menu)
    assert "Edit label..." in menu_texts(menu)
    menu.close()


def test_the_finding_dialog_shows_the_suggestion_and_keeps_the_readers_grade(
    canvas, qtbot, monkeypatch
):
    measure_gap(qtbot, canvas, (1500, 900), 16)
    seen = []

    def run(dialog):
        seen.append((dialog.suggestion_label.text(), dialog.grade_box.currentText()))
        assert dialog.suggestion_label.isVisibleTo(dialog)
        dialog.grade_box.setEditText("Brooker I")  # the reader disagrees
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(tool_dialogs.FindingDialog, "exec", run)
    canvas.controller.set_tool("select")
    qtbot.mouseClick(canvas, Qt.MouseButton.LeftButton, pos=screen(canvas, L_HIP_MIDDLE))
    assert canvas.controller.edit_finding() == 1
    assert seen == [("suggested: Brooker III from a 8.0 mm gap", "Brooker II")]
    finding = arrow(canvas).finding
    assert (finding.grade, finding.suggested_grade) == ("Brooker I", "Brooker III")

    def use_suggestion(dialog):
        dialog.use_suggestion.click()
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(tool_dialogs.FindingDialog, "exec", use_suggestion)
    canvas.controller.edit_finding()
    assert arrow(canvas).finding.grade == "Brooker III"


def test_ctrl_z_undoes_the_gap_and_the_suggestion_together(window, qtbot, film):
    window.open_paths([film], wait=True)
    canvas = window.canvas
    qtbot.waitUntil(lambda: canvas.frame is not None)
    one_to_one(canvas, (1600, 800))
    menu = context_menu(qtbot, window.tools, canvas, screen(canvas, L_HIP_MIDDLE))
    choose(menu, MEASURE_GAP)
    start = screen(canvas, (1500, 900))
    drag(qtbot, canvas, start, start + QPoint(16, 0))
    (gap,) = gaps(canvas)
    assert gap.length((0.5, 0.5)) == (8.0, "mm")
    assert arrow(canvas).finding.suggested_grade == "Brooker III"

    canvas.setFocus()
    qtbot.keyClick(canvas, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert gaps(canvas) == []
    assert arrow(canvas).finding.suggested_grade is None
    assert arrow(canvas).finding.grade == "Brooker II"
    qtbot.keyClick(canvas, Qt.Key.Key_Y, Qt.KeyboardModifier.ControlModifier)
    assert len(gaps(canvas)) == 1
    assert arrow(canvas).finding.suggested_grade == "Brooker III"

    # Deleting the gap takes the suggestion with it; one undo brings both back.
    window.tools.set_tool("select")
    qtbot.mouseClick(canvas, Qt.MouseButton.LeftButton, pos=start + QPoint(8, 0))
    qtbot.keyClick(canvas, Qt.Key.Key_Delete)
    assert gaps(canvas) == [] and arrow(canvas).finding.suggested_grade is None
    qtbot.keyClick(canvas, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert len(gaps(canvas)) == 1
    assert arrow(canvas).finding.suggested_grade == "Brooker III"

    # The sidecar keeps the gap's arrow and both grades.
    session = canvas.session()
    assert session.save_now()
    import json

    saved = json.loads(session.saved_to.read_text("utf-8"))
    (stored,) = [a for a in saved["annotations"] if a["kind"] == "gap"]
    assert stored["arrow"] == L_HIP
    (left,) = [a for a in saved["annotations"] if a["id"] == L_HIP]
    assert left["finding"]["grade"] == "Brooker II"
    assert left["finding"]["suggested_grade"] == "Brooker III"


def test_the_menu_key_opens_the_arrows_menu_too(canvas, qtbot):
    from PySide6.QtGui import QContextMenuEvent
    from PySide6.QtWidgets import QApplication

    pos = screen(canvas, L_HIP_MIDDLE)
    event = QContextMenuEvent(QContextMenuEvent.Reason.Keyboard, pos, canvas.mapToGlobal(pos))
    QApplication.sendEvent(canvas, event)
    menu = canvas.controller.context_menu
    assert menu is not None and MEASURE_GAP in menu_texts(menu)
    assert canvas.tool.selected == {L_HIP}
    menu.close()


def test_a_right_drag_changes_the_window_and_opens_no_menu(canvas, qtbot):
    before = canvas.state.window
    start = screen(canvas, L_HIP_MIDDLE)
    qtbot.mousePress(canvas, Qt.MouseButton.RightButton, pos=start)
    qtbot.mouseMove(canvas, start + QPoint(40, 0))
    qtbot.mouseRelease(canvas, Qt.MouseButton.RightButton, pos=start + QPoint(40, 0))
    assert canvas.controller.context_menu is None
    assert canvas.state.window.width > before.width
