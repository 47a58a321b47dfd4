"""File -> Export: the frame as shown, its pair, the montage builder, the view as a GSPS.

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
from hoview.display.attributes import Window
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
from hoview.ui.slides_export import EXPORT_SLIDES, export_slides

#: The Export submenu: action text and shortcut.
EXPORT_IMAGE = ("Export image...", "Ctrl+E")
EXPORT_PAIR = ("Export with/without pair...", "Ctrl+Shift+E")
MONTAGE_BUILDER = ("Montage builder...", "Ctrl+Shift+M")
EXPORT_PRESENTATION = "Export presentation state..."
#: Why the action is disabled for a raster image.
NEEDS_DICOM = "A presentation state needs a DICOM image (this image is not one)"
#: The save dialog's filter and default name for a presentation state.
DICOM_FILTER = "DICOM presentation state (*.dcm)"
PRESENTATION_NAME = "image.ps.dcm"


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
            ((EXPORT_SLIDES, ""), self.export_slides),
        ):
            action = QAction(text, parent)
            action.setShortcut(QKeySequence(keys))
            action.triggered.connect(lambda _checked=False, run=slot: run())
            self.actions.append(action)
        #: File -> Export presentation state... (in the File menu, beside the submenu);
        #: disabled, with a tooltip saying why, when the image is not DICOM.
        self.presentation_action = QAction(EXPORT_PRESENTATION, parent)
        self.presentation_action.triggered.connect(lambda _c=False: self.export_presentation())
        canvas.frame_changed.connect(lambda *_: self._update_presentation_action())
        self._update_presentation_action()

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

    def _update_presentation_action(self) -> None:
        frame = self.canvas.frame
        dicom = frame is not None and getattr(frame.source, "dataset", None) is not None
        self.presentation_action.setEnabled(dicom)
        if frame is None:
            self.presentation_action.setToolTip("Open a DICOM image first")
        else:
            self.presentation_action.setToolTip(
                "Write the visible layers, the window, rotation and flips as a DICOM "
                "presentation state (GSPS)"
                if dicom
                else NEEDS_DICOM
            )

    def export_presentation(self) -> Path | None:
        """Write the view as a GSPS: visible layers of this frame, window, rotation, flips.

        Returns the file written, or ``None`` (no DICOM image, cancelled, or an error,
        which a message box shows in one line).
        """
        frame = self.canvas.frame
        if frame is None or getattr(frame.source, "dataset", None) is None:
            return None
        default = self.preferences.export_folder / PRESENTATION_NAME
        out = export_prompts.ask_save_path(
            self.window, "Export presentation state", default, DICOM_FILTER
        )
        if out is None:
            return None
        out = export_prompts.with_suffix(out, ".dcm")
        self.preferences.export_folder = out.parent
        try:
            line = write_view_gsps(self.canvas, frame, out)
        except HoviewError as exc:
            export_prompts.show_error(self.window, str(exc))
            return None
        self.message.emit(f"Exported presentation state {line}")
        return out

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

    def export_slides(self) -> Path | None:
        """Write the montage builder's list as lecture slides (the frame on screen if empty).

        Returns the deck written, or ``None`` (nothing open, cancelled, or an error).
        """
        builder = self.show_montage_builder()
        if not builder.items():
            builder.add_current_frame()
        return export_slides(builder)

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


def write_view_gsps(canvas: ViewerCanvas, frame: Frame, out: Path) -> str:
    """Write the GSPS of what ``canvas`` shows of ``frame`` to ``out``.

    The frame's image, its annotations in memory on their visible layers (this frame's
    only), the canvas's window as the Softcopy VOI LUT (a VOI LUT in use: the image's
    own is copied) and its rotation and flips as the Spatial Transformation
    (:func:`hoview.dicom_objects.gsps_export.build_gsps`).

    Returns
    -------
    str
        ``"<out>: 2 arrows on 1 layer"``: what was written.

    Raises
    ------
    HoviewError
        If the image is not a grey DICOM image or ``out`` cannot be written.
    """
    from hoview.dicom_objects.gsps_export import build_gsps
    from hoview.dicom_objects.writing import write_dataset

    source = frame.source
    geometry = canvas.state.geometry
    voi = canvas.voi
    ds, counts, layer_count = build_gsps(
        source.dataset,
        shown_document(canvas, frame),
        frame=frame.number,
        window=voi if isinstance(voi, Window) else None,
        geometry=None
        if geometry is None
        else (geometry.rotation, geometry.flip_h, geometry.flip_v),
        pixel_spacing=source.pixel_spacing,
        path=source.path,
    )
    write_dataset(ds, out)
    what = ", ".join(f"{n} {kind}{'s' if n != 1 else ''}" for kind, n in counts.items())
    layers = f"{layer_count} layer{'s' if layer_count != 1 else ''}"
    return f"{out}: {what or 'no annotations'} on {layers}"
