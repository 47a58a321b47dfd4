"""The Findings dock: rows with values, click to go there, filters, copy for a report."""

from __future__ import annotations

import shutil

import pytest
from enhanced_dicom import write_enhanced
from PySide6.QtCore import QPointF, Qt
from PySide6.QtWidgets import QApplication

from hoview.annotations import Angle, Arrow, CobbAngle, Finding, Gap, Ruler, Text
from hoview.annotations.calibration import Calibration

HO = "heterotopic ossification"
HEADER = "Kind\tLabel\tFinding\tLaterality\tGrade\tLayer\tFrame\tAuthor\tValue"


@pytest.fixture
def film(tmp_path):
    """A 4-frame 64 x 64 image at 0.5 mm per pixel (frames in file order)."""
    return write_enhanced(tmp_path / "hips.dcm", frames=4, rows=64, columns=64)


@pytest.fixture
def opened(window, film, qtbot):
    """The window with the film open; returns (window, document)."""
    window.open_paths([film], wait=True)
    qtbot.waitUntil(lambda: window.canvas.frame is not None)
    return window, window.canvas.session().document


def cells(panel):
    return [row.cells() for row in panel.rows()]


def click_row(qtbot, panel, row):
    table = panel.table
    rect = table.visualRect(panel.model.index(row, 0))
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def test_rows_give_kind_finding_grade_and_values_computed_by_hand(opened, qtbot):
    window, document = opened
    panel = window.findings_panel
    assert window.findings_dock.isVisible() and panel.rows() == []
    arrow = document.add(
        Arrow(
            tail=(10, 10),
            head=(20, 20),
            frame=3,
            label="HO",
            author="dr who",
            finding=Finding(HO, laterality="R", suggested_grade="Brooker III"),
        )
    )
    document.add(Ruler(start=(10, 10), end=(40, 10), frame=2, author="dr who"))  # 30 px
    document.add(Angle(start=(10, 30), vertex=(30, 30), end=(30, 10), frame=2))
    document.add(
        CobbAngle(
            first_start=(0, 40), first_end=(20, 40), second_start=(30, 50), second_end=(40, 40)
        )
    )
    document.add(Gap(start=(20, 20), end=(20, 28), frame=3, arrow=arrow.id))  # 8 px
    document.add(Gap(start=(5, 5), end=(5, 5), frame=4, bridging=True))
    document.add(Text(anchor=(50, 50), text="see lateral", frame=4))
    qtbot.waitUntil(lambda: len(panel.rows()) == 7)
    assert cells(panel) == [
        ("Cobb angle", "", "", "", "", "Findings", "1", "", "45.0°"),
        ("ruler", "", "", "", "", "Findings", "2", "dr who", "15.0 mm"),
        ("angle", "", "", "", "", "Findings", "2", "", "90.0°"),
        ("arrow", "HO", HO, "R", "— (suggested Brooker III)", "Findings", "3", "dr who", ""),
        ("gap", "", "", "", "", "Findings", "3", "", "4.0 mm"),
        ("gap", "", "", "", "", "Findings", "4", "", "bridging"),
        ("text", "see lateral", "", "", "", "Findings", "4", "", ""),
    ]
    # the reader's grade shows; a different suggestion beside it
    document.update(arrow.id, finding=Finding(HO, "R", "Brooker II", "Brooker III"))
    qtbot.waitUntil(lambda: panel.rows()[3].grade == "Brooker II (suggested Brooker III)")
    document.update(arrow.id, finding=Finding(HO, "R", "Brooker III", "Brooker III"))
    qtbot.waitUntil(lambda: panel.rows()[3].grade == "Brooker III")
    # a user calibration (20 mm over 10 px: 2 mm per pixel) comes first
    document.set_calibration(Calibration(start=(0, 0), end=(10, 0), length_mm=20.0))
    qtbot.waitUntil(lambda: panel.rows()[1].value == "60.0 mm calibrated")
    assert panel.rows()[4].value == "16.0 mm calibrated"
    assert panel.rows()[2].value == "90.0°"


