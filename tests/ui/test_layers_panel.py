"""The layers panel under pytest-qt: the document is the one source of truth, both ways."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QApplication, QMessageBox, QStyle, QStyleOptionViewItem

from hoview.annotations import AnnotationDocument, Arrow, History, Layer
from hoview.ui.annotation_session import AnnotationSession
from hoview.ui.layers_panel import (
    COLOUR_COLUMN,
    COUNT_COLUMN,
    LOCK_COLUMN,
    NAME_COLUMN,
    VISIBLE_COLUMN,
    LayersPanel,
)

IDENTITY = {"sha256": "0" * 64, "columns": 100, "rows": 100, "frames": 1}
CHECKED, UNCHECKED = Qt.CheckState.Checked, Qt.CheckState.Unchecked


def make_document() -> AnnotationDocument:
    layers = [
        Layer(name="Findings", id="findings", order=0),
        Layer(name="Teaching", id="teaching", order=1, colour="#ffff00"),
        Layer(name="Measurements", id="measure", order=2),
    ]
    arrows = [
        Arrow(tail=(10, 10), head=(50, 50), layer="findings", id="a1"),
        Arrow(tail=(20, 10), head=(60, 50), layer="findings", id="a2"),
        Arrow(tail=(30, 10), head=(70, 50), layer="teaching", id="a3"),
    ]
    return AnnotationDocument(IDENTITY, layers, arrows)


@pytest.fixture
def document() -> AnnotationDocument:
    return make_document()


@pytest.fixture
def history(document) -> History:
    return History(document)


@pytest.fixture
def panel(qtbot, document, history) -> LayersPanel:
    widget = LayersPanel()
    qtbot.addWidget(widget)
    widget.set_document(document, history=history)
    widget.resize(420, 300)
    return widget


def rows(panel: LayersPanel) -> list[str]:
    tree = panel.tree
    return [tree.topLevelItem(r).text(NAME_COLUMN) for r in range(tree.topLevelItemCount())]


def item(panel: LayersPanel, layer_id: str):
    found = panel.item_for_layer(layer_id)
    assert found is not None, layer_id
    return found


def swatch_colour(panel: LayersPanel, layer_id: str) -> str:
    pixmap = item(panel, layer_id).icon(COLOUR_COLUMN).pixmap(14, 14)
    return pixmap.toImage().pixelColor(7, 7).name()


def orders(document: AnnotationDocument) -> dict[str, int]:
    return {layer.id: layer.order for layer in document.layers}


# -- showing the document ---------------------------------------------------------


def test_shows_layers_top_of_list_drawn_on_top_with_counts(panel):
    assert rows(panel) == ["Measurements", "Teaching", "Findings"]
    assert item(panel, "findings").text(COUNT_COLUMN) == "2"
    assert item(panel, "teaching").text(COUNT_COLUMN) == "1"
    assert item(panel, "measure").text(COUNT_COLUMN) == "0"
    assert panel.show_annotations_box.isChecked()
    assert panel.current_layer_id() == "measure"


def test_empty_panel_without_document(qtbot):
    widget = LayersPanel()
    qtbot.addWidget(widget)
    assert widget.tree.topLevelItemCount() == 0
    assert widget.current_layer_id() is None
    assert not widget.add_button.isEnabled()
    assert widget.add_layer() is None


def test_grab_is_not_blank(panel, qtbot):
    panel.show()
    qtbot.waitExposed(panel)
    image = panel.grab().toImage().convertToFormat(panel.grab().toImage().Format.Format_RGB32)
    bits = np.frombuffer(image.constBits(), np.uint8, count=image.sizeInBytes())
    assert image.width() > 100 and len(np.unique(bits)) > 8


# -- visibility ------------------------------------------------------------------------


def test_set_layer_invisible_makes_item_unchecked(panel, document):
    document.set_layer_visible("teaching", False)
    assert item(panel, "teaching").checkState(VISIBLE_COLUMN) == UNCHECKED
    assert item(panel, "findings").checkState(VISIBLE_COLUMN) == CHECKED


def test_unchecking_item_makes_layer_invisible(panel, document):
    revision = document.revision
    item(panel, "teaching").setCheckState(VISIBLE_COLUMN, UNCHECKED)
    assert document.layer("teaching").visible is False
    assert document.revision == revision + 1  # refreshing the row did not write again
    item(panel, "teaching").setCheckState(VISIBLE_COLUMN, CHECKED)
    assert document.layer("teaching").visible is True


def test_clicking_the_check_box_hides_the_layer(panel, document, qtbot):
    panel.show()
    qtbot.waitExposed(panel)
    tree = panel.tree
    index = tree.indexFromItem(item(panel, "findings"), VISIBLE_COLUMN)
    option = QStyleOptionViewItem()
    option.rect = tree.visualRect(index)
    option.features |= QStyleOptionViewItem.ViewItemFeature.HasCheckIndicator
    box = tree.style().subElementRect(QStyle.SubElement.SE_ItemViewItemCheckIndicator, option, tree)
    qtbot.mouseClick(tree.viewport(), Qt.MouseButton.LeftButton, pos=box.center())
    assert document.layer("findings").visible is False
    assert item(panel, "findings").checkState(VISIBLE_COLUMN) == UNCHECKED


def test_undo_of_a_visibility_change_shows_in_the_panel(panel, document, history):
    item(panel, "findings").setCheckState(VISIBLE_COLUMN, UNCHECKED)
    assert history.undo()
    assert document.layer("findings").visible is True
    assert item(panel, "findings").checkState(VISIBLE_COLUMN) == CHECKED
    assert history.redo()
    assert item(panel, "findings").checkState(VISIBLE_COLUMN) == UNCHECKED


def test_solo_and_show_all_buttons(panel, document, qtbot):
    panel.set_current_layer("teaching")
    qtbot.mouseClick(panel.solo_button, Qt.MouseButton.LeftButton)
    assert [la.visible for la in document.layers] == [False, True, False]
    assert item(panel, "findings").checkState(VISIBLE_COLUMN) == UNCHECKED
    assert item(panel, "teaching").checkState(VISIBLE_COLUMN) == CHECKED
    qtbot.mouseClick(panel.show_all_button, Qt.MouseButton.LeftButton)
    assert all(la.visible for la in document.layers)
    assert item(panel, "measure").checkState(VISIBLE_COLUMN) == CHECKED


def test_show_annotations_box_follows_the_document(panel, document):
    document.set_all_visible(False)
    assert not panel.show_annotations_box.isChecked()
    document.set_all_visible(True)
    assert panel.show_annotations_box.isChecked()


def test_show_annotations_box_hides_every_annotation(panel, document):
    panel.show_annotations_box.click()
    assert document.annotations_visible is False
    assert document.visible_annotations() == []
    assert all(la.visible for la in document.layers)  # each layer keeps its switch
    panel.toggle_annotations()
    assert document.annotations_visible is True
    assert panel.show_annotations_box.isChecked()


# -- name, colour, lock ---------------------------------------------------------------


def test_editing_the_name_renames_the_layer(panel, document):
    item(panel, "teaching").setText(NAME_COLUMN, "  Quiz  ")
    assert document.layer("teaching").name == "Quiz"
    assert item(panel, "teaching").text(NAME_COLUMN) == "Quiz"


def test_empty_name_is_refused(panel, document):
    revision = document.revision
    item(panel, "teaching").setText(NAME_COLUMN, "   ")
    assert document.layer("teaching").name == "Teaching"
    assert item(panel, "teaching").text(NAME_COLUMN) == "Teaching"
    assert document.revision == revision


def test_renaming_in_the_model_changes_the_item_text(panel, document):
    document.update_layer("findings", name="Hips")
    assert item(panel, "findings").text(NAME_COLUMN) == "Hips"


def test_f2_starts_editing_the_name(panel, qtbot):
    panel.show()
    panel.activateWindow()
    qtbot.waitActive(panel)
    panel.set_current_layer("teaching")
    panel.tree.setFocus()
    qtbot.keyClick(panel.tree, Qt.Key.Key_F2)
    assert panel.tree.state() == panel.tree.State.EditingState


def test_colour_from_the_panel_reaches_the_model(panel, document):
    panel.set_layer_colour("findings", QColor(255, 0, 0))
    assert document.layer("findings").colour == "#ff0000"
    assert swatch_colour(panel, "findings") == "#ff0000"


def test_colour_from_the_model_reaches_the_swatch(panel, document):
    assert swatch_colour(panel, "teaching") == "#ffff00"
    document.update_layer("teaching", colour="#00ff00")
    assert swatch_colour(panel, "teaching") == "#00ff00"


def test_lock_both_ways(panel, document):
    item(panel, "teaching").setCheckState(LOCK_COLUMN, CHECKED)
    assert document.layer("teaching").locked is True
    document.update_layer("teaching", locked=False)
    assert item(panel, "teaching").checkState(LOCK_COLUMN) == UNCHECKED


# -- add, delete -----------------------------------------------------------------------


def test_add_layer_goes_on_top_and_becomes_current(panel, document, qtbot):
    with qtbot.waitSignal(panel.current_layer_changed) as signal:
        qtbot.mouseClick(panel.add_button, Qt.MouseButton.LeftButton)
    new = document.layers[-1]
    assert new.name == "Layer 4" and signal.args == [new.id]
    assert rows(panel)[0] == "Layer 4"
    assert panel.current_layer_id() == new.id
    assert panel.add_layer().name == "Layer 5"


def test_layer_added_in_the_model_appears(panel, document):
    document.add_layer(Layer(name="Below", id="below", order=-1))
    assert rows(panel)[-1] == "Below"


def test_delete_empty_layer_with_the_button(panel, document, qtbot):
    panel.set_current_layer("measure")
    qtbot.mouseClick(panel.delete_button, Qt.MouseButton.LeftButton)
    assert [la.id for la in document.layers] == ["findings", "teaching"]
    assert rows(panel) == ["Teaching", "Findings"]
    assert panel.current_layer_id() == "teaching"


def test_delete_layer_moving_its_annotations(panel, document):
    assert panel.delete_layer("findings", move_to="teaching")
    assert {a.layer for a in document.annotations} == {"teaching"}
    assert item(panel, "teaching").text(COUNT_COLUMN) == "3"
    assert panel.item_for_layer("findings") is None


def test_delete_layer_with_its_annotations_is_one_undo_step(panel, document, history):
    assert panel.delete_layer("findings", move_to=None)
    assert [a.id for a in document.annotations] == ["a3"]
    assert history.undo()
    assert len(document) == 3 and item(panel, "findings").text(COUNT_COLUMN) == "2"


def test_the_last_layer_is_never_deleted(qtbot):
    document = AnnotationDocument(IDENTITY)
    widget = LayersPanel()
    qtbot.addWidget(widget)
    widget.set_document(document)
    assert not widget.delete_button.isEnabled()
    assert not widget.delete_layer("findings", None)
    assert [la.id for la in document.layers] == ["findings"]


def test_delete_button_asks_and_moves_annotations(panel, document, qtbot):
    panel.set_current_layer("findings")
    asked = []

    def answer() -> None:
        box = QApplication.activeModalWidget()
        assert isinstance(box, QMessageBox)
        asked.append(box.text())
        next(b for b in box.buttons() if b.text().startswith("Move")).click()

    QTimer.singleShot(0, answer)
    assert panel.delete_current_layer()
    assert "2 annotations" in asked[0]
    assert {a.layer for a in document.annotations} == {"teaching"}


def test_delete_refused_by_the_model_shows_why(panel, document):
    document.update_layer("findings", locked=True)
    assert not panel.delete_layer("findings", move_to="teaching")
    assert "locked" in panel.message_label.text()
    assert item(panel, "findings").text(COUNT_COLUMN) == "2"


# -- order -------------------------------------------------------------------------------


def test_move_up_and_down_swap_with_the_neighbour(panel, document, history):
    panel.set_current_layer("findings")
    panel.move_current_up()
    assert orders(document) == {"teaching": 0, "findings": 1, "measure": 2}
    assert rows(panel) == ["Measurements", "Findings", "Teaching"]
    assert panel.current_layer_id() == "findings"
    assert panel.up_button.isEnabled() and panel.down_button.isEnabled()
    panel.move_current_down()
    assert orders(document) == {"findings": 0, "teaching": 1, "measure": 2}
    panel.set_current_layer("measure")
    assert not panel.up_button.isEnabled()
    panel.move_current_up()  # already on top: nothing happens
    assert orders(document)["measure"] == 2


def test_move_up_with_equal_orders_renumbers(qtbot):
    layers = [Layer(name="A", id="a"), Layer(name="B", id="b")]  # both order 0
    document = AnnotationDocument(IDENTITY, layers)
    widget = LayersPanel()
    qtbot.addWidget(widget)
    widget.set_document(document)
    widget.set_current_layer("a")
    widget.move_current_up()
    assert [la.id for la in document.layers] == ["b", "a"]
    assert rows(widget) == ["A", "B"]


def test_reorder_in_the_model_reorders_rows(panel, document):
    document.update_layer("findings", order=5)
    assert rows(panel) == ["Findings", "Measurements", "Teaching"]


def test_a_drop_writes_the_new_order_back(panel, document, history, qtbot):
    tree = panel.tree
    moved = tree.takeTopLevelItem(2)  # Findings, the bottom row ...
    tree.insertTopLevelItem(0, moved)  # ... dropped on top, as InternalMove does
    qtbot.waitUntil(lambda: orders(document)["findings"] == 2)
    assert orders(document) == {"teaching": 0, "measure": 1, "findings": 2}
    assert rows(panel) == ["Findings", "Measurements", "Teaching"]
    assert history.undo()  # the whole drop is one undo step
    assert rows(panel) == ["Measurements", "Teaching", "Findings"]


def test_drag_and_drop_is_enabled_and_rows_accept_no_children(panel):
    tree = panel.tree
    assert tree.dragDropMode() == tree.DragDropMode.InternalMove
    flags = item(panel, "findings").flags()
    assert flags & Qt.ItemFlag.ItemIsDragEnabled
    assert not flags & Qt.ItemFlag.ItemIsDropEnabled


# -- annotations ------------------------------------------------------------------------


def test_counts_follow_added_and_removed_annotations(panel, document, history):
    document.add(Arrow(tail=(5, 5), head=(9, 9), layer="measure", id="a4"))
    assert item(panel, "measure").text(COUNT_COLUMN) == "1"
    document.remove(["a1", "a2"])
    assert item(panel, "findings").text(COUNT_COLUMN) == "0"
    history.undo()
    assert item(panel, "findings").text(COUNT_COLUMN) == "2"


def test_move_selected_annotations_here(panel, document, qtbot):
    panel.selection_provider = lambda: ["a1", "a3"]
    panel.set_current_layer("measure")
    qtbot.mouseClick(panel.move_here_button, Qt.MouseButton.LeftButton)
    assert document.get("a1").layer == "measure" and document.get("a3").layer == "measure"
    assert item(panel, "measure").text(COUNT_COLUMN) == "2"
    assert item(panel, "findings").text(COUNT_COLUMN) == "1"


def test_move_selected_here_without_selection_does_nothing(panel, document):
    revision = document.revision
    assert not panel.move_selected_here()
    assert document.revision == revision


# -- current layer, documents, sessions ----------------------------------------------


def test_current_layer_changed_signal(panel, qtbot):
    with qtbot.waitSignal(panel.current_layer_changed) as signal:
        panel.tree.setCurrentItem(item(panel, "teaching"))
    assert signal.args == ["teaching"]
    assert panel.current_layer_id() == "teaching"


def test_set_document_disconnects_the_previous_one(panel, document):
    other = AnnotationDocument(IDENTITY)
    panel.set_document(other)
    assert rows(panel) == ["Findings"]
    document.update_layer("measure", name="Old document")
    assert rows(panel) == ["Findings"]
    panel.set_document(None)
    assert panel.tree.topLevelItemCount() == 0


def test_read_only_panel_writes_nothing(qtbot, document):
    widget = LayersPanel()
    qtbot.addWidget(widget)
    widget.set_document(document, read_only=True)
    revision = document.revision
    row = item(widget, "findings")
    assert not row.flags() & Qt.ItemFlag.ItemIsEnabled  # greyed out
    assert not widget.show_annotations_box.isEnabled() and not widget.add_button.isEnabled()
    row.setCheckState(VISIBLE_COLUMN, UNCHECKED)
    row.setText(NAME_COLUMN, "Renamed")
    widget.show_annotations_box.setChecked(False)
    widget.selection_provider = lambda: ["a1"]
    widget.tree.takeTopLevelItem(0)
    assert widget.add_layer() is None
    assert not widget.delete_layer("measure", None)
    widget.set_layer_colour("findings", "#ff0000")
    widget.solo_current()
    widget.show_all()
    widget.toggle_annotations()
    widget.move_current_down()
    widget.move_selected_here()
    qtbot.wait(10)
    assert document.revision == revision
    row = item(widget, "findings")
    assert row.checkState(VISIBLE_COLUMN) == CHECKED and row.text(NAME_COLUMN) == "Findings"
    assert widget.show_annotations_box.isChecked()
    assert len(rows(widget)) == 3


def fake_source(tmp_path):
    return SimpleNamespace(path=tmp_path / "hip.png", identity=dict(IDENTITY))


def test_set_session_shows_its_document(qtbot, tmp_path):
    session = AnnotationSession(fake_source(tmp_path))
    widget = LayersPanel()
    qtbot.addWidget(widget)
    widget.set_session(session)
    assert not widget.read_only and widget.document is session.document
    item(widget, "findings").setCheckState(VISIBLE_COLUMN, UNCHECKED)
    assert session.history.undo_text == "Hide layer"
    widget.set_session(None)
    assert widget.document is None


def test_unreadable_sidecar_session_is_read_only(qtbot, tmp_path):
    (tmp_path / "hip.png.hoview.json").write_text("{not json", encoding="utf-8")
    session = AnnotationSession(fake_source(tmp_path))
    assert session.read_only
    widget = LayersPanel()
    qtbot.addWidget(widget)
    widget.set_session(session)
    revision = session.document.revision
    assert widget.read_only
    widget.add_layer()
    assert session.document.revision == revision


def test_a_deleted_panel_stops_listening(qtbot, document, caplog):
    widget = LayersPanel()
    widget.set_document(document)
    widget.deleteLater()
    qtbot.waitUntil(lambda: not _alive(widget))
    document.set_layer_visible("findings", False)
    assert "error in an event callback" not in caplog.text


def _alive(widget) -> bool:
    from shiboken6 import isValid

    return isValid(widget)
