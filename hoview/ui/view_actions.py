"""The viewer's actions with their radiology-viewer shortcuts, grouped into menus.

Every action calls one canvas or session method; the keyboard shortcuts listed in
Help -> Keyboard shortcuts and in the README come from here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QWidget

from hoview.display.presets import presets_for
from hoview.errors import HoviewError
from hoview.ui.canvas import ViewerCanvas
from hoview.ui.canvas_input import ZOOM_STEP


@dataclass(frozen=True)
class ActionSpec:
    """One action: menu, text, shortcuts and what it does."""

    menu: str
    text: str
    shortcuts: tuple[str, ...]
    run: Callable[[], None]
    checkable: bool = False


def _toggle_annotations(canvas: ViewerCanvas) -> None:
    session = canvas.session()
    if session is not None and not session.read_only:
        document = session.document
        document.set_all_visible(not document.annotations_visible)


def apply_preset(canvas: ViewerCanvas, number: int) -> bool:
    """Use window preset ``number`` (from 1): the file's windows, then hoview's."""
    frame = canvas.frame
    if frame is None or frame.attributes.is_colour:
        return False
    try:
        stored = frame.pixels()
    except HoviewError:  # the canvas shows why
        return False
    presets = presets_for(stored, frame.attributes, frame.source.metadata.get("modality", ""))
    if not 1 <= number <= len(presets):
        return False
    canvas.set_window(presets[number - 1])
    return True


def _toggle_magnifier(canvas: ViewerCanvas) -> None:
    """Keep the lens on without Z (the toolbar switch), or back to Z only."""
    canvas.magnifier.pin(not canvas.magnifier.pinned)
    canvas.update()


def _undo(canvas: ViewerCanvas, redo: bool = False) -> None:
    session = canvas.session()
    if session is not None and not session.read_only:
        session.history.redo() if redo else session.history.undo()


def view_actions(
    canvas: ViewerCanvas, active: Callable[[], ViewerCanvas] | None = None
) -> list[ActionSpec]:
    """Return the View and Edit actions, with their shortcuts.

    Parameters
    ----------
    canvas : ViewerCanvas
        The primary canvas: annotations (show / hide, undo, redo) and the viewer's
        flags (corner text, anonymous mode, overlays) are its.
    active : callable, optional
        Returns the active viewport's canvas, which fit, zoom, invert, rotate, flip,
        reset, the magnifier, frames and window presets act on (default: ``canvas``).
    """
    now: Callable[[], ViewerCanvas] = active if active is not None else (lambda: canvas)
    specs = [
        ActionSpec("View", "Fit to window", ("F",), lambda: now().fit()),
        ActionSpec("View", "Actual size (1:1)", ("Ctrl+1",), lambda: now().actual_size()),
        ActionSpec("View", "Zoom in", ("+", "="), lambda: now().zoom_by(ZOOM_STEP)),
        ActionSpec("View", "Zoom out", ("-",), lambda: now().zoom_by(1 / ZOOM_STEP)),
        ActionSpec("View", "Invert", ("I",), lambda: now().set_invert(not now().invert)),
        ActionSpec("View", "Rotate clockwise", ("R",), lambda: now().rotate(90)),
        ActionSpec("View", "Rotate counter-clockwise", ("Shift+R",), lambda: now().rotate(-90)),
        ActionSpec("View", "Flip horizontal", ("Shift+H",), lambda: now().flip(True)),
        ActionSpec("View", "Flip vertical", ("Shift+V",), lambda: now().flip(False)),
        ActionSpec("View", "Reset view", ("Ctrl+R",), lambda: now().reset()),
        ActionSpec("View", "Show / hide annotations", ("H",), lambda: _toggle_annotations(canvas)),
        ActionSpec("View", "Corner text", ("C",), lambda: _flip_flag(canvas, "corner_text")),
        ActionSpec(
            "View", "Anonymous mode", ("Ctrl+Shift+A",), lambda: _flip_flag(canvas, "anonymous")
        ),
        ActionSpec("View", "DICOM overlays", ("O",), lambda: _flip_flag(canvas, "overlays")),
        # Held Z (the canvas's own key, not a shortcut: it must see the release) shows it too.
        ActionSpec(
            "View", "Magnifier", ("Shift+Z",), lambda: _toggle_magnifier(now()), checkable=True
        ),
        ActionSpec("Image", "Next frame", ("PgDown",), lambda: _step(now(), 1)),
        ActionSpec("Image", "Previous frame", ("PgUp",), lambda: _step(now(), -1)),
        ActionSpec("Edit", "Undo", ("Ctrl+Z",), lambda: _undo(canvas)),
        ActionSpec("Edit", "Redo", ("Ctrl+Shift+Z", "Ctrl+Y"), lambda: _undo(canvas, True)),
    ]
    for n in range(1, 10):
        specs.append(
            ActionSpec("Window", f"Preset {n}", (str(n),), lambda n=n: apply_preset(now(), n))
        )
    return specs


def _flip_flag(canvas: ViewerCanvas, name: str) -> None:
    """Flip a flag of the canvas's view state: every canvas over that state follows."""
    canvas.state.toggle_flag(name)


def _step(canvas: ViewerCanvas, by: int) -> None:
    canvas.set_frame_index(canvas.frame_index + by)


def make_action(parent: QWidget, spec: ActionSpec) -> QAction:
    """Build the QAction for ``spec``, its shortcuts active in the whole window."""
    action = QAction(spec.text, parent)
    action.setShortcuts([QKeySequence(s) for s in spec.shortcuts])
    action.setCheckable(spec.checkable)
    action.triggered.connect(lambda _checked=False, run=spec.run: run())
    parent.addAction(action)
    return action


def shortcut_rows(specs: list[ActionSpec]) -> list[tuple[str, str, str]]:
    """Return (menu, action, shortcuts) rows for the help dialog and the README."""
    return [(s.menu, s.text, ", ".join(s.shortcuts)) for s in specs if s.shortcuts]
