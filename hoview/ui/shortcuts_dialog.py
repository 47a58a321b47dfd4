"""Help -> Keyboard shortcuts: every action that has keys, by menu."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget

#: Keys of panels, which no menu lists: (panel, what they do, keys).
PANEL_KEYS = [
    ("Findings panel", "Go to the row's annotation", "Enter, click"),
    ("Findings panel", "Copy the rows shown", "Ctrl+C"),
    ("Image", "Context menu: gap for a Brooker grade, bridging, calibration", "right click, Menu"),
    ("Image", "Drop the angle or Cobb angle being drawn", "Esc"),
    ("Series panel", "Show a series in the active viewport / in any", "click / drag a thumbnail"),
    ("Viewports", "Make a viewport the active one", "click in it"),
]


class ShortcutsDialog(QDialog):
    """A table of (menu, action, keys), then the panels' keys."""

    def __init__(self, rows: list[tuple[str, str, str]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        rows = [*rows, *PANEL_KEYS]
        self.setWindowTitle("Keyboard shortcuts")
        self.resize(560, 640)
        self.table = QTableWidget(len(rows), 3, self)
        self.table.setHorizontalHeaderLabels(["Menu", "Action", "Keys"])
        for r, row in enumerate(rows):
            for c, text in enumerate(row):
                self.table.setItem(r, c, QTableWidgetItem(text))
        self.table.resizeColumnsToContents()
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
