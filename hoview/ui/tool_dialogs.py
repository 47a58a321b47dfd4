"""The small dialogs the annotation tools open: label, text, finding, colour, length.

The tools (:mod:`hoview.ui.tools`) and the edits (:mod:`hoview.ui.annotation_edits`)
call these through the module (``tool_dialogs.ask_label(...)``), so a test replaces any of them with
``monkeypatch.setattr(tool_dialogs, "ask_label", ...)`` and no modal dialog ever opens.
Each returns ``None`` when the user cancels.
"""

from __future__ import annotations

from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QColorDialog,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QWidget,
)

from hoview.annotations import Finding
from hoview.annotations.brooker import GRADES as BROOKER_GRADES
from hoview.annotations.brooker import is_heterotopic_ossification
from hoview.annotations.calibration import MAX_LENGTH_MM

#: Findings offered in the finding dialog (any other text may be typed).
FINDINGS = (
    "heterotopic ossification",
    "fracture",
    "osteophyte",
    "joint space narrowing",
    "loose body",
    "periprosthetic lucency",
    "avascular necrosis",
)
#: Grades offered in the finding dialog (Brooker's classification of heterotopic
#: ossification around the hip; any other text may be typed).
GRADES = BROOKER_GRADES
#: Laterality choices: the stored value and what the dialog shows.
LATERALITIES = ((None, "none"), ("R", "right (R)"), ("L", "left (L)"), ("bilateral", "bilateral"))
#: Longest finding or grade the model accepts.
MAX_SHORT_TEXT = 256


def ask_label(parent: QWidget | None, current: str | None) -> str | None:
    """Ask for an annotation's label.

    Parameters
    ----------
    parent : QWidget or None
        The dialog's parent (the canvas).
    current : str or None
        The label now.

    Returns
    -------
    str or None
        The new label, stripped (``""`` removes it), or ``None`` if cancelled.
    """
    text, ok = QInputDialog.getText(
        parent, "Label", "Label:", QLineEdit.EchoMode.Normal, current or ""
    )
    return text.strip() if ok else None


def ask_text(parent: QWidget | None, current: str = "") -> str | None:
    """Ask for the words of a text annotation.

    Parameters
    ----------
    parent : QWidget or None
        The dialog's parent (the canvas).
    current : str
        The text now (``""`` for a new one); text of several lines is edited in a
        multi-line box.

    Returns
    -------
    str or None
        The text (possibly empty), or ``None`` if cancelled.
    """
    if "\n" in current:
        text, ok = QInputDialog.getMultiLineText(parent, "Text", "Text:", current)
    else:
        text, ok = QInputDialog.getText(parent, "Text", "Text:", QLineEdit.EchoMode.Normal, current)
    return text.strip() if ok else None


def ask_colour(parent: QWidget | None, current: str | None) -> str | None:
    """Ask for an annotation colour.

    Returns
    -------
    str or None
        ``#rrggbb``, or ``None`` if cancelled.
    """
    colour = QColorDialog.getColor(QColor(current or "#ffffff"), parent, "Annotation colour")
    return colour.name() if colour.isValid() else None


def ask_length_mm(parent: QWidget | None, pixels: float) -> float | None:
    """Ask how long a calibration line really is, in millimetres.

    Parameters
    ----------
    parent : QWidget or None
        The dialog's parent (the canvas).
    pixels : float
        The line's length in image pixels (said in the dialog).

    Returns
    -------
    float or None
        The length in mm (more than 0), or ``None`` if cancelled.
    """
    value, ok = QInputDialog.getDouble(
        parent,
        "Calibrate",
        f"The line is {pixels:.1f} pixels long. Its real length in mm:",
        10.0,
        0.01,
        MAX_LENGTH_MM,
        2,
    )
    return float(value) if ok and value > 0 else None


