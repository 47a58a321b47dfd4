"""The Window menu's presets, named after the windows the shown frame offers."""

from __future__ import annotations

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu

from hoview.display.attributes import Window
from hoview.display.presets import presets_for
from hoview.errors import HoviewError
from hoview.ui.canvas import ViewerCanvas


def preset_label(window: Window) -> str:
    """Return a preset's menu text: ``"STANDARD (W 3400 L 2000)"``.

    Parameters
    ----------
    window : Window
        The preset; its name is the file's Window Center & Width Explanation
        (0028,1055) or hoview's preset name.

    Returns
    -------
    str
        The name, then the width and level as the corner text writes them.

    """
    values = f"W {window.width:g} L {window.center:g}"
    return f"{window.name} ({values})" if window.name else values


class PresetMenu(QObject):
    """Name the nine preset actions (keys 1-9) after the shown frame's presets.

    The names are made when the Window menu is about to show, from
    :func:`~hoview.display.presets.presets_for` (the same list the number keys
    use); actions past the last preset are hidden then. When the frame changes the
    actions go back to "Preset n", all shown: a hidden action's key does nothing in
    Qt, and the next frame may offer more presets. So scrolling a series costs no
    histogram; opening the menu does, once per frame.

    Parameters
    ----------
    canvas : ViewerCanvas
        The canvas whose frame the presets are for.
    actions : list of QAction
        The actions of keys 1..9, in order.
    menu : QMenu
        The Window menu.

    """

    def __init__(self, canvas: ViewerCanvas, actions: list[QAction], menu: QMenu) -> None:
        super().__init__(menu)
        self.canvas = canvas
        self.actions = list(actions)
        self._defaults = [action.text() for action in self.actions]
        self._shown_for: tuple | None = None
        menu.aboutToShow.connect(self.refresh)
        canvas.frame_changed.connect(lambda *_: self.reset())

    def presets(self) -> list[Window]:
        """Return the windows keys 1-9 choose from for the shown frame."""
        frame = self.canvas.frame
        if frame is None or frame.attributes.is_colour:
            return []
        try:
            stored = frame.pixels()
        except HoviewError:  # the canvas shows why
            return []
        return presets_for(stored, frame.attributes, frame.source.metadata.get("modality", ""))

    def reset(self) -> None:
        """Give the actions back their "Preset n" texts and show them all."""
        if self._shown_for is None:
            return
        for action, default in zip(self.actions, self._defaults, strict=True):
            action.setText(default)
            action.setVisible(True)
        self._shown_for = None

    def refresh(self) -> None:
        """Rename (and show or hide) the actions for the shown frame."""
        frame = self.canvas.frame
        key = None if frame is None else (id(frame.source), frame.number, frame.source.path)
        if key is not None and key == self._shown_for:
            return
        if key is None:
            self.reset()
            return
        presets = self.presets()
        for i, (action, default) in enumerate(zip(self.actions, self._defaults, strict=True)):
            action.setText(preset_label(presets[i]) if i < len(presets) else default)
            action.setVisible(i < len(presets))
        self._shown_for = key
