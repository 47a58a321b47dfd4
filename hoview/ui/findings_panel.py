"""The Findings dock: every annotation of the series on screen, in a table.

Like OHIF's measurement panel or Horos' ROI manager: one row per annotation (kind,
label, finding, laterality, grade, layer, frame, author, value; see
:mod:`hoview.ui.findings_model`), for every image of the active viewport's series.
A click (or Enter) on a row goes to its frame, centres the annotation in the view and
selects it; selecting on the canvas highlights the rows. The rows can be filtered by
layer and by finding, and copied (the Copy button, or Ctrl+C in the table) as
tab-separated text with a header line, to paste into a report.

The table follows the documents (every edit, layer change or calibration) and the
viewport (another series, another active viewport) as they change.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any, Protocol

from PySide6.QtCore import (
    QAbstractTableModel,
    QEvent,
    QItemSelection,
    QItemSelectionModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor, QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QComboBox,
    QDockWidget,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMainWindow,
    QMenu,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from hoview.ui.annotation_session import SessionStore
from hoview.ui.canvas import ViewerCanvas
from hoview.ui.findings_model import COLUMNS, FindingRow, filter_rows, finding_rows, to_tsv
from hoview.ui.series_annotations import SeriesAnnotations

#: The View menu's toggle of the dock, and its keys.
TOGGLE_TEXT, TOGGLE_KEYS = "Findings panel", "Ctrl+Shift+F"
#: The filter combos' first entries.
ALL_LAYERS, ALL_FINDINGS = "All layers", "All findings"
#: Rows of annotations on hidden layers are drawn in this colour.
_HIDDEN_ROW = QColor(128, 128, 128)

_Index = QModelIndex | QPersistentModelIndex


class ActiveViewer(Protocol):
    """What the panel needs of the viewer area: the active viewport and its changes."""

    @property
    def active_canvas(self) -> ViewerCanvas: ...  # noqa: D102

    active_changed: Any


class FindingsTableModel(QAbstractTableModel):
    """The rows shown, as a Qt table model (read only)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[FindingRow] = []

    @property
    def rows(self) -> list[FindingRow]:
        """The rows shown, in order."""
        return list(self._rows)

    def set_rows(self, rows: list[FindingRow]) -> None:
        """Show ``rows`` instead.

        The same annotations in the same order (a drag, a new label) change the cells
        only, so the current row and the scroll position stay.
        """
        same = [r.annotation_id for r in rows] == [r.annotation_id for r in self._rows]
        if same and rows:
            self._rows = list(rows)
            last = self.index(len(rows) - 1, len(COLUMNS) - 1)
            self.dataChanged.emit(self.index(0, 0), last)
            return
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008, N802 - Qt API
        """Return the number of rows."""
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008, N802 - Qt API
        """Return the number of columns (:data:`~hoview.ui.findings_model.COLUMNS`)."""
        return 0 if parent.isValid() else len(COLUMNS)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """Return a cell's text; hidden-layer rows in grey, frame numbers right-aligned."""
        if not index.isValid():
            return None
        row = self._rows[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return row.cells()[index.column()]
        if role == Qt.ItemDataRole.ForegroundRole and not row.shown:
            return QBrush(_HIDDEN_ROW)
        if role == Qt.ItemDataRole.TextAlignmentRole and COLUMNS[index.column()] == "Frame":
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def headerData(  # noqa: N802 - Qt API
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        """Return the column names."""
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        return None


class FindingsTable(QTableView):
    """The table: Enter or Return goes to the row's annotation, Ctrl+C copies the rows."""

    #: Emitted with the row (from 0) the user asked to go to.
    row_chosen = Signal(int)
    #: Emitted when the user asks for the rows to be copied (Ctrl+C).
    copy_requested = Signal()

    def event(self, event: QEvent) -> bool:
        """Take Ctrl+C and Enter here, before the window's actions (Copy annotations)."""
        if event.type() == QEvent.Type.ShortcutOverride and isinstance(event, QKeyEvent):
            if event.matches(QKeySequence.StandardKey.Copy) or event.key() in _ENTER_KEYS:
                event.accept()
                return True
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt API
        """Copy on Ctrl+C; go to the current row on Enter or Return."""
        if event.matches(QKeySequence.StandardKey.Copy):
            self.copy_requested.emit()
            return
        if event.key() in _ENTER_KEYS and self.currentIndex().isValid():
            self.row_chosen.emit(self.currentIndex().row())
            return
        super().keyPressEvent(event)


_ENTER_KEYS = (Qt.Key.Key_Return, Qt.Key.Key_Enter)


class FindingsPanel(QWidget):
    """Every annotation of the active viewport's series, filtered, clickable, copyable.

    Parameters
    ----------
    sessions : SessionStore
        The window's annotation sessions.
    viewer : ActiveViewer
        The viewer area: its ``active_canvas`` is the viewport the panel follows.
    parent : QWidget, optional
        Qt parent.
    """

    def __init__(
        self, sessions: SessionStore, viewer: ActiveViewer, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.viewer = viewer
        self.annotations = SeriesAnnotations(sessions, self)
        self._all: list[FindingRow] = []
        self.layer_filter = QComboBox(self)
        self.layer_filter.setToolTip("Show the annotations of one layer")
        self.finding_filter = QComboBox(self)
        self.finding_filter.setToolTip("Show the annotations of one finding")
        for combo in (self.layer_filter, self.finding_filter):
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.copy_button = QPushButton("Copy", self)
        self.copy_button.setToolTip("Copy the rows shown as a table for a report (Ctrl+C)")
        self.count_label = QLabel(self)
        self.model = FindingsTableModel(self)
        self.table = FindingsTable(self)
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        # Two rows, so the filters keep their names in a panel as narrow as the layers'.
        filters = QHBoxLayout()
        filters.setContentsMargins(0, 0, 0, 0)
        filters.addWidget(self.layer_filter, 1)
        filters.addWidget(self.finding_filter, 1)
        bar = QHBoxLayout()
        bar.setContentsMargins(0, 0, 0, 0)
        bar.addWidget(self.count_label, 1)
        bar.addWidget(self.copy_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(filters)
        layout.addLayout(bar)
        layout.addWidget(self.table, 1)
        self.layer_filter.currentIndexChanged.connect(lambda _i: self._show_rows())
        self.finding_filter.currentIndexChanged.connect(lambda _i: self._show_rows())
        self.copy_button.clicked.connect(lambda _c=False: self.copy())
        self.table.copy_requested.connect(self.copy)
        self.table.clicked.connect(lambda index: self.go_to(index.row()))
        self.table.row_chosen.connect(self.go_to)
        self.annotations.changed.connect(self.refresh)
        self._canvas: ViewerCanvas | None = None
        viewer.active_changed.connect(self._on_active_changed)
        self._on_active_changed(viewer.active_canvas)

    # --- what is shown ----------------------------------------------------------------

    @property
    def canvas(self) -> ViewerCanvas | None:
        """The viewport the panel follows (the active one)."""
        return self._canvas

    def all_rows(self) -> list[FindingRow]:
        """Return every annotation of the series, before the filters."""
        return list(self._all)

    def rows(self) -> list[FindingRow]:
        """Return the rows shown (after the filters), in order."""
        return self.model.rows

    def refresh(self) -> None:
        """Read the series' annotations again and show them (done on every change)."""
        canvas = self._canvas
        series = canvas.series if canvas is not None else None
        documents = self.annotations.documents()
        self._all = finding_rows(series, documents) if series is not None else []
        self._fill_filter(self.layer_filter, ALL_LAYERS, [r.layer for r in self._all])
        self._fill_filter(
            self.finding_filter, ALL_FINDINGS, [r.finding for r in self._all if r.finding]
        )
        self._show_rows()

    def set_layer_filter(self, name: str | None) -> None:
        """Show only the annotations on layer ``name`` (``None``: every layer)."""
        self._choose(self.layer_filter, name)

    def set_finding_filter(self, finding: str | None) -> None:
        """Show only the annotations of finding ``finding`` (``None``: every finding)."""
        self._choose(self.finding_filter, finding)

    def copy(self) -> str:
        """Put the rows shown on the clipboard as tab-separated text; return the text."""
        text = to_tsv(self.rows())
        QApplication.clipboard().setText(text)
        return text

    def go_to(self, row: int) -> None:
        """Go to row ``row``'s frame, centre its annotation in the view and select it."""
        rows, canvas = self.model.rows, self._canvas
        if canvas is None or canvas.series is None or not 0 <= row < len(rows):
            return
        chosen = rows[row]
        canvas.set_frame_index(chosen.index)  # (a new frame clears the selection)
        geometry = canvas.geometry_state
        if geometry is not None:
            x, y = chosen.centre
            canvas.set_geometry(replace(geometry, center_x=x, center_y=y), fitted=False)
        canvas.state.selection = (chosen.annotation_id,)

    # --- internals ----------------------------------------------------------------------

    @staticmethod
    def _fill_filter(combo: QComboBox, everything: str, names: list[str]) -> None:
        chosen = combo.currentData()
        present = sorted(set(names), key=str.casefold)
        if chosen is not None and chosen not in present:
            present.append(chosen)  # keep a choice whose rows are gone for now
            present.sort(key=str.casefold)
        wanted = [None, *present]
        if [combo.itemData(i) for i in range(combo.count())] != wanted:
            combo.blockSignals(True)
            combo.clear()
            combo.addItem(everything, None)
            for name in present:
                combo.addItem(name or "(no name)", name)
            combo.setCurrentIndex(max(combo.findData(chosen), 0) if chosen is not None else 0)
            combo.blockSignals(False)

    @staticmethod
    def _choose(combo: QComboBox, value: str | None) -> None:
        index = 0 if value is None else combo.findData(value)
        if index < 0:
            raise ValueError(f"no {value!r} to filter by; choose one of the list")
        combo.setCurrentIndex(index)

    def _show_rows(self) -> None:
        layer, finding = self.layer_filter.currentData(), self.finding_filter.currentData()
        rows = filter_rows(self._all, layer=layer, finding=finding)
        before = self.model.rowCount()
        self.model.set_rows(rows)
        if len(rows) != before:
            self.table.resizeColumnsToContents()
        shown, total = len(rows), len(self._all)
        if not total:
            self.count_label.setText("No annotations on this series")
        else:
            noun = "annotation" if total == 1 else "annotations"
            self.count_label.setText(
                f"{shown} of {total} {noun}" if shown != total else f"{total} {noun}"
            )
        self.copy_button.setEnabled(bool(rows))
        self._on_selection_changed(list(self._canvas.state.selection) if self._canvas else [])

    def _on_active_changed(self, canvas: ViewerCanvas) -> None:
        if canvas is self._canvas:
            return
        if self._canvas is not None:
            self._canvas.selection_changed.disconnect(self._on_selection_changed)
        self._canvas = canvas
        canvas.selection_changed.connect(self._on_selection_changed)
        self.annotations.set_canvas(canvas)

    def _on_selection_changed(self, ids: list[str]) -> None:
        """Highlight the rows of the annotations selected on the canvas."""
        chosen = set(ids)
        selection = QItemSelection()
        last = len(COLUMNS) - 1
        for r, row in enumerate(self.model.rows):
            if row.annotation_id in chosen:
                selection.select(self.model.index(r, 0), self.model.index(r, last))
        model = self.table.selectionModel()
        flags = QItemSelectionModel.SelectionFlag.ClearAndSelect
        model.select(selection, flags)


def install_findings_panel(window: QMainWindow) -> tuple[FindingsPanel, QDockWidget]:
    """Add the Findings dock under the layers panel, with its toggle in the View menu.

    Parameters
    ----------
    window : MainWindow
        The main window (its sessions, viewer area, ``_dock`` helper and View menu).

    Returns
    -------
    (FindingsPanel, QDockWidget)
        The panel and its dock.
    """
    panel = FindingsPanel(window.sessions, window.viewer, window)  # type: ignore[attr-defined]
    panel.setMaximumWidth(330)  # as wide as the layers panel above it: the film keeps its room
    make_dock = window._dock  # type: ignore[attr-defined]  # noqa: SLF001 - the window's helper
    # Right, under the layers (as OHIF's measurement panel): the film keeps its height.
    dock = make_dock("Findings", panel, Qt.DockWidgetArea.RightDockWidgetArea)
    layers = window.findChild(QDockWidget, "LayersPanel")
    if layers is not None:
        window.splitDockWidget(layers, dock, Qt.Orientation.Vertical)
        window.resizeDocks([layers, dock], [220, 420], Qt.Orientation.Vertical)
    toggle = dock.toggleViewAction()
    toggle.setText(TOGGLE_TEXT)
    toggle.setShortcut(QKeySequence(TOGGLE_KEYS))
    toggle.setToolTip(f"Show or hide the list of annotations ({TOGGLE_KEYS})")
    window.addAction(toggle)
    for action in window.menuBar().actions():
        menu = action.menu()
        if isinstance(menu, QMenu) and action.text().replace("&", "") == "View":
            menu.addSeparator()
            menu.addAction(toggle)
    actions = getattr(window, "actions_by_text", None)
    if isinstance(actions, dict):
        actions[TOGGLE_TEXT] = toggle
    return panel, dock