def test_clicking_a_row_goes_to_its_frame_centres_and_selects_it(opened, qtbot):
    window, document = opened
    panel, canvas = window.findings_panel, window.canvas
    first = document.add(Arrow(tail=(5, 5), head=(9, 9), frame=1))
    third = document.add(Ruler(start=(40, 10), end=(56, 22), frame=3))
    qtbot.waitUntil(lambda: len(panel.rows()) == 2)
    assert canvas.frame.number == 1
    zoom = canvas.zoom
    click_row(qtbot, panel, 1)
    assert canvas.frame.number == 3 and window.frame_bar.slider.value() == 2
    assert canvas.state.selection == (third.id,)
    centre = canvas.image_transform().map(QPointF(48, 16))  # the ruler's middle
    assert centre.x() == pytest.approx(canvas.width() / 2, abs=0.5)
    assert centre.y() == pytest.approx(canvas.height() / 2, abs=0.5)
    assert canvas.zoom == pytest.approx(zoom)  # the zoom stays
    # Enter on a row does the same
    panel.table.setFocus()
    panel.table.setCurrentIndex(panel.model.index(0, 0))
    qtbot.keyClick(panel.table, Qt.Key.Key_Return)
    assert canvas.frame.number == 1 and canvas.state.selection == (first.id,)
    middle = canvas.image_transform().map(QPointF(7, 7))
    assert middle.x() == pytest.approx(canvas.width() / 2, abs=0.5)
    # selecting on the canvas highlights the row
    canvas.set_frame_index(2)
    canvas.state.selection = (third.id,)
    selected = panel.table.selectionModel().selectedRows()
    assert [index.row() for index in selected] == [1]


def test_filters_by_layer_and_by_finding(opened, qtbot):
    window, document = opened
    panel = window.findings_panel
    measures = document.add_layer("Measurements")
    document.add(Arrow(tail=(5, 5), head=(9, 9), finding=Finding(HO, "R")))
    document.add(Arrow(tail=(15, 5), head=(19, 9), finding=Finding(HO, "L")))
    document.add(Arrow(tail=(25, 5), head=(29, 9), frame=2, finding=Finding("fracture")))
    document.add(Ruler(start=(1, 1), end=(11, 1), layer=measures.id))
    qtbot.waitUntil(lambda: len(panel.rows()) == 4)
    layers = [panel.layer_filter.itemText(i) for i in range(panel.layer_filter.count())]
    findings = [panel.finding_filter.itemText(i) for i in range(panel.finding_filter.count())]
    assert layers == ["All layers", "Findings", "Measurements"]
    assert findings == ["All findings", "fracture", HO]
    panel.layer_filter.setCurrentIndex(2)
    assert [row.kind for row in panel.rows()] == ["ruler"]
    assert panel.count_label.text() == "1 of 4 annotations"
    panel.layer_filter.setCurrentIndex(1)
    panel.finding_filter.setCurrentIndex(2)
    assert [row.laterality for row in panel.rows()] == ["R", "L"]
    panel.set_finding_filter("fracture")
    assert [(row.finding, row.frame) for row in panel.rows()] == [("fracture", 2)]
    # a new annotation of the chosen finding shows; the filter stays
    document.add(Arrow(tail=(35, 5), head=(39, 9), frame=4, finding=Finding("fracture")))
    qtbot.waitUntil(lambda: len(panel.rows()) == 2)
    assert panel.finding_filter.currentText() == "fracture"
    panel.set_layer_filter(None)
    panel.set_finding_filter(None)
    assert len(panel.rows()) == 5


