"""View -> Layout, Link viewports and Compare with prior: the actions of the viewer area.

=========================== ==================== ==============================================
Action                      Keys                 What it does
=========================== ==================== ==============================================
Layout 1x1, 1x2, 2x1, 2x2   Alt+1 ... Alt+4      that many viewports (rows x columns)
Link viewports              Ctrl+L               window, zoom and pan, slice follow between them
Compare with prior          Ctrl+Shift+K         1x2: this study left, the patient's prior right
=========================== ==================== ==============================================
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QMenu, QWidget

from hoview.sources.base import Series
from hoview.ui.viewer_area import LAYOUTS, ViewerArea

#: Action texts.
LINK = "Link viewports"
COMPARE_PRIOR = "Compare with prior"
#: Keys of the layouts, in :data:`~hoview.ui.viewer_area.LAYOUTS` order.
LAYOUT_KEYS = ("Alt+1", "Alt+2", "Alt+3", "Alt+4")
LINK_KEYS = "Ctrl+L"
COMPARE_PRIOR_KEYS = "Ctrl+Shift+K"
#: Said in the status bar when there is no prior.
NO_PRIOR = "No prior: no earlier study of this patient with the same modality and body part is open"


def layout_text(rows: int, columns: int) -> str:
    """Return the menu text of a layout, e.g. ``"Layout 2x2"``."""
    return f"Layout {rows}x{columns}"


class LayoutActions(QObject):
    """The layout, link and prior actions of ``viewer``.

    Parameters
    ----------
    viewer : ViewerArea
        The viewports.
    open_series : callable
        Returns the open series (the series panel's order).
    parent : QWidget
        The window: the actions' shortcuts work anywhere in it.

    Attributes
    ----------
    actions : dict of str to QAction
        Every action, by its text.
    """

    #: A one-line message for the status bar.
    message = Signal(str)

    def __init__(
        self, viewer: ViewerArea, open_series: Callable[[], list[Series]], parent: QWidget
    ) -> None:
        super().__init__(parent)
        self.viewer = viewer
        viewer.available_series = open_series
        self.actions: dict[str, QAction] = {}
        group = QActionGroup(self)
        for (rows, columns), keys in zip(LAYOUTS, LAYOUT_KEYS, strict=True):
            action = self._action(parent, layout_text(rows, columns), keys, checkable=True)
            action.setChecked((rows, columns) == viewer.layout_shape)
            action.triggered.connect(lambda _c=False, r=rows, c=columns: viewer.set_layout(r, c))
            group.addAction(action)
        link = self._action(parent, LINK, LINK_KEYS, checkable=True)
        link.toggled.connect(viewer.set_linked)
        prior = self._action(parent, COMPARE_PRIOR, COMPARE_PRIOR_KEYS)
        prior.triggered.connect(lambda _c=False: self.compare_with_prior())
        viewer.layout_changed.connect(self._on_layout_changed)

    def _action(self, parent: QWidget, text: str, keys: str, checkable: bool = False) -> QAction:
        action = QAction(text, parent)
        action.setShortcut(QKeySequence(keys))
        action.setCheckable(checkable)
        parent.addAction(action)
        self.actions[text] = action
        return action

    def add_to(self, menu: QMenu) -> None:
        """Add a Layout submenu, Link viewports and Compare with prior to ``menu``."""
        menu.addSeparator()
        layouts = menu.addMenu("&Layout")
        for rows, columns in LAYOUTS:
            layouts.addAction(self.actions[layout_text(rows, columns)])
        menu.addAction(self.actions[LINK])
        menu.addAction(self.actions[COMPARE_PRIOR])

    def compare_with_prior(self) -> None:
        """Show the prior beside the current study, or say there is none."""
        prior = self.viewer.compare_with_prior()
        if prior is None:
            self.message.emit(NO_PRIOR)
        else:
            self.message.emit(f"Compared with the prior: {prior.note}")

    def _on_layout_changed(self, rows: int, columns: int) -> None:
        self.actions[layout_text(rows, columns)].setChecked(True)
