"""Tell the user a sidecar could not be saved, and offer what can be done about it."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSizePolicy, QWidget

from hoview.annotations import SidecarError
from hoview.annotations.merge import MergeResult
from hoview.ui.annotation_session import AnnotationSession, SaveState
from hoview.ui.merge_dialog import MergeConflictDialog

#: The narrowest the message gets, in characters, before the buttons are squeezed.
MESSAGE_MIN_CHARS = 12


class ElidedLabel(QLabel):
    """One line of text cut with "..." to the width it is given; the whole in the tooltip.

    :meth:`text` is always the whole text; :meth:`shown_text` is what is drawn. A
    :meth:`setToolTip` adds to the whole text (a detail under it), never replaces it.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._detail = ""
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)

    def setText(self, text: str) -> None:  # noqa: N802 - Qt API
        """Show ``text`` (elided to the label's width); the whole goes in the tooltip."""
        super().setText(text)
        self._update_tooltip()

    def setToolTip(self, detail: str) -> None:  # noqa: N802 - Qt API
        """Add ``detail`` under the whole text in the tooltip."""
        self._detail = detail
        self._update_tooltip()

    def _update_tooltip(self) -> None:
        lines = [self.text()]
        if self._detail and self._detail not in self.text():
            lines.append(self._detail)
        super().setToolTip("\n".join(line for line in lines if line))

    def shown_text(self) -> str:
        """Return the text as drawn: cut to the label's width with an ellipsis."""
        return self.fontMetrics().elidedText(
            self.text(), Qt.TextElideMode.ElideRight, max(0, self.contentsRect().width())
        )

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt API
        """Let the label shrink to a few characters; the rest is elided."""
        hint = super().minimumSizeHint()
        return QSize(self.fontMetrics().averageCharWidth() * MESSAGE_MIN_CHARS, hint.height())

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt API
        """Draw the elided text where QLabel would draw the whole."""
        painter = QPainter(self)
        try:
            self.style().drawItemText(
                painter,
                self.contentsRect(),
                int(self.alignment()),
                self.palette(),
                self.isEnabled(),
                self.shown_text(),
                QPalette.ColorRole.WindowText,
            )
        finally:
            painter.end()


class SaveBanner(QWidget):
    """A red line in the status bar while some image's annotations are not saved.

    A failed save offers Retry and Save elsewhere; a conflict with a change on disk
    offers Merge (keep both sides' work, by annotation id; the user picks mine or
    theirs for each annotation changed on both sides, in :attr:`merge_dialog`), Reload
    (drop the edits here) and Overwrite (keep these edits). The edits stay in memory
    until one of them works.
    """

    retry_requested = Signal()
    save_elsewhere_requested = Signal()
    reload_requested = Signal()
    overwrite_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session: AnnotationSession | None = None
        self.message = ElidedLabel(self)
        self.message.setStyleSheet("color: #b00020; font-weight: bold")
        self.retry = QPushButton("Retry", self)
        self.elsewhere = QPushButton("Save elsewhere...", self)
        self.merge = QPushButton("Merge", self)
        self.merge.setToolTip("Keep the changes made here and those saved on disk")
        self.merge.clicked.connect(self._on_merge)
        self.merge_dialog: MergeConflictDialog | None = None
        self.reload = QPushButton("Reload from disk", self)
        self.overwrite = QPushButton("Overwrite", self)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.message)
        layout.addWidget(self.merge)
        for button, signal in (
            (self.retry, self.retry_requested),
            (self.elsewhere, self.save_elsewhere_requested),
            (self.reload, self.reload_requested),
            (self.overwrite, self.overwrite_requested),
        ):
            button.clicked.connect(signal)
            layout.addWidget(button)
        self.show_problem(None)

    def show_problem(self, session: AnnotationSession | None) -> None:
        """Show ``session``'s save problem, or hide the banner when there is none."""
        self.session = session
        if session is None:
            self.hide()
            return
        conflict = session.state == SaveState.CONFLICT
        what = "changed on disk by someone else" if conflict else session.save_error
        # Why first: on a narrow window the end (the file's name) is what gets elided.
        self.message.setText(f"Annotations NOT saved: {what} ({session.source.path.name})")
        self.message.setToolTip(session.save_error)
        self.retry.setVisible(not conflict)
        self.merge.setVisible(conflict)
        self.reload.setVisible(conflict)
        self.overwrite.setVisible(conflict)
        self.show()

    def _on_merge(self) -> None:
        session = self.session
        if session is None:
            return
        try:
            result = session.merge_preview()
        except SidecarError as exc:
            self.message.setText(f"Cannot merge: {exc}")
            return
        if not result.conflicts:
            session.merge()
            return
        self.merge_dialog = MergeConflictDialog(result.conflicts, self.window())
        self.merge_dialog.accepted.connect(
            lambda s=session, r=result: self._on_conflicts_chosen(s, r)
        )
        self.merge_dialog.open()

    def _on_conflicts_chosen(self, session: AnnotationSession, result: MergeResult) -> None:
        dialog = self.merge_dialog
        if dialog is None:
            return
        choices = dialog.choices()
        self.merge_dialog = None
        dialog.deleteLater()
        try:
            session.merge(choices)
        except SidecarError as exc:
            self.message.setText(f"Cannot merge: {exc}")
