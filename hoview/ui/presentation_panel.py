"""The presentation state panel: the one shown over the image, its layers, and import.

A presentation state chosen in the series panel is drawn over its image as read-only
layers (:meth:`SessionStore.present`); nothing of it is written to the image's
sidecar. This panel names it, switches its layers on and off (in memory only), copies
its graphics into the image's own annotations as one undo step ("Import into my
annotations", the same :func:`~hoview.dicom_objects.gsps_import.add_graphics` that
``hoview import`` uses), and closes it.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QIcon, QPixmap
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from hoview.dicom_objects.gsps_import import add_graphics
from hoview.errors import HoviewError
from hoview.sources.base import ImageSource
from hoview.ui.annotation_session import AnnotationSession, Presentation, SessionStore
from hoview.ui.presentation_states import PresentationEntry, open_presentation

#: The Edit menu's name for an import (one undo step).
IMPORT_DESCRIPTION = "Import presentation state"
_ID = Qt.ItemDataRole.UserRole


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _swatch(colour: str) -> QIcon:
    pixmap = QPixmap(12, 12)
    pixmap.fill(QColor(colour))
    return QIcon(pixmap)


class PresentationPanel(QWidget):
    """The presentation state shown over the current image, if any.

    Parameters
    ----------
    sessions : SessionStore
        Keeps what is shown over each image, and each image's own annotations.
    parent : QWidget, optional
        Qt parent.

    Attributes
    ----------
    name_label : QLabel
        "Presentation state: <name>".
    layers : QListWidget
        Its layers, each with a visibility check box.
    import_button, close_button : QPushButton
        "Import into my annotations" and "Close".
    message_label : QLabel
        What the last import did.
    """

    #: Emitted with True when a presentation state is shown for the current image,
    #: False when none is (the window hides the panel's dock).
    active_changed = Signal(bool)

    def __init__(self, sessions: SessionStore, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.sessions = sessions
        self._session: AnnotationSession | None = None
        self._shown: Presentation | None = None
        self._filling = False
        self.name_label = QLabel(wordWrap=True)
        self.layers = QListWidget()
        self.layers.setToolTip("Read-only layers: switch them on and off")
        self.layers.itemChanged.connect(self._on_item_changed)
        self.import_button = QPushButton("Import into my annotations")
        self.import_button.setToolTip("Copy these graphics into the image's own annotations")
        self.import_button.clicked.connect(lambda: self.import_into_annotations())
        self.close_button = QPushButton("Close")
        self.close_button.setToolTip("Stop showing this presentation state")
        self.close_button.clicked.connect(lambda: self.close_presentation())
        self.message_label = QLabel(wordWrap=True)
        buttons = QHBoxLayout()
        buttons.addWidget(self.import_button)
        buttons.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.name_label)
        layout.addWidget(self.layers, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.message_label)
        sessions.presentation_changed.connect(self._on_presentation_changed)
        sessions.changed.connect(self._on_changed)

    @property
    def presentation(self) -> Presentation | None:
        """The presentation state shown over the current image, or ``None``."""
        return self._shown

    def set_session(self, session: AnnotationSession | None) -> None:
        """Follow the image on screen (``None``: nothing open)."""
        self._session = session
        self.message_label.clear()
        self._refresh()

    def open(self, entry: PresentationEntry, source: ImageSource) -> Presentation | None:
        """Show ``entry`` over ``source`` (the image on screen); a box says why it cannot.

        Returns what is shown, or ``None`` after an error.
        """
        try:
            presentation = open_presentation(entry, source)
        except HoviewError as exc:
            QMessageBox.warning(self, "hoview", str(exc))
            return None
        self._session = self.sessions.session(source)
        self.message_label.clear()
        self.sessions.present(source, presentation)
        return presentation

    def close_presentation(self) -> None:
        """Stop showing the presentation state over the current image."""
        if self._session is not None:
            self.sessions.present(self._session.source, None)

    def import_into_annotations(self) -> dict[str, int]:
        """Copy the shown graphics into the image's own annotations, as one undo step.

        The session's autosave then writes the sidecar, as for any edit. Returns how
        many annotations of each kind were added (none the second time).
        """
        session, shown = self._session, self._shown
        if session is None or shown is None or session.read_only:
            return {}
        try:
            with session.history.group(IMPORT_DESCRIPTION):
                new_layers, skipped, added = add_graphics(session.document, shown.graphics)
        except (KeyError, ValueError) as exc:
            self.message_label.setText(str(exc).strip("'\""))
            return {}
        if not added:
            self.message_label.setText("Nothing new: already in your annotations")
            return {}
        what = ", ".join(_plural(n, kind) for kind, n in added.items())
        note = f" ({_plural(skipped, 'object')} outside the image left out)" if skipped else ""
        self.message_label.setText(
            f"Added {what} on {_plural(new_layers, 'new layer')} to your annotations{note}"
        )
        return added

    # -- store -> panel ---------------------------------------------------------------

    def _on_presentation_changed(self, session: AnnotationSession) -> None:
        if session is self._session:
            self._refresh()

    def _on_changed(self, session: AnnotationSession) -> None:
        if session is self._session and self._shown is not None and not self._filling:
            self._fill_rows()  # a layer toggled elsewhere, or an import undone

    def _refresh(self) -> None:
        session = self._session
        shown = self.sessions.presentation(session.source) if session is not None else None
        was = self._shown is not None
        self._shown = shown
        self.name_label.setText(f"{shown.kind}: {shown.name}" if shown else "")
        self.name_label.setToolTip(str(shown.path) if shown else "")
        self._fill_rows()
        if was != (shown is not None) or shown is not None:
            self.active_changed.emit(shown is not None)

    def _fill_rows(self) -> None:
        shown = self._shown
        self._filling = True
        try:
            self.layers.clear()
            for layer in reversed(shown.document.layers if shown else ()):  # top first
                count = sum(1 for a in shown.document.annotations if a.layer == layer.id)
                item = QListWidgetItem(_swatch(layer.colour), f"{layer.name} ({count})")
                item.setData(_ID, layer.id)
                item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable)
                on = Qt.CheckState.Checked if layer.visible else Qt.CheckState.Unchecked
                item.setCheckState(on)
                self.layers.addItem(item)
        finally:
            self._filling = False
        session = self._session
        self.import_button.setEnabled(
            shown is not None and session is not None and not session.read_only
        )
        self.close_button.setEnabled(shown is not None)

    # -- panel -> document ----------------------------------------------------------------

    def _on_item_changed(self, item: QListWidgetItem) -> None:
        if self._filling or self._shown is None:
            return
        checked = item.checkState() == Qt.CheckState.Checked
        self._filling = True  # the row already shows it: no rebuild under this signal
        try:
            self._shown.document.set_layer_visible(item.data(_ID), checked)
        finally:
            self._filling = False

    def set_layer_visible(self, name: str, visible: bool) -> None:
        """Switch the shown layer named ``name`` on or off (as its check box does)."""
        for row in range(self.layers.count()):
            item = self.layers.item(row)
            layer = self._shown.document.layer(item.data(_ID)) if self._shown else None
            if layer is not None and layer.name == name:
                on = Qt.CheckState.Checked if visible else Qt.CheckState.Unchecked
                item.setCheckState(on)
