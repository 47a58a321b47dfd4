"""The main window's toolbar: icons, tooltips that name the keys, the annotations switch.

The icons are the SVG files in ``resources/icons`` (drawn for hoview, MIT). They are
tinted to the palette's button text colour, so they read on light and dark themes.
The "Show / hide annotations" action is checkable and shows the document's
:attr:`~hoview.annotations.model.AnnotationDocument.annotations_visible`: the one
source of truth that the H key and the layers panel's switch also write.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QSize, Qt
from PySide6.QtGui import (
    QAction,
    QColor,
    QGuiApplication,
    QIcon,
    QKeySequence,
    QPainter,
    QPalette,
    QPixmap,
)
from PySide6.QtWidgets import QMainWindow, QToolBar

from hoview.paths import resource_path

if TYPE_CHECKING:
    from hoview.annotations.model import AnnotationDocument
    from hoview.ui.annotation_session import AnnotationSession

#: The text of the action that shows and hides every annotation (H).
ANNOTATIONS_ACTION = "Show / hide annotations"

#: The text of the checkable action that keeps the magnifier on (Z held shows it too).
MAGNIFIER_ACTION = "Magnifier"

#: Icon file names (without ``.svg``) by action text: one name, or (off, on) for a
#: checkable action whose icon shows its state.
ICONS: dict[str, str | tuple[str, str]] = {
    "Select": "select",
    "Arrow": "arrow",
    "Text": "text",
    "Ruler": "ruler",
    "Angle": "angle",
    "Cobb angle": "cobb",
    "Gap": "gap",
    "Calibrate": "calibrate",
    ANNOTATIONS_ACTION: ("eye-off", "eye"),
    "Compare with / without annotations": "compare",
    "Fit to window": "fit",
    "Invert": "invert",
    "Rotate clockwise": "rotate-cw",
    "Rotate counter-clockwise": "rotate-ccw",
    "Flip horizontal": "flip-horizontal",
    "Flip vertical": "flip-vertical",
    MAGNIFIER_ACTION: "magnifier",
    "Play / pause cine": ("play", "pause"),
}

#: The view actions on the toolbar, after the tools, the switch and compare.
VIEW_BUTTONS = (
    "Fit to window",
    MAGNIFIER_ACTION,
    "Invert",
    "Rotate clockwise",
    "Flip horizontal",
)

#: How shortcuts are written in tooltips.
_KEYS = QKeySequence.SequenceFormat.NativeText

#: Sizes the tinted icons are rendered at (device-independent pixels).
_SIZES = (16, 20, 24, 32, 48)


def icon_path(name: str) -> str:
    """Return the path of icon ``name`` (e.g. ``"arrow"``) in ``resources/icons``."""
    return str(resource_path(f"icons/{name}.svg"))


def _tinted(source: QIcon, colour: QColor, size: int, ratio: float) -> QPixmap:
    pixmap = source.pixmap(QSize(size, size), ratio)
    painter = QPainter(pixmap)
    try:
        painter.setCompositionMode(QPainter.CompositionMode.CompositionMode_SourceIn)
        painter.fillRect(pixmap.rect(), colour)
    finally:
        painter.end()
    return pixmap


def load_icon(off: str, on: str | None = None, colour: QColor | None = None) -> QIcon:
    """Return a hoview icon, tinted for the current palette.

    Parameters
    ----------
    off : str
        Icon name, e.g. ``"eye-off"``; used alone, or for a checkable action's Off state.
    on : str, optional
        Icon name for the On (checked) state.
    colour : QColor, optional
        Stroke colour; the application palette's button text colour by default.

    Returns
    -------
    QIcon
        Null only if the icon files are missing (or Qt cannot read SVG).
    """
    if colour is None:
        colour = QGuiApplication.palette().color(QPalette.ColorRole.ButtonText)
    screen = QGuiApplication.primaryScreen()
    ratio = max(screen.devicePixelRatio(), 1.0) if screen is not None else 1.0
    icon = QIcon()
    for name, state in ((off, QIcon.State.Off), (on, QIcon.State.On)):
        if name is None:
            continue
        source = QIcon(icon_path(name))
        if source.isNull():
            continue
        for size in _SIZES:
            icon.addPixmap(_tinted(source, colour, size, ratio), QIcon.Mode.Normal, state)
    return icon


def keys_tooltip(action: QAction) -> str:
    """Return "<action> (<keys>)", the tooltip of an action that has no longer one."""
    text = action.text().replace("&", "")
    keys = " or ".join(k.toString(_KEYS) for k in action.shortcuts())
    return f"{text} ({keys})" if keys else text


def decorate(actions: Iterable[QAction]) -> None:
    """Give ``actions`` their icons, and a tooltip naming the keys where they have none.

    A tooltip already set that names the keys (the tools': "Arrow: ... (A)") is kept.
    """
    for action in actions:
        names = ICONS.get(action.text())
        if names is not None:
            off, on = (names, None) if isinstance(names, str) else names
            action.setIcon(load_icon(off, on))
        keys = [k.toString(_KEYS) for k in action.shortcuts()]
        if keys and f"({keys[0]}" not in action.toolTip():
            action.setToolTip(keys_tooltip(action))


class AnnotationsSwitch(QObject):
    """Keep the checkable "Show / hide annotations" action showing the document's state.

    The action's own handler (the H key) writes the document; this object only reads
    it: after every trigger and on every ``visibility_changed`` event.

    Parameters
    ----------
    action : QAction
        The action; it is made checkable.
    parent : QObject, optional
        Qt parent.
    """

    def __init__(self, action: QAction, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.action = action
        action.setCheckable(True)
        action.setChecked(True)
        self._document: AnnotationDocument | None = None
        self._detach: Callable[[], None] | None = None
        # Connected after the action's handler: a refused toggle (read-only) snaps back.
        action.triggered.connect(lambda *_: self._sync())
        self.destroyed.connect(lambda *_, f=self._disconnect: f())

    def set_session(self, session: AnnotationSession | None) -> None:
        """Follow ``session``'s document (``None``: nothing shown, the switch on)."""
        self.set_document(session.document if session is not None else None)

    def set_document(self, document: AnnotationDocument | None) -> None:
        """Follow ``document``'s ``annotations_visible``."""
        self._disconnect()
        self._document = document
        if document is not None:
            callback = document.events.connect(self._on_document_changed)
            self._detach = lambda: document.events.disconnect(callback)
        self._sync()

    def _disconnect(self) -> None:
        if self._detach is not None:
            self._detach()
            self._detach = None

    def _on_document_changed(self, event) -> None:  # noqa: ANN001
        if getattr(event, "type", "") == "visibility_changed":
            self._sync()

    def _sync(self) -> None:
        visible = self._document.annotations_visible if self._document is not None else True
        if self.action.isChecked() != visible:
            self.action.blockSignals(True)
            self.action.setChecked(visible)
            self.action.blockSignals(False)


def build_toolbar(
    window: QMainWindow, tools: Iterable[QAction], actions_by_text: dict[str, QAction]
) -> QToolBar:
    """Add the Tools toolbar to ``window``: the tools, then H and compare, then the view.

    Parameters
    ----------
    window : QMainWindow
        Gets the toolbar.
    tools : iterable of QAction
        The tool actions (select, arrow, text, ruler), in order.
    actions_by_text : dict of str to QAction
        The window's actions; those named in :data:`ICONS` get their icons.

    Returns
    -------
    QToolBar
        The toolbar, icons only, with a tooltip on every button.
    """
    tools = list(tools)
    decorate([*tools, *actions_by_text.values()])
    magnifier = actions_by_text.get(MAGNIFIER_ACTION)
    if magnifier is not None:
        keys = keys_tooltip(magnifier).removeprefix(MAGNIFIER_ACTION).strip()
        magnifier.setToolTip(f"Magnifier: hold Z, or keep it on {keys}; Z + wheel: 2-4x")
    toolbar = window.addToolBar("Tools")
    toolbar.setObjectName("ToolsToolbar")
    toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonIconOnly)
    toolbar.setIconSize(QSize(24, 24))
    toolbar.addActions(tools)
    toolbar.addSeparator()
    toolbar.addAction(actions_by_text[ANNOTATIONS_ACTION])
    toolbar.addAction(actions_by_text["Compare with / without annotations"])
    toolbar.addSeparator()
    toolbar.addActions([actions_by_text[t] for t in VIEW_BUTTONS if t in actions_by_text])
    return toolbar
