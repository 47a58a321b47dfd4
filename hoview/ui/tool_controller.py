"""The tool controller: one instance of each tool, their toolbar actions, edit commands.

The tools themselves are in :mod:`hoview.ui.tools`; copy, paste and duplicate in
:mod:`hoview.ui.clipboard`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction, QActionGroup, QKeySequence

from hoview.ui import clipboard
from hoview.ui.annotation_edits import delete, edit_colour, edit_finding
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
        ``"select"``, ``"arrow"``, ``"text"``, ``"ruler"``.
    actions : dict of str to QAction
        The tool actions by the same names, in toolbar order, in the
        :class:`QActionGroup` :attr:`action_group`.
    edit_actions : dict of str to QAction
        ``"copy"``, ``"paste"``, ``"duplicate"``, ``"delete"``, ``"finding"``,
        ``"colour"``.
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
        ):
            action = QAction(text, self)
            if key is not None:
                action.setShortcut(QKeySequence(key))
            action.triggered.connect(lambda _checked=False, h=handler: self._on_edit_triggered(h))
            self.edit_actions[name] = action
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
