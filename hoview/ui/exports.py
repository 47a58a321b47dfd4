"""File -> Export: the frame as shown, its with/without pair, and the montage builder.

Exports start from what is open: the frame on the canvas, its current window and
inversion, and the annotations in memory (edits not yet saved included), drawn by the
same function the screen uses. Each export asks for a file (a generic name in the last
export folder), warns first about pixels that may show the patient's name, and reports
success in the status bar or a one-line error naming the file.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QWidget

from hoview.annotations import AnnotationDocument
from hoview.display.pipeline import VOI
from hoview.errors import HoviewError
from hoview.render.export import save_image
from hoview.render.film import Film, render_film
from hoview.render.montage import compose_pair
from hoview.sources.base import Frame, Series
from hoview.sources.burned_in import burned_in_warning
from hoview.ui import export_prompts
from hoview.ui.canvas import ViewerCanvas
from hoview.ui.montage_builder import MontageBuilder
from hoview.ui.settings import Preferences

#: The Export submenu: action text and shortcut.
EXPORT_IMAGE = ("Export image...", "Ctrl+E")
EXPORT_PAIR = ("Export with/without pair...", "Ctrl+Shift+E")
MONTAGE_BUILDER = ("Montage builder...", "Ctrl+Shift+M")


def shown_document(canvas: ViewerCanvas, frame: Frame) -> AnnotationDocument:
    """Return the annotations the canvas holds for ``frame`` (empty if unreadable)."""
    return canvas.sessions.session(frame.source).document


def render_shown(frame: Frame, document: AnnotationDocument, voi: VOI | None, invert: bool) -> Film:
    """Render ``frame`` at native size with the viewer's window and inversion.

    Parameters
    ----------
    frame : Frame
        The frame on screen.
    document : AnnotationDocument
        Its annotations in memory; ``annotated`` shows its visible layers.
    voi : Window or LookupTable or None
        The canvas's window.
    invert : bool
        Whether the canvas shows the image negated (``I``); arrows stay as drawn.
    """
    return render_film(frame, document, window=voi, invert=invert)


class ExportActions(QObject):
    """The Export submenu's actions and what they do.

    Parameters
    ----------
    canvas : ViewerCanvas
        The viewer's canvas: its frame, window, inversion and annotation sessions.
    preferences : Preferences
        Keeps the last export folder.
    open_series : callable
        Returns the series open in the window (for the montage builder).
    parent : QWidget
        The main window: parent of dialogs and owner of the actions' shortcuts.
    """

    #: Emitted with a one-line report for the status bar.
    message = Signal(str)

    def __init__(
        self,
        canvas: ViewerCanvas,
        preferences: Preferences,
        open_series: Callable[[], list[Series]],
        parent: QWidget,
    ) -> None:
        super().__init__(parent)
        self.canvas = canvas
        self.preferences = preferences
        self.open_series = open_series
        self.window = parent
        self.builder: MontageBuilder | None = None
        self.actions: list[QAction] = []
        for (text, keys), slot in (
            (EXPORT_IMAGE, self.export_image),
            (EXPORT_PAIR, self.export_pair),
            (MONTAGE_BUILDER, self.show_montage_builder),
        ):
            action = QAction(text, parent)
            action.setShortcut(QKeySequence(keys))
            action.triggered.connect(lambda _checked=False, run=slot: run())
            self.actions.append(action)

    def export_image(self) -> Path | None:
        """Write the frame as shown: window, inversion, annotations if they are shown.

        Returns the file written, or ``None`` (nothing open, cancelled, or an error).
        """
        frame = self.canvas.frame
        if frame is None:
            return None
        document = shown_document(self.canvas, frame)

        def array(film: Film) -> np.ndarray:
            return film.annotated if document.annotations_visible else film.plain

        return self._export(frame, "Export image", "image.png", array)

    def export_pair(self) -> Path | None:
        """Write the frame without and with its annotations side by side, at native size.

        Returns the file written, or ``None``.
        """
        frame = self.canvas.frame
        if frame is None:
            return None
        return self._export(frame, "Export with/without pair", "pair.png", compose_pair)

    def show_montage_builder(self) -> MontageBuilder:
        """Open (or raise) the montage builder; it stays open beside the viewer."""
        if self.builder is None:
            self.builder = MontageBuilder(
                self.canvas, self.preferences, self.open_series, self.window
            )
            self.builder.message.connect(self.message)
        self.builder.show()
        self.builder.raise_()
        self.builder.activateWindow()
        return self.builder

    def _export(
        self, frame: Frame, title: str, name: str, make: Callable[[Film], np.ndarray]
    ) -> Path | None:
        source = frame.source
        warning = burned_in_warning(source.path.name, source.metadata)
        if warning and not export_prompts.confirm_burned_in(self.window, [warning]):
            return None
        default = self.preferences.export_folder / name
        out = export_prompts.ask_save_path(self.window, title, default, export_prompts.IMAGE_FILTER)
        if out is None:
            return None
        out = export_prompts.with_suffix(out, ".png")
        self.preferences.export_folder = out.parent
        document = shown_document(self.canvas, frame)
        try:
            film = render_shown(frame, document, self.canvas.voi, self.canvas.invert)
            save_image(make(film), out)
        except HoviewError as exc:
            export_prompts.show_error(self.window, str(exc))
            return None
        except OSError as exc:
            export_prompts.show_error(self.window, f"{out}: cannot write ({exc.strerror or exc})")
            return None
        self.message.emit(f"Exported {out}")
        return out
