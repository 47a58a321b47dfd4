"""Image > Set orientation...: say where a film's rows and columns point in the patient.

For raster films (and DICOM files without Patient Orientation) the viewer has no
orientation markers until the user states the two directions; they are saved in the
sidecar's ``orientation`` and drawn on screen and in exports.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QWidget,
)

from hoview.annotations.model import check_orientation

if TYPE_CHECKING:
    from hoview.ui.canvas import ViewerCanvas

#: The directions offered; oblique ones ("LF") may be typed.
DIRECTIONS = ("L", "R", "A", "P", "H", "F")


class OrientationDialog(QDialog):
    """Ask for the row and column directions (Patient Orientation's two values).

    Parameters
    ----------
    current : tuple of str, optional
        The directions shown first (default ``L`` and ``F``, an AP film).
    parent : QWidget, optional
        Qt parent.
    """

    def __init__(self, current: tuple[str, str] | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Set orientation")
        current = current or ("L", "F")
        self.rows = self._combo(current[0])
        self.columns = self._combo(current[1])
        self.error = QLabel("", self)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok
            | QDialogButtonBox.StandardButton.Cancel
            | QDialogButtonBox.StandardButton.Reset,
            self,
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        reset = self.buttons.button(QDialogButtonBox.StandardButton.Reset)
        reset.setText("Remove")
        reset.clicked.connect(self._on_remove)
        #: The chosen directions after OK, or ``None`` after Remove.
        self.orientation: tuple[str, str] | None = current
        form = QFormLayout(self)
        form.addRow(QLabel("Where does each direction of the film point in the patient?"))
        form.addRow("Rightwards along the rows", self.rows)
        form.addRow("Downwards along the columns", self.columns)
        form.addRow(self.error)
        form.addRow(self.buttons)

    def _combo(self, value: str) -> QComboBox:
        combo = QComboBox(self)
        combo.setEditable(True)
        combo.addItems(DIRECTIONS)
        combo.setCurrentText(value)
        return combo

    def _on_remove(self) -> None:
        self.orientation = None
        super().accept()

    def accept(self) -> None:
        """Check the two directions; close only when they are valid."""
        try:
            self.orientation = check_orientation(
                (self.rows.currentText(), self.columns.currentText())
            )
        except (TypeError, ValueError) as exc:
            self.error.setText(str(exc))
            return
        super().accept()


def ask_orientation(canvas: ViewerCanvas, parent: QWidget | None = None) -> bool:
    """Ask for the shown image's orientation and store it in its sidecar.

    Returns
    -------
    bool
        Whether the orientation changed hands to the document (OK or Remove).
    """
    session = canvas.session()
    if session is None or session.read_only:
        return False
    document = session.document
    dialog = OrientationDialog(document.orientation, parent)
    if not dialog.exec():
        return False
    document.set_orientation(dialog.orientation)
    return True