def test_copy_puts_the_rows_shown_on_the_clipboard_as_tab_separated_text(opened, qtbot):
    window, document = opened
    panel = window.findings_panel
    clipboard = QApplication.clipboard()
    clipboard.setText("")
    document.add(Arrow(tail=(5, 5), head=(9, 9), label="HO\tright", finding=Finding(HO, "R")))
    document.add(Ruler(start=(10, 10), end=(40, 10), frame=2, author="reader"))
    qtbot.waitUntil(lambda: len(panel.rows()) == 2)
    qtbot.mouseClick(panel.copy_button, Qt.MouseButton.LeftButton)
    assert clipboard.text() == (
        f"{HEADER}\n"
        f"arrow\tHO right\t{HO}\tR\t\tFindings\t1\t\t\n"
        "ruler\t\t\t\t\tFindings\t2\treader\t15.0 mm\n"
    )
    assert "TEST" not in clipboard.text()  # no patient name, no patient ID
    # Ctrl+C in the table copies the rows shown (filtered), not the annotations
    clipboard.setText("")
    panel.set_finding_filter(HO)
    panel.table.setFocus()
    qtbot.keyClick(panel.table, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    assert clipboard.text() == f"{HEADER}\narrow\tHO right\t{HO}\tR\t\tFindings\t1\t\t\n"
    assert len(window.canvas.session().document) == 2  # nothing pasted or duplicated


def test_the_panel_follows_edits_layers_and_the_series(window, qtbot, tmp_path, sample_data_dir):
    folder = shutil.copytree(sample_data_dir / "ct_hips", tmp_path / "ct_hips")
    window.open_paths([folder], wait=True)
    qtbot.waitUntil(lambda: window.canvas.frame is not None)
    panel, canvas = window.findings_panel, window.canvas
    places = {f.source.path.name: i + 1 for i, f in enumerate(canvas.series.frames)}
    # every image of the series with a sidecar, each at its place in the series
    qtbot.waitUntil(lambda: len(panel.rows()) == 5)
    expected = sorted(
        [places["ct_010.dcm"]] + [places["ct_017.dcm"]] * 2 + [places["ct_019.dcm"]] * 2
    )
    assert [row.frame for row in panel.rows()] == expected
    assert {row.laterality for row in panel.rows()} == {"R", "L"}
    # an arrow drawn on another slice appears; its layer hidden greys it, still listed
    canvas.set_frame_index(0)
    document = canvas.session().document
    added = document.add(Arrow(tail=(5, 5), head=(9, 9), layer=document.layers[0].id))
    qtbot.waitUntil(lambda: len(panel.rows()) == 6)
    assert panel.rows()[0].annotation_id == added.id and panel.rows()[0].shown
    document.set_layer_visible(document.layers[0].id, False)
    qtbot.waitUntil(lambda: not panel.rows()[0].shown)
    document.remove(added.id)
    qtbot.waitUntil(lambda: len(panel.rows()) == 5)
    # the View menu hides and shows the dock
    toggle = window.actions_by_text["Findings panel"]
    toggle.trigger()
    assert not window.findings_dock.isVisible()
    toggle.trigger()
    assert window.findings_dock.isVisible()


def test_the_panel_lists_the_active_viewports_series(window, qtbot, tmp_path):
    folder = tmp_path / "study"
    folder.mkdir()
    write_enhanced(folder / "a.dcm", frames=2, rows=32, columns=32)
    write_enhanced(folder / "b.dcm", frames=3, rows=32, columns=32)
    window.open_paths([folder], wait=True)
    viewer, panel = window.viewer, window.findings_panel
    viewer.set_layout(1, 2)
    first, second = viewer.viewports
    assert first.series is not second.series and second.series is not None
    first.session().document.add(Arrow(tail=(1, 1), head=(5, 5), label="first"))
    second.session().document.add(Arrow(tail=(1, 1), head=(5, 5), frame=2, label="second"))
    qtbot.waitUntil(lambda: [row.label for row in panel.rows()] == ["first"])
    viewer.set_active(second)
    qtbot.waitUntil(lambda: [row.label for row in panel.rows()] == ["second"])
    click_row(qtbot, panel, 0)
    assert second.frame.number == 2 and first.frame.number == 1
    assert second.state.selection == (panel.rows()[0].annotation_id,)
