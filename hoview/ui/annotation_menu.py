"""The canvas's context menu (a right click that does not drag): edit what was clicked.

On an annotation: its label, finding, colour, delete. On an arrow of heterotopic
ossification: "Measure gap for Brooker grade" (the next gap drawn belongs to that
arrow's finding). On a gap: "Mark as bridging (Brooker IV)", checkable. On a calibrated
image, anywhere: "Remove calibration".
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QMenu, QWidget

from hoview.annotations import Arrow, Gap
from hoview.annotations.brooker import is_heterotopic_ossification
from hoview.ui.annotation_edits import delete, edit_label, set_bridging
from hoview.ui.canvas_tool import ImagePoint
from hoview.ui.tool_support import annotation_at, changeable_ids, editable_session, select

if TYPE_CHECKING:
    from hoview.ui.tool_controller import ToolController

#: The arrow's action that starts a gap for its Brooker grade.
MEASURE_GAP = "Measure gap for Brooker grade"
#: The gap's checkable action.
BRIDGING = "Mark as bridging (Brooker IV)"
#: Removes the image's user calibration.
REMOVE_CALIBRATION = "Remove calibration"


def build_menu(controller: ToolController, point: ImagePoint, parent: QWidget) -> QMenu:
    """Return the context menu for a right click at image ``point`` (maybe empty).

    The annotation under ``point`` becomes the selection, so the Edit menu's
    commands act on it as well.
    """
    canvas = controller.canvas
    menu = QMenu(parent)
    session = editable_session(canvas)
    if session is None:
        return menu
    document = session.document
    hit = annotation_at(canvas, point)
    if hit is not None:
        if hit.id not in canvas.state.selection:
            select(canvas, [hit.id])
        editable = bool(changeable_ids(document, [hit.id]))
        if isinstance(hit, Arrow) and is_heterotopic_ossification(hit.finding):
            gap = menu.addAction(MEASURE_GAP)
            gap.setEnabled(editable)
            gap.setToolTip("Drag from one bone surface to the opposing one (Brooker et al. 1973)")
            gap.triggered.connect(lambda _c=False, i=hit.id: controller.measure_gap_for(i))
        if isinstance(hit, Gap):
            bridging = menu.addAction(BRIDGING)
            bridging.setCheckable(True)
            bridging.setChecked(hit.bridging)
            bridging.setEnabled(editable)
            bridging.toggled.connect(lambda on, i=hit.id: set_bridging(canvas, i, on))
        if not menu.isEmpty():
            menu.addSeparator()
        label = menu.addAction("Edit &label...")
        label.setEnabled(editable)
        label.triggered.connect(lambda _c=False, i=hit.id: edit_label(canvas, i))
        for name in ("finding", "colour"):
            action = controller.edit_actions[name]
            menu.addAction(action)
        remove = menu.addAction("&Delete")
        remove.triggered.connect(lambda _c=False, i=hit.id: delete(canvas, [i]))
    if document.calibration is not None:
        if not menu.isEmpty():
            menu.addSeparator()
        menu.addAction(controller.edit_actions["uncalibrate"])
    return menu
