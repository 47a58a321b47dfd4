"""The tool controller: one instance of each tool, their toolbar actions, edit commands.

The tools themselves are in :mod:`hoview.ui.tools` and :mod:`hoview.ui.measure_tools`;
copy, paste and duplicate in :mod:`hoview.ui.clipboard`; the canvas's context menu in
:mod:`hoview.ui.annotation_menu`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QPoint, Signal
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QMenu

from hoview.ui import clipboard
from hoview.ui.annotation_edits import delete, edit_colour, edit_finding, set_calibration
from hoview.ui.annotation_menu import build_menu
from hoview.ui.canvas_tool import ImagePoint
from hoview.ui.measure_tools import AngleTool, CalibrateTool, CobbTool, GapTool
from hoview.ui.tool_support import selected_ids
from hoview.ui.tools import (
    AnnotationTool,
    ArrowTool,
    RulerTool,
    SelectTool,
    TextTool,
)

if TYPE_CHECKING:
    from hoview.ui.canvas import ViewerCanvas


# -- the controller --------------------------------------------------------------------

#: The tools, in toolbar order: name, action text, shortcuts, tooltip.
TOOLS = (
    ("select", "Select", ("S", "V"), "Select, move and edit annotations (S or V)"),
    ("arrow", "Arrow", ("A",), "Draw an arrow: drag from its start to the finding (A)"),
    ("text", "Text", ("T",), "Place text: click, then type (T)"),
    ("ruler", "Ruler", ("M",), "Measure a distance (M)"),
    ("angle", "Angle", ("N",), "Measure an angle: click three points, the vertex second (N)"),
    ("cobb", "Cobb angle", ("B",), "Cobb angle: drag along one end plate, then the other (B)"),
    (
        "gap",
        "Gap",
        ("G",),
        "Measure a gap between bone surfaces (G); for a Brooker grade, right-click the arrow",
    ),
    (
        "calibrate",
        "Calibrate",
        ("Shift+M",),
        "Calibrate: drag along something of known size, then type its length (Shift+M)",
    ),
)


class ToolController(QObject):
    """One instance of each tool for a canvas, the toolbar's actions and the edit commands.

    The selection lives in the canvas's view state, not in the tools. The tool actions
    are checkable and exclusive, with single-key shortcuts; the edit actions act on the
    canvas's selection. Their keys (Ctrl+C, Ctrl+V, Ctrl+D, Delete) also work on the
    canvas without them, through
    :meth:`AnnotationTool.key`; a window that adds the edit actions must not give the
    same keys to other actions (Qt would find them ambiguous and run neither).

    Parameters
    ----------
    canvas : ViewerCanvas
        The canvas the tools work on.
    parent : QObject, optional
        Qt parent.

    Attributes
    ----------
    tools : dict of str to AnnotationTool
        ``"select"``, ``"arrow"``, ``"text"``, ``"ruler"``, ``"angle"``, ``"cobb"``,
        ``"gap"``, ``"calibrate"``.
    actions : dict of str to QAction
        The tool actions by the same names, in toolbar order, in the
        :class:`QActionGroup` :attr:`action_group`.
    edit_actions : dict of str to QAction
        ``"copy"``, ``"paste"``, ``"duplicate"``, ``"delete"``, ``"finding"``,
        ``"colour"``, ``"uncalibrate"`` (remove the image's user calibration).
    context_menu : QMenu or None
        The canvas's context menu last shown (a right click that did not drag).
    """

    #: Emitted with the name of the tool that became current.
    tool_changed = Signal(str)
    #: Emitted with a short message for the status bar (why something was refused).
    message = Signal(str)

    def __init__(self, canvas: ViewerCanvas, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.canvas = canvas
        self.tools: dict[str, AnnotationTool] = {
            "select": SelectTool(),
            "arrow": ArrowTool(),
            "text": TextTool(),
            "ruler": RulerTool(),
            "angle": AngleTool(),
            "cobb": CobbTool(),
            "gap": GapTool(),
            "calibrate": CalibrateTool(),
        }
        for tool in self.tools.values():
            tool.report = self.message.emit
        self.action_group = QActionGroup(self)
        self.action_group.setExclusive(True)
        self.actions: dict[str, QAction] = {}
        for name, text, keys, tip in TOOLS:
            action = QAction(text, self)
            action.setCheckable(True)
            action.setShortcuts([QKeySequence(k) for k in keys])
            action.setToolTip(tip)
            action.setStatusTip(tip)
            action.triggered.connect(lambda _checked=False, n=name: self._on_tool_triggered(n))
            self.action_group.addAction(action)
            self.actions[name] = action
        self.edit_actions: dict[str, QAction] = {}
        for name, text, key, handler in (
            ("copy", "&Copy annotations", QKeySequence.StandardKey.Copy, self.copy),
            ("paste", "&Paste annotations", QKeySequence.StandardKey.Paste, self.paste),
            ("duplicate", "D&uplicate", QKeySequence("Ctrl+D"), self.duplicate),
            ("delete", "&Delete", QKeySequence.StandardKey.Delete, self.delete),
            ("finding", "&Finding...", None, self.edit_finding),
            ("colour", "C&olour...", None, self.edit_colour),
            ("uncalibrate", "Remove ca&libration", None, self.remove_calibration),
        ):
            action = QAction(text, self)
            if key is not None:
                action.setShortcut(QKeySequence(key))
            action.triggered.connect(lambda _checked=False, h=handler: self._on_edit_triggered(h))
            self.edit_actions[name] = action
        self.context_menu: QMenu | None = None
        canvas.context_menu_requested.connect(self._on_context_menu_requested)
        self._current = ""
        self.set_tool("select")

    @property
    def current(self) -> str:
        """The name of the current tool."""
        return self._current

    @property
    def tool(self) -> AnnotationTool:
        """The current tool."""
        return self.tools[self._current]

    def set_tool(self, name: str) -> None:
        """Make tool ``name`` the canvas's tool (``"select"``, ``"arrow"``, ...).

        Raises
        ------
        ValueError
            If there is no tool called ``name``.
        """
        if name not in self.tools:
            raise ValueError(f"name: no tool {name!r}; choose one of {', '.join(self.tools)}")
        self.actions[name].setChecked(True)
        if name == self._current:
            return
        self._current = name
        self.canvas.set_tool(self.tools[name])
        self.tool_changed.emit(name)

    def _on_tool_triggered(self, name: str) -> None:
        self.set_tool(name)

    def _on_edit_triggered(self, handler: Callable[[], object]) -> None:
        handler()

    def selected(self) -> list[str]:
        """Return the ids of the selected annotations on the frame shown."""
        return selected_ids(self.canvas)

    def copy(self) -> int:
        """Copy the selection to the clipboard; return how many annotations."""
        return clipboard.copy_annotations(self.canvas)

    def paste(self) -> list[str]:
        """Paste annotations from the clipboard onto the frame shown; return the new ids."""
        return clipboard.paste_annotations(self.canvas, self.message.emit)

    def delete(self) -> int:
        """Delete the selection; return how many were removed."""
        return delete(self.canvas, self.selected())

    def duplicate(self) -> list[str]:
        """Duplicate the selection; return the new ids."""
        return clipboard.duplicate(self.canvas, self.selected())

    def edit_finding(self) -> int:
        """Ask for a finding and give it to the selection."""
        return edit_finding(self.canvas, self.selected())

    def edit_colour(self) -> int:
        """Ask for a colour and give it to the selection."""
        return edit_colour(self.canvas, self.selected())

    def remove_calibration(self) -> bool:
        """Remove the image's user calibration; return whether there was one."""
        session = self.canvas.session()
        if session is None or session.document.calibration is None:
            self.message.emit("This image has no calibration to remove")
            return False
        removed = set_calibration(self.canvas, None)
        if removed:
            self.message.emit("Calibration removed: measurements use the file's spacing")
        return removed

    def measure_gap_for(self, arrow_id: str) -> None:
        """Take the gap tool; the next gap drawn measures arrow ``arrow_id``'s finding."""
        self.set_tool("gap")
        gap = self.tools["gap"]
        assert isinstance(gap, GapTool)
        gap.measure_for(arrow_id)
        self.message.emit("Drag from one bone surface to the opposing one: the gap for the arrow")

    def show_context_menu(self, point: ImagePoint, where: QPoint) -> QMenu | None:
        """Show the context menu for image ``point`` at global position ``where``.

        Returns
        -------
        QMenu or None
            The menu shown (also :attr:`context_menu`), or ``None`` when it would be empty.
        """
        if self.context_menu is not None:
            self.context_menu.deleteLater()
        menu = build_menu(self, point, self.canvas)
        if menu.isEmpty():
            menu.deleteLater()
            self.context_menu = None
            return None
        self.context_menu = menu
        menu.popup(where)
        return menu

    def _on_context_menu_requested(self, point: ImagePoint, where: QPoint) -> None:
        self.show_context_menu(point, where)
