"""File -> Open from PACS...: choose a server, search its studies, open one.

The search runs off the GUI thread (:class:`~hoview.ui.pacs_worker.Background`); a
failure is one line in a message box ("<server>: authentication failed (401)"), never a
traceback and never a password. Patient name, patient ID and accession number are
columns only when anonymous mode is off (:mod:`hoview.privacy`: they identify the
patient); the date, modality, description and counts are always shown.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from hoview.errors import HoviewError
from hoview.ui.pacs_worker import Background

if TYPE_CHECKING:  # the PACS client (requests) is imported when a search starts
    from hoview.pacs.query import StudySummary
    from hoview.pacs.servers import Server

__all__ = ["URL_CHOICE", "PacsDialog", "StudyChoice", "ask_server", "configured_servers"]

#: The server chooser's last entry: a DICOMweb URL typed in.
URL_CHOICE = "URL..."
#: Columns always shown, and those shown only when anonymous mode is off.
COLUMNS = ("Date", "Modality", "Description", "Series", "Instances")
IDENTIFYING_COLUMNS = ("Patient name", "Patient ID", "Accession")


@dataclass(frozen=True)
class StudyChoice:
    """The study chosen in the dialog and the server it is on."""

    server: Server
    study: StudySummary


def configured_servers() -> tuple[dict[str, Server], str]:
    """Return the servers of ``servers.toml`` and, if it cannot be read, why (one line)."""
    from hoview.pacs.servers import load_servers

    try:
        return load_servers(), ""
    except HoviewError as exc:
        return {}, str(exc)


def _date(text: str) -> str:
    return f"{text[:4]}-{text[4:6]}-{text[6:]}" if len(text) == 8 else text


def _count(value: int | None) -> QTableWidgetItem:
    item = QTableWidgetItem("?" if value is None else str(value))
    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    return item


class PacsDialog(QDialog):
    """Search a DICOMweb server's studies and choose one to open.

    Parameters
    ----------
    show_identifiers : bool
        Whether patient name, patient ID and accession number columns are shown
        (``False`` in anonymous mode).
    parent : QWidget, optional
        The window.
    """

    def __init__(self, show_identifiers: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Open from PACS")
        self.resize(820, 480)
        self.show_identifiers = show_identifiers
        self.choice: StudyChoice | None = None
        self._studies: list[StudySummary] = []
        self._server: Server | None = None
        self._search: Background | None = None
        self.servers, problem = configured_servers()
        self.server_box = QComboBox(self)
        self.server_box.addItems([*self.servers, URL_CHOICE])
        self.url_edit = QLineEdit(self)
        self.url_edit.setPlaceholderText("https://pacs.example.org/dicom-web")
        self.server_box.currentTextChanged.connect(self._on_server_changed)
        self.patient_id = QLineEdit(self)
        self.patient_name = QLineEdit(self)
        self.patient_name.setPlaceholderText("DOE^J*  (* and ? match anything)")
        self.accession = QLineEdit(self)
        self.modality = QLineEdit(self)
        self.modality.setPlaceholderText("DX, CR, CT...")
        self.date_from = QLineEdit(self)
        self.date_to = QLineEdit(self)
        for edit in (self.date_from, self.date_to):
            edit.setPlaceholderText("YYYYMMDD")
            edit.setMaxLength(8)
        dates = QHBoxLayout()
        dates.addWidget(self.date_from)
        dates.addWidget(QLabel("to", self))
        dates.addWidget(self.date_to)
        form = QFormLayout()
        form.addRow("Server", self.server_box)
        form.addRow("URL", self.url_edit)
        form.addRow("Patient ID", self.patient_id)
        form.addRow("Patient name", self.patient_name)
        form.addRow("Accession", self.accession)
        form.addRow("Modality", self.modality)
        form.addRow("Study date", dates)
        self.search_button = QPushButton("&Search", self)
        self.search_button.setDefault(True)
        self.search_button.clicked.connect(self.search)
        self.status = QLabel(problem, self)
        self.status.setWordWrap(True)
        columns = list(COLUMNS) + (list(IDENTIFYING_COLUMNS) if show_identifiers else [])
        self.table = QTableWidget(0, len(columns), self)
        self.table.setHorizontalHeaderLabels(columns)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.itemSelectionChanged.connect(self._on_selection_changed)
        self.table.doubleClicked.connect(lambda _index: self.open_selected())
        self.buttons = QDialogButtonBox(self)
        self.open_button = self.buttons.addButton("&Open", QDialogButtonBox.ButtonRole.AcceptRole)
        self.open_button.setEnabled(False)
        self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.open_selected)
        self.buttons.rejected.connect(self.reject)
        search_row = QHBoxLayout()
        search_row.addWidget(self.status, 1)
        search_row.addWidget(self.search_button)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addLayout(search_row)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.buttons)
        self._on_server_changed(self.server_box.currentText())

    # --- searching ----------------------------------------------------------------

    def _on_server_changed(self, text: str) -> None:
        self.url_edit.setEnabled(text == URL_CHOICE)

    def chosen_server(self) -> Server:
        """Return the server chosen (a configured one, or the URL typed in).

        Raises
        ------
        HoviewError
            If the URL is not a DICOMweb http(s) URL.
        """
        name = self.server_box.currentText()
        if name != URL_CHOICE:
            return self.servers[name]
        from hoview.pacs.servers import resolve_server

        url = self.url_edit.text().strip()
        if not url.startswith(("http://", "https://")):
            raise HoviewError(None, "URL: expected an http:// or https:// DICOMweb URL")
        return resolve_server(url)

    def _filters(self) -> dict[str, str | None]:
        start, end = self.date_from.text().strip(), self.date_to.text().strip()
        dates = f"{start}-{end}" if start and end else start or (f"-{end}" if end else "")
        return {
            "patient_id": self.patient_id.text().strip() or None,
            "patient_name": self.patient_name.text().strip() or None,
            "accession": self.accession.text().strip() or None,
            "modality": self.modality.text().strip().upper() or None,
            "study_date": dates or None,
        }

    def search(self) -> None:
        """Search the chosen server with the form's filters, off the GUI thread."""
        if self._search is not None and self._search.running:
            return
        from hoview.pacs.query import search_studies

        try:
            server = self.chosen_server()
        except HoviewError as exc:
            QMessageBox.warning(self, "hoview", str(exc))
            return
        filters = self._filters()
        if filters["study_date"]:
            from hoview.pacs.query import study_date_range

            try:
                study_date_range(filters["study_date"])
            except ValueError:
                QMessageBox.warning(self, "hoview", "Study date: expected YYYYMMDD (8 digits)")
                return
        self._server = server
        self.search_button.setEnabled(False)
        self.status.setText(f"Searching {server.label}...")
        self._search = Background(lambda: search_studies(server, **filters), self)
        self._search.done.connect(self._on_found)
        self._search.failed.connect(self._on_search_failed)
        self._search.start()

    def wait(self) -> None:
        """Block until a running search has answered (tests)."""
        if self._search is not None:
            self._search.wait()

    def _on_found(self, studies: list[StudySummary]) -> None:
        self.search_button.setEnabled(True)
        self._studies = list(studies)
        label = self._server.label if self._server is not None else ""
        count = len(studies)
        self.status.setText(f"{label}: {count} stud{'y' if count == 1 else 'ies'} found")
        self.table.setRowCount(count)
        for row, study in enumerate(studies):
            cells = [
                QTableWidgetItem(_date(study.date)),
                QTableWidgetItem("/".join(study.modalities)),
                QTableWidgetItem(study.description),
                _count(study.series),
                _count(study.instances),
            ]
            if self.show_identifiers:
                cells += [
                    QTableWidgetItem(study.patient_name.replace("^", " ").strip()),
                    QTableWidgetItem(study.patient_id),
                    QTableWidgetItem(study.accession),
                ]
            for column, cell in enumerate(cells):
                self.table.setItem(row, column, cell)
        self.table.resizeColumnsToContents()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)  # the description
        if count:
            self.table.selectRow(0)
        self._on_selection_changed()

    def _on_search_failed(self, line: str) -> None:
        self.search_button.setEnabled(True)
        self.status.setText("Search failed.")
        QMessageBox.warning(self, "hoview", line)

    # --- choosing -----------------------------------------------------------------

    def studies(self) -> list[StudySummary]:
        """Return the studies the last search found, in table order."""
        return list(self._studies)

    def _on_selection_changed(self) -> None:
        self.open_button.setEnabled(bool(self.table.selectionModel().selectedRows()))

    def open_selected(self) -> None:
        """Accept the dialog with the selected study (nothing happens without one)."""
        rows = self.table.selectionModel().selectedRows()
        if not rows or self._server is None:
            return
        self.choice = StudyChoice(self._server, self._studies[rows[0].row()])
        self.accept()


def ask_server(parent: QWidget, question: str) -> Server | None:
    """Ask which server to use (configured names, or a URL typed in); ``None``: cancelled."""
    servers, _problem = configured_servers()
    names = [*servers, URL_CHOICE]
    name, ok = QInputDialog.getItem(parent, "hoview", question, names, 0, False)
    if not ok:
        return None
    if name != URL_CHOICE:
        return servers[name]
    url, ok = QInputDialog.getText(parent, "hoview", "DICOMweb URL of the server:")
    if not ok or not url.strip():
        return None
    from hoview.pacs.servers import resolve_server

    try:
        return resolve_server(url.strip())
    except HoviewError as exc:
        QMessageBox.warning(parent, "hoview", str(exc))
        return None