class FindingDialog(QDialog):
    """Edit a structured finding: what is seen, which side, what grade.

    The grade is the reader's choice (Brooker I-IV or free text). hoview's own
    suggestion, made from the gaps measured for the finding, is shown beside it
    (``suggestion``) and kept apart: "Use" copies it into the grade.

    Parameters
    ----------
    current : Finding or None
        The finding the fields start with.
    parent : QWidget, optional
        Qt parent.
    suggestion : str
        Where hoview's suggested grade comes from, e.g. ``"suggested: Brooker III
        from a 6.2 mm gap"``; ``""`` shows nothing.

    Attributes
    ----------
    finding_box, grade_box : QComboBox
        Editable: a listed choice or free text.
    laterality_box : QComboBox
        None, right, left or bilateral.
    suggestion_label : QLabel
        The suggestion (hidden when there is none).
    use_suggestion : QPushButton
        Copies the suggested grade into the grade.
    """

    def __init__(
        self, current: Finding | None = None, parent: QWidget | None = None, suggestion: str = ""
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Finding")
        self._current = current
        self.finding_box = _editable_combo(FINDINGS, current.finding if current else "")
        self.laterality_box = QComboBox()
        for value, text in LATERALITIES:
            self.laterality_box.addItem(text, value)
        self.laterality_box.setCurrentIndex(
            self.laterality_box.findData(current.laterality) if current else 0
        )
        self.grade_box = _editable_combo(GRADES, (current.grade or "") if current else "")
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QFormLayout(self)
        layout.addRow("Finding:", self.finding_box)
        layout.addRow("Side:", self.laterality_box)
        layout.addRow("Grade:", self.grade_box)
        suggested = current.suggested_grade if current else None
        self.suggestion_label = QLabel(
            suggestion or (f"suggested: {suggested}" if suggested else "")
        )
        self.use_suggestion = QPushButton("Use")
        self.use_suggestion.setToolTip("Take hoview's suggestion as the grade")
        self.use_suggestion.clicked.connect(lambda: self.grade_box.setEditText(suggested or ""))
        row = QHBoxLayout()
        row.addWidget(self.suggestion_label, 1)
        row.addWidget(self.use_suggestion)
        layout.addRow("", row)
        for widget in (self.suggestion_label, self.use_suggestion):
            widget.setVisible(bool(suggested))
        layout.addRow(self.buttons)
        self.finding_box.editTextChanged.connect(self._on_finding_text_changed)
        self._on_finding_text_changed(self.finding_box.currentText())

    def _on_finding_text_changed(self, text: str) -> None:
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(bool(text.strip()))

    def finding(self) -> Finding | None:
        """Return the finding the fields describe, or ``None`` while the finding is empty."""
        text = self.finding_box.currentText().strip()
        if not text:
            return None
        grade = self.grade_box.currentText().strip() or None
        current = self._current
        suggested = current.suggested_grade if current is not None else None
        kept = Finding(text, suggested_grade=suggested)
        return Finding(
            text,
            self.laterality_box.currentData(),
            grade,
            suggested if is_heterotopic_ossification(kept) else None,
            extra=current.extra if current is not None else {},
        )


def _editable_combo(choices: tuple[str, ...], text: str) -> QComboBox:
    box = QComboBox()
    box.setEditable(True)
    box.addItems(list(choices))
    box.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
    box.lineEdit().setMaxLength(MAX_SHORT_TEXT)
    box.setEditText(text)
    return box


def edit_finding_dialog(
    parent: QWidget | None, current: Finding | None, suggestion: str = ""
) -> Finding | None:
    """Ask for a structured finding.

    Parameters
    ----------
    parent : QWidget or None
        The dialog's parent (the canvas).
    current : Finding or None
        The finding the dialog starts with.
    suggestion : str
        Where hoview's suggested grade comes from (shown beside the grade).

    Returns
    -------
    Finding or None
        The finding chosen, or ``None`` if cancelled. (OK needs a finding; removing
        one is ``annotation_edits.set_finding(canvas, ids, None)``.)
    """
    dialog = FindingDialog(current, parent, suggestion)
    try:
        if dialog.exec() == QDialog.DialogCode.Accepted:
            return dialog.finding()
        return None
    finally:
        dialog.deleteLater()
